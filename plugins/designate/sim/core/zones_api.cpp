// Api: /v2/zones — list, create, get, PATCH, DELETE, nameservers.
#include "api.hpp"
#include "render.hpp"
#include "text_util.hpp"
#include "validation.hpp"

namespace accurate::designate_sim {

namespace {

/// Whether @p zone passes the zone filters of @p params.
bool zoneMatches(const Zone& zone, const ListParams& params) {
  for (const auto& [key, value] : params.filters) {
    if (key == "name") {
      if (!filterMatch(value, zone.name)) return false;
    } else if (key == "status") {
      if (!filterMatch(value, statusName(zone.status))) return false;
    } else if (key == "email") {
      if (!filterMatch(value, zone.email)) return false;
    } else if (key == "ttl") {
      if (!filterMatch(value, std::to_string(zone.ttl))) return false;
    } else if (key == "type") {
      if (!filterMatch(value, "PRIMARY")) return false;
    } else if (key == "description") {
      if (!zone.description || !filterMatch(value, *zone.description)) return false;
    }
  }
  return true;
}

SortValue zoneSortValue(const Zone& zone, const std::string& key) {
  if (key == "updated_at") return {zone.updated_at.value_or(-1), {}};
  if (key == "name") return {0, zone.name_lower};
  if (key == "tenant_id") return {0, zone.project};
  if (key == "serial") return {zone.serial, {}};
  if (key == "ttl") return {zone.ttl, {}};
  if (key == "status") return {0, std::string(statusName(zone.status))};
  return {zone.created_at, {}};
}

SimResponse zoneAnswer(unsigned status, const Zone& zone, const RequestContext& ctx, bool location) {
  JsonWriter w;
  w.reserve(768);
  writeZone(w, zone, ctx.api_base);
  SimResponse response = jsonResponse(status, std::move(w.str()));
  if (location) response.headers.emplace_back("Location", ctx.api_base + "/zones/" + zone.id.str());
  return response;
}

/// The email/ttl/description fields shared by POST and PATCH.
void readCommonFields(const boost::json::object& body, std::optional<std::string>& email,
                      std::optional<std::int64_t>& ttl, std::optional<std::optional<std::string>>& description) {
  for (const auto& entry : body) {
    const std::string_view key(entry.key().data(), entry.key().size());
    const boost::json::value& value = entry.value();
    if (key == "email") {
      email = stringField(value, "email", false, 255);
      if (const auto problem = emailProblem(*email)) throw valueError(*problem);
    } else if (key == "ttl") {
      if (!value.is_null()) ttl = integerField(value, "ttl", 0, kMaxTtl);
    } else if (key == "description") {
      description = stringField(value, "description", true, 160);
    }
  }
}

}  // namespace

SimResponse Api::listZones(RequestContext& ctx) {
  const ListParams params = parseListParams(
      ctx, {"created_at", "id", "updated_at", "name", "tenant_id", "serial", "ttl", "status"},
      {"name", "status", "email", "ttl", "type", "description"});
  const Zone* marker = nullptr;
  if (params.marker) {
    marker = store_.findZone(*params.marker);
    if (marker == nullptr || !visible(ctx, marker->project)) throw markerNotFound();
  }
  const auto match = [&](const Zone& zone) { return zoneMatches(zone, params); };
  const OrderedIndex<Zone>* scope = nullptr;
  if (ctx.all_projects) {
    scope = &store_.allZones();
  } else if (const Project* project = store_.findProject(ctx.project)) {
    scope = &project->zones;
  }
  Page<Zone> page;
  const std::string* name = params.filter("name");
  if (name != nullptr && name->find('*') == std::string::npos) {
    // Exact name: at most one zone (names are unique), found through the name index.
    std::vector<const Zone*> matching;
    if (const Zone* zone = store_.findZoneByName(toLower(*name)); zone && visible(ctx, zone->project) && match(*zone)) {
      matching.push_back(zone);
    }
    page = pageSorted(matching, params, marker, [&](const Zone& z) { return zoneSortValue(z, params.sort_key); });
  } else if (scope == nullptr) {
    page = Page<Zone>{};
  } else if (params.sort_key == "created_at" || params.sort_key == "id") {
    page = pageIndex(*scope, params, marker, match, !params.filters.empty());
  } else {
    std::vector<const Zone*> matching;
    for (const auto& [id, zone] : scope->by_id) {
      if (match(*zone)) matching.push_back(zone);
    }
    page = pageSorted(matching, params, marker, [&](const Zone& z) { return zoneSortValue(z, params.sort_key); });
  }
  JsonWriter w;
  w.reserve(512 + page.items.size() * 700);
  w.beginObject().key("zones").beginArray();
  for (const Zone* zone : page.items) writeZone(w, *zone, ctx.api_base);
  w.endArray();
  writeListTail(w, ctx, params, page, false);
  w.endObject();
  return jsonResponse(200, std::move(w.str()));
}

SimResponse Api::createZone(RequestContext& ctx) {
  const boost::json::object body = parseJsonBody(ctx);
  const auto unknown =
      unknownKeys(body, {"name", "email", "ttl", "description", "type", "masters", "attributes"});
  if (!unknown.empty()) throw invalidKeys(pyListRepr(unknown), "zone");
  ZoneSpec spec;
  spec.project = ctx.project;
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::int64_t> ttl;
  std::optional<std::optional<std::string>> description;
  for (const auto& entry : body) {
    const std::string_view key(entry.key().data(), entry.key().size());
    const boost::json::value& value = entry.value();
    if (key == "name") {
      name = stringField(value, "name", false, 255);
      if (const auto problem = zoneNameProblem(*name)) throw valueError(*problem);
    } else if (key == "type") {
      const auto type = stringField(value, "type", false, 16);
      if (*type == "SECONDARY") throw badRequest("The simulator does not support SECONDARY zones");
      if (*type != "PRIMARY") {
        throw ApiError({SchemaError{"[\"type\"]", pyRepr(*type) + " is not one of ['PRIMARY', 'SECONDARY']", "enum",
                                    "[\"PRIMARY\", \"SECONDARY\"]"}});
      }
    } else if (key == "masters") {
      if (!value.is_array() || !value.get_array().empty()) {
        throw badRequest("Masters can only be set on SECONDARY zones");
      }
    } else if (key == "attributes") {
      if (!value.is_object()) {
        throw ApiError({SchemaError{"[\"attributes\"]", "attributes must be an object", "type", "\"object\""}});
      }
      for (const auto& attribute : value.get_object()) {
        const auto text = stringField(attribute.value(), "attributes", false, 255);
        spec.attributes.emplace_back(std::string(attribute.key()), *text);
      }
    }
  }
  readCommonFields(body, email, ttl, description);
  std::vector<SchemaError> missing;
  if (!name) missing.push_back(requiredError("[\"name\"]", "name"));
  if (!email) missing.push_back(requiredError("[\"type\", \"email\"]", "email"));
  if (!missing.empty()) throw ApiError(std::move(missing));
  spec.name = *name;
  spec.email = *email;
  if (ttl) spec.ttl = *ttl;
  if (description) spec.description = *description;
  const Zone& zone = store_.createZone(spec, ctx.now);
  return zoneAnswer(202, zone, ctx, true);
}

SimResponse Api::getZone(RequestContext& ctx, const std::string& id) {
  return zoneAnswer(200, visibleZone(ctx, id), ctx, false);
}

SimResponse Api::patchZone(RequestContext& ctx, const std::string& id) {
  parsePathId(id, "zone_id");
  const boost::json::object body = parseJsonBody(ctx);
  Zone& zone = visibleZone(ctx, id);
  if (zone.action == Action::kDelete) throw badRequest("Can not update a deleting zone");
  const auto unknown = unknownKeys(body, {"email", "ttl", "description"});
  if (!unknown.empty()) throw invalidKeys(pyListRepr(unknown), "zone");
  ZonePatch patch;
  readCommonFields(body, patch.email, patch.ttl, patch.description);
  store_.updateZone(zone, patch, ctx.now);
  return zoneAnswer(202, zone, ctx, false);
}

SimResponse Api::deleteZone(RequestContext& ctx, const std::string& id) {
  Zone& zone = visibleZone(ctx, id);
  store_.deleteZone(zone, ctx.now);
  return zoneAnswer(202, zone, ctx, false);
}

SimResponse Api::nameservers(RequestContext& ctx, const std::string& id) {
  visibleZone(ctx, id);
  JsonWriter w;
  w.beginObject().key("nameservers").beginArray().beginObject();
  w.key("hostname").value(options_.nameserver).key("priority").value(1);
  w.endObject().endArray().endObject();
  return jsonResponse(200, std::move(w.str()));
}

}  // namespace accurate::designate_sim
