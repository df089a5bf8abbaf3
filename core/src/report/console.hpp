#pragma once
/// @file console.hpp
/// Console tables in Locust's layout: the periodic stats table, the percentile table and the error report.
/// They are built from rows so that `accurate report show` can print the same tables from a report.json.

#include <accurate/sdk/stats.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::report {

/// Quantiles reported everywhere (Locust's PERCENTILES_TO_REPORT).
inline constexpr std::array<double, 11> kReportQuantiles{0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0};
/// report.json keys of kReportQuantiles, in the same order.
inline constexpr std::array<std::string_view, 11> kReportQuantileKeys{"0.5",  "0.66", "0.75", "0.8",    "0.9", "0.95",
                                                                      "0.98", "0.99", "0.999", "0.9999", "1.0"};

/// One line of the console tables, independent of where the numbers came from.
struct ConsoleRow {
  std::string method;                  ///< method or event kind ("" for the total)
  std::string name;                    ///< entry name ("Aggregated" for the total)
  std::uint64_t num_requests = 0;      ///< requests
  std::uint64_t num_failures = 0;      ///< failures
  double avg_ms = 0;                   ///< mean response time, ms
  double min_ms = 0;                   ///< smallest response time, ms
  double max_ms = 0;                   ///< largest response time, ms
  double median_ms = 0;                ///< median response time, ms
  double rps = 0;                      ///< requests per second (current or whole-run, as the caller chose)
  double fail_per_sec = 0;             ///< failures per second (same basis as rps)
  std::array<double, 11> percentiles_ms{};  ///< response time at each of kReportQuantiles, ms
};

/// Widths of the name columns: they fit the longest name, between the two bounds; longer names are shortened
/// in the middle.
struct ConsoleWidths {
  std::size_t min_name = 20;  ///< narrowest Name column, characters
  std::size_t max_name = 60;  ///< widest Name column, characters
};

/// The row of @p entry with current (sliding-window) rates.
ConsoleRow consoleRow(const sdk::EntryStats& entry);

/// The stats table (Type, Name, # reqs, # fails (%), Avg, Min, Max, Med, req/s, failures/s) with a separator
/// and the total row last.
std::string formatStatsRows(const std::vector<ConsoleRow>& entries, const ConsoleRow& total,
                            const ConsoleWidths& widths = {});

/// The "Response time percentiles (approximated)" table; rows without requests are left out.
std::string formatPercentileRows(const std::vector<ConsoleRow>& entries, const ConsoleRow& total,
                                 const ConsoleWidths& widths = {});

/// One failure group for the error report.
struct FailureRow {
  std::uint64_t occurrences = 0;  ///< how many times it happened
  std::string method;             ///< method of the failed samples
  std::string name;               ///< entry name
  std::string error;              ///< the reason
};

/// The "Error report" table; empty string when @p failures is empty.
std::string formatFailureRows(const std::vector<FailureRow>& failures);

/// Locust's periodic stats table of @p snapshot with current rates (req/s over the sliding window).
std::string formatStatsTable(const sdk::StatsSnapshot& snapshot, const ConsoleWidths& widths = {});

/// Locust's percentile table of @p snapshot; rows without requests are left out.
std::string formatPercentiles(const sdk::StatsSnapshot& snapshot, const ConsoleWidths& widths = {});

/// Locust's error report of @p snapshot (occurrences, "METHOD name: error"); empty string when no failures.
std::string formatFailures(const sdk::StatsSnapshot& snapshot);

/// The task crashes of @p snapshot (count, message); empty string when none.
std::string formatExceptions(const sdk::StatsSnapshot& snapshot);

/// The named counters (e.g. skipped tasks), one per line; empty when there are none.
std::string formatCounters(const sdk::StatsSnapshot& snapshot);

}  // namespace accurate::report
