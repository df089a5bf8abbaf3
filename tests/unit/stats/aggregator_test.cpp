#include "stats/aggregator.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using accurate::sdk::Sample;
using accurate::sdk::StatsSnapshot;
using accurate::stats::Aggregator;
using accurate::stats::ShardStats;
using accurate::stats::StatsDelta;

/// A delta of @p n samples of @p response_us for (method, name), @p failures of them failing with @p error.
StatsDelta deltaOf(const std::string& method, const std::string& name, std::uint64_t n, std::uint64_t response_us,
                   std::uint64_t failures = 0, const std::string& error = "failed") {
  ShardStats shard;
  for (std::uint64_t i = 0; i < n; ++i) {
    shard.record(Sample{method, name, response_us, 100, i < failures ? std::string_view(error) : std::string_view{}});
  }
  return shard.takeDelta();
}

TEST(Aggregator, LatestIsAnEmptyReadySnapshotBeforeAnyPublish) {
  const Aggregator agg;
  const auto snap = agg.latest();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->state, "ready");
  EXPECT_TRUE(snap->entries.empty());
  EXPECT_TRUE(snap->history.empty());
  EXPECT_EQ(snap->total.name, "Aggregated");
  EXPECT_EQ(snap->total.num_requests, 0u);
}

TEST(Aggregator, RefusesAnEmptyWindow) { EXPECT_THROW(Aggregator(0), accurate::sdk::Error); }

TEST(Aggregator, TwoShardsMergeToTheSameStatsAsOneShardWithAllSamples) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::uint64_t> latency(100, 5'000'000);
  const char* names[] = {"/a", "/b", "/c"};
  ShardStats one, left, right;
  for (int i = 0; i < 3000; ++i) {
    const Sample s{i % 2 ? "GET" : "POST", names[i % 3], latency(rng), static_cast<std::uint64_t>(i),
                   i % 7 == 0 ? std::string_view("HTTP 500") : std::string_view{}};
    one.record(s);
    (i % 5 < 2 ? left : right).record(s);
    if (i % 100 == 0) {
      one.recordException("boom");
      (i % 200 == 0 ? left : right).recordException("boom");
      one.count("skipped.x");
      (i % 200 == 0 ? left : right).count("skipped.x");
    }
  }
  Aggregator single, merged;
  single.reset(1000);
  merged.reset(1000);
  single.add(one.takeDelta());
  merged.add(left.takeDelta());
  merged.add(right.takeDelta());
  const auto a = single.publish(1001, 1, "running");
  const auto b = merged.publish(1001, 1, "running");
  ASSERT_EQ(a->entries.size(), 6u);
  ASSERT_EQ(b->counters.size(), 1u);
  EXPECT_EQ(b->counters[0].name, "skipped.x");
  EXPECT_EQ(b->counters[0].value, 30u);
  ASSERT_EQ(a->entries.size(), b->entries.size());
  for (std::size_t i = 0; i < a->entries.size(); ++i) {
    const auto& x = a->entries[i];
    const auto& y = b->entries[i];
    EXPECT_EQ(x.method, y.method);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.num_requests, y.num_requests);
    EXPECT_EQ(x.num_failures, y.num_failures);
    EXPECT_EQ(x.total_response_time_us, y.total_response_time_us);
    EXPECT_EQ(x.total_content_length, y.total_content_length);
    EXPECT_EQ(x.response_times.nonZeroBuckets(), y.response_times.nonZeroBuckets());
    EXPECT_EQ(x.response_times.min(), y.response_times.min());
    EXPECT_EQ(x.response_times.max(), y.response_times.max());
    EXPECT_DOUBLE_EQ(x.current_rps, y.current_rps);
  }
  EXPECT_EQ(a->total.num_requests, 3000u);
  EXPECT_EQ(b->total.num_requests, 3000u);
  EXPECT_EQ(a->total.num_failures, b->total.num_failures);
  EXPECT_EQ(a->total.response_times.nonZeroBuckets(), b->total.response_times.nonZeroBuckets());
  ASSERT_EQ(a->errors.size(), b->errors.size());
  for (std::size_t i = 0; i < a->errors.size(); ++i) {
    EXPECT_EQ(a->errors[i].occurrences, b->errors[i].occurrences);
    EXPECT_EQ(a->errors[i].method, b->errors[i].method);
    EXPECT_EQ(a->errors[i].name, b->errors[i].name);
  }
  ASSERT_EQ(b->exceptions.size(), 1u);
  EXPECT_EQ(b->exceptions[0].count, 30u);
  EXPECT_EQ(a->exceptions[0].count, 30u);
}

