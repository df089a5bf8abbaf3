#pragma once
/// @file routes.hpp
/// Registration of the API's routes on a Router, grouped by responsibility (docs/web-api.md).

#include "router.hpp"
#include "run_control.hpp"

#include <filesystem>
#include <memory>
#include <string_view>

namespace accurate::web {

/// What the route handlers read. Outlives the router (owned by the server).
struct RouteContext {
  RunControl& control;                  ///< the run (commands and snapshots)
  const UiInfo& ui;                     ///< facts for /info
  std::filesystem::path reports_dir;    ///< persisted reports (report::ReportStore)
};

/// @p control's latest snapshot; an empty one if it returned null.
std::shared_ptr<const sdk::StatsSnapshot> snapshotOf(const RunControl& control);

/// GET /info, POST /swarm, GET|POST /stop, GET|POST /stats/reset, GET /status, GET /stats/requests,
/// GET /stats/history, GET /exceptions.
void addControlRoutes(Router& router, RouteContext& context);

/// CSV and JSON downloads of the current snapshot: /stats/requests/csv, /stats/failures/csv,
/// /stats/requests_full_history/csv, /exceptions/csv, /stats/report.json.
void addDownloadRoutes(Router& router, RouteContext& context);

/// /reports (page), /reports/json, /reports/<id>.json, /reports/<id>/<file>, /reports/<id> (page).
void addReportRoutes(Router& router, RouteContext& context);

/// Answers the embedded page at @p asset_path (e.g. "/static/index.html"), or 404 when it is not embedded.
void servePage(httplib::Response& response, std::string_view asset_path);

/// GET / (live UI page) and GET /static/<path> (embedded assets).
void addPageRoutes(Router& router);

}  // namespace accurate::web
