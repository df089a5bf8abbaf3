#include "store.hpp"

#include "api_error.hpp"
#include "text_util.hpp"
#include "zonefile.hpp"

#include <algorithm>
#include <random>

namespace accurate::designate_sim {

namespace {

/// "www.example.test." → "test.example.www." (descendants of a zone share its reversed prefix).
std::string reverseLabels(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  while (!name.empty()) {
    const std::size_t dot = name.rfind('.');
    const std::string_view label = dot == std::string_view::npos ? name : name.substr(dot + 1);
    out.append(label);
    out.push_back('.');
    if (dot == std::string_view::npos) break;
    name = name.substr(0, dot);
  }
  return out;
}

}  // namespace

std::string_view statusName(Status status) noexcept {
  switch (status) {
    case Status::kPending: return "PENDING";
    case Status::kActive: return "ACTIVE";
    case Status::kError: return "ERROR";
    case Status::kComplete: return "COMPLETE";
  }
  return "ERROR";
}

std::string_view actionName(Action action) noexcept {
  switch (action) {
    case Action::kNone: return "NONE";
    case Action::kCreate: return "CREATE";
    case Action::kUpdate: return "UPDATE";
    case Action::kDelete: return "DELETE";
  }
  return "NONE";
}

Store::Store(const SimOptions& options, sdk::Rng& rng, DnsView& dns) : options_(options), rng_(rng), dns_(dns) {}

std::chrono::milliseconds Store::draw(const DelayRange& range) {
  const auto lo = std::max<std::int64_t>(0, range.min.count());
  const auto hi = std::max<std::int64_t>(lo, range.max.count());
  if (lo == hi) return std::chrono::milliseconds(lo);
  std::uniform_int_distribution<std::int64_t> dist(lo, hi);
  return std::chrono::milliseconds(dist(rng_));
}

bool Store::drawZoneError() {
  if (options_.zone_error_rate <= 0) return false;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < options_.zone_error_rate;
}

void Store::schedule(TimePoint due, EventKind kind, const Uuid& id, std::uint64_t gen) {
  events_.push(Event{due, event_seq_++, kind, id, gen});
}

Project& Store::project(const std::string& name) { return projects_[name]; }

void Store::dropIfEmpty(const std::string& name) {
  const auto it = projects_.find(name);
  if (it == projects_.end()) return;
  const Project& p = it->second;
  if (p.zones.size() == 0 && p.imports.size() == 0 && p.exports.size() == 0 && !p.quotas) projects_.erase(it);
}

const Project* Store::findProject(const std::string& name) const {
  const auto it = projects_.find(name);
  return it == projects_.end() ? nullptr : &it->second;
}

Zone* Store::findZone(const Uuid& id) {
  const auto it = zones_.find(id);
  return it == zones_.end() ? nullptr : &it->second;
}

Zone* Store::findZoneByName(const std::string& name_lower) {
  const auto it = names_.find(name_lower);
  return it == names_.end() ? nullptr : it->second;
}

Recordset* Store::findRecordset(const Uuid& id) {
  const auto it = recordsets_.find(id);
  return it == recordsets_.end() ? nullptr : &it->second;
}

ImportTask* Store::findImport(const Uuid& id) {
  const auto it = imports_.find(id);
  return it == imports_.end() ? nullptr : &it->second;
}

ExportTask* Store::findExport(const Uuid& id) {
  const auto it = exports_.find(id);
  return it == exports_.end() ? nullptr : &it->second;
}

Quotas Store::quotasOf(const std::string& name) const {
  const Project* p = findProject(name);
  return (p != nullptr && p->quotas) ? *p->quotas : options_.quotas;
}

bool Store::setQuota(const std::string& name, std::string_view resource, std::int64_t value) {
  Quotas q = quotasOf(name);
  if (resource == "zones") {
    q.zones = value;
  } else if (resource == "zone_recordsets") {
    q.zone_recordsets = value;
  } else if (resource == "zone_records") {
    q.zone_records = value;
  } else if (resource == "recordset_records") {
    q.recordset_records = value;
  } else if (resource == "api_export_size") {
    q.api_export_size = value;
  } else {
    return false;
  }
  project(name).quotas = q;
  return true;
}

void Store::resetQuotas(const std::string& name) {
  const auto it = projects_.find(name);
  if (it != projects_.end()) it->second.quotas.reset();
  dropIfEmpty(name);
}

std::string Store::soaData(const Zone& zone) const {
  std::string rname = zone.email;
  const std::size_t at = rname.find('@');
  if (at != std::string::npos) rname[at] = '.';
  return options_.nameserver + " " + rname + ". " + std::to_string(zone.serial) + " " + std::to_string(zone.refresh) +
         " 600 86400 3600";
}

void Store::advance(TimePoint now) {
  while (!events_.empty() && events_.top().due <= now) {
    const Event event = events_.top();
    events_.pop();
    switch (event.kind) {
      case EventKind::kZoneSettle: settleZone(event); break;
      case EventKind::kRecordsetSettle: {
        Recordset* rs = findRecordset(event.id);
        if (rs != nullptr && rs->settle_gen == event.gen && rs->status == Status::kPending) {
          rs->status = Status::kActive;
          rs->action = Action::kNone;
        }
        break;
      }
      case EventKind::kZonePurge: purgeZone(event.id); break;
      case EventKind::kImportDone: completeImport(event); break;
      case EventKind::kExportDone: {
        ExportTask* task = findExport(event.id);
        if (task != nullptr && task->status == Status::kPending) {
          task->status = task->message ? Status::kError : Status::kComplete;
          task->version += 1;
          task->updated_at = unixSeconds(event.due);
        }
        break;
      }
    }
  }
  dns_.prune(now);
}

void Store::beginPending(Zone& zone, Action action, TimePoint until, std::optional<bool> error) {
  const bool was_pending = zone.status == Status::kPending;
  zone.status = Status::kPending;
  zone.action = action;
  zone.pending_until = was_pending ? std::max(zone.pending_until, until) : until;
  if (error) {
    zone.settle_error = *error;
  } else if (!was_pending) {
    zone.settle_error = false;
  }
  zone.settle_gen += 1;
  schedule(zone.pending_until, EventKind::kZoneSettle, zone.id, zone.settle_gen);
}

void Store::settleZone(const Event& event) {
  Zone* zone = findZone(event.id);
  if (zone == nullptr || zone->settle_gen != event.gen || zone->action == Action::kDelete ||
      zone->status != Status::kPending) {
    return;
  }
  const bool error = zone->settle_error;
  zone->status = error ? Status::kError : Status::kActive;
  if (!error) zone->action = Action::kNone;
  zone->version += 1;
  zone->updated_at = unixSeconds(event.due);
  zone->settle_error = false;
  for (Recordset* managed : {zone->soa, zone->ns}) {
    if (managed != nullptr && managed->status == Status::kPending) {
      managed->status = zone->status;
      managed->action = error ? managed->action : Action::kNone;
    }
  }
}

void Store::bumpSerial(Zone& zone, std::int64_t now_s) {
  zone.serial = std::max(now_s, zone.serial + 1);
  if (zone.soa != nullptr) {
    zone.soa->records.assign(1, soaData(zone));
    zone.soa->version += 1;
    zone.soa->updated_at = now_s;
    zone.soa->status = Status::kPending;
    zone.soa->action = Action::kUpdate;
  }
}

void Store::publish(const Zone& zone, TimePoint now) {
  if (zone.settle_error) return;  // the backend "failed": the change never reaches the nameserver
  auto content = std::make_shared<DnsZoneContent>();
  content->apex = zone.name_lower;
  const auto zone_ttl = static_cast<std::uint32_t>(std::clamp<std::int64_t>(zone.ttl, 0, kMaxDnsTtl));
  content->soa = DnsRecord{zone.name_lower, 6, zone_ttl, soaData(zone)};
  content->negative_ttl = std::min<std::uint32_t>(zone_ttl, 3600);
  for (const auto& [id, rs] : zone.recordsets.by_id) {
    const std::uint16_t type = dnsTypeNumber(rs->type);
    if (type == 0) continue;
    const auto ttl = rs->ttl ? static_cast<std::uint32_t>(std::clamp<std::int64_t>(*rs->ttl, 0, kMaxDnsTtl))
                             : zone_ttl;
    for (const std::string& data : rs->records) content->records.push_back(DnsRecord{rs->name_lower, type, ttl, data});
  }
  std::stable_sort(content->records.begin(), content->records.end(),
                   [](const DnsRecord& a, const DnsRecord& b) { return a.name < b.name; });
  dns_.publish(zone.name_lower, std::move(content), now + options_.propagation_delay);
}

void Store::addRecordset(Zone& zone, Recordset&& recordset) {
  recordset.zone = &zone;
  const Uuid id = recordset.id;
  auto [it, inserted] = recordsets_.emplace(id, std::move(recordset));
  Recordset* rs = &it->second;
  zone.recordsets.insert(rs);
  zone.rs_by_name[rs->name_lower].push_back(rs);
  if (!rs->managed) zone.unmanaged_records += static_cast<std::int64_t>(rs->records.size());
}

Zone& Store::createZone(const ZoneSpec& spec, TimePoint now) { return createZoneAt(spec, nullptr, now); }

Zone& Store::createZoneAt(const ZoneSpec& spec, const ParsedZone* parsed, TimePoint now) {
  const Quotas quotas = quotasOf(spec.project);
  const Project* owner = findProject(spec.project);
  const std::int64_t count = owner != nullptr ? static_cast<std::int64_t>(owner->zones.size()) : 0;
  if (quotas.zones >= 0 && count + 1 > quotas.zones) throw overQuota("zones");

  const std::string lower = toLower(spec.name);
  std::string_view trimmed = lower;
  while (!trimmed.empty() && trimmed.front() == '.') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == '.') trimmed.remove_suffix(1);
  if (trimmed.find('.') == std::string_view::npos) {
    throw ApiError(400, "invalid_zone_name", "More than one label is required");
  }
  if (lower.size() > 255) throw ApiError(400, "invalid_zone_name", "Name too long");

