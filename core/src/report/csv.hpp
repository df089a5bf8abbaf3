#pragma once
/// @file csv.hpp
/// Locust-compatible CSV files (same names, columns and value types as Locust 2.12's --csv output):
/// stats.csv, stats_history.csv, failures.csv, exceptions.csv. Rows end with CRLF and fields are quoted only
/// when needed, as Python's csv module writes them.

#include <accurate/sdk/stats.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::report {

/// Column names of stats.csv (Locust's requests_csv_columns).
const std::vector<std::string>& statsCsvColumns();
/// Column names of stats_history.csv (Locust's stats_history_csv_columns).
const std::vector<std::string>& statsHistoryCsvColumns();
/// Column names of failures.csv.
const std::vector<std::string>& failuresCsvColumns();
/// Column names of exceptions.csv.
const std::vector<std::string>& exceptionsCsvColumns();

/// @p field quoted when it holds a comma, a double quote, CR or LF (quotes doubled), else unchanged.
std::string csvField(std::string_view field);
/// @p fields joined with commas and terminated by CRLF.
std::string csvRow(const std::vector<std::string>& fields);

/// stats.csv: one row per entry then the "Aggregated" row. Requests/s and Failures/s are whole-run rates over
/// @p duration_s seconds; times in ms (percentiles rounded to whole ms as Locust writes them).
std::string statsCsv(const sdk::StatsSnapshot& snapshot, double duration_s);
/// stats_history.csv: one "Aggregated" row per history point; what a point does not record is "N/A".
std::string statsHistoryCsv(const sdk::StatsSnapshot& snapshot);
/// failures.csv: one row per (method, name, error) group.
std::string failuresCsv(const sdk::StatsSnapshot& snapshot);
/// exceptions.csv: one row per task-crash message (no traceback or node list is kept: "N/A").
std::string exceptionsCsv(const sdk::StatsSnapshot& snapshot);

/// The four files as (file name, content): "stats.csv", "stats_history.csv", "failures.csv",
/// "exceptions.csv". @p duration_s as for statsCsv.
std::vector<std::pair<std::string, std::string>> csvFiles(const sdk::StatsSnapshot& snapshot, double duration_s);

/// Writes the four files as Locust's `--csv PREFIX` does: PREFIX_stats.csv, PREFIX_stats_history.csv,
/// PREFIX_failures.csv, PREFIX_exceptions.csv, each atomically. Throws sdk::Error naming the file on failure.
void writeCsvFiles(const std::string& prefix, const sdk::StatsSnapshot& snapshot, double duration_s);

}  // namespace accurate::report
