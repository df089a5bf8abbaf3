// Api: the v2 URL map, and the shared lookups of visible zones and recordsets.
#include "api.hpp"

namespace accurate::designate_sim {

Uuid parsePathId(std::string_view text, std::string_view what) {
  const auto id = Uuid::parse(text);
  if (!id) throw ApiError(400, "invalid_uuid", "Invalid UUID " + std::string(what) + ": " + std::string(text));
  return *id;
}

ApiError methodNotAllowed() { return ApiError(405, "method_not_allowed", std::nullopt); }

ApiError notFound() { return ApiError(404, "not_found", "resource not found"); }

Api::Api(Store& store, const SimOptions& options) : store_(store), options_(options) {}

Zone& Api::visibleZone(const RequestContext& ctx, const std::string& id) {
  Zone* zone = store_.findZone(parsePathId(id, "zone_id"));
  if (zone == nullptr || !visible(ctx, zone->project)) throw ApiError(404, "zone_not_found", "Could not find Zone");
  return *zone;
}

Recordset& Api::visibleRecordset(const RequestContext& ctx, const std::string* zone_id, const std::string& id) {
  const std::optional<Uuid> zid = zone_id != nullptr ? std::optional(parsePathId(*zone_id, "zone_id")) : std::nullopt;
  Recordset* rs = store_.findRecordset(parsePathId(id, "recordset_id"));
  if (rs == nullptr || (zid && rs->zone->id != *zid)) {
    throw ApiError(404, "recordset_not_found", "Could not find RecordSet");
  }
  if (!visible(ctx, rs->zone->project)) throw ApiError(404, "zone_not_found", "Could not find Zone");
  return *rs;
}

SimResponse Api::route(RequestContext& ctx, std::span<const std::string> segs) {
  const std::string& m = ctx.method;
  const bool get = m == "GET";
  const std::size_t n = segs.size();
  if (n == 0) throw notFound();
  const std::string& top = segs[0];
  if (top == "zones") {
    if (n == 1) {
      if (get) return listZones(ctx);
      if (m == "POST") return createZone(ctx);
      throw methodNotAllowed();
    }
    if (segs[1] == "tasks") {
      if (n >= 3 && segs[2] == "imports") {
        if (n == 3) {
          if (get) return listImports(ctx);
          if (m == "POST") return createImport(ctx);
          throw methodNotAllowed();
        }
        if (n == 4) {
          if (get || m == "DELETE") return importTask(ctx, segs[3]);
          throw methodNotAllowed();
        }
      } else if (n >= 3 && segs[2] == "exports") {
        if (n == 3) {
          if (get) return listExports(ctx);
          throw methodNotAllowed();
        }
        if (n == 4) {
          if (get || m == "DELETE") return exportTask(ctx, segs[3]);
          throw methodNotAllowed();
        }
        if (n == 5 && segs[4] == "export") {
          if (get) return downloadExport(ctx, segs[3]);
          throw methodNotAllowed();
        }
      }
      throw notFound();
    }
    const std::string& zone_id = segs[1];
    if (n == 2) {
      if (get) return getZone(ctx, zone_id);
      if (m == "PATCH") return patchZone(ctx, zone_id);
      if (m == "DELETE") return deleteZone(ctx, zone_id);
      throw methodNotAllowed();
    }
    if (segs[2] == "recordsets") {
      if (n == 3) {
        if (get) return listRecordsets(ctx, &zone_id);
        if (m == "POST") return createRecordset(ctx, zone_id);
        throw methodNotAllowed();
      }
      if (n == 4) {
        if (get) return getRecordset(ctx, &zone_id, segs[3]);
        if (m == "PUT") return putRecordset(ctx, zone_id, segs[3]);
        if (m == "DELETE") return deleteRecordset(ctx, zone_id, segs[3]);
        throw methodNotAllowed();
      }
    } else if (segs[2] == "nameservers" && n == 3) {
      if (get) return nameservers(ctx, zone_id);
      throw methodNotAllowed();
    } else if (segs[2] == "tasks" && n == 4 && segs[3] == "export") {
      if (m == "POST") return createExport(ctx, zone_id);
      throw methodNotAllowed();
    }
    throw notFound();
  }
  if (top == "recordsets") {
    if (n == 1) {
      if (get) return listRecordsets(ctx, nullptr);
      throw methodNotAllowed();
    }
    if (n == 2) {
      if (get) return getRecordset(ctx, nullptr, segs[1]);
      throw methodNotAllowed();
    }
    throw notFound();
  }
  if (top == "quotas" && n <= 2) {
    if (get || m == "PATCH" || m == "DELETE") return quotas(ctx, n == 2 ? &segs[1] : nullptr);
    throw methodNotAllowed();
  }
  if (top == "limits" && n == 1) {
    if (get) return limits(ctx);
    throw methodNotAllowed();
  }
  throw notFound();
}

}  // namespace accurate::designate_sim