  // Sub-zone of another project's zone: the nearest existing parent decides.
  for (std::size_t dot = lower.find('.'); dot != std::string::npos && dot + 1 < lower.size();
       dot = lower.find('.', dot + 1)) {
    const auto parent = names_.find(lower.substr(dot + 1));
    if (parent == names_.end()) continue;
    if (parent->second->project != spec.project) {
      throw ApiError(403, "illegal_child", "Unable to create subzone in another tenants zone");
    }
    break;
  }
  // Parent of another project's zone.
  const std::string reversed = reverseLabels(lower);
  for (auto it = reversed_names_.upper_bound(reversed);
       it != reversed_names_.end() && it->first.compare(0, reversed.size(), reversed) == 0; ++it) {
    if (it->second->project != spec.project) {
      throw ApiError(403, "illegal_parent",
                     "Unable to create zone because another tenant owns a subzone of the zone");
    }
  }
  if (const auto existing = names_.find(lower); existing != names_.end()) {
    if (existing->second->project != spec.project) {
      throw ApiError(409, "duplicate_zone", "Zone already exists, owned by a different tenant");
    }
    throw ApiError(409, "duplicate_zone", "Duplicate Zone");
  }

  // Import: check the recordset quotas before anything is stored.
  std::vector<RecordsetSpec> imported;
  if (parsed != nullptr) {
    std::map<std::pair<std::string, std::string>, std::size_t> groups;
    for (const ZoneFileRecord& record : parsed->records) {
      if (record.type == "NS" && record.name == lower) continue;  // the pool's NS records replace the file's
      const auto [it, inserted] = groups.emplace(std::make_pair(record.name, record.type), imported.size());
      if (inserted) imported.push_back(RecordsetSpec{record.name, record.type, {}, record.ttl, std::nullopt});
      RecordsetSpec& rs = imported[it->second];
      rs.ttl = std::min(*rs.ttl, record.ttl);
      if (std::find(rs.records.begin(), rs.records.end(), record.data) == rs.records.end()) {
        rs.records.push_back(record.data);
      }
    }
    std::int64_t total = 0;
    for (const RecordsetSpec& rs : imported) {
      total += static_cast<std::int64_t>(rs.records.size());
      if (quotas.recordset_records >= 0 && static_cast<std::int64_t>(rs.records.size()) > quotas.recordset_records) {
        throw overQuota("recordset_records");
      }
    }
    if (quotas.zone_recordsets >= 0 && static_cast<std::int64_t>(imported.size()) + 2 > quotas.zone_recordsets) {
      throw overQuota("zone_recordsets");
    }
    if (quotas.zone_records >= 0 && total > quotas.zone_records) throw overQuota("zone_records");
  }

