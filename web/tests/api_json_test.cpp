// The API's JSON builders: pure functions of a snapshot and the run's state.

#include "api_json.hpp"
#include "test_support.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace accurate::web {
namespace {

namespace json = boost::json;
using test::sampleSnapshot;

double num(const json::value& value) { return value.to_number<double>(); }

TEST(ApiJson, RequestsListsEntriesThenAggregatedLastWithLocustFields) {
  const auto snapshot = sampleSnapshot();
  RunInfo run;
  run.state = "spawning";
  run.users = 4;
  WorkerInfo worker;
  worker.id = "w1";
  worker.state = "running";
  worker.users = 4;
  worker.cpu_percent = 12.5;
  worker.last_heartbeat = 1700000099;
  run.workers.push_back(worker);
  const json::object out = requestsJson(*snapshot, run);

  const json::array& stats = out.at("stats").as_array();
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].at("name"), "/a");
  EXPECT_EQ(stats[1].at("name"), "/b<x>");
  EXPECT_EQ(stats[1].at("safe_name"), "/b&lt;x&gt;");
  EXPECT_EQ(stats[2].at("name"), "Aggregated");
  EXPECT_EQ(stats[2].at("method"), "");

  const json::object& a = stats[0].as_object();
  for (const char* field : {"method", "name", "safe_name", "num_requests", "num_failures", "avg_response_time",
                            "min_response_time", "max_response_time", "current_rps", "current_fail_per_sec",
                            "median_response_time", "ninetieth_response_time", "ninety_ninth_response_time",
                            "avg_content_length", "response_time_percentile_0.95"}) {
    EXPECT_TRUE(a.contains(field)) << field;
  }
  EXPECT_EQ(a.at("num_requests").to_number<std::uint64_t>(), 4u);
  EXPECT_EQ(a.at("num_failures").to_number<std::uint64_t>(), 1u);
  EXPECT_DOUBLE_EQ(num(a.at("avg_response_time")), 2.5);
  EXPECT_DOUBLE_EQ(num(a.at("min_response_time")), 1.0);
  EXPECT_DOUBLE_EQ(num(a.at("max_response_time")), 4.0);
  EXPECT_NEAR(num(a.at("median_response_time")), snapshot->entries[0].percentileMs(0.5), 1e-9);
  EXPECT_NEAR(num(a.at("ninety_ninth_response_time")), 4.0, 0.01);
  EXPECT_DOUBLE_EQ(num(a.at("avg_content_length")), 100.0);
  EXPECT_DOUBLE_EQ(num(a.at("current_rps")), 4.0);
  EXPECT_DOUBLE_EQ(num(a.at("current_fail_per_sec")), 0.5);

  const json::object& total = stats[2].as_object();
  EXPECT_EQ(total.at("num_requests").to_number<std::uint64_t>(), 6u);
  EXPECT_DOUBLE_EQ(num(total.at("max_response_time")), 20.0);

  EXPECT_DOUBLE_EQ(num(out.at("total_rps")), 6.0);
  EXPECT_DOUBLE_EQ(num(out.at("total_fail_per_sec")), 0.5);
  EXPECT_DOUBLE_EQ(num(out.at("fail_ratio")), 1.0 / 6.0);
  // Window percentiles come from the latest history point.
  EXPECT_DOUBLE_EQ(num(out.at("current_response_time_percentile_1")), 12.0);
  EXPECT_DOUBLE_EQ(num(out.at("current_response_time_percentile_2")), 22.0);
  EXPECT_EQ(out.at("state"), "spawning");
  EXPECT_EQ(out.at("user_count").to_number<int>(), 4);
  EXPECT_DOUBLE_EQ(num(out.at("start_time")), 1700000000.0);
  EXPECT_DOUBLE_EQ(num(out.at("time")), 1700000100.0);
  EXPECT_EQ(out.at("counters").at("skipped.remove_domain").to_number<int>(), 3);

  const json::array& errors = out.at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].at("error"), "HTTP 500");
  EXPECT_EQ(errors[0].at("occurrences").to_number<int>(), 1);

  const json::array& workers = out.at("workers").as_array();
  ASSERT_EQ(workers.size(), 1u);
  EXPECT_EQ(workers[0].at("id"), "w1");
  EXPECT_DOUBLE_EQ(num(workers[0].at("cpu_usage")), 12.5);
}

