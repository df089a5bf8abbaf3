// Api: /v2/quotas[/{project}] (GET, PATCH, DELETE) and /v2/limits.
#include "api.hpp"
#include "validation.hpp"

#include <limits>

namespace accurate::designate_sim {

namespace {

std::string quotaJson(const Quotas& q) {
  JsonWriter w;
  w.beginObject();
  w.key("zones").value(q.zones).key("zone_recordsets").value(q.zone_recordsets);
  w.key("zone_records").value(q.zone_records).key("recordset_records").value(q.recordset_records);
  w.key("api_export_size").value(q.api_export_size);
  w.endObject();
  return std::move(w.str());
}

bool isQuotaResource(std::string_view key) {
  return key == "zones" || key == "zone_recordsets" || key == "zone_records" || key == "recordset_records" ||
         key == "api_export_size";
}

}  // namespace

SimResponse Api::quotas(RequestContext& ctx, const std::string* project) {
  const std::string target = project != nullptr ? *project : ctx.project;
  if (ctx.method == "GET") return jsonResponse(200, quotaJson(store_.quotasOf(target)));
  if (!ctx.admin) throw ApiError(403, "forbidden", std::nullopt);
  if (ctx.method == "DELETE") {
    store_.resetQuotas(target);
    SimResponse response;
    response.status = 204;
    return response;
  }
  const boost::json::object body = parseJsonBody(ctx);
  std::vector<std::pair<std::string, std::int64_t>> changes;
  for (const auto& entry : body) {
    const std::string key(entry.key());
    if (!isQuotaResource(key)) throw valueError("Field value " + key + " is invalid");
    changes.emplace_back(key, integerField(entry.value(), "hard_limit", std::numeric_limits<std::int32_t>::min(),
                                           std::numeric_limits<std::int32_t>::max()));
  }
  for (const auto& [key, value] : changes) store_.setQuota(target, key, value);
  return jsonResponse(200, quotaJson(store_.quotasOf(target)));
}

SimResponse Api::limits(RequestContext& ctx) {
  const Quotas q = store_.quotasOf(ctx.project);
  JsonWriter w;
  w.beginObject();
  w.key("max_zones").value(q.zones).key("max_zone_recordsets").value(q.zone_recordsets);
  w.key("max_zone_records").value(q.zone_records).key("max_recordset_records").value(q.recordset_records);
  w.key("min_ttl").null().key("max_zone_name_length").value(255).key("max_recordset_name_length").value(255);
  w.key("max_page_limit").value(kMaxLimit);
  w.endObject();
  return jsonResponse(200, std::move(w.str()));
}

}  // namespace accurate::designate_sim
