#include "report/thresholds.hpp"
#include "report_fixture.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace accurate::report {
namespace {

using testing::kNastyName;
using testing::makeSnapshot;

std::string parseError(std::string_view expression, const std::string& path = {}) {
  try {
    parseThreshold(expression, path);
  } catch (const sdk::ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ThresholdParse, TotalPercentileWithUnits) {
  const auto t = parseThreshold("p95<500ms");
  EXPECT_EQ(t.expression, "p95<500ms");
  EXPECT_TRUE(t.method.empty());
  EXPECT_TRUE(t.name.empty());
  EXPECT_EQ(t.metric, ThresholdMetric::kPercentile);
  EXPECT_DOUBLE_EQ(t.quantile, 0.95);
  EXPECT_EQ(t.op, ThresholdOp::kLess);
  EXPECT_DOUBLE_EQ(t.limit, 500);
  EXPECT_DOUBLE_EQ(parseThreshold("p99.9<=1.5s").limit, 1500);
  EXPECT_DOUBLE_EQ(parseThreshold("p99.9<=1.5s").quantile, 0.999);
  EXPECT_EQ(parseThreshold("p99.9<=1.5s").op, ThresholdOp::kLessEqual);
  EXPECT_DOUBLE_EQ(parseThreshold("p99.99<250us").limit, 0.25);
  EXPECT_DOUBLE_EQ(parseThreshold("max<2m").limit, 120000);
  EXPECT_DOUBLE_EQ(parseThreshold("avg<42").limit, 42);  // bare number: ms
  EXPECT_DOUBLE_EQ(parseThreshold("p100<1").quantile, 1.0);
  EXPECT_EQ(parseThreshold("  min >= 0.5 ms ").op, ThresholdOp::kGreaterEqual);
  EXPECT_EQ(parseThreshold("  min >= 0.5 ms ").expression, "min >= 0.5 ms");
}

TEST(ThresholdParse, EntryPrefixAndOtherMetrics) {
  const auto t = parseThreshold("GET /v2/zones/ID:p99>10");
  EXPECT_EQ(t.method, "GET");
  EXPECT_EQ(t.name, "/v2/zones/ID");
  EXPECT_EQ(t.op, ThresholdOp::kGreater);
  const auto spaced = parseThreshold("POST /a name: with colon:requests>=3");
  EXPECT_EQ(spaced.method, "POST");
  EXPECT_EQ(spaced.name, "/a name: with colon");
  EXPECT_EQ(spaced.metric, ThresholdMetric::kRequests);
  EXPECT_DOUBLE_EQ(parseThreshold("fail_ratio<0.01").limit, 0.01);
  EXPECT_DOUBLE_EQ(parseThreshold("fail_ratio<=5%").limit, 0.05);
  EXPECT_EQ(parseThreshold("rps>=100").metric, ThresholdMetric::kRps);
  EXPECT_EQ(parseThreshold("failures<1").metric, ThresholdMetric::kFailures);
}

TEST(ThresholdParse, ErrorsNameTheExpressionAndTheReason) {
  EXPECT_EQ(parseError("p97<1"), "threshold 'p97<1': unknown metric 'p97' (expected one of p50, p66, p75, p80, p90, "
                                 "p95, p98, p99, p99.9, p99.99, p100, avg, min, max, fail_ratio, rps, requests, "
                                 "failures)");
  EXPECT_EQ(parseError("p95=1"), "threshold 'p95=1': missing comparison (one of <, <=, >, >=)");
  EXPECT_EQ(parseError("p95<"), "threshold 'p95<': missing value after the comparison");
  EXPECT_EQ(parseError("p95<abc"), "threshold 'p95<abc': value 'abc' is not a number");
  EXPECT_EQ(parseError("p95<5h"), "threshold 'p95<5h': unknown time unit 'h' (expected us, ms, s or m; a bare "
                                  "number is ms)");
  EXPECT_EQ(parseError("p95<-5"), "threshold 'p95<-5': value '-5' is negative");
  EXPECT_EQ(parseError("fail_ratio<2"), "threshold 'fail_ratio<2': fail_ratio must be between 0 and 1, got '2'");
  EXPECT_EQ(parseError("requests>5ms"), "threshold 'requests>5ms': requests takes a plain number, not '5ms'");
  EXPECT_EQ(parseError("GET:p95<1"), "threshold 'GET:p95<1': expected '<METHOD> <name>:' before the metric, got 'GET:'");
  EXPECT_EQ(parseError(""), "threshold '': the expression is empty");
  EXPECT_EQ(parseError("<5"), "threshold '<5': missing metric before the comparison (expected one of p50, p66, p75, "
                              "p80, p90, p95, p98, p99, p99.9, p99.99, p100, avg, min, max, fail_ratio, rps, "
                              "requests, failures)");
  EXPECT_EQ(parseError("p95<<5"), "threshold 'p95<<5': value '<5' is not a number");
  EXPECT_EQ(parseError("p95<nan"), "threshold 'p95<nan': value 'nan' is not a number");
  EXPECT_EQ(parseError("rps>1", "$.x"), "no error");
  EXPECT_EQ(parseError("rps>x", "$.thresholds[0]"), "$.thresholds[0]: threshold 'rps>x': value 'x' is not a number");
}

TEST(ThresholdParse, ConfigFormIsAnArrayOfStrings) {
  const auto list = parseThresholds(boost::json::parse(R"(["p95<500", "GET /x:rps>1"])"), "$.thresholds");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].name, "/x");
  EXPECT_TRUE(parseThresholds(boost::json::value(nullptr), "$.thresholds").empty());
  EXPECT_EQ(parseThresholds(boost::json::value("avg<1"), "$.thresholds").size(), 1u);
  try {
    parseThresholds(boost::json::parse(R"(["p95<500", 3])"), "$.thresholds");
    FAIL() << "expected a ConfigError";
  } catch (const sdk::ConfigError& error) {
    EXPECT_EQ(error.path(), "$.thresholds[1]");
  }
  try {
    parseThresholds(boost::json::parse(R"(["p95<500", "p95<zz"])"), "$.thresholds");
    FAIL() << "expected a ConfigError";
  } catch (const sdk::ConfigError& error) {
    EXPECT_EQ(error.path(), "$.thresholds[1]");
    EXPECT_NE(std::string(error.what()).find("'p95<zz'"), std::string::npos);
  }
  EXPECT_THROW(parseThresholds(boost::json::parse(R"({"p95": 1})"), "$.thresholds"), sdk::ConfigError);
}

