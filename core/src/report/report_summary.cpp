// summarizeReportJson: the console view of a persisted report.json (`accurate report show`).
#include "report/console.hpp"
#include "report/json_access.hpp"
#include "report/report_json.hpp"
#include "report/text_format.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace accurate::report {

namespace {

ConsoleRow rowFromJson(const boost::json::object& entry) {
  ConsoleRow row;
  row.method = stringAt(entry, "method");
  row.name = stringAt(entry, "name");
  row.num_requests = countAt(entry, "num_requests");
  row.num_failures = countAt(entry, "num_failures");
  row.avg_ms = numberAt(entry, "avg_response_time");
  row.min_ms = numberAt(entry, "min_response_time");
  row.max_ms = numberAt(entry, "max_response_time");
  row.median_ms = numberAt(entry, "median_response_time");
  row.rps = numberAt(entry, "total_rps");
  row.fail_per_sec = numberAt(entry, "total_fail_per_sec");
  if (const auto* percentiles = objectAt(entry, "percentiles")) {
    for (std::size_t i = 0; i < kReportQuantileKeys.size(); ++i) row.percentiles_ms[i] = numberAt(*percentiles, kReportQuantileKeys[i]);
  }
  return row;
}

std::string header(const boost::json::object& report) {
  std::string out = fmt::format("Report {}\n", oneLine(stringAt(report, "id", "(no id)")));
  const std::string host = stringAt(report, "host");
  if (!host.empty()) out += fmt::format("Host:       {}\n", oneLine(host));
  const double start = numberAt(report, "start_time");
  const double end = numberAt(report, "end_time");
  out += fmt::format("Start:      {}\n", start > 0 ? utcDateTime(start) : "unknown");
  out += fmt::format("End:        {}\n", end > 0 ? utcDateTime(end) : "unknown");
  out += fmt::format("Duration:   {}\n", humanDuration(end > start ? end - start : 0));
  out += fmt::format("Peak users: {}\n", countAt(report, "max_users"));
  if (const auto* code = report.if_contains("exit_code")) out += fmt::format("Exit code:  {}\n", scalarText(*code));
  return out;
}

std::string exceptionsText(const boost::json::array& exceptions) {
  if (exceptions.empty()) return {};
  std::string out = "Exceptions\n";
  out += fmt::format("{:<18} {}\n", "# occurrences", "Message");
  const std::string separator = std::string(18, '-') + "|" + std::string(61, '-') + "\n";
  out += separator;
  for (const auto& value : exceptions) {
    if (const auto* exception = value.if_object()) {
      out += fmt::format("{:<18} {}\n", countAt(*exception, "count"), oneLine(stringAt(*exception, "message")));
    }
  }
  out += separator;
  return out;
}

std::string thresholdsText(const boost::json::array& thresholds) {
  if (thresholds.empty()) return {};
  std::string out = "Thresholds\n";
  for (const auto& value : thresholds) {
    const auto* threshold = value.if_object();
    if (!threshold) continue;
    const auto* passed = threshold->if_contains("passed");
    out += (passed && passed->is_bool() && passed->get_bool()) ? "PASS  " : "FAIL  ";
    out += oneLine(stringAt(*threshold, "expression"));
    const auto* actual = threshold->if_contains("actual");
    if (actual && actual->is_number()) {
      out += "  (actual " + shortNumber(toDouble(*actual)) + ")";
    } else {
      out += "  (" + oneLine(stringAt(*threshold, "reason", "not measured")) + ")";
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::string summarizeReportJson(const boost::json::value& value) {
  const auto* report = value.if_object();
  if (!report) return "not a report: report.json is not a JSON object\n";

  std::string out = header(*report);
  out += '\n';

  std::vector<ConsoleRow> rows;
  if (const auto* entries = arrayAt(*report, "entries")) {
    for (const auto& entry : *entries) {
      if (const auto* object = entry.if_object()) rows.push_back(rowFromJson(*object));
    }
  }
  ConsoleRow total;
  total.name = "Aggregated";
  if (const auto* object = objectAt(*report, "total")) total = rowFromJson(*object);
  out += formatStatsRows(rows, total);
  out += '\n';
  out += formatPercentileRows(rows, total);

  std::vector<FailureRow> failures;
  if (const auto* errors = arrayAt(*report, "errors")) {
    for (const auto& error : *errors) {
      if (const auto* object = error.if_object()) {
        failures.push_back({countAt(*object, "occurrences"), stringAt(*object, "method"), stringAt(*object, "name"),
                            stringAt(*object, "error")});
      }
    }
  }
  const std::string failure_text = formatFailureRows(failures);
  if (!failure_text.empty()) out += '\n' + failure_text;
  if (const auto* exceptions = arrayAt(*report, "exceptions")) {
    const std::string text = exceptionsText(*exceptions);
    if (!text.empty()) out += '\n' + text;
  }
  if (const auto* thresholds = arrayAt(*report, "thresholds")) {
    const std::string text = thresholdsText(*thresholds);
    if (!text.empty()) out += '\n' + text;
  }
  return out;
}

}  // namespace accurate::report
