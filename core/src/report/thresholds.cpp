#include "report/thresholds.hpp"

#include "report/text_format.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace accurate::report {

namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kWhitespace);
  return text.substr(first, last - first + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lower(a) == lower(b);
}

/// Percentile metrics accepted, with their quantiles.
constexpr std::array<std::pair<std::string_view, double>, 11> kPercentiles{{
    {"p50", 0.5}, {"p66", 0.66}, {"p75", 0.75}, {"p80", 0.8}, {"p90", 0.9}, {"p95", 0.95},
    {"p98", 0.98}, {"p99", 0.99}, {"p99.9", 0.999}, {"p99.99", 0.9999}, {"p100", 1.0}}};

constexpr std::string_view kMetricList =
    "p50, p66, p75, p80, p90, p95, p98, p99, p99.9, p99.99, p100, avg, min, max, fail_ratio, rps, requests, "
    "failures";

bool isTimeMetric(ThresholdMetric metric) {
  return metric == ThresholdMetric::kPercentile || metric == ThresholdMetric::kAvg ||
         metric == ThresholdMetric::kMin || metric == ThresholdMetric::kMax;
}

class ExpressionParser {
 public:
  ExpressionParser(std::string_view expression, const std::string& json_path)
      : expression_(trim(expression)), json_path_(json_path) {}

  Threshold parse() {
    Threshold threshold;
    threshold.expression = std::string(expression_);
    if (expression_.empty()) fail("the expression is empty");

    std::string_view measure = expression_;
    if (const auto colon = expression_.rfind(':'); colon != std::string_view::npos) {
      parseEntry(trim(expression_.substr(0, colon)), threshold);
      measure = trim(expression_.substr(colon + 1));
    }

    const auto op_at = measure.find_first_of("<>");
    if (op_at == std::string_view::npos) fail("missing comparison (one of <, <=, >, >=)");
    parseMetric(lower(trim(measure.substr(0, op_at))), threshold);

    std::string_view rest = measure.substr(op_at);
    const bool or_equal = rest.size() > 1 && rest[1] == '=';
    if (rest[0] == '<') {
      threshold.op = or_equal ? ThresholdOp::kLessEqual : ThresholdOp::kLess;
    } else {
      threshold.op = or_equal ? ThresholdOp::kGreaterEqual : ThresholdOp::kGreater;
    }
    parseLimit(trim(rest.substr(or_equal ? 2 : 1)), threshold);
    return threshold;
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw sdk::ConfigError(json_path_, "threshold '" + std::string(expression_) + "': " + reason);
  }

  void parseEntry(std::string_view prefix, Threshold& threshold) const {
    const auto space = prefix.find_first_of(kWhitespace);
    if (prefix.empty() || space == std::string_view::npos) {
      fail("expected '<METHOD> <name>:' before the metric, got '" + std::string(prefix) + ":'");
    }
    threshold.method = std::string(prefix.substr(0, space));
    threshold.name = std::string(trim(prefix.substr(space)));
    if (threshold.name.empty()) fail("the entry name after '" + threshold.method + "' is empty");
  }

  void parseMetric(const std::string& metric, Threshold& threshold) const {
    if (metric.empty()) fail("missing metric before the comparison (expected one of " + std::string(kMetricList) + ")");
    threshold.metric_name = metric;
    for (const auto& [name, quantile] : kPercentiles) {
      if (metric == name) {
        threshold.metric = ThresholdMetric::kPercentile;
        threshold.quantile = quantile;
        return;
      }
    }
    static constexpr std::array<std::pair<std::string_view, ThresholdMetric>, 7> kOthers{{
        {"avg", ThresholdMetric::kAvg}, {"min", ThresholdMetric::kMin}, {"max", ThresholdMetric::kMax},
        {"fail_ratio", ThresholdMetric::kFailRatio}, {"rps", ThresholdMetric::kRps},
        {"requests", ThresholdMetric::kRequests}, {"failures", ThresholdMetric::kFailures}}};
    for (const auto& [name, kind] : kOthers) {
      if (metric == name) {
        threshold.metric = kind;
        return;
      }
    }
    fail("unknown metric '" + metric + "' (expected one of " + std::string(kMetricList) + ")");
  }

  void parseLimit(std::string_view text, Threshold& threshold) const {
    if (text.empty()) fail("missing value after the comparison");
    double number = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), number);
    if (result.ec != std::errc() || !std::isfinite(number)) {
      fail("value '" + std::string(text) + "' is not a number");
    }
    if (number < 0) fail("value '" + std::string(text) + "' is negative");
    const std::string unit = lower(trim(std::string_view(result.ptr, text.data() + text.size() - result.ptr)));

    if (isTimeMetric(threshold.metric)) {
      if (unit.empty() || unit == "ms") {
        threshold.limit = number;
      } else if (unit == "us" || unit == "\xC2\xB5s") {
        threshold.limit = number / 1000.0;
      } else if (unit == "s") {
        threshold.limit = number * 1000.0;
      } else if (unit == "m") {
        threshold.limit = number * 60000.0;
      } else {
        fail("unknown time unit '" + unit + "' (expected us, ms, s or m; a bare number is ms)");
      }
      return;
    }
    if (threshold.metric == ThresholdMetric::kFailRatio) {
      if (unit == "%") {
        number /= 100.0;
      } else if (!unit.empty()) {
        fail("fail_ratio takes a ratio between 0 and 1 (or a percentage with %), not '" + std::string(text) + "'");
      }
      if (number > 1) fail("fail_ratio must be between 0 and 1, got '" + std::string(text) + "'");
      threshold.limit = number;
      return;
    }
    if (!unit.empty()) {
      fail(threshold.metric_name + " takes a plain number, not '" + std::string(text) + "'");
    }
    threshold.limit = number;
  }

  std::string_view expression_;  ///< the trimmed expression (views the caller's text)
  const std::string& json_path_; ///< where it came from, for the error
};