  Uuid id = Uuid::random(rng_);
  while (zones_.contains(id)) id = Uuid::random(rng_);
  const std::int64_t now_s = unixSeconds(now);
  auto [it, inserted] = zones_.emplace(id, Zone{});
  Zone& zone = it->second;
  zone.id = id;
  zone.project = spec.project;
  zone.name = spec.name;
  zone.name_lower = lower;
  zone.email = spec.email;
  zone.description = spec.description;
  zone.ttl = spec.ttl;
  zone.attributes = spec.attributes;
  zone.serial = parsed != nullptr ? parsed->serial : now_s;
  zone.refresh = 3500 + static_cast<std::int64_t>(rng_() % 100);
  zone.created_at = now_s;
  zone.status = Status::kPending;
  zone.action = Action::kCreate;
  zone.version = 1;

  Project& p = project(spec.project);
  p.zones.insert(&zone);
  all_zones_.insert(&zone);
  names_.emplace(lower, &zone);
  reversed_names_.emplace(reversed, &zone);

  const auto managed = [&](const char* type, std::string data) {
    Recordset rs;
    rs.id = Uuid::random(rng_);
    rs.name = zone.name;
    rs.name_lower = lower;
    rs.type = type;
    rs.records.push_back(std::move(data));
    rs.status = Status::kPending;
    rs.action = Action::kCreate;
    rs.created_at = now_s;
    rs.managed = true;
    const Uuid rs_id = rs.id;
    addRecordset(zone, std::move(rs));
    return findRecordset(rs_id);
  };
  zone.soa = managed("SOA", soaData(zone));
  zone.ns = managed("NS", options_.nameserver);
  for (RecordsetSpec& spec_rs : imported) {
    Recordset rs;
    rs.id = Uuid::random(rng_);
    rs.name = spec_rs.name;
    rs.name_lower = spec_rs.name;
    rs.type = spec_rs.type;
    rs.records = std::move(spec_rs.records);
    rs.ttl = spec_rs.ttl;
    rs.created_at = now_s;
    addRecordset(zone, std::move(rs));
  }

