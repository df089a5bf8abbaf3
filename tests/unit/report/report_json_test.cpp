#include "report/report_json.hpp"
#include "report/console.hpp"
#include "report/json_pretty.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace accurate::report {
namespace {

using testing::kEnd;
using testing::kNastyName;
using testing::kStart;
using testing::makeMeta;
using testing::makeSnapshot;

double num(const boost::json::value& v) { return v.to_number<double>(); }

TEST(ReportJson, HasEveryRequiredTopLevelField) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  for (const char* key : {"schema_version", "id", "host", "start_time", "end_time", "duration", "max_users", "config",
                          "entries", "total", "errors", "exceptions", "history", "plugins", "thresholds",
                          "exit_code"}) {
    EXPECT_TRUE(report.contains(key)) << key;
  }
  EXPECT_EQ(num(report.at("start_time")), kStart);
  EXPECT_EQ(num(report.at("end_time")), kEnd);
  EXPECT_EQ(num(report.at("duration")), 10.0);
  EXPECT_EQ(num(report.at("max_users")), 7.0);  // the snapshot's peak beats the meta's
  EXPECT_EQ(report.at("host").as_string(), "http://127.0.0.1:8080");
  EXPECT_EQ(report.at("id").as_string(), "20231114T221330Z-0123abcd");
  EXPECT_EQ(report.at("exit_code").as_int64(), 3);
  EXPECT_EQ(report.at("config").at("auth").at("password").as_string(), "<redacted>");
  EXPECT_EQ(report.at("plugins").at("digaas <x>").at("summary").at("count").as_int64(), 4);
}

TEST(ReportJson, EntryCarriesCountsTimesInMillisecondsAndRates) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  const auto& entries = report.at("entries").as_array();
  ASSERT_EQ(entries.size(), 2u);
  const auto& get = entries[0].as_object();
  EXPECT_EQ(get.at("method").as_string(), "GET");
  EXPECT_EQ(get.at("name").as_string(), "/v2/zones");
  EXPECT_EQ(num(get.at("num_requests")), 4.0);
  EXPECT_EQ(num(get.at("num_failures")), 1.0);
  EXPECT_DOUBLE_EQ(num(get.at("min_response_time")), 1.0);
  EXPECT_DOUBLE_EQ(num(get.at("max_response_time")), 2.0);
  EXPECT_DOUBLE_EQ(num(get.at("avg_response_time")), 1.25);
  EXPECT_DOUBLE_EQ(num(get.at("median_response_time")), 1.0);
  EXPECT_DOUBLE_EQ(num(get.at("avg_content_length")), 100.0);
  EXPECT_DOUBLE_EQ(num(get.at("total_rps")), 0.4);  // 4 requests in 10 s
  EXPECT_DOUBLE_EQ(num(get.at("total_fail_per_sec")), 0.1);
  EXPECT_DOUBLE_EQ(num(get.at("current_rps")), 0.5);
  EXPECT_DOUBLE_EQ(num(get.at("fail_ratio")), 0.25);
  EXPECT_EQ(entries[1].at("name").as_string(), kNastyName);
}

TEST(ReportJson, PercentilesUseLocustQuantileKeysInMilliseconds) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  const auto& percentiles = report.at("entries").at(0).at("percentiles").as_object();
  ASSERT_EQ(percentiles.size(), kReportQuantileKeys.size());
  for (auto key : kReportQuantileKeys) EXPECT_TRUE(percentiles.contains(key)) << key;
  EXPECT_DOUBLE_EQ(num(percentiles.at("0.5")), 1.0);
  EXPECT_DOUBLE_EQ(num(percentiles.at("0.75")), 1.0);
  EXPECT_DOUBLE_EQ(num(percentiles.at("0.8")), 2.0);
  EXPECT_DOUBLE_EQ(num(percentiles.at("1.0")), 2.0);
}