std::vector<ThresholdResult> evaluate(std::initializer_list<const char*> expressions) {
  std::vector<Threshold> thresholds;
  for (const char* expression : expressions) thresholds.push_back(parseThreshold(expression));
  return evaluateThresholds(thresholds, makeSnapshot());
}

TEST(ThresholdEvaluate, ComparesTotalMetrics) {
  // Total: 6 requests, 3 failures, 0.5..2 ms, 10 s.
  const auto results = evaluate({"p100<=2ms", "p100<2ms", "min>=500us", "fail_ratio<0.5", "fail_ratio<=50%",
                                 "rps>=0.6", "requests>5", "failures<3", "avg<1.2"});
  ASSERT_EQ(results.size(), 9u);
  const std::vector<bool> expected{true, false, true, false, true, true, true, false, true};
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].passed, expected[i]) << results[i].expression << " actual " << results[i].actual.value_or(-1);
    EXPECT_TRUE(results[i].actual.has_value());
    EXPECT_TRUE(results[i].reason.empty());
  }
  EXPECT_DOUBLE_EQ(*results[0].actual, 2.0);
  EXPECT_DOUBLE_EQ(*results[5].actual, 0.6);
  EXPECT_DOUBLE_EQ(results[1].limit, 2.0);
  EXPECT_FALSE(allPassed(results));
  EXPECT_TRUE(allPassed({}));
}

TEST(ThresholdEvaluate, AppliesToANamedEntryWithCaseInsensitiveMethod) {
  const auto results = evaluate({"GET /v2/zones:p50<=1", "get /v2/zones:max>1.5ms", "GET /v2/zones:requests>=5"});
  EXPECT_TRUE(results[0].passed);
  EXPECT_TRUE(results[1].passed);
  EXPECT_FALSE(results[2].passed);
  EXPECT_DOUBLE_EQ(*results[2].actual, 4);
  const auto nasty = evaluateThresholds({parseThreshold("POST " + kNastyName + ":failures>=2")}, makeSnapshot());
  EXPECT_TRUE(nasty[0].passed);
}

TEST(ThresholdEvaluate, MissingEntryAndEmptyEntryFailWithAReason) {
  const auto results = evaluate({"GET /missing:p95<1s", "DELETE /v2/zones:requests<10"});
  EXPECT_FALSE(results[0].passed);
  EXPECT_FALSE(results[0].actual.has_value());
  EXPECT_EQ(results[0].reason, "no entry 'GET /missing' in the stats");
  EXPECT_FALSE(results[1].passed);  // same name, other method: not the same entry

  sdk::StatsSnapshot empty;
  const auto none = evaluateThresholds({parseThreshold("p95<1s"), parseThreshold("requests<1")}, empty);
  EXPECT_FALSE(none[0].passed);
  EXPECT_EQ(none[0].reason, "no requests recorded for the total");
  EXPECT_TRUE(none[1].passed);
  EXPECT_DOUBLE_EQ(*none[1].actual, 0);
}

TEST(ThresholdEvaluate, ResultsFormatForConsoleAndJson) {
  const auto results = evaluate({"p100<=2ms", "GET /missing:p95<1s"});
  EXPECT_EQ(formatThresholdResults(results),
            "Thresholds\nPASS  p100<=2ms  (actual 2)\nFAIL  GET /missing:p95<1s  (no entry 'GET /missing' in the "
            "stats)\n");
  const auto json = thresholdResultsToJson(results);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0].at("expression").as_string(), "p100<=2ms");
  EXPECT_TRUE(json[0].at("passed").as_bool());
  EXPECT_DOUBLE_EQ(json[0].at("limit").as_double(), 2.0);
  EXPECT_TRUE(json[1].at("actual").is_null());
  EXPECT_EQ(formatThresholdResults({}), "");
}

}  // namespace
}  // namespace accurate::report
