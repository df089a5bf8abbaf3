#pragma once
/// @file propagation_timeline.hpp
/// The report's view of the propagation samples ("propagation <TYPE> @ <nameserver>" entries): a time series of
/// the median propagation time per change type, built from the published snapshots (so it works the same on a
/// cluster master, whose snapshots merge the workers'), and the summary and tables of the final snapshot.

#include <accurate/sdk/stats.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace accurate::digaas {

/// Stats method of the propagation samples.
inline constexpr std::string_view kPropagationMethod = "propagation";

/// Collects one chart point per snapshot (or per stride of snapshots, see add) and renders the report section.
/// Threading: add() runs on the aggregator thread, reset() and section() on the control thread; a mutex guards
/// the state (called about once a second, never on the load's hot path).
class PropagationTimeline {
 public:
  /// @param max_points the chart keeps at most this many points; beyond, every other point is dropped and the
  /// stride between points doubles (each point then covers a longer interval).
  explicit PropagationTimeline(std::size_t max_points = 1200);

  /// Forgets everything (a new test starts).
  void reset();
  /// Takes a published snapshot: each change type's propagations completed since the previous point become one
  /// point (their median, seconds), or a gap when none completed.
  void add(const sdk::StatsSnapshot& snapshot);
  /// The plugin's report section parts from @p final_snapshot and the collected points: `summary`,
  /// `tables` (by change type, by nameserver) and `charts` (median propagation time per change type over time).
  boost::json::object section(const sdk::StatsSnapshot& final_snapshot) const;

 private:
  /// One chart point: time and, per change type, the median in seconds (nullopt = nothing completed).
  struct Point {
    double time = 0;                                       ///< epoch seconds of the snapshot
    std::map<std::string, std::optional<double>> medians;  ///< change type → median seconds of that interval
  };

  mutable std::mutex mutex_;                        ///< guards everything below
  std::size_t max_points_;                          ///< chart size limit
  std::size_t stride_ = 1;                          ///< snapshots per point
  std::size_t skipped_ = 0;                         ///< snapshots since the last point
  std::map<std::string, sdk::Histogram> previous_;  ///< change type → cumulative successes at the last point
  std::vector<Point> points_;                       ///< the chart's points, in time order
};

/// The change type of a propagation entry name "ZONE_CREATE @ 127.0.0.1:53" ("ZONE_CREATE"), or "" when the
/// name has no " @ ".
std::string changeTypeOf(std::string_view entry_name);

}  // namespace accurate::digaas