TEST(ReportJson, IntendedPercentilesOnlyWhereRecorded) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  const auto& get = report.at("entries").at(0).as_object();
  const auto& post = report.at("entries").at(1).as_object();
  EXPECT_FALSE(get.contains("percentiles_intended"));
  ASSERT_TRUE(post.contains("percentiles_intended"));
  EXPECT_DOUBLE_EQ(num(post.at("percentiles_intended").at("1.0")), 3.0);
  EXPECT_DOUBLE_EQ(num(post.at("percentiles_intended").at("0.5")), 0.7);
  EXPECT_EQ(num(post.at("num_intended")), 2.0);
  EXPECT_FALSE(get.contains("num_intended"));
  EXPECT_TRUE(report.at("total").as_object().contains("percentiles_intended"));
}

TEST(ReportJson, TotalIsTheAggregatedRow) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  const auto& total = report.at("total").as_object();
  EXPECT_EQ(total.at("name").as_string(), "Aggregated");
  EXPECT_EQ(total.at("method").as_string(), "");
  EXPECT_EQ(num(total.at("num_requests")), 6.0);
  EXPECT_EQ(num(total.at("num_failures")), 3.0);
  EXPECT_DOUBLE_EQ(num(total.at("min_response_time")), 0.5);
  EXPECT_DOUBLE_EQ(num(total.at("total_rps")), 0.6);
  EXPECT_DOUBLE_EQ(num(total.at("avg_response_time")), 7000.0 / 6 / 1000);
}

TEST(ReportJson, HistogramBucketsReMergeIntoTheSameDistribution) {
  const auto snapshot = makeSnapshot();
  // Through text, as a stored report would be read back.
  const auto report = boost::json::parse(boost::json::serialize(buildReportJson(snapshot, makeMeta())));
  sdk::Histogram rebuilt;
  for (const auto& entry : report.at("entries").as_array()) {
    for (const auto& bucket : entry.at("histogram").as_array()) {
      rebuilt.addBucket(static_cast<std::uint32_t>(bucket.at(0).to_number<std::uint64_t>()),
                        bucket.at(1).to_number<std::uint64_t>());
    }
  }
  EXPECT_EQ(rebuilt.count(), snapshot.total.response_times.count());
  for (double q : kReportQuantiles) {
    EXPECT_EQ(rebuilt.valueAtQuantile(q), snapshot.total.response_times.valueAtQuantile(q)) << q;
  }
  EXPECT_EQ(report.at("entries").at(1).at("histogram_intended").as_array().size(), 2u);
  EXPECT_EQ(report.at("entries").at(0).at("total_response_time_us").to_number<std::uint64_t>(), 5000u);
}

TEST(ReportJson, ErrorsExceptionsHistoryAndThresholdsAreCopied) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  const auto& errors = report.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("method").as_string(), "POST");
  EXPECT_EQ(errors[0].at("name").as_string(), kNastyName);
  EXPECT_EQ(errors[0].at("error").as_string(), "HTTP 500: boom, \"bad\"");
  EXPECT_EQ(num(errors[0].at("occurrences")), 2.0);
  ASSERT_EQ(report.at("exceptions").as_array().size(), 1u);
  EXPECT_EQ(num(report.at("exceptions").at(0).at("count")), 3.0);
  const auto& history = report.at("history").as_array();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(num(history[2].at("time")), kStart + 3);
  EXPECT_EQ(num(history[2].at("users")), 7.0);
  EXPECT_DOUBLE_EQ(num(history[2].at("p95_ms")), 1.5);
  EXPECT_EQ(num(history[2].at("total_failures")), 3.0);
  const auto& thresholds = report.at("thresholds").as_array();
  ASSERT_EQ(thresholds.size(), 2u);
  EXPECT_TRUE(thresholds[0].at("passed").as_bool());
  EXPECT_DOUBLE_EQ(num(thresholds[0].at("actual")), 1.5);
  EXPECT_FALSE(thresholds[1].at("passed").as_bool());
  EXPECT_TRUE(thresholds[1].at("actual").is_null());
  EXPECT_EQ(thresholds[1].at("reason").as_string(), "no entry");
}

