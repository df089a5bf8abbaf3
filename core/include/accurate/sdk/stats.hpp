#pragma once
/// @file stats.hpp
/// Samples that tasks and plugins record, the mergeable histogram, and the immutable snapshot that every
/// reader (console, sinks, reports, web, cluster) consumes.

#include <accurate/sdk/version.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::sdk {

/// One timed event: an HTTP request, or a plugin's own event such as `POST /v2/zones - async`.
struct Sample {
  std::string_view method;          ///< request method or event kind, e.g. "GET"; part of the stats key
  std::string_view name;            ///< stats entry name, e.g. "/v2/zones/ID"; part of the stats key
  std::uint64_t response_time_us;   ///< duration of the event in microseconds
  std::uint64_t content_length = 0; ///< response body bytes (0 for non-HTTP events)
  std::string_view error;           ///< empty for a success; otherwise the one-line failure reason
};

/// Where samples go. Each user (and each background coroutine of that user) gets the recorder of its shard.
/// Threading: call only from the shard's own thread (inside the coroutine that received it). Never blocks.
class StatsRecorder {
 public:
  virtual ~StatsRecorder() = default;
  /// Records one sample. The views in @p sample are copied when needed; they may die after the call.
  virtual void record(const Sample& sample) = 0;
  /// Records a task crash (an exception that escaped a task) under @p message.
  virtual void recordException(std::string_view message) = 0;
  /// Adds @p n to the named counter @p counter (e.g. "skipped.remove_domain"): events that are neither requests
  /// nor failures. Counters appear in the snapshot and in the report's `counters` object. Since ABI 1.1.
  virtual void count(std::string_view counter, std::uint64_t n = 1) = 0;
};

/// Log-linear histogram of microsecond values with at most 0.1 % relative error (1024 linear sub-buckets per
/// power of two), mergeable by addition. Memory grows with the largest value seen, not with the sample count.
/// Threading: not synchronised; owned by one shard or one snapshot.
class ACCURATE_API Histogram {
 public:
  /// Adds @p count occurrences of @p value_us.
  void record(std::uint64_t value_us, std::uint64_t count = 1);
  /// Adds every count of @p other to this histogram.
  void merge(const Histogram& other);
  /// Removes the counts of @p older, an earlier state of this same histogram (sliding windows). Min and max
  /// become bucket bounds of what remains.
  void subtract(const Histogram& older);
  /// Forgets everything.
  void clear();
  /// Number of recorded values.
  std::uint64_t count() const noexcept { return total_count_; }
  /// Smallest recorded value (exact); 0 when empty.
  std::uint64_t min() const noexcept { return total_count_ ? min_ : 0; }
  /// Largest recorded value (exact); 0 when empty.
  std::uint64_t max() const noexcept { return max_; }
  /// Value at quantile @p q in [0, 1] (0.5 = median, 1.0 = max), within 0.1 % of a recorded value; 0 when empty.
  std::uint64_t valueAtQuantile(double q) const;
  /// Non-zero buckets as (bucket index, count) pairs, ascending: the compact wire and file form.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> nonZeroBuckets() const;
  /// Adds @p count to bucket @p index (inverse of nonZeroBuckets). Throws sdk::Error on an index out of range.
  void addBucket(std::uint32_t index, std::uint64_t count);
  /// Bucket index that holds @p value_us.
  static std::uint32_t bucketIndex(std::uint64_t value_us) noexcept;
  /// Smallest value that falls in bucket @p index.
  static std::uint64_t bucketLowest(std::uint32_t index) noexcept;
  /// Largest value that falls in bucket @p index.
  static std::uint64_t bucketHighest(std::uint32_t index) noexcept;

 private:
  std::vector<std::uint64_t> counts_;  ///< count per bucket index; grows to the highest index used
  std::uint64_t total_count_ = 0;      ///< sum of counts_
  std::uint64_t min_ = 0;              ///< smallest recorded value in µs (valid when total_count_ > 0)
  std::uint64_t max_ = 0;              ///< largest recorded value in µs
};

