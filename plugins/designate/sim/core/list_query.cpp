#include "list_query.hpp"

#include "text_util.hpp"

namespace accurate::designate_sim {

ApiError markerNotFound() { return ApiError(400, "marker_not_found", "Marker None could not be found"); }

ListParams parseListParams(const RequestContext& ctx, std::initializer_list<std::string_view> sort_keys,
                           std::initializer_list<std::string_view> filter_keys) {
  ListParams params;
  if (const std::string* limit = ctx.param("limit")) {
    if (*limit == "max") {
      params.limit = kMaxLimit;
    } else {
      const auto value = parsePyInt(*limit);
      if (!value || *value <= 0) {
        throw ApiError(400, "invalid_limit", "limit should be an integer between 1 and 1000");
      }
      params.limit = *value;
    }
  }
  if (const std::string* marker = ctx.param("marker"); marker != nullptr && !marker->empty()) {
    params.marker = Uuid::parse(*marker);
    if (!params.marker) throw ApiError(400, "invalid_marker", std::nullopt);
  }
  if (const std::string* key = ctx.param("sort_key"); key != nullptr && !key->empty()) {
    if (std::find(sort_keys.begin(), sort_keys.end(), std::string_view(*key)) == sort_keys.end()) {
      std::vector<std::string> allowed(sort_keys.begin(), sort_keys.end());
      throw ApiError(400, "invalid_sort_key", "sort key must be one of " + pyListRepr(allowed));
    }
    if (*key != "tenant_id" || ctx.all_projects) params.sort_key = *key;
  }
  if (const std::string* dir = ctx.param("sort_dir"); dir != nullptr && !dir->empty()) {
    if (*dir != "asc" && *dir != "desc") {
      throw ApiError(400, "invalid_sort_dir", "Unknown sort direction, must be 'desc' or 'asc'");
    }
    params.desc = *dir == "desc";
  }
  std::string invalid;
  for (const auto& [key, value] : ctx.query) {
    if (key == "limit" || key == "marker" || key == "sort_key" || key == "sort_dir") continue;
    if (std::find(filter_keys.begin(), filter_keys.end(), std::string_view(key)) == filter_keys.end()) {
      if (!invalid.empty()) invalid += ", ";
      invalid += key;
      continue;
    }
    // A repeated filter keeps its last value, like webob's MultiDict.
    auto same = std::find_if(params.filters.begin(), params.filters.end(), [&](const auto& f) { return f.first == key; });
    if (same != params.filters.end()) {
      same->second = value;
    } else {
      params.filters.emplace_back(key, value);
    }
  }
  if (!invalid.empty()) throw badRequest("Invalid filters " + invalid);
  return params;
}

}  // namespace accurate::designate_sim
