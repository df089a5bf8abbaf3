#pragma once
/// @file api.hpp
/// The Designate v2 resource handlers: zones, recordsets, import/export tasks, quotas and limits. The identity of
/// the request (project, roles, all-projects) is resolved before; handlers throw ApiError for error answers.

#include "list_query.hpp"
#include "model.hpp"
#include "request.hpp"
#include "store.hpp"

#include <span>
#include <string>
#include <string_view>

namespace accurate::designate_sim {

/// Parses a path id: 400 invalid_uuid "Invalid UUID <what>: <text>" unless it is a UUID.
Uuid parsePathId(std::string_view text, std::string_view what);

/// The v2 API over a Store. Threading: not synchronised (owned by the Simulator).
class Api {
 public:
  /// Uses @p store and @p options, which must outlive it.
  Api(Store& store, const SimOptions& options);

  /// Answers the request whose path below /v2 (and below the project, with the tenant in the URL) is @p segs:
  /// 404 not_found for unknown paths, 405 method_not_allowed for unsupported methods. Throws ApiError.
  SimResponse route(RequestContext& ctx, std::span<const std::string> segs);

 private:
  // Zones (zones_api.cpp).
  SimResponse listZones(RequestContext& ctx);
  SimResponse createZone(RequestContext& ctx);
  SimResponse getZone(RequestContext& ctx, const std::string& id);
  SimResponse patchZone(RequestContext& ctx, const std::string& id);
  SimResponse deleteZone(RequestContext& ctx, const std::string& id);
  SimResponse nameservers(RequestContext& ctx, const std::string& id);
  // Recordsets (recordsets_api.cpp).
  SimResponse listRecordsets(RequestContext& ctx, const std::string* zone_id);
  SimResponse createRecordset(RequestContext& ctx, const std::string& zone_id);
  SimResponse getRecordset(RequestContext& ctx, const std::string* zone_id, const std::string& id);
  SimResponse putRecordset(RequestContext& ctx, const std::string& zone_id, const std::string& id);
  SimResponse deleteRecordset(RequestContext& ctx, const std::string& zone_id, const std::string& id);
  // Import/export tasks (tasks_api.cpp).
  SimResponse createImport(RequestContext& ctx);
  SimResponse listImports(RequestContext& ctx);
  SimResponse importTask(RequestContext& ctx, const std::string& id);
  SimResponse createExport(RequestContext& ctx, const std::string& zone_id);
  SimResponse listExports(RequestContext& ctx);
  SimResponse exportTask(RequestContext& ctx, const std::string& id);
  SimResponse downloadExport(RequestContext& ctx, const std::string& id);
  // Quotas and limits (quotas_api.cpp).
  SimResponse quotas(RequestContext& ctx, const std::string* project);
  SimResponse limits(RequestContext& ctx);

  /// Whether an object of @p project is visible to the request (own project, or all-projects).
  static bool visible(const RequestContext& ctx, const std::string& project) noexcept {
    return ctx.all_projects || project == ctx.project;
  }
  /// The zone @p id visible to the request: 400 invalid_uuid, 404 zone_not_found.
  Zone& visibleZone(const RequestContext& ctx, const std::string& id);
  /// The recordset @p id of zone @p zone_id visible to the request: 400 invalid_uuid, 404 recordset_not_found /
  /// zone_not_found.
  Recordset& visibleRecordset(const RequestContext& ctx, const std::string* zone_id, const std::string& id);

  Store& store_;               ///< storage and lifecycle
  const SimOptions& options_;  ///< behaviour (nameserver, quotas)
};

/// 405 method_not_allowed (no message).
ApiError methodNotAllowed();
/// 404 not_found "resource not found".
ApiError notFound();

}  // namespace accurate::designate_sim
