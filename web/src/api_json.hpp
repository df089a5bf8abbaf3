#pragma once
/// @file api_json.hpp
/// The JSON answers of the API (docs/web-api.md), built as pure functions of a snapshot and the run's state so
/// that they are tested without a server. Field names follow Locust 2.12's web API where it has them.

#include "run_control.hpp"

#include "report/report_store.hpp"

#include <accurate/sdk/stats.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::web {

/// Most entries /stats/requests lists before the total row (Locust's limit; the total is always kept).
inline constexpr std::size_t kMaxStatsRows = 500;
/// Most error groups /stats/requests lists (Locust's limit).
inline constexpr std::size_t kMaxErrorRows = 500;

/// @p text with &, < and > replaced by HTML entities (Python's html.escape(text, quote=False)).
std::string escapeHtml(std::string_view text);

/// {"success": false, "message": @p message}: the body of every 4xx/5xx JSON answer.
boost::json::object errorJson(std::string_view message);

/// One row of /stats/requests for @p entry (the total row when @p entry is the snapshot's total).
boost::json::object requestRowJson(const sdk::EntryStats& entry);

/// GET /stats/requests: rows (at most kMaxStatsRows entries, then the "Aggregated" total), errors, rates,
/// window percentiles (from the latest history point), state and user count (from @p run), counters, workers.
boost::json::object requestsJson(const sdk::StatsSnapshot& snapshot, const RunInfo& run);

/// requestsJson() without the fields that come from @p run: what every client gets for one snapshot.
boost::json::object requestsSnapshotJson(const sdk::StatsSnapshot& snapshot);

/// Adds the fields of requestsJson() that come from @p run (state, user_count, workers) to @p out.
void addRunFields(boost::json::object& out, const sdk::StatsSnapshot& snapshot, const RunInfo& run);

/// GET /stats/history: {"history": [points with time > @p since]} (every point when @p since is empty).
boost::json::object historyJson(const sdk::StatsSnapshot& snapshot, std::optional<double> since);

/// GET /exceptions: {"exceptions": [{"count", "msg", "traceback": "", "nodes": ""}]}.
boost::json::object exceptionsJson(const sdk::StatsSnapshot& snapshot);

/// The "workers" array of /status and /stats/requests.
boost::json::array workersJson(const std::vector<WorkerInfo>& workers);

/// GET /status.
boost::json::object statusJson(const RunInfo& run);

/// GET /info.
boost::json::object infoJson(const UiInfo& ui);

/// GET /reports/json: one object per report, in the order given (ReportStore::list() is newest first).
boost::json::array reportsListJson(const std::vector<report::ReportListEntry>& reports);

}  // namespace accurate::web
