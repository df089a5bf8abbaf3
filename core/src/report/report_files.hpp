#pragma once
/// @file report_files.hpp
/// Everything persisted for one run, rendered in one call: report.json, report.html and the four CSV files.

#include "report/report_json.hpp"
#include "report/report_store.hpp"

#include <accurate/sdk/stats.hpp>

namespace accurate::report {

/// The files of a persisted report: "report.json" (indented), "report.html", "stats.csv",
/// "stats_history.csv", "failures.csv", "exceptions.csv". Set @p meta.id first (ReportStore::makeId) so that
/// report.json and the HTML carry it, then hand the result to ReportStore::write(files, meta.id).
/// Pure function; any thread.
ReportFiles buildReportFiles(const sdk::StatsSnapshot& snapshot, const ReportMeta& meta);

}  // namespace accurate::report
