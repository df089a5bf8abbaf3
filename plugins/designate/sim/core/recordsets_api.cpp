// Api: /v2/zones/{id}/recordsets and /v2/recordsets — list, create, get, PUT, DELETE.
#include "api.hpp"
#include "render.hpp"
#include "text_util.hpp"
#include "validation.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace accurate::designate_sim {

namespace {

bool recordsetMatches(const Recordset& rs, const ListParams& params) {
  for (const auto& [key, value] : params.filters) {
    if (key == "name") {
      if (!filterMatch(value, rs.name)) return false;
    } else if (key == "type") {
      if (!filterMatch(value, rs.type)) return false;
    } else if (key == "ttl") {
      if (!rs.ttl || !filterMatch(value, std::to_string(*rs.ttl))) return false;
    } else if (key == "data") {
      if (std::none_of(rs.records.begin(), rs.records.end(), [&](const std::string& r) { return filterMatch(value, r); })) {
        return false;
      }
    } else if (key == "status") {
      if (!filterMatch(value, statusName(rs.status))) return false;
    } else if (key == "description") {
      if (!rs.description || !filterMatch(value, *rs.description)) return false;
    } else if (key == "zone_id") {
      if (!filterMatch(value, rs.zone->id.str())) return false;
    }
  }
  return true;
}

SortValue recordsetSortValue(const Recordset& rs, const std::string& key) {
  if (key == "updated_at") return {rs.updated_at.value_or(-1), {}};
  if (key == "zone_id") return {0, rs.zone->id.str()};
  if (key == "tenant_id") return {0, rs.zone->project};
  if (key == "name") return {0, rs.name_lower};
  if (key == "type") return {0, rs.type};
  if (key == "ttl") return {rs.ttl.value_or(-1), {}};
  if (key == "records") return {0, rs.records.empty() ? std::string() : rs.records.front()};
  return {rs.created_at, {}};
}

SimResponse recordsetAnswer(unsigned status, const Recordset& rs, const RequestContext& ctx, bool location) {
  JsonWriter w;
  w.reserve(640);
  writeRecordset(w, rs, ctx.api_base);
  SimResponse response = jsonResponse(status, std::move(w.str()));
  if (location) {
    response.headers.emplace_back("Location",
                                  ctx.api_base + "/zones/" + rs.zone->id.str() + "/recordsets/" + rs.id.str());
  }
  return response;
}

/// Reads "records" for @p type, collecting format errors into @p errors.
std::vector<std::string> readRecords(const boost::json::value& value, const std::optional<std::string>& type,
                                     std::vector<SchemaError>& errors) {
  std::vector<std::string> records;
  if (value.is_null()) return records;
  if (!value.is_array()) {
    errors.push_back(SchemaError{"[\"records\"]", boost::json::serialize(value) + " is not of type 'array'", "type",
                                 "\"array\""});
    return records;
  }
  const auto& array = value.get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string path = "[\"records\", " + std::to_string(i) + "]";
    if (!array[i].is_string()) {
      errors.push_back(
          SchemaError{path, boost::json::serialize(array[i]) + " is not of type 'string'", "type", "\"string\""});
      continue;
    }
    std::string data(array[i].get_string());
    if (type && isKnownRecordType(*type) && *type != "SOA" && !validRecordData(*type, data)) {
      std::string type_json;
      JsonWriter::appendQuoted(type_json, *type);
      errors.push_back(SchemaError{path, pyRepr(data) + " is not a '" + *type + "' Record", "format",
                                   "[" + type_json + "]"});
    }
    records.push_back(std::move(data));
  }
  std::vector<std::string> sorted = records;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    errors.push_back(SchemaError{"[\"records\"]", pyListRepr(records) + " has non-unique elements", "uniqueItems",
                                 "true"});
  }
  return records;
}

}  // namespace

SimResponse Api::listRecordsets(RequestContext& ctx, const std::string* zone_id) {
  Zone* zone = zone_id != nullptr ? &visibleZone(ctx, *zone_id) : nullptr;
  std::initializer_list<std::string_view> zone_filters = {"name", "type", "ttl", "data", "status", "description"};
  std::initializer_list<std::string_view> all_filters = {"name",   "type",        "ttl",    "data",
                                                         "status", "description", "zone_id"};
  const ListParams params = parseListParams(
      ctx, {"created_at", "id", "updated_at", "zone_id", "tenant_id", "name", "type", "ttl", "records"},
      zone != nullptr ? zone_filters : all_filters);
  const Recordset* marker = nullptr;
  if (params.marker) {
    marker = store_.findRecordset(*params.marker);
    if (marker == nullptr || !visible(ctx, marker->zone->project)) throw markerNotFound();
  }
  const auto match = [&](const Recordset& rs) { return recordsetMatches(rs, params); };
  const auto sort_value = [&](const Recordset& rs) { return recordsetSortValue(rs, params.sort_key); };
  const std::string* name = params.filter("name");
  Page<Recordset> page;
  if (zone != nullptr && name != nullptr && name->find('*') == std::string::npos) {
    std::vector<const Recordset*> matching;
    if (const auto same = zone->rs_by_name.find(toLower(*name)); same != zone->rs_by_name.end()) {
      for (const Recordset* rs : same->second) {
        if (match(*rs)) matching.push_back(rs);
      }
    }
    page = pageSorted(matching, params, marker, sort_value);
  } else if (zone != nullptr && (params.sort_key == "created_at" || params.sort_key == "id")) {
    page = pageIndex(zone->recordsets, params, marker, match, !params.filters.empty());
  } else {
    std::vector<const Recordset*> matching;
    const auto collect = [&](const Zone& z) {
      for (const auto& [id, rs] : z.recordsets.by_id) {
        if (match(*rs)) matching.push_back(rs);
      }
    };
    if (zone != nullptr) {
      collect(*zone);
    } else if (ctx.all_projects) {
      for (const auto& [id, z] : store_.allZones().by_id) collect(*z);
    } else if (const Project* project = store_.findProject(ctx.project)) {
      for (const auto& [id, z] : project->zones.by_id) collect(*z);
    }
    page = pageSorted(matching, params, marker, sort_value);
  }
  JsonWriter w;
  w.reserve(512 + page.items.size() * 600);
  w.beginObject().key("recordsets").beginArray();
  for (const Recordset* rs : page.items) writeRecordset(w, *rs, ctx.api_base);
  w.endArray();
  writeListTail(w, ctx, params, page, ctx.hide_counts);
  w.endObject();
  return jsonResponse(200, std::move(w.str()));
}