TEST(Aggregator, SnapshotSortsEntriesByNameThenMethodAndFillsTheTotalRow) {
  Aggregator agg;
  agg.reset(500);
  agg.add(deltaOf("POST", "/b", 1, 1000));
  agg.add(deltaOf("GET", "/b", 2, 3000));
  agg.add(deltaOf("GET", "/a", 3, 2000, 1));
  const auto snap = agg.publish(501, 4, "running");
  ASSERT_EQ(snap->entries.size(), 3u);
  EXPECT_EQ(snap->entries[0].name, "/a");
  EXPECT_EQ(snap->entries[1].name, "/b");
  EXPECT_EQ(snap->entries[1].method, "GET");
  EXPECT_EQ(snap->entries[2].method, "POST");
  EXPECT_EQ(snap->total.name, "Aggregated");
  EXPECT_EQ(snap->total.method, "");
  EXPECT_EQ(snap->total.num_requests, 6u);
  EXPECT_EQ(snap->total.num_failures, 1u);
  EXPECT_EQ(snap->total.total_response_time_us, 1000u + 6000u + 6000u);
  EXPECT_EQ(snap->total.response_times.count(), 6u);
  EXPECT_DOUBLE_EQ(snap->time, 501);
  EXPECT_DOUBLE_EQ(snap->start_time, 500);
  EXPECT_EQ(snap->state, "running");
  EXPECT_EQ(snap->users, 4u);
  EXPECT_EQ(snap->max_users, 4u);
  EXPECT_EQ(agg.latest(), snap);
}

TEST(Aggregator, MergesTheSameEntryAcrossDeltas) {
  Aggregator agg;
  agg.add(deltaOf("GET", "/a", 2, 1000));
  agg.add(deltaOf("GET", "/a", 3, 1000, 3));
  const auto snap = agg.publish(10, 0, "running");
  ASSERT_EQ(snap->entries.size(), 1u);
  EXPECT_EQ(snap->entries[0].num_requests, 5u);
  EXPECT_EQ(snap->entries[0].num_failures, 3u);
  ASSERT_EQ(snap->errors.size(), 1u);
  EXPECT_EQ(snap->errors[0].occurrences, 3u);
}

TEST(Aggregator, MaxUsersIsThePeakSeenByPublish) {
  Aggregator agg;
  agg.reset(0);
  agg.publish(1, 5, "spawning");
  agg.publish(2, 20, "running");
  const auto snap = agg.publish(3, 8, "running");
  EXPECT_EQ(snap->users, 8u);
  EXPECT_EQ(snap->max_users, 20u);
}

TEST(Aggregator, MaxUsersIncludesAPeakNotedBetweenPublishes) {
  Aggregator agg;
  agg.reset(0);
  agg.publish(1, 5, "running");
  agg.noteUsers(8);  // raised to 8 and stopped before the next publish
  const auto snap = agg.publish(2, 0, "stopped");
  EXPECT_EQ(snap->max_users, 8u);
  agg.reset(3);
  EXPECT_EQ(agg.publish(4, 2, "running")->max_users, 2u) << "a reset forgets the old peak";
}

TEST(Aggregator, CurrentRpsUsesTheCountsOfWindowSecondsPublishesAgo) {
  Aggregator agg(3);
  agg.reset(1000);
  const std::uint64_t per_second[] = {10, 20, 30, 40, 50};
  std::shared_ptr<const StatsSnapshot> snap;
  for (int i = 0; i < 5; ++i) {
    agg.add(deltaOf("GET", "/a", per_second[i], 1000, per_second[i] / 10));
    agg.add(deltaOf("GET", "/b", 1, 1000));
    snap = agg.publish(1001 + i, 1, "running");
    // Younger than the window: the rate uses what history exists, since the reset.
    if (i == 0) {
      EXPECT_DOUBLE_EQ(snap->entries[0].current_rps, 10.0);
      EXPECT_DOUBLE_EQ(snap->entries[0].current_fail_per_sec, 1.0);
    }
    if (i == 1) {
      EXPECT_DOUBLE_EQ(snap->entries[0].current_rps, 15.0);
    }
  }
  // Window of the last 3 seconds: 30 + 40 + 50 requests over 3 s.
  EXPECT_DOUBLE_EQ(snap->entries[0].current_rps, 40.0);
  EXPECT_DOUBLE_EQ(snap->entries[0].current_fail_per_sec, 4.0);
  EXPECT_DOUBLE_EQ(snap->entries[1].current_rps, 1.0);
  EXPECT_DOUBLE_EQ(snap->total.current_rps, 41.0);
  EXPECT_DOUBLE_EQ(snap->total.current_fail_per_sec, 4.0);
}

