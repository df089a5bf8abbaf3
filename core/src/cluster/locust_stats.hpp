#pragma once
/// @file locust_stats.hpp
/// The `stats` message: a worker's report of what happened since its previous one, in Locust's format (so a
/// Python master merges it) plus, under the extra key "accurate", the full-resolution histograms, counters and
/// exceptions (so an accurate master merges it without the rounding of Locust's buckets).

#include "cluster/messages.hpp"
#include "cluster/msgpack.hpp"
#include "stats/shard_stats.hpp"

#include <accurate/sdk/stats.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::cluster {

/// Requests and failures per epoch second (the worker's clock).
struct PerSecondCounts {
  std::map<std::int64_t, std::uint64_t> requests;  ///< requests counted in each second
  std::map<std::int64_t, std::uint64_t> failures;  ///< failures counted in each second
};

/// One report of one worker: deltas since its previous report.
struct WorkerReport {
  stats::StatsDelta delta;                 ///< entries, errors, exceptions, counters since the previous report
  std::vector<PerSecondCounts> per_second; ///< per-second counts of each entry, parallel to delta.entries
                                           ///< (may be empty when unknown)
  ClassCounts user_classes_count;          ///< absolute users per class now (every class, zeros too)
  double start_time = 0;                   ///< epoch seconds of the previous report (Locust's start_time)
  bool exact = false;                      ///< decoded: the "accurate" extra key was present and used
};

/// Locust's response-time bucket for @p ms milliseconds (§5.4: whole ms below 100, then 10, 100, 1000 ms steps,
/// Python's round-half-to-even on the binary value, tier picked from the unrounded value).
std::int64_t locustBucket(double ms);
/// Python's repr() of a str (quote choice and escapes as CPython does).
std::string pythonRepr(std::string_view text);
/// Locust's error key: hex SHA-256 of "<method>.<name>.<pythonRepr(error)>".
std::string locustErrorKey(std::string_view method, std::string_view name, std::string_view error);

/// The data map of a `stats` message for @p report at epoch @p now: stats (one Locust entry per delta entry,
/// buckets from the histogram's values), stats_total (the sum of the entries), errors (keyed as Locust does),
/// user_classes_count, user_count, and "accurate" (exact histogram buckets, intended histograms, exact
/// min/max/sums, exceptions, counters, per-second counts).
msgpack::Value statsReportValue(const WorkerReport& report, double now);
/// Parses a `stats` data map from any worker. With an "accurate" key whose content is valid, the exact data is
/// used (exact = true); otherwise the Locust fields are converted (bucket keys int or float, ms → µs; the
/// histogram gets each bucket's value; min/max/sums from the entry). Throws msgpack::DecodeError naming the key
/// when a required key (stats, stats_total, errors, user_classes_count) is missing or malformed.
WorkerReport parseStatsReport(const msgpack::Value& data);

}  // namespace accurate::cluster