TEST(ReportJson, FallsBackToSnapshotTimesWhenMetaHasNone) {
  ReportMeta meta;
  const auto report = buildReportJson(makeSnapshot(), meta);
  EXPECT_EQ(num(report.at("start_time")), kStart);
  EXPECT_EQ(num(report.at("end_time")), kEnd);
  EXPECT_TRUE(report.at("config").is_null());
  EXPECT_TRUE(report.at("plugins").as_object().empty());
}

TEST(ReportJson, EmptySnapshotGivesZerosNotGarbage) {
  sdk::StatsSnapshot snapshot;
  snapshot.total.name = "Aggregated";
  const auto report = buildReportJson(snapshot, ReportMeta{});
  const auto& total = report.at("total").as_object();
  EXPECT_EQ(num(total.at("num_requests")), 0.0);
  EXPECT_EQ(num(total.at("total_rps")), 0.0);
  EXPECT_EQ(num(total.at("percentiles").at("0.99")), 0.0);
  EXPECT_TRUE(total.at("histogram").as_array().empty());
  EXPECT_FALSE(total.contains("percentiles_intended"));
}

TEST(ReportJson, PrettyTextParsesBackToTheSameValue) {
  const boost::json::value report = buildReportJson(makeSnapshot(), makeMeta());
  const std::string text = prettyJson(report);
  EXPECT_NE(text.find("\n  \"entries\": ["), std::string::npos);
  EXPECT_EQ(boost::json::parse(text), report);
}

TEST(ReportSummary, ShowsHeaderTablesErrorsAndThresholds) {
  const auto report = buildReportJson(makeSnapshot(), makeMeta());
  const std::string text = summarizeReportJson(report);
  EXPECT_NE(text.find("Report 20231114T221330Z-0123abcd"), std::string::npos);
  EXPECT_NE(text.find("Host:       http://127.0.0.1:8080"), std::string::npos);
  EXPECT_NE(text.find("2023-11-14 22:13:20 UTC"), std::string::npos);
  EXPECT_NE(text.find("Peak users: 7"), std::string::npos);
  EXPECT_NE(text.find("/v2/zones"), std::string::npos);
  EXPECT_NE(text.find("Aggregated"), std::string::npos);
  EXPECT_NE(text.find("1(25.00%)"), std::string::npos);
  EXPECT_NE(text.find("Response time percentiles"), std::string::npos);
  EXPECT_NE(text.find("POST /v2/zones, \"quoted\""), std::string::npos);
  EXPECT_NE(text.find("RuntimeError in task create_zone: <oops> second line"), std::string::npos);
  EXPECT_NE(text.find("PASS  p95<500ms  (actual 1.5)"), std::string::npos);
  EXPECT_NE(text.find("FAIL  GET /nope:p99<1s  (no entry)"), std::string::npos);
}

TEST(ReportSummary, ToleratesValuesOfAnyShape) {
  EXPECT_EQ(summarizeReportJson(boost::json::value(nullptr)), "not a report: report.json is not a JSON object\n");
  EXPECT_EQ(summarizeReportJson(boost::json::parse("[1,2]")), "not a report: report.json is not a JSON object\n");
  const auto odd = boost::json::parse(
      R"({"entries": [1, {"name": 5, "num_requests": -3, "percentiles": []}], "total": "x", "errors": {},
          "thresholds": [null, {"passed": "yes"}], "start_time": "soon", "exit_code": [1]})");
  std::string text;
  EXPECT_NO_THROW(text = summarizeReportJson(odd));
  EXPECT_NE(text.find("Aggregated"), std::string::npos);
  EXPECT_NE(text.find("FAIL"), std::string::npos);
}

}  // namespace
}  // namespace accurate::report