TEST(ApiJson, RequestsOfAnEmptySnapshotHasOnlyTheTotalAndZeroes) {
  RunInfo ready;
  ready.state = "ready";
  const json::object out = requestsJson(sdk::StatsSnapshot{}, ready);
  const json::array& stats = out.at("stats").as_array();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].at("name"), "Aggregated");
  EXPECT_DOUBLE_EQ(num(out.at("fail_ratio")), 0.0);
  EXPECT_DOUBLE_EQ(num(out.at("current_response_time_percentile_1")), 0.0);
  EXPECT_EQ(out.at("state"), "ready");
}

TEST(ApiJson, RequestsKeepsAtMost500EntriesPlusTheTotal) {
  sdk::StatsSnapshot snapshot;
  for (int i = 0; i < 600; ++i) snapshot.entries.push_back(test::makeEntry("GET", "/" + std::to_string(i), {1}));
  snapshot.total.name = "Aggregated";
  const json::object out = requestsJson(snapshot, RunInfo{});
  const json::array& stats = out.at("stats").as_array();
  ASSERT_EQ(stats.size(), kMaxStatsRows + 1);
  EXPECT_EQ(stats.back().at("name"), "Aggregated");
}

TEST(ApiJson, HistoryFiltersPointsAfterSince) {
  const auto snapshot = sampleSnapshot();
  EXPECT_EQ(historyJson(*snapshot, std::nullopt).at("history").as_array().size(), 3u);
  const json::array later = historyJson(*snapshot, 1700000098.0).at("history").as_array();
  ASSERT_EQ(later.size(), 2u);
  EXPECT_DOUBLE_EQ(num(later[0].at("time")), 1700000099.0);
  for (const char* field : {"time", "users", "rps", "fail_per_sec", "p50_ms", "p95_ms", "p99_ms", "avg_ms",
                            "total_requests", "total_failures"}) {
    EXPECT_TRUE(later[0].as_object().contains(field)) << field;
  }
  EXPECT_TRUE(historyJson(*snapshot, 1700000100.0).at("history").as_array().empty());
}

TEST(ApiJson, ExceptionsHaveLocustShape) {
  const json::array rows = exceptionsJson(*sampleSnapshot()).at("exceptions").as_array();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("count").to_number<int>(), 2);
  EXPECT_EQ(rows[0].at("msg"), "task crashed: boom");
  EXPECT_EQ(rows[0].at("traceback"), "");
  EXPECT_EQ(rows[0].at("nodes"), "");
}

TEST(ApiJson, StatusGivesRunTimeInSecondsAndNullsWhenUnset) {
  RunInfo run;
  run.state = "running";
  run.users = 3;
  run.target_users = 10;
  run.spawn_rate = 2;
  run.host = "http://x";
  run.run_time = std::chrono::milliseconds(90500);
  run.last_report_id = "20260101T000000Z-00000000";
  json::object out = statusJson(run);
  EXPECT_EQ(out.at("state"), "running");
  EXPECT_EQ(out.at("target_user_count").to_number<int>(), 10);
  EXPECT_DOUBLE_EQ(num(out.at("run_time")), 90.5);
  EXPECT_EQ(out.at("last_report_id"), "20260101T000000Z-00000000");
  EXPECT_TRUE(out.at("workers").as_array().empty());

  out = statusJson(RunInfo{});
  EXPECT_TRUE(out.at("run_time").is_null());
  EXPECT_TRUE(out.at("last_report_id").is_null());
}

TEST(ApiJson, InfoListsClassesAndDefaults) {
  UiInfo ui;
  ui.version = "1.2.3";
  ui.plugins = {"http", "auth"};
  ui.user_classes.push_back({"designate.small", 2, 0});
  ui.default_users = 5;
  ui.default_spawn_rate = 1.5;
  ui.default_host = "http://h";
  ui.auth_enabled = true;
  const json::object out = infoJson(ui);
  EXPECT_EQ(out.at("version"), "1.2.3");
  EXPECT_EQ(out.at("plugins").as_array().size(), 2u);
  EXPECT_EQ(out.at("user_classes").at(0).at("name"), "designate.small");
  EXPECT_EQ(out.at("defaults").at("user_count").to_number<int>(), 5);
  EXPECT_TRUE(out.at("defaults").at("run_time").is_null());
  EXPECT_EQ(out.at("auth_enabled"), true);
}

TEST(ApiJson, EscapeHtmlEscapesAmpersandAndAngleBrackets) {
  EXPECT_EQ(escapeHtml("a&b<c>\"d'"), "a&amp;b&lt;c&gt;\"d'");
}

TEST(ApiJson, ErrorJsonHasSuccessFalseAndMessage) {
  const json::object out = errorJson("user_count: missing");
  EXPECT_EQ(out.at("success"), false);
  EXPECT_EQ(out.at("message"), "user_count: missing");
}

}  // namespace
}  // namespace accurate::web
