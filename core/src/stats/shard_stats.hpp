#pragma once
/// @file shard_stats.hpp
/// Per-shard statistics: recorded without locks by the shard's own thread, handed to the aggregator as deltas.

#include <accurate/sdk/stats.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace accurate::stats {

/// What one shard recorded since its previous delta. Moved, never shared.
struct StatsDelta {
  std::vector<sdk::EntryStats> entries;           ///< per (method, name); current_rps fields unused
  std::vector<sdk::ErrorCount> errors;            ///< failures grouped by (method, name, error)
  std::vector<sdk::ExceptionCount> exceptions;    ///< task crashes grouped by message
};

/// Statistics of one shard. Threading: every method runs on the shard's thread only.
class ShardStats final : public sdk::StatsRecorder {
 public:
  /// Records @p sample (response time from the actual send).
  void record(const sdk::Sample& sample) override;
  /// Records @p sample and, in the entry's intended_response_times, response_time_us + @p lag_us: the latency
  /// seen from the intended send time of a paced or open-model user that started @p lag_us late.
  void recordWithLag(const sdk::Sample& sample, std::uint64_t lag_us);
  /// Records a task crash.
  void recordException(std::string_view message) override;
  /// Moves out everything recorded since the previous call and starts empty.
  StatsDelta takeDelta();
  /// Drops everything recorded so far (stats reset).
  void reset();

 private:
  struct Key { /* implementation-defined */ };
  struct Impl;
  // Implementation detail, chosen by the implementer: hash maps keyed by (method, name) and (method, name,
  // error) with heterogeneous lookup so recording allocates nothing for a known key.
};

}  // namespace accurate::stats