TEST(Aggregator, RateDividesByTheRealTimeBetweenPublishes) {
  Aggregator agg(10);
  agg.reset(100);
  agg.add(deltaOf("GET", "/a", 30, 1000));
  const auto snap = agg.publish(102.5, 1, "running");
  EXPECT_DOUBLE_EQ(snap->total.current_rps, 12.0);
}

TEST(Aggregator, NewEntryInsideTheWindowCountsFromZero) {
  Aggregator agg(2);
  agg.reset(0);
  agg.add(deltaOf("GET", "/a", 4, 1000));
  agg.publish(1, 1, "running");
  agg.publish(2, 1, "running");
  agg.add(deltaOf("GET", "/late", 6, 1000));
  const auto snap = agg.publish(3, 1, "running");
  ASSERT_EQ(snap->entries.size(), 2u);
  EXPECT_DOUBLE_EQ(snap->entries[0].current_rps, 0.0);  // /a: nothing in the last 2 s
  EXPECT_DOUBLE_EQ(snap->entries[1].current_rps, 3.0);  // /late: 6 over 2 s
}

TEST(Aggregator, AppendsOneHistoryPointPerPublish) {
  Aggregator agg(10);
  agg.reset(0);
  agg.add(deltaOf("GET", "/a", 10, 2000, 2));
  agg.publish(1, 3, "running");
  agg.add(deltaOf("GET", "/a", 10, 4000));
  const auto snap = agg.publish(2, 7, "running");
  ASSERT_EQ(snap->history.size(), 2u);
  const auto& first = snap->history[0];
  EXPECT_DOUBLE_EQ(first.time, 1);
  EXPECT_EQ(first.users, 3u);
  EXPECT_DOUBLE_EQ(first.rps, 10);
  EXPECT_DOUBLE_EQ(first.fail_per_sec, 2);
  EXPECT_DOUBLE_EQ(first.p50_ms, 2.0);
  EXPECT_DOUBLE_EQ(first.avg_ms, 2.0);
  EXPECT_EQ(first.total_requests, 10u);
  EXPECT_EQ(first.total_failures, 2u);
  const auto& second = snap->history[1];
  EXPECT_EQ(second.users, 7u);
  EXPECT_DOUBLE_EQ(second.rps, 10);  // 20 requests over 2 s
  EXPECT_DOUBLE_EQ(second.avg_ms, 3.0);
  EXPECT_NEAR(second.p95_ms, 4.0, 0.004);
  EXPECT_EQ(second.total_requests, 20u);
}