SimResponse Api::createRecordset(RequestContext& ctx, const std::string& zone_id) {
  parsePathId(zone_id, "zone_id");
  const boost::json::object body = parseJsonBody(ctx);
  const auto unknown = unknownKeys(body, {"name", "type", "records", "ttl", "description"});
  if (!unknown.empty()) throw invalidKeys(pyListRepr(unknown), "recordset");
  RecordsetSpec spec;
  std::optional<std::string> name;
  std::optional<std::string> type;
  std::vector<SchemaError> errors;
  if (const auto* value = body.if_contains("name")) {
    name = stringField(*value, "name", false, 255);
    if (const auto problem = hostNameProblem(*name)) throw valueError(*problem);
  }
  if (const auto* value = body.if_contains("type")) {
    type = stringField(*value, "type", false, 16);
    if (!isKnownRecordType(*type)) {
      errors.push_back(SchemaError{"[\"type\"]", pyRepr(*type) + " is not a valid record type", "enum",
                                   "[\"A\", \"AAAA\", \"CNAME\", \"MX\", \"SRV\", \"TXT\", \"SPF\", \"NS\", \"PTR\", "
                                   "\"SSHFP\", \"SOA\", \"NAPTR\", \"CAA\", \"CERT\"]"});
    }
  }
  if (const auto* value = body.if_contains("ttl"); value != nullptr && !value->is_null()) {
    spec.ttl = integerField(*value, "ttl", 0, kMaxTtl);
  }
  if (const auto* value = body.if_contains("description")) spec.description = stringField(*value, "description", true, 160);
  if (const auto* value = body.if_contains("records")) spec.records = readRecords(*value, type, errors);
  if (!name) errors.push_back(requiredError("[\"name\"]", "name"));
  if (!type) errors.push_back(requiredError("[\"type\"]", "type"));
  if (!errors.empty()) throw ApiError(std::move(errors));
  if (*type == "SOA") throw badRequest("Creating a SOA recordset is not allowed");
  spec.name = *name;
  spec.type = *type;
  Zone& zone = visibleZone(ctx, zone_id);
  const Recordset& rs = store_.createRecordset(zone, spec, ctx.now);
  return recordsetAnswer(rs.status == Status::kPending ? 202 : 201, rs, ctx, true);
}

SimResponse Api::getRecordset(RequestContext& ctx, const std::string* zone_id, const std::string& id) {
  return recordsetAnswer(200, visibleRecordset(ctx, zone_id, id), ctx, false);
}

SimResponse Api::putRecordset(RequestContext& ctx, const std::string& zone_id, const std::string& id) {
  parsePathId(zone_id, "zone_id");
  parsePathId(id, "recordset_id");
  const boost::json::object body = parseJsonBody(ctx);
  Recordset& rs = visibleRecordset(ctx, &zone_id, id);
  if (rs.managed && !ctx.edit_managed) throw badRequest("Managed records may not be updated");
  if (rs.type == "SOA") throw badRequest("Updating SOA recordsets is not allowed");
  const auto unknown = unknownKeys(body, {"records", "ttl", "description"});
  if (!unknown.empty()) throw invalidKeys(pyListRepr(unknown), "recordset");
  RecordsetPatch patch;
  std::vector<SchemaError> errors;
  if (const auto* value = body.if_contains("ttl")) {
    patch.ttl = value->is_null() ? std::optional<std::int64_t>() : integerField(*value, "ttl", 0, kMaxTtl);
  }
  if (const auto* value = body.if_contains("description")) {
    patch.description = stringField(*value, "description", true, 160);
  }
  if (const auto* value = body.if_contains("records")) patch.records = readRecords(*value, rs.type, errors);
  if (!errors.empty()) throw ApiError(std::move(errors));
  store_.updateRecordset(rs, patch, ctx.edit_managed, ctx.now);
  return recordsetAnswer(rs.status == Status::kPending ? 202 : 200, rs, ctx, false);
}

SimResponse Api::deleteRecordset(RequestContext& ctx, const std::string& zone_id, const std::string& id) {
  Recordset& rs = visibleRecordset(ctx, &zone_id, id);
  const Recordset deleted = store_.deleteRecordset(rs, ctx.edit_managed, ctx.now);
  return recordsetAnswer(202, deleted, ctx, false);
}

}  // namespace accurate::designate_sim
