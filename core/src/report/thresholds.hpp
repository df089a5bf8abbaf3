#pragma once
/// @file thresholds.hpp
/// Pass/fail thresholds checked against the final snapshot: `[<METHOD> <name>:]<metric><op><value>`, e.g.
/// `p95<500ms`, `GET /v2/zones:p99<=1.5s`, `fail_ratio<0.01`, `rps>=100`.

#include <accurate/sdk/stats.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::report {

/// What a threshold measures.
enum class ThresholdMetric {
  kPercentile,  ///< response time at a quantile, ms
  kAvg,         ///< mean response time, ms
  kMin,         ///< smallest response time, ms
  kMax,         ///< largest response time, ms
  kFailRatio,   ///< failures / requests, 0..1
  kRps,         ///< requests / run duration, 1/s
  kRequests,    ///< request count
  kFailures,    ///< failure count
};

/// Comparison of the measured value (left) with the limit (right).
enum class ThresholdOp { kLess, kLessEqual, kGreater, kGreaterEqual };

/// One parsed threshold.
struct Threshold {
  std::string expression;              ///< the expression as written (trimmed)
  std::string method;                  ///< entry method; empty (with name empty) for the aggregated total
  std::string name;                    ///< entry name; empty for the aggregated total
  std::string metric_name;             ///< the metric as written in canonical form: "p95", "avg", "fail_ratio"...
  ThresholdMetric metric = ThresholdMetric::kAvg;  ///< what is measured
  double quantile = 0;                 ///< for kPercentile: the quantile in [0, 1] (p99.9 → 0.999)
  ThresholdOp op = ThresholdOp::kLess; ///< the comparison
  double limit = 0;                    ///< the limit in the metric's unit (ms for times)
};

/// The outcome of one threshold.
struct ThresholdResult {
  std::string expression;          ///< the expression as written
  std::optional<double> actual;    ///< measured value in the metric's unit (ms for times); none when unmeasurable
  double limit = 0;                ///< the limit in the metric's unit
  bool passed = false;             ///< whether the comparison held
  std::string reason;              ///< why it could not be measured (missing entry, no requests); else empty
};

/// Parses one expression. Throws sdk::ConfigError(@p json_path, "threshold '<expr>': <reason>") when invalid.
/// @param json_path where the expression came from ("$.thresholds[2]"), empty for the command line.
Threshold parseThreshold(std::string_view expression, const std::string& json_path = {});

/// Parses the config form: an array of expression strings (a single string is accepted too; null gives none).
/// Throws sdk::ConfigError naming the element's JSON path (@p json_path + "[i]").
std::vector<Threshold> parseThresholds(const boost::json::value& config, const std::string& json_path);

/// Evaluates @p thresholds against @p snapshot; rps uses the snapshot's duration (time - start_time).
/// A threshold on an entry that does not exist, or a time metric on an entry without requests, fails with a
/// reason. Pure function; any thread.
std::vector<ThresholdResult> evaluateThresholds(const std::vector<Threshold>& thresholds,
                                                const sdk::StatsSnapshot& snapshot);

/// Whether every result passed (true for none).
bool allPassed(const std::vector<ThresholdResult>& results);

/// The results as report.json's `thresholds` array.
boost::json::array thresholdResultsToJson(const std::vector<ThresholdResult>& results);

/// One console line per result: "PASS p95<500ms (actual 231.2)".
std::string formatThresholdResults(const std::vector<ThresholdResult>& results);

}  // namespace accurate::report