  beginPending(zone, Action::kCreate, now + draw(options_.active_delay), drawZoneError());
  publish(zone, now);
  return zone;
}

void Store::updateZone(Zone& zone, const ZonePatch& patch, TimePoint now) {
  if (zone.action == Action::kDelete) throw badRequest("Can not update a deleting zone");
  const std::int64_t now_s = unixSeconds(now);
  if (patch.ttl) zone.ttl = *patch.ttl;
  if (patch.email) zone.email = *patch.email;
  if (patch.description) zone.description = *patch.description;
  zone.version += 1;
  zone.updated_at = now_s;
  bumpSerial(zone, now_s);
  beginPending(zone, Action::kUpdate, now + draw(options_.active_delay), drawZoneError());
  publish(zone, now);
}

void Store::deleteZone(Zone& zone, TimePoint now) {
  if (zone.action == Action::kDelete) return;
  zone.status = Status::kPending;
  zone.action = Action::kDelete;
  zone.version += 1;
  zone.updated_at = unixSeconds(now);
  zone.settle_gen += 1;
  schedule(now + draw(options_.zone_delete_delay), EventKind::kZonePurge, zone.id, 0);
  dns_.publish(zone.name_lower, nullptr, now + options_.propagation_delay);
}

void Store::purgeZone(const Uuid& id) {
  Zone* zone = findZone(id);
  if (zone == nullptr) return;
  for (const auto& [rs_id, rs] : zone->recordsets.by_id) recordsets_.erase(rs_id);
  const auto p = projects_.find(zone->project);
  if (p != projects_.end()) p->second.zones.erase(zone);
  all_zones_.erase(zone);
  names_.erase(zone->name_lower);
  reversed_names_.erase(reverseLabels(zone->name_lower));
  const std::string project_name = zone->project;
  zones_.erase(id);
  dropIfEmpty(project_name);
}

}  // namespace accurate::designate_sim
