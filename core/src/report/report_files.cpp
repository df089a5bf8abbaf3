#include "report/report_files.hpp"

#include "report/csv.hpp"
#include "report/html.hpp"
#include "report/json_pretty.hpp"

#include <algorithm>

namespace accurate::report {

ReportFiles buildReportFiles(const sdk::StatsSnapshot& snapshot, const ReportMeta& meta) {
  const boost::json::object json = buildReportJson(snapshot, meta);
  const double start_time = meta.start_time > 0 ? meta.start_time : snapshot.start_time;
  const double end_time = meta.end_time > 0 ? meta.end_time : snapshot.time;
  ReportFiles files;
  files.emplace_back("report.json", prettyJson(json));
  files.emplace_back("report.html", renderHtmlReport(json));
  for (auto& file : csvFiles(snapshot, std::max(0.0, end_time - start_time))) files.push_back(std::move(file));
  return files;
}

}  // namespace accurate::report
