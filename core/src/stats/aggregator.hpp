#pragma once
/// @file aggregator.hpp
/// Merges shard (and, later, worker) deltas into cumulative stats and publishes immutable snapshots.

#include "stats/shard_stats.hpp"

#include <accurate/sdk/stats.hpp>

#include <algorithm>
#include <atomic>
#include <compare>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace accurate::stats {

/// Cumulative statistics of a run. Threading: one owner thread (the runner's control thread) calls add, publish
/// and reset; latest() may be called from any thread. Memory: the cumulative entries plus window_seconds + 1
/// copies of the total's response-time histogram and one history point per publish.
class Aggregator {
 public:
  /// @param window_seconds length of the sliding window for current RPS and window percentiles, counted in
  ///        publishes (one per second); at least 1, otherwise sdk::Error is thrown.
  explicit Aggregator(unsigned window_seconds = 10);
  /// Adds one delta (from a shard or a worker).
  void add(StatsDelta&& delta);
  /// Takes @p users into the peak user count (max_users) between two publishes, so that a peak shorter than the
  /// publish period still reaches the snapshots and the report.
  void noteUsers(std::uint32_t users) noexcept { max_users_ = std::max(max_users_, users); }
  /// Builds and returns a new immutable snapshot at epoch time @p now, appends a history point and advances
  /// the sliding window. Call about once per second. @p workers: the cluster master's connected workers.
  std::shared_ptr<const sdk::StatsSnapshot> publish(double now, std::uint32_t users, const std::string& state,
                                                    std::uint32_t workers = 0);
  /// The latest published snapshot (an empty one with state "ready" before the first publish; after reset(), an
  /// empty one that keeps the previous state and users). Safe to call from any thread.
  std::shared_ptr<const sdk::StatsSnapshot> latest() const;
  /// Forgets everything and starts a new load phase at epoch time @p start_time.
  void reset(double start_time);

 private:
  /// Key of an entry, ordered by name then method (the snapshot's order).
  struct EntryKey {
    std::string name;    ///< entry name
    std::string method;  ///< request method or event kind
    auto operator<=>(const EntryKey&) const = default;
  };
  /// Key of an error group, ordered by name, method, error (tie-break after occurrences).
  struct ErrorKey {
    std::string name;    ///< entry name of the failed samples
    std::string method;  ///< method of the failed samples
    std::string error;   ///< failure reason
    auto operator<=>(const ErrorKey&) const = default;
  };
  /// Cumulative request and failure counts at one publish.
  struct Counts {
    std::uint64_t requests = 0;  ///< cumulative requests
    std::uint64_t failures = 0;  ///< cumulative failures
  };
  /// State kept from one publish for the sliding window.
  struct Tick {
    double time = 0;                      ///< epoch seconds of the publish (or of the reset)
    std::vector<Counts> entry_counts;     ///< cumulative counts per entry id (entries added later count 0)
    Counts total;                         ///< cumulative counts of the total
    sdk::Histogram total_response_times;  ///< the total's response-time histogram at that moment
  };

  /// Rate of @p delta events over @p seconds (0 when the interval is empty or negative).
  static double rate(std::uint64_t delta, double seconds) noexcept;
  /// An empty snapshot carrying @p state, @p users and the current start time.
  std::shared_ptr<const sdk::StatsSnapshot> emptySnapshot(const std::string& state, std::uint32_t users) const;

  unsigned window_seconds_;                         ///< sliding window length in publishes (seconds)
  bool started_ = false;                            ///< reset() or a publish has fixed start_time_
  double start_time_ = 0;                           ///< epoch seconds when the load phase began
  std::vector<sdk::EntryStats> entries_;            ///< cumulative stats per entry id (insertion order)
  std::map<EntryKey, std::size_t> entry_ids_;       ///< entry id per key, sorted by name then method
  sdk::EntryStats total_;                           ///< merge of every entry ("Aggregated")
  std::map<ErrorKey, std::uint64_t> errors_;        ///< failure occurrences per (name, method, error)
  std::map<std::string, std::uint64_t, std::less<>> exceptions_;  ///< crash count per message
  std::map<std::string, std::uint64_t, std::less<>> counters_;    ///< counter totals per name
  std::uint32_t max_users_ = 0;                     ///< peak users seen by publish since the reset
  std::vector<sdk::HistoryPoint> history_;          ///< one point per publish since the reset
  std::deque<Tick> window_;                         ///< the last window_seconds_ + 1 ticks, oldest first
  std::atomic<std::shared_ptr<const sdk::StatsSnapshot>> latest_;  ///< last published snapshot
};

}  // namespace accurate::stats
