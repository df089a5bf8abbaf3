// Store: recordset operations (create, update, delete) with Designate's central-service checks.
#include "api_error.hpp"
#include "store.hpp"
#include "text_util.hpp"

#include <algorithm>

namespace accurate::designate_sim {

namespace {

bool endsWithLabel(const std::string& name, const std::string& zone) {
  return name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
         name[name.size() - zone.size() - 1] == '.';
}

ApiError invalidLocation(std::string message) {
  return ApiError(400, "invalid_recordset_location", std::move(message));
}

}  // namespace

void Store::checkRecordQuota(const Zone& zone, const Recordset* current, std::size_t new_count) const {
  if (current != nullptr && current->managed) return;  // quotas do not apply to managed records
  const Quotas quotas = quotasOf(zone.project);
  const std::int64_t current_count = current != nullptr ? static_cast<std::int64_t>(current->records.size()) : 0;
  const std::int64_t adjusted = zone.unmanaged_records - current_count + static_cast<std::int64_t>(new_count);
  if (quotas.zone_records >= 0 && adjusted > quotas.zone_records) throw overQuota("zone_records");
  if (quotas.recordset_records >= 0 && static_cast<std::int64_t>(new_count) > quotas.recordset_records) {
    throw overQuota("recordset_records");
  }
}

void Store::checkRecordsetPlacement(const Zone& zone, const std::string& name_lower, const std::string& type,
                                    const Recordset* current) const {
  if (name_lower != zone.name_lower && !endsWithLabel(name_lower, zone.name_lower)) {
    throw invalidLocation("RecordSet is not contained within it's parent zone");
  }
  if (type == "CNAME" && name_lower == zone.name_lower) {
    throw invalidLocation("CNAME recordsets may not be created at the zone apex");
  }
  if (const auto same = zone.rs_by_name.find(name_lower); same != zone.rs_by_name.end()) {
    for (const Recordset* other : same->second) {
      if (other == current) continue;
      if (type == "CNAME" || other->type == "CNAME") {
        throw invalidLocation("CNAME recordsets may not share a name with any other records");
      }
    }
  }
  // A name inside a child zone belongs there.
  for (std::size_t start = 0; name_lower.size() - start > zone.name_lower.size();) {
    const auto child = names_.find(name_lower.substr(start));
    if (child != names_.end() && child->second != &zone) {
      throw invalidLocation("RecordSet belongs in a child zone: " + child->second->name);
    }
    const std::size_t dot = name_lower.find('.', start);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
}

Recordset& Store::createRecordset(Zone& zone, const RecordsetSpec& spec, TimePoint now) {
  if (zone.action == Action::kDelete) throw badRequest("Can not update a deleting zone");
  const Quotas quotas = quotasOf(zone.project);
  if (quotas.zone_recordsets >= 0 && static_cast<std::int64_t>(zone.recordsets.size()) + 1 > quotas.zone_recordsets) {
    throw overQuota("zone_recordsets");
  }
  const std::string name_lower = toLower(spec.name);
  checkRecordsetPlacement(zone, name_lower, spec.type, nullptr);
  if (spec.type == "CNAME" && spec.records.size() > 1) {
    throw badRequest("CNAME recordsets may not have more than 1 record");
  }
  if (!spec.records.empty()) checkRecordQuota(zone, nullptr, spec.records.size());
  if (const auto same = zone.rs_by_name.find(name_lower); same != zone.rs_by_name.end()) {
    for (const Recordset* other : same->second) {
      if (other->type == spec.type) throw ApiError(409, "duplicate_recordset", "Duplicate RecordSet");
    }
  }

  const std::int64_t now_s = unixSeconds(now);
  Recordset rs;
  rs.id = Uuid::random(rng_);
  while (recordsets_.contains(rs.id)) rs.id = Uuid::random(rng_);
  rs.name = spec.name;
  rs.name_lower = name_lower;
  rs.type = spec.type;
  rs.records = spec.records;
  rs.ttl = spec.ttl;
  rs.description = spec.description;
  rs.created_at = now_s;
  rs.version = 1;
  const Uuid id = rs.id;
  const bool has_records = !rs.records.empty();
  addRecordset(zone, std::move(rs));
  Recordset& created = *findRecordset(id);
  if (has_records) {
    const TimePoint until = now + draw(options_.active_delay);
    created.status = Status::kPending;
    created.action = Action::kCreate;
    created.settle_gen = 1;
    schedule(until, EventKind::kRecordsetSettle, id, created.settle_gen);
    zone.version += 1;
    zone.updated_at = now_s;
    bumpSerial(zone, now_s);
    beginPending(zone, Action::kUpdate, until, std::nullopt);
    publish(zone, now);
  } else {
    created.status = Status::kActive;
    created.action = Action::kNone;
  }
  return created;
}

void Store::updateRecordset(Recordset& rs, const RecordsetPatch& patch, bool edit_managed, TimePoint now) {
  Zone& zone = *rs.zone;
  if (zone.action == Action::kDelete) throw badRequest("Can not update a deleting zone");
  if (rs.managed && !edit_managed) throw badRequest("Managed records may not be updated");
  const std::vector<std::string>& new_records = patch.records ? *patch.records : rs.records;
  checkRecordsetPlacement(zone, rs.name_lower, rs.type, &rs);
  if (rs.type == "CNAME" && new_records.size() > 1) {
    throw badRequest("CNAME recordsets may not have more than 1 record");
  }
  if (!new_records.empty()) checkRecordQuota(zone, &rs, new_records.size());

  const std::int64_t now_s = unixSeconds(now);
  if (patch.records) {
    if (!rs.managed) {
      zone.unmanaged_records += static_cast<std::int64_t>(patch.records->size()) -
                                static_cast<std::int64_t>(rs.records.size());
    }
    rs.records = *patch.records;
  }
  if (patch.ttl) rs.ttl = *patch.ttl;
  if (patch.description) rs.description = *patch.description;
  rs.version += 1;
  rs.updated_at = now_s;
  rs.settle_gen += 1;
  const TimePoint until = now + draw(options_.active_delay);
  if (!rs.records.empty()) {
    rs.status = Status::kPending;
    rs.action = Action::kUpdate;
    schedule(until, EventKind::kRecordsetSettle, rs.id, rs.settle_gen);
  } else {
    rs.status = Status::kActive;
    rs.action = Action::kNone;
  }
  zone.version += 1;
  zone.updated_at = now_s;
  bumpSerial(zone, now_s);
  beginPending(zone, Action::kUpdate, until, std::nullopt);
  publish(zone, now);
}

Recordset Store::deleteRecordset(Recordset& rs, bool edit_managed, TimePoint now) {
  if (rs.type == "SOA") throw badRequest("Deleting a SOA recordset is not allowed");
  Zone& zone = *rs.zone;
  if (zone.action == Action::kDelete) throw badRequest("Can not update a deleting zone");
  if (rs.managed && !edit_managed) throw badRequest("Managed records may not be deleted");

  const std::int64_t now_s = unixSeconds(now);
  Recordset result = rs;
  result.status = Status::kPending;
  result.action = Action::kDelete;
  result.version += 1;
  result.updated_at = now_s;

  zone.recordsets.erase(&rs);
  if (const auto same = zone.rs_by_name.find(rs.name_lower); same != zone.rs_by_name.end()) {
    auto& list = same->second;
    list.erase(std::remove(list.begin(), list.end(), &rs), list.end());
    if (list.empty()) zone.rs_by_name.erase(same);
  }
  if (!rs.managed) zone.unmanaged_records -= static_cast<std::int64_t>(rs.records.size());
  if (&rs == zone.ns) zone.ns = nullptr;
  const Uuid id = rs.id;  // not a reference into the element being erased
  recordsets_.erase(id);

  zone.version += 1;
  zone.updated_at = now_s;
  bumpSerial(zone, now_s);
  beginPending(zone, Action::kUpdate, now + draw(options_.active_delay), std::nullopt);
  publish(zone, now);
  return result;
}

}  // namespace accurate::designate_sim
