#pragma once
/// @file snapshot_formatter.hpp
/// Turns stats snapshots into Carbon plaintext lines (`<name> <value> <epoch second>\n`): the metric scheme of
/// docs/graphite.md, or the original tool's names in compat mode. Pure logic, no I/O.

#include <accurate/sdk/stats.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accurate::graphite {

/// How points are named and when they are due.
struct FormatSettings {
  std::string prefix = "accurate";           ///< first name part(s); sanitised part by part (not used in compat)
  std::chrono::milliseconds interval{1000};  ///< length of one slot: at most one point per slot
  bool compat = false;                       ///< emit the original tool's names instead of the scheme
  std::string client_id = "client";          ///< compat names' last segment (sanitised)
  std::size_t compat_cap = 1000;             ///< compat: most response_time lines per entry per point
};

/// The lines of one point.
struct FormattedPoint {
  std::vector<std::string> lines;   ///< Carbon plaintext lines, each ending in '\n'
  std::int64_t timestamp = 0;       ///< the point's epoch second
  std::uint64_t compat_capped = 0;  ///< compat: response times not sent as lines because of compat_cap
};

/// Formats successive snapshots of one run. Keeps, per metric base name, the cumulative counters and histogram
/// of the last point, so each point's response times cover exactly the samples completed since the previous one
/// (sdk::Histogram::subtract). Entries whose sanitised names collide are summed into one series.
/// Threading: not synchronised; one caller at a time.
class SnapshotFormatter {
 public:
  explicit SnapshotFormatter(FormatSettings settings);

  /// True when @p snapshot falls in a later interval slot (floor(time / interval)) than the last point, when
  /// there is none, or when it belongs to a new test (another start_time).
  bool due(const sdk::StatsSnapshot& snapshot) const;

  /// Formats @p snapshot as the next point (due or not) and makes it the baseline of the next one. A point at
  /// the same epoch second as the previous one replaces it in Carbon, so its response-time window then spans
  /// both (it is computed against the point before the previous one).
  FormattedPoint format(const sdk::StatsSnapshot& snapshot);

  /// Epoch seconds (snapshot time) of the last point formatted; nullopt before the first.
  std::optional<double> lastTime() const;

 private:
  /// Cumulative state of one series at a point.
  struct Baseline {
    std::uint64_t requests = 0;        ///< cumulative samples
    std::uint64_t failures = 0;        ///< cumulative failures
    std::uint64_t total_time_us = 0;   ///< cumulative sum of response times in µs
    sdk::Histogram times;              ///< cumulative response-time histogram (µs)
  };
  /// One formatted point.
  struct Point {
    double time = 0;                           ///< snapshot time, epoch seconds
    double start_time = 0;                     ///< the snapshot's test start (a change means a stats reset)
    std::int64_t timestamp = 0;                ///< epoch second sent
    std::map<std::string, Baseline> series;    ///< per metric base name
  };

  void addSeries(const std::string& base, const std::vector<const sdk::EntryStats*>& members,
                 const Point* previous, double elapsed_s, Point& point, FormattedPoint& out) const;

  FormatSettings settings_;            ///< as given, prefix and client_id sanitised
  std::optional<Point> last_;          ///< the last point formatted
  std::optional<Point> before_last_;   ///< the point before it (baseline of a same-second replacement)
};

/// @p value with at most 3 decimals and no trailing zeros ("12.5", "3", "0.001").
std::string formatValue(double value);

}  // namespace accurate::graphite