TEST(Aggregator, WindowPercentilesReflectOnlyRecentSamples) {
  Aggregator agg(2);
  agg.reset(0);
  agg.add(deltaOf("GET", "/a", 1000, 100'000));  // 100 ms, early
  agg.publish(1, 1, "running");
  for (int t = 2; t <= 3; ++t) {
    agg.add(deltaOf("GET", "/a", 10, 1'000));  // 1 ms, recent
    agg.publish(t, 1, "running");
  }
  const auto snap = agg.latest();
  const auto& point = snap->history.back();
  EXPECT_NEAR(point.p50_ms, 1.0, 0.001);
  EXPECT_NEAR(point.p99_ms, 1.0, 0.001);
  // The cumulative figures still include the early samples.
  EXPECT_NEAR(snap->total.percentileMs(0.5), 100.0, 0.1);
  EXPECT_GT(point.avg_ms, 90.0);
  // Earlier point, while the 100 ms samples were inside the window.
  EXPECT_NEAR(snap->history[1].p50_ms, 100.0, 0.1);
}

TEST(Aggregator, WithoutResetTheFirstPublishStartsTheRun) {
  Aggregator agg(5);
  agg.add(deltaOf("GET", "/a", 8, 1000));
  const auto first = agg.publish(50, 1, "running");
  EXPECT_DOUBLE_EQ(first->start_time, 50);
  EXPECT_DOUBLE_EQ(first->total.current_rps, 0);  // no interval yet
  EXPECT_NEAR(first->history[0].p50_ms, 1.0, 0.001);
  agg.add(deltaOf("GET", "/a", 4, 1000));
  const auto second = agg.publish(52, 1, "running");
  EXPECT_DOUBLE_EQ(second->start_time, 50);
  EXPECT_DOUBLE_EQ(second->total.current_rps, 6.0);  // 12 requests since 50, over 2 s
}

TEST(Aggregator, ResetForgetsEverything) {
  Aggregator agg(3);
  agg.reset(0);
  agg.add(deltaOf("GET", "/a", 10, 1000, 5));
  StatsDelta crash;
  crash.exceptions.push_back({"boom", 2});
  agg.add(std::move(crash));
  agg.publish(1, 50, "running");
  agg.publish(2, 50, "running");
  agg.reset(100);
  const auto empty = agg.latest();
  EXPECT_TRUE(empty->entries.empty());
  EXPECT_TRUE(empty->history.empty());
  EXPECT_EQ(empty->total.num_requests, 0u);
  EXPECT_DOUBLE_EQ(empty->start_time, 100);
  EXPECT_EQ(empty->state, "running");
  agg.add(deltaOf("GET", "/b", 3, 1000));
  const auto snap = agg.publish(101, 2, "running");
  EXPECT_DOUBLE_EQ(snap->start_time, 100);
  ASSERT_EQ(snap->entries.size(), 1u);
  EXPECT_EQ(snap->entries[0].name, "/b");
  EXPECT_EQ(snap->total.num_requests, 3u);
  EXPECT_DOUBLE_EQ(snap->total.current_rps, 3.0);
  EXPECT_TRUE(snap->errors.empty());
  EXPECT_TRUE(snap->exceptions.empty());
  EXPECT_EQ(snap->max_users, 2u);
  ASSERT_EQ(snap->history.size(), 1u);
  EXPECT_EQ(snap->history[0].total_requests, 3u);
}

TEST(Aggregator, SortsErrorsAndExceptionsByFrequency) {
  Aggregator agg;
  agg.add(deltaOf("GET", "/a", 2, 10, 2, "rare"));
  agg.add(deltaOf("GET", "/a", 9, 10, 9, "common"));
  agg.add(deltaOf("PUT", "/z", 5, 10, 5, "middle"));
  agg.add(deltaOf("GET", "/a", 1, 10, 1, "rare"));
  StatsDelta crashes;
  crashes.exceptions.push_back({"once", 1});
  crashes.exceptions.push_back({"often", 4});
  crashes.exceptions.push_back({"twice", 2});
  agg.add(std::move(crashes));
  const auto snap = agg.publish(1, 0, "running");
  ASSERT_EQ(snap->errors.size(), 3u);
  EXPECT_EQ(snap->errors[0].error, "common");
  EXPECT_EQ(snap->errors[0].occurrences, 9u);
  EXPECT_EQ(snap->errors[1].error, "middle");
  EXPECT_EQ(snap->errors[1].method, "PUT");
  EXPECT_EQ(snap->errors[1].name, "/z");
  EXPECT_EQ(snap->errors[2].error, "rare");
  EXPECT_EQ(snap->errors[2].occurrences, 3u);
  ASSERT_EQ(snap->exceptions.size(), 3u);
  EXPECT_EQ(snap->exceptions[0].message, "often");
  EXPECT_EQ(snap->exceptions[1].message, "twice");
  EXPECT_EQ(snap->exceptions[2].message, "once");
}

TEST(Aggregator, PublishedSnapshotsStayUnchangedByLaterAdds) {
  Aggregator agg;
  agg.reset(0);
  agg.add(deltaOf("GET", "/a", 1, 10));
  const auto first = agg.publish(1, 1, "running");
  agg.add(deltaOf("GET", "/a", 5, 10));
  agg.publish(2, 1, "running");
  EXPECT_EQ(first->total.num_requests, 1u);
  EXPECT_EQ(first->history.size(), 1u);
  EXPECT_EQ(agg.latest()->total.num_requests, 6u);
}

}  // namespace
