#include "snapshot_formatter.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace accurate::graphite {
namespace {

sdk::EntryStats entry(std::string method, std::string name, const std::vector<std::uint64_t>& times_us,
                      std::uint64_t failures = 0) {
  sdk::EntryStats e;
  e.method = std::move(method);
  e.name = std::move(name);
  for (std::uint64_t t : times_us) {
    ++e.num_requests;
    e.total_response_time_us += t;
    e.response_times.record(t);
  }
  e.num_failures = failures;
  return e;
}

sdk::StatsSnapshot snapshot(double time, std::vector<sdk::EntryStats> entries, double start_time = 990) {
  sdk::StatsSnapshot s;
  s.time = time;
  s.start_time = start_time;
  s.users = 7;
  s.total.name = "Aggregated";
  for (const auto& e : entries) s.total.merge(e);
  s.entries = std::move(entries);
  return s;
}

/// name → (value text, timestamp) of every line; fails the test on a malformed line or a repeated name.
std::map<std::string, std::pair<std::string, std::int64_t>> parse(const FormattedPoint& point) {
  std::map<std::string, std::pair<std::string, std::int64_t>> out;
  for (const std::string& line : point.lines) {
    EXPECT_EQ(line.back(), '\n') << line;
    std::istringstream in(line);
    std::string name, value;
    std::int64_t ts = 0;
    EXPECT_TRUE(in >> name >> value >> ts) << line;
    EXPECT_TRUE(out.emplace(name, std::pair(value, ts)).second) << "repeated " << name;
  }
  return out;
}

std::string value(const std::map<std::string, std::pair<std::string, std::int64_t>>& lines, const std::string& name) {
  const auto found = lines.find(name);
  return found == lines.end() ? std::string("(missing)") : found->second.first;
}

TEST(SnapshotFormatter, FormatsEveryMetricOfEachEntryAndTheTotalAtTheSnapshotSecond) {
  SnapshotFormatter formatter(FormatSettings{});
  sdk::StatsSnapshot s = snapshot(1000.4, {entry("GET", "/v2/zones", {1000, 2000, 3000, 4000}, 1)});
  s.entries[0].current_rps = 4.5;
  s.entries[0].current_fail_per_sec = 0.25;
  s.total.current_rps = 4.5;
  s.total.current_fail_per_sec = 0.25;
  const FormattedPoint point = formatter.format(s);
  EXPECT_EQ(point.timestamp, 1000);
  const auto lines = parse(point);
  for (const std::string base : {"accurate.GET._v2_zones", "accurate.total"}) {
    EXPECT_EQ(value(lines, base + ".requests"), "4");
    EXPECT_EQ(value(lines, base + ".failures"), "1");
    EXPECT_EQ(value(lines, base + ".rps"), "4.5");
    EXPECT_EQ(value(lines, base + ".fail_per_sec"), "0.25");
    EXPECT_EQ(value(lines, base + ".p50_ms"), "2");
    EXPECT_EQ(value(lines, base + ".p90_ms"), "4");
    EXPECT_EQ(value(lines, base + ".p95_ms"), "4");
    EXPECT_EQ(value(lines, base + ".p99_ms"), "4");
    EXPECT_EQ(value(lines, base + ".max_ms"), "4");
    EXPECT_EQ(value(lines, base + ".mean_ms"), "2.5");
  }
  EXPECT_EQ(value(lines, "accurate.users"), "7");
  EXPECT_EQ(value(lines, "accurate.workers"), "0");
  EXPECT_EQ(lines.size(), 22u);
  for (const auto& [name, line] : lines) EXPECT_EQ(line.second, 1000) << name;
}

TEST(SnapshotFormatter, ResponseTimesCoverOnlyTheSamplesCompletedSinceThePreviousPoint) {
  SnapshotFormatter formatter(FormatSettings{});
  formatter.format(snapshot(1000.4, {entry("GET", "/", {1000, 2000, 3000, 4000})}));
  const auto lines = parse(formatter.format(snapshot(1001.4, {entry("GET", "/", {1000, 2000, 3000, 4000, 1500, 1900})})));
  EXPECT_EQ(value(lines, "accurate.GET._.requests"), "6");
  EXPECT_EQ(value(lines, "accurate.GET._.p50_ms"), "1.5");
  EXPECT_EQ(value(lines, "accurate.GET._.max_ms"), "1.9");
  EXPECT_EQ(value(lines, "accurate.GET._.mean_ms"), "1.7");
  EXPECT_EQ(value(lines, "accurate.total.mean_ms"), "1.7");
}

TEST(SnapshotFormatter, OmitsResponseTimesWhenNothingCompleted) {
  SnapshotFormatter formatter(FormatSettings{});
  formatter.format(snapshot(1000.4, {entry("GET", "/", {1000})}));
  const auto lines = parse(formatter.format(snapshot(1001.4, {entry("GET", "/", {1000})})));
  EXPECT_EQ(value(lines, "accurate.GET._.requests"), "1");
  EXPECT_EQ(lines.count("accurate.GET._.p50_ms"), 0u);
  EXPECT_EQ(lines.count("accurate.GET._.mean_ms"), 0u);
  EXPECT_EQ(lines.count("accurate.total.max_ms"), 0u);
}

TEST(SnapshotFormatter, IsDueOncePerIntervalSlot) {
  SnapshotFormatter every_second(FormatSettings{});
  const auto at = [](double time) { return snapshot(time, {}); };
  EXPECT_TRUE(every_second.due(at(1000.4)));
  every_second.format(at(1000.4));
  EXPECT_FALSE(every_second.due(at(1000.99)));
  EXPECT_TRUE(every_second.due(at(1001.0)));

  FormatSettings five;
  five.interval = std::chrono::seconds(5);
  SnapshotFormatter every_five(five);
  every_five.format(at(1000.4));
  EXPECT_FALSE(every_five.due(at(1004.9)));
  EXPECT_TRUE(every_five.due(at(1005.1)));
  EXPECT_TRUE(every_five.due(snapshot(1001, {}, 1001)));  // a new test
}

TEST(SnapshotFormatter, APointReplacingOneAtTheSameSecondSpansBothWindows) {
  SnapshotFormatter formatter(FormatSettings{});
  formatter.format(snapshot(1000.1, {entry("GET", "/", {1000})}));
  formatter.format(snapshot(1001.1, {entry("GET", "/", {1000, 3000})}));
  const FormattedPoint final_point = formatter.format(snapshot(1001.8, {entry("GET", "/", {1000, 3000, 5000})}));
  EXPECT_EQ(final_point.timestamp, 1001);
  const auto lines = parse(final_point);
  EXPECT_EQ(value(lines, "accurate.GET._.requests"), "3");
  EXPECT_EQ(value(lines, "accurate.GET._.p50_ms"), "3");
  EXPECT_EQ(value(lines, "accurate.GET._.max_ms"), "5");
  EXPECT_EQ(value(lines, "accurate.GET._.mean_ms"), "4");
}

TEST(SnapshotFormatter, StartsAfreshWhenANewTestResetTheStats) {
  SnapshotFormatter formatter(FormatSettings{});
  formatter.format(snapshot(1000.1, {entry("GET", "/", {1000, 1000, 1000, 1000})}, 990));
  const auto lines = parse(formatter.format(snapshot(1010.2, {entry("GET", "/", {7000})}, 1009)));
  EXPECT_EQ(value(lines, "accurate.GET._.requests"), "1");
  EXPECT_EQ(value(lines, "accurate.GET._.p50_ms"), "7");
}

TEST(SnapshotFormatter, SumsEntriesWhoseSanitisedNamesCollide) {
  SnapshotFormatter formatter(FormatSettings{});
  const auto lines = parse(formatter.format(snapshot(1000.5, {entry("GET", "/a b", {1000}, 1), entry("GET", "/a_b", {3000})})));
  EXPECT_EQ(value(lines, "accurate.GET._a_b.requests"), "2");
  EXPECT_EQ(value(lines, "accurate.GET._a_b.failures"), "1");
  EXPECT_EQ(value(lines, "accurate.GET._a_b.max_ms"), "3");
}

TEST(SnapshotFormatter, SanitisesThePrefixPartByPartAndSendsTheSnapshotsWorkerCount) {
  FormatSettings settings;
  settings.prefix = "load test.dns";
  SnapshotFormatter formatter(settings);
  auto master_snapshot = snapshot(1000.5, {entry("DELETE", "/v2/zones/ID - async", {1000})});
  master_snapshot.workers = 3;
  const auto lines = parse(formatter.format(master_snapshot));
  EXPECT_EQ(value(lines, "load_test.dns.DELETE._v2_zones_ID_-_async.requests"), "1");
  EXPECT_EQ(value(lines, "load_test.dns.users"), "7");
  EXPECT_EQ(value(lines, "load_test.dns.workers"), "3");
}

TEST(SnapshotFormatter, CompatSendsOneResponseTimeLinePerNewSampleAndRequestsPerSecond) {
  FormatSettings settings;
  settings.compat = true;
  settings.client_id = "node 1";
  SnapshotFormatter formatter(settings);
  const FormattedPoint first = formatter.format(snapshot(1001.0, {entry("GET", "/v2/zones", {1000, 1000, 2500})}, 1000.0));
  std::multiset<std::string> expected{"locust.GET-v2-zones.response_time.node_1 1 1001\n",
                                      "locust.GET-v2-zones.response_time.node_1 1 1001\n",
                                      "locust.GET-v2-zones.response_time.node_1 2.5 1001\n",
                                      "locust.GET-v2-zones.reqs_per_sec.node_1 3 1001\n"};
  EXPECT_EQ(std::multiset<std::string>(first.lines.begin(), first.lines.end()), expected);
  const FormattedPoint second =
      formatter.format(snapshot(1003.0, {entry("GET", "/v2/zones", {1000, 1000, 2500, 1000, 1000, 1000, 1000})}, 1000.0));
  std::multiset<std::string> expected_second{"locust.GET-v2-zones.reqs_per_sec.node_1 2 1003\n"};
  for (int i = 0; i < 4; ++i) expected_second.insert("locust.GET-v2-zones.response_time.node_1 1 1003\n");
  EXPECT_EQ(std::multiset<std::string>(second.lines.begin(), second.lines.end()), expected_second);
  EXPECT_EQ(second.compat_capped, 0u);
}

TEST(SnapshotFormatter, CompatCapsResponseTimeLinesPerEntryAndCountsTheRest) {
  FormatSettings settings;
  settings.compat = true;
  settings.compat_cap = 10;
  SnapshotFormatter formatter(settings);
  std::vector<std::uint64_t> times;
  for (std::uint64_t i = 1; i <= 25; ++i) times.push_back(i * 1000);
  const FormattedPoint point = formatter.format(snapshot(1001.0, {entry("GET", "/", times), entry("GET", "/b", {5000})}, 1000.0));
  std::size_t capped_lines = 0;
  for (const std::string& line : point.lines) capped_lines += line.starts_with("locust.GET-.response_time.");
  EXPECT_EQ(capped_lines, 10u);
  EXPECT_EQ(point.compat_capped, 15u);
  EXPECT_EQ(point.lines.size(), 10u + 1u + 1u + 1u);  // capped entry, /b's one line, two reqs_per_sec lines
}

TEST(SnapshotFormatter, FormatsValuesWithAtMostThreeDecimals) {
  EXPECT_EQ(formatValue(3), "3");
  EXPECT_EQ(formatValue(12.5), "12.5");
  EXPECT_EQ(formatValue(0.0004), "0");
  EXPECT_EQ(formatValue(1.23456), "1.235");
  EXPECT_EQ(formatValue(-0.0001), "0");
}

}  // namespace
}  // namespace accurate::graphite
