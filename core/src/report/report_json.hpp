#pragma once
/// @file report_json.hpp
/// report.json: the persisted summary of one run (schema in docs/report-schema.md), and a console summary of it
/// for `accurate report show`.

#include "report/thresholds.hpp"

#include <accurate/sdk/stats.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace accurate::report {

/// Version of the report.json layout; bumped when a field changes meaning.
inline constexpr int kReportSchemaVersion = 1;

/// What the report needs beyond the snapshot.
struct ReportMeta {
  std::string id;                         ///< report id (ReportStore::makeId); empty when not persisted
  double start_time = 0;                  ///< epoch seconds when the load phase began (0: the snapshot's)
  double end_time = 0;                    ///< epoch seconds when the test stopped (0: the snapshot's time)
  std::uint32_t max_users = 0;            ///< peak users (the larger of this and the snapshot's is reported)
  std::string host;                       ///< target base URL
  boost::json::value config;              ///< effective configuration, already redacted by the caller
  boost::json::object plugins;            ///< plugin name → the section it added (LifecycleListener::reportSection)
  std::vector<ThresholdResult> thresholds;///< threshold outcomes (empty when none were configured)
  int exit_code = 0;                      ///< the process exit code of the run
  boost::json::array workers;             ///< a cluster master's workers at the end (empty otherwise)
};

/// Builds report.json from the final @p snapshot and @p meta. Pure function; any thread.
boost::json::object buildReportJson(const sdk::StatsSnapshot& snapshot, const ReportMeta& meta);

/// One history point in report.json's form (also the web API's /stats/history items).
boost::json::object historyPointJson(const sdk::HistoryPoint& point);

/// One entry (or the total) in report.json's form; rates use @p duration_s seconds.
boost::json::object entryJson(const sdk::EntryStats& entry, double duration_s);

/// A compact console summary of a report.json (header, stats table with whole-run rates, percentiles, errors,
/// exceptions, thresholds). Tolerates missing or mistyped fields (shown as 0 or empty); never throws for a
/// JSON value of any shape.
std::string summarizeReportJson(const boost::json::value& report);

}  // namespace accurate::report
