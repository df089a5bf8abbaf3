#include "report/csv.hpp"

#include "report/console.hpp"
#include "report/report_store.hpp"
#include "report/text_format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace accurate::report {

namespace {

/// Locust's get_readable_percentiles(PERCENTILES_TO_REPORT).
const std::vector<std::string> kPercentileColumns{"50%", "66%", "75%", "80%", "90%", "95%",
                                                  "98%", "99%", "99.9%", "99.99%", "100%"};

std::vector<std::string> concat(std::vector<std::string> head, const std::vector<std::string>& middle,
                                const std::vector<std::string>& tail) {
  head.insert(head.end(), middle.begin(), middle.end());
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

/// A percentile cell: whole milliseconds, as Locust's int() of its rounded response times.
std::string wholeMs(double ms) { return fmt::format("{}", std::llround(std::isfinite(ms) ? ms : 0.0)); }

double usToMs(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

void appendEntryRow(std::string& out, const sdk::EntryStats& entry, double duration_s) {
  const double requests = static_cast<double>(entry.num_requests);
  const double failures = static_cast<double>(entry.num_failures);
  std::vector<std::string> row{
      entry.method,
      entry.name,
      std::to_string(entry.num_requests),
      std::to_string(entry.num_failures),
      pythonFloat(entry.percentileMs(0.5)),
      pythonFloat(entry.avgResponseTimeMs()),
      pythonFloat(usToMs(entry.response_times.min())),
      pythonFloat(usToMs(entry.response_times.max())),
      pythonFloat(entry.avgContentLength()),
      pythonFloat(duration_s > 0 ? requests / duration_s : 0.0),
      pythonFloat(duration_s > 0 ? failures / duration_s : 0.0),
  };
  for (double q : kReportQuantiles) row.push_back(entry.num_requests ? wholeMs(entry.percentileMs(q)) : "N/A");
  out += csvRow(row);
}

}  // namespace

const std::vector<std::string>& statsCsvColumns() {
  static const std::vector<std::string> columns =
      concat({"Type", "Name", "Request Count", "Failure Count", "Median Response Time", "Average Response Time",
              "Min Response Time", "Max Response Time", "Average Content Size", "Requests/s", "Failures/s"},
             kPercentileColumns, {});
  return columns;
}

const std::vector<std::string>& statsHistoryCsvColumns() {
  static const std::vector<std::string> columns =
      concat({"Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s"}, kPercentileColumns,
             {"Total Request Count", "Total Failure Count", "Total Median Response Time",
              "Total Average Response Time", "Total Min Response Time", "Total Max Response Time",
              "Total Average Content Size"});
  return columns;
}

const std::vector<std::string>& failuresCsvColumns() {
  static const std::vector<std::string> columns{"Method", "Name", "Error", "Occurrences"};
  return columns;
}

const std::vector<std::string>& exceptionsCsvColumns() {
  static const std::vector<std::string> columns{"Count", "Message", "Traceback", "Nodes"};
  return columns;
}

std::string csvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csvRow(const std::vector<std::string>& fields) {
  std::string out;
  // Python's csv writer quotes a row made of one empty field, so that the line is not blank.
  if (fields.size() == 1 && fields[0].empty()) return "\"\"\r\n";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csvField(fields[i]);
  }
  out += "\r\n";
  return out;
}

std::string statsCsv(const sdk::StatsSnapshot& snapshot, double duration_s) {
  std::string out = csvRow(statsCsvColumns());
  for (const auto& entry : snapshot.entries) appendEntryRow(out, entry, duration_s);
  appendEntryRow(out, snapshot.total, duration_s);
  return out;
}

std::string statsHistoryCsv(const sdk::StatsSnapshot& snapshot) {
  std::string out = csvRow(statsHistoryCsvColumns());
  for (const auto& point : snapshot.history) {
    std::vector<std::string> row{
        fmt::format("{}", static_cast<long long>(point.time)),
        std::to_string(point.users),
        "",
        "Aggregated",
        fmt::format("{:f}", point.rps),
        fmt::format("{:f}", point.fail_per_sec),
    };
    // A point keeps the window's p50, p95 and p99 only; the other percentiles are not known.
    for (double q : kReportQuantiles) {
      if (point.total_requests == 0) {
        row.push_back("N/A");
      } else if (q == 0.5) {
        row.push_back(wholeMs(point.p50_ms));
      } else if (q == 0.95) {
        row.push_back(wholeMs(point.p95_ms));
      } else if (q == 0.99) {
        row.push_back(wholeMs(point.p99_ms));
      } else {
        row.push_back("N/A");
      }
    }
    row.push_back(std::to_string(point.total_requests));
    row.push_back(std::to_string(point.total_failures));
    row.push_back("N/A");  // cumulative median: not kept per point
    row.push_back(pythonFloat(point.avg_ms));
    row.push_back("N/A");  // cumulative min: not kept per point
    row.push_back("N/A");  // cumulative max: not kept per point
    row.push_back("N/A");  // average content size: not kept per point
    out += csvRow(row);
  }
  return out;
}

std::string failuresCsv(const sdk::StatsSnapshot& snapshot) {
  std::string out = csvRow(failuresCsvColumns());
  for (const auto& error : snapshot.errors) {
    out += csvRow({error.method, error.name, error.error, std::to_string(error.occurrences)});
  }
  return out;
}

std::string exceptionsCsv(const sdk::StatsSnapshot& snapshot) {
  std::string out = csvRow(exceptionsCsvColumns());
  for (const auto& exception : snapshot.exceptions) {
    out += csvRow({std::to_string(exception.count), exception.message, "N/A", "N/A"});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> csvFiles(const sdk::StatsSnapshot& snapshot, double duration_s) {
  return {{"stats.csv", statsCsv(snapshot, duration_s)},
          {"stats_history.csv", statsHistoryCsv(snapshot)},
          {"failures.csv", failuresCsv(snapshot)},
          {"exceptions.csv", exceptionsCsv(snapshot)}};
}

void writeCsvFiles(const std::string& prefix, const sdk::StatsSnapshot& snapshot, double duration_s) {
  for (const auto& [name, content] : csvFiles(snapshot, duration_s)) {
    writeFileAtomically(prefix + "_" + name, content);
  }
}

}  // namespace accurate::report
