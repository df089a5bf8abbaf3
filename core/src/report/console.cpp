#include "report/console.hpp"

#include "report/text_format.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace accurate::report {

namespace {

constexpr std::size_t kMinTypeWidth = 8;   // Locust's STATS_TYPE_WIDTH
constexpr std::size_t kMaxTypeWidth = 16;  // longer event kinds are shortened

struct Columns {
  std::size_t type = kMinTypeWidth;  ///< Type column width
  std::size_t name = 20;             ///< Name column width
};

Columns columnsFor(const std::vector<ConsoleRow>& entries, const ConsoleRow& total, const ConsoleWidths& widths) {
  Columns columns;
  std::size_t longest_name = utf8Width(total.name);
  for (const auto& row : entries) {
    columns.type = std::max(columns.type, utf8Width(row.method) + 1);
    longest_name = std::max(longest_name, utf8Width(row.name));
  }
  columns.type = std::min(columns.type, kMaxTypeWidth);
  const std::size_t max_name = std::max<std::size_t>(widths.max_name, 4);
  columns.name = std::clamp(longest_name, std::min(widths.min_name, max_name), max_name);
  return columns;
}

std::string cell(std::string_view text, std::size_t width) {
  return padRight(truncateMiddle(oneLine(text), width), width);
}

std::string rtrim(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string statsLine(const ConsoleRow& row, const Columns& columns) {
  const double fail_ratio = row.num_requests == 0 ? (row.num_failures > 0 ? 1.0 : 0.0)
                                                  : static_cast<double>(row.num_failures) /
                                                        static_cast<double>(row.num_requests);
  const std::string type = row.method.empty() ? std::string() : row.method + " ";
  return fmt::format("{} {} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7.2f} {:>11.2f}", cell(type, columns.type),
                     cell(row.name, columns.name), row.num_requests,
                     fmt::format("{}({:.2f}%)", row.num_failures, fail_ratio * 100), consoleMs(row.avg_ms),
                     consoleMs(row.min_ms), consoleMs(row.max_ms), consoleMs(row.median_ms), row.rps,
                     row.fail_per_sec);
}

std::string percentileLine(const ConsoleRow& row, const Columns& columns) {
  std::string line = cell(row.method, columns.type) + " " + cell(row.name, columns.name) + " ";
  line += fmt::format("{:>8}", consoleMs(row.percentiles_ms[0]));
  for (std::size_t i = 1; i < row.percentiles_ms.size(); ++i) line += fmt::format(" {:>6}", consoleMs(row.percentiles_ms[i]));
  line += fmt::format(" {:>6}", row.num_requests);
  return line;
}

}  // namespace

ConsoleRow consoleRow(const sdk::EntryStats& entry) {
  ConsoleRow row;
  row.method = entry.method;
  row.name = entry.name;
  row.num_requests = entry.num_requests;
  row.num_failures = entry.num_failures;
  row.avg_ms = entry.avgResponseTimeMs();
  row.min_ms = static_cast<double>(entry.response_times.min()) / 1000.0;
  row.max_ms = static_cast<double>(entry.response_times.max()) / 1000.0;
  row.median_ms = entry.percentileMs(0.5);
  row.rps = entry.current_rps;
  row.fail_per_sec = entry.current_fail_per_sec;
  for (std::size_t i = 0; i < kReportQuantiles.size(); ++i) row.percentiles_ms[i] = entry.percentileMs(kReportQuantiles[i]);
  return row;
}

std::string formatStatsRows(const std::vector<ConsoleRow>& entries, const ConsoleRow& total,
                            const ConsoleWidths& widths) {
  const Columns columns = columnsFor(entries, total, widths);
  std::string out = rtrim(fmt::format("{} {} {:>7} {:>12} |{:>7} {:>7} {:>7}{:>7} | {:>7} {:>11}",
                                      padRight("Type", columns.type), padRight("Name", columns.name), "# reqs",
                                      "# fails", "Avg", "Min", "Max", "Med", "req/s", "failures/s")) +
                    "\n";
  const std::string separator = std::string(columns.type, '-') + "|" + std::string(columns.name, '-') + "|" +
                                std::string(7, '-') + "|" + std::string(13, '-') + "|" + std::string(7, '-') + "|" +
                                std::string(7, '-') + "|" + std::string(7, '-') + "|" + std::string(7, '-') + "|" +
                                std::string(8, '-') + "|" + std::string(11, '-') + "\n";
  out += separator;
  for (const auto& row : entries) out += statsLine(row, columns) + "\n";
  out += separator;
  out += statsLine(total, columns) + "\n";
  return out;
}

std::string formatPercentileRows(const std::vector<ConsoleRow>& entries, const ConsoleRow& total,
                                 const ConsoleWidths& widths) {
  const Columns columns = columnsFor(entries, total, widths);
  std::string out = "Response time percentiles (approximated)\n";
  std::string header = padRight("Type", columns.type) + " " + padRight("Name", columns.name) + " ";
  static constexpr std::array<std::string_view, 11> kLabels{"50%", "66%", "75%", "80%", "90%", "95%",
                                                             "98%", "99%", "99.9%", "99.99%", "100%"};
  header += fmt::format("{:>8}", kLabels[0]);
  for (std::size_t i = 1; i < kLabels.size(); ++i) header += fmt::format(" {:>6}", kLabels[i]);
  header += " # reqs";
  out += header + "\n";
  std::string separator = std::string(columns.type, '-') + "|" + std::string(columns.name, '-') + "|" +
                          std::string(8, '-');
  for (std::size_t i = 1; i < kLabels.size() + 1; ++i) separator += "|" + std::string(6, '-');
  separator += "\n";
  out += separator;
  for (const auto& row : entries) {
    if (row.num_requests > 0) out += percentileLine(row, columns) + "\n";
  }
  out += separator;
  if (total.num_requests > 0) out += percentileLine(total, columns) + "\n";
  return out;
}

std::string formatFailureRows(const std::vector<FailureRow>& failures) {
  if (failures.empty()) return {};
  std::string out = "Error report\n";
  out += fmt::format("{:<18} {}\n", "# occurrences", "Error");
  const std::string separator = std::string(18, '-') + "|" + std::string(61, '-') + "\n";
  out += separator;
  for (const auto& failure : failures) {
    out += fmt::format("{:<18} {}\n", failure.occurrences,
                       oneLine(failure.method + " " + failure.name + ": " + failure.error));
  }
  out += separator;
  return out;
}

std::string formatStatsTable(const sdk::StatsSnapshot& snapshot, const ConsoleWidths& widths) {
  std::vector<ConsoleRow> rows;
  rows.reserve(snapshot.entries.size());
  for (const auto& entry : snapshot.entries) rows.push_back(consoleRow(entry));
  return formatStatsRows(rows, consoleRow(snapshot.total), widths);
}

std::string formatPercentiles(const sdk::StatsSnapshot& snapshot, const ConsoleWidths& widths) {
  std::vector<ConsoleRow> rows;
  rows.reserve(snapshot.entries.size());
  for (const auto& entry : snapshot.entries) rows.push_back(consoleRow(entry));
  return formatPercentileRows(rows, consoleRow(snapshot.total), widths);
}

std::string formatFailures(const sdk::StatsSnapshot& snapshot) {
  std::vector<FailureRow> rows;
  rows.reserve(snapshot.errors.size());
  for (const auto& error : snapshot.errors) rows.push_back({error.occurrences, error.method, error.name, error.error});
  return formatFailureRows(rows);
}

std::string formatExceptions(const sdk::StatsSnapshot& snapshot) {
  if (snapshot.exceptions.empty()) return {};
  std::string out = "Exceptions\n";
  out += fmt::format("{:<18} {}\n", "# occurrences", "Message");
  const std::string separator = std::string(18, '-') + "|" + std::string(61, '-') + "\n";
  out += separator;
  for (const auto& exception : snapshot.exceptions) {
    out += fmt::format("{:<18} {}\n", exception.count, oneLine(exception.message));
  }
  out += separator;
  return out;
}

std::string formatCounters(const sdk::StatsSnapshot& snapshot) {
  if (snapshot.counters.empty()) return {};
  std::string out = "Counters\n";
  for (const auto& counter : snapshot.counters) out += fmt::format("{:<50} {:>12}\n", counter.name, counter.value);
  return out;
}

}  // namespace accurate::report