std::string entryLabel(const Threshold& threshold) {
  return threshold.name.empty() ? std::string("the total") : threshold.method + " " + threshold.name;
}

bool compare(double actual, ThresholdOp op, double limit) {
  switch (op) {
    case ThresholdOp::kLess: return actual < limit;
    case ThresholdOp::kLessEqual: return actual <= limit;
    case ThresholdOp::kGreater: return actual > limit;
    case ThresholdOp::kGreaterEqual: return actual >= limit;
  }
  return false;
}

double measure(const Threshold& threshold, const sdk::EntryStats& entry, double duration_s) {
  switch (threshold.metric) {
    case ThresholdMetric::kPercentile: return entry.percentileMs(threshold.quantile);
    case ThresholdMetric::kAvg: return entry.avgResponseTimeMs();
    case ThresholdMetric::kMin: return static_cast<double>(entry.response_times.min()) / 1000.0;
    case ThresholdMetric::kMax: return static_cast<double>(entry.response_times.max()) / 1000.0;
    case ThresholdMetric::kFailRatio:
      return entry.num_requests == 0 ? 0.0
                                     : static_cast<double>(entry.num_failures) /
                                           static_cast<double>(entry.num_requests);
    case ThresholdMetric::kRps:
      return duration_s > 0 ? static_cast<double>(entry.num_requests) / duration_s : 0.0;
    case ThresholdMetric::kRequests: return static_cast<double>(entry.num_requests);
    case ThresholdMetric::kFailures: return static_cast<double>(entry.num_failures);
  }
  return 0;
}

}  // namespace

Threshold parseThreshold(std::string_view expression, const std::string& json_path) {
  return ExpressionParser(expression, json_path).parse();
}

std::vector<Threshold> parseThresholds(const boost::json::value& config, const std::string& json_path) {
  std::vector<Threshold> thresholds;
  if (config.is_null()) return thresholds;
  if (const auto* text = config.if_string()) {
    thresholds.push_back(parseThreshold(*text, json_path));
    return thresholds;
  }
  const auto* array = config.if_array();
  if (!array) throw sdk::ConfigError(json_path, "thresholds must be an array of strings");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string path = json_path + "[" + std::to_string(i) + "]";
    const auto* text = (*array)[i].if_string();
    if (!text) throw sdk::ConfigError(path, "a threshold must be a string such as \"p95<500ms\"");
    thresholds.push_back(parseThreshold(*text, path));
  }
  return thresholds;
}

std::vector<ThresholdResult> evaluateThresholds(const std::vector<Threshold>& thresholds,
                                                const sdk::StatsSnapshot& snapshot) {
  const double duration_s = std::max(0.0, snapshot.time - snapshot.start_time);
  std::vector<ThresholdResult> results;
  results.reserve(thresholds.size());
  for (const auto& threshold : thresholds) {
    ThresholdResult result;
    result.expression = threshold.expression;
    result.limit = threshold.limit;

    const sdk::EntryStats* entry = &snapshot.total;
    if (!threshold.name.empty()) {
      const auto found = std::find_if(snapshot.entries.begin(), snapshot.entries.end(), [&](const auto& e) {
        return e.name == threshold.name && equalsIgnoreCase(e.method, threshold.method);
      });
      entry = found == snapshot.entries.end() ? nullptr : &*found;
    }
    if (!entry) {
      result.reason = "no entry '" + entryLabel(threshold) + "' in the stats";
    } else if (isTimeMetric(threshold.metric) && entry->num_requests == 0) {
      result.reason = "no requests recorded for " + entryLabel(threshold);
    } else {
      const double actual = measure(threshold, *entry, duration_s);
      result.actual = actual;
      result.passed = compare(actual, threshold.op, threshold.limit);
    }
    results.push_back(std::move(result));
  }
  return results;
}

bool allPassed(const std::vector<ThresholdResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.passed; });
}

boost::json::array thresholdResultsToJson(const std::vector<ThresholdResult>& results) {
  boost::json::array array;
  for (const auto& result : results) {
    boost::json::object object;
    object["expression"] = result.expression;
    object["passed"] = result.passed;
    if (result.actual) {
      object["actual"] = *result.actual;
    } else {
      object["actual"] = nullptr;
    }
    object["limit"] = result.limit;
    if (!result.reason.empty()) object["reason"] = result.reason;
    array.push_back(std::move(object));
  }
  return array;
}

std::string formatThresholdResults(const std::vector<ThresholdResult>& results) {
  std::string out;
  if (results.empty()) return out;
  out += "Thresholds\n";
  for (const auto& result : results) {
    out += result.passed ? "PASS  " : "FAIL  ";
    out += oneLine(result.expression);
    if (result.actual) {
      out += "  (actual " + shortNumber(*result.actual) + ")";
    } else {
      out += "  (" + result.reason + ")";
    }
    out += '\n';
  }
  return out;
}

}  // namespace accurate::report
