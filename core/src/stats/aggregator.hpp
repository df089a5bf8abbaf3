#pragma once
/// @file aggregator.hpp
/// Merges shard (and, later, worker) deltas into cumulative stats and publishes immutable snapshots.

#include "stats/shard_stats.hpp"

#include <accurate/sdk/stats.hpp>

#include <memory>

namespace accurate::stats {

/// Cumulative statistics of a run. Threading: one owner thread (the runner's control thread).
class Aggregator {
 public:
  /// @param window_seconds length of the sliding window for current RPS and window percentiles.
  explicit Aggregator(unsigned window_seconds = 10);
  /// Adds one delta (from a shard or a worker).
  void add(StatsDelta&& delta);
  /// Builds and returns a new immutable snapshot at epoch time @p now, appends a history point and advances
  /// the sliding window. Call about once per second.
  std::shared_ptr<const sdk::StatsSnapshot> publish(double now, std::uint32_t users, const std::string& state);
  /// The latest published snapshot (an empty one before the first publish).
  std::shared_ptr<const sdk::StatsSnapshot> latest() const;
  /// Forgets everything and starts a new load phase at epoch time @p start_time.
  void reset(double start_time);
};

}  // namespace accurate::stats
