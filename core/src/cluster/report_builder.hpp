#pragma once
/// @file report_builder.hpp
/// Worker side: turns the local runner's cumulative snapshots into the deltas a `stats` report carries, with
/// per-second counts per entry, and keeps whatever was not sent yet (a worker without a master loses nothing).

#include "cluster/locust_stats.hpp"

#include <accurate/sdk/stats.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace accurate::cluster {

/// Per-second counts: each snapshot's increase of an entry's num_requests / num_failures is counted in the
/// second int(snapshot.time) (snapshots come about once a second, so a count may land one second late).
/// Threading: onSnapshot() on the runner's control thread, take() on the cluster thread; internally locked.
class ReportBuilder {
 public:
  /// Takes in a published cumulative snapshot. A snapshot whose start_time differs from the previous one
  /// (stats reset) starts a new baseline: what was recorded before the reset and not taken yet is kept.
  void onSnapshot(const std::shared_ptr<const sdk::StatsSnapshot>& snapshot);
  /// Everything since the previous take(): entries, errors, exceptions and counters as deltas of the
  /// cumulative snapshots, per-second counts, start_time = the previous take's time (or the first snapshot's
  /// start). user_classes_count is left empty (the caller fills it).
  WorkerReport take(double now);

 private:
  /// Key of an entry: (name, method), the snapshot's order.
  using EntryKey = std::pair<std::string, std::string>;
  /// Key of an error group: (name, method, error).
  using ErrorKey = std::tuple<std::string, std::string, std::string>;
  /// What one entry gathered since the previous take().
  struct PendingEntry {
    sdk::EntryStats stats;       ///< delta of the entry (method and name set)
    PerSecondCounts per_second;  ///< its counts per epoch second
  };
  /// What changed between two snapshots.
  struct Change {
    std::vector<sdk::EntryStats> entries;            ///< entries with requests or failures, as deltas
    std::vector<std::pair<ErrorKey, std::uint64_t>> errors;  ///< error occurrences added
    std::vector<std::pair<std::string, std::uint64_t>> exceptions;  ///< exception counts added
    std::vector<std::pair<std::string, std::uint64_t>> counters;    ///< counter increments
  };
  /// @p newer minus @p older (nullptr: an empty state); none when something went down (not an earlier state).
  static std::optional<Change> diff(const sdk::StatsSnapshot* older, const sdk::StatsSnapshot& newer);
  /// Adds @p change, seen at epoch @p time, to what is pending.
  void accumulate(Change&& change, double time);

  mutable std::mutex mutex_;                                  ///< guards everything
  std::shared_ptr<const sdk::StatsSnapshot> baseline_;        ///< latest snapshot taken in (nullptr: none since
                                                              ///< construction or the last reset)
  std::map<EntryKey, PendingEntry> entries_;                  ///< pending entry deltas
  std::map<ErrorKey, std::uint64_t> errors_;                  ///< pending error occurrences
  std::map<std::string, std::uint64_t> exceptions_;           ///< pending exception counts
  std::map<std::string, std::uint64_t> counters_;             ///< pending counter increments
  std::optional<double> last_take_;                           ///< epoch seconds of the previous take()
  std::optional<double> first_start_;                         ///< start_time of the first snapshot
};

}  // namespace accurate::cluster