/// Cumulative statistics of one (method, name) entry, or of the aggregated total.
struct EntryStats {
  std::string method;                      ///< request method or event kind ("" for the total row)
  std::string name;                        ///< entry name ("Aggregated" for the total row)
  std::uint64_t num_requests = 0;          ///< samples recorded, successes and failures
  std::uint64_t num_failures = 0;          ///< samples with an error
  std::uint64_t total_response_time_us = 0;///< sum of response times in µs
  std::uint64_t total_content_length = 0;  ///< sum of content lengths in bytes
  Histogram response_times;                ///< response times in µs, measured from the actual send
  Histogram intended_response_times;       ///< response times in µs from the intended send time (paced users and
                                           ///< the open model only; empty otherwise)
  double first_sample_time = 0;            ///< epoch seconds of the first sample (0 when none)
  double last_sample_time = 0;             ///< epoch seconds of the latest sample (0 when none)
  double current_rps = 0;                  ///< requests per second over the sliding window (set by the aggregator)
  double current_fail_per_sec = 0;         ///< failures per second over the sliding window (set by the aggregator)

  /// Mean response time in milliseconds (0 when empty).
  double avgResponseTimeMs() const noexcept;
  /// Response time at quantile @p q in milliseconds (0 when empty).
  double percentileMs(double q) const;
  /// Mean content length in bytes (0 when empty).
  double avgContentLength() const noexcept;
  /// Adds the counters and histograms of @p other (same key, or any entry when building the total).
  void merge(const EntryStats& other);
};

/// Failures grouped by (method, name, error).
struct ErrorCount {
  std::string method;            ///< method of the failed samples
  std::string name;              ///< entry name of the failed samples
  std::string error;             ///< the failure reason
  std::uint64_t occurrences = 0; ///< how many samples failed this way
};

/// Task crashes grouped by message.
struct ExceptionCount {
  std::string message;           ///< what() of the escaped exception, with the task that threw
  std::uint64_t count = 0;       ///< how many times it escaped
};

/// A named event counter (see StatsRecorder::count).
struct CounterValue {
  std::string name;              ///< counter name, e.g. "skipped.remove_domain"
  std::uint64_t value = 0;       ///< total since the stats reset
};

/// One point of the per-second history of the aggregated total.
struct HistoryPoint {
  double time = 0;               ///< epoch seconds
  std::uint32_t users = 0;       ///< running users at that moment
  double rps = 0;                ///< requests per second over the sliding window
  double fail_per_sec = 0;       ///< failures per second over the sliding window
  double p50_ms = 0;             ///< median response time over the sliding window
  double p95_ms = 0;             ///< 95th percentile over the sliding window
  double p99_ms = 0;             ///< 99th percentile over the sliding window
  double avg_ms = 0;             ///< cumulative mean response time
  std::uint64_t total_requests = 0; ///< cumulative requests
  std::uint64_t total_failures = 0; ///< cumulative failures
};

/// Everything known about a run at one moment. Published by the aggregator; immutable once published, so any
/// thread may read it through a std::shared_ptr<const StatsSnapshot>.
struct StatsSnapshot {
  double time = 0;                         ///< epoch seconds when the snapshot was taken
  double start_time = 0;                   ///< epoch seconds when the load phase began (stats reset)
  std::string state;                       ///< runner state: ready, setup, spawning, running, stopping, stopped
  std::uint32_t users = 0;                 ///< users running now
  std::uint32_t max_users = 0;             ///< peak users since start_time
  std::uint32_t workers = 0;               ///< cluster master: workers connected and not missing; 0 elsewhere
  std::vector<EntryStats> entries;         ///< one per (method, name), sorted by name then method
  EntryStats total;                        ///< aggregate of all entries (name "Aggregated")
  std::vector<ErrorCount> errors;          ///< failures grouped, most frequent first
  std::vector<ExceptionCount> exceptions;  ///< task crashes grouped, most frequent first
  std::vector<CounterValue> counters;      ///< named counters, sorted by name
  std::vector<HistoryPoint> history;       ///< one point per aggregation tick since start_time
};

}  // namespace accurate::sdk
