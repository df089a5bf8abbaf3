#include "responses.hpp"
#include "routes.hpp"

#include "report/csv.hpp"
#include "report/report_json.hpp"

#include <boost/json/serialize.hpp>

#include <chrono>
#include <cmath>
#include <functional>

namespace accurate::web {

namespace {

/// Epoch seconds for download names: the snapshot's time, or now before the first snapshot.
long long fileTime(const sdk::StatsSnapshot& snapshot) {
  if (snapshot.time > 0) return std::llround(snapshot.time);
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Whole-run duration of @p snapshot in seconds (the rate denominator of stats.csv).
double durationOf(const sdk::StatsSnapshot& snapshot) {
  if (snapshot.start_time <= 0 || snapshot.time <= snapshot.start_time) return 0;
  return snapshot.time - snapshot.start_time;
}

using CsvBuilder = std::function<std::string(const sdk::StatsSnapshot&)>;

void addCsv(Router& router, RunControl& control, const std::string& path, std::string prefix, CsvBuilder build) {
  router.add({"GET"}, path,
             [&control, prefix = std::move(prefix), build = std::move(build)](
                 const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
               const std::shared_ptr<const sdk::StatsSnapshot> snapshot = snapshotOf(control);
               sendDownload(response, build(*snapshot), "text/csv; charset=utf-8",
                            prefix + "_" + std::to_string(fileTime(*snapshot)) + ".csv");
             });
}

}  // namespace

void addDownloadRoutes(Router& router, RouteContext& context) {
  RunControl& control = context.control;
  addCsv(router, control, "/stats/requests/csv", "requests",
         [](const sdk::StatsSnapshot& s) { return report::statsCsv(s, durationOf(s)); });
  addCsv(router, control, "/stats/failures/csv", "failures",
         [](const sdk::StatsSnapshot& s) { return report::failuresCsv(s); });
  addCsv(router, control, "/stats/requests_full_history/csv", "requests_full_history",
         [](const sdk::StatsSnapshot& s) { return report::statsHistoryCsv(s); });
  addCsv(router, control, "/exceptions/csv", "exceptions",
         [](const sdk::StatsSnapshot& s) { return report::exceptionsCsv(s); });

  router.add({"GET"}, "/stats/report.json",
             [&control](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
               const std::shared_ptr<const sdk::StatsSnapshot> snapshot = snapshotOf(control);
               const RunInfo run = control.info();
               report::ReportMeta meta;
               meta.host = run.host;
               meta.max_users = snapshot->max_users;
               const boost::json::object report = report::buildReportJson(*snapshot, meta);
               sendDownload(response, boost::json::serialize(report), kJsonType,
                            "report_" + std::to_string(fileTime(*snapshot)) + ".json");
             });
}

}  // namespace accurate::web
