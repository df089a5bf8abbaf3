#include "stats/shard_stats.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

using accurate::sdk::EntryStats;
using accurate::sdk::Sample;
using accurate::stats::ShardStats;
using accurate::stats::StatsDelta;

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const EntryStats* findEntry(const StatsDelta& d, std::string_view method, std::string_view name) {
  const auto it = std::find_if(d.entries.begin(), d.entries.end(),
                               [&](const EntryStats& e) { return e.method == method && e.name == name; });
  return it == d.entries.end() ? nullptr : &*it;
}

TEST(ShardStats, GroupsSamplesByMethodAndName) {
  ShardStats shard;
  shard.record(Sample{"GET", "/a", 1000, 10, {}});
  shard.record(Sample{"GET", "/a", 3000, 30, {}});
  shard.record(Sample{"POST", "/a", 500, 0, {}});
  shard.record(Sample{"GET", "/b", 700, 7, {}});
  const StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.entries.size(), 3u);
  const EntryStats* get_a = findEntry(d, "GET", "/a");
  ASSERT_NE(get_a, nullptr);
  EXPECT_EQ(get_a->num_requests, 2u);
  EXPECT_EQ(get_a->num_failures, 0u);
  EXPECT_EQ(get_a->total_response_time_us, 4000u);
  EXPECT_EQ(get_a->total_content_length, 40u);
  EXPECT_EQ(get_a->response_times.count(), 2u);
  EXPECT_EQ(get_a->response_times.min(), 1000u);
  EXPECT_EQ(get_a->response_times.max(), 3000u);
  EXPECT_EQ(get_a->intended_response_times.count(), 0u);
  ASSERT_NE(findEntry(d, "POST", "/a"), nullptr);
  EXPECT_EQ(findEntry(d, "POST", "/a")->num_requests, 1u);
  ASSERT_NE(findEntry(d, "GET", "/b"), nullptr);
  EXPECT_EQ(findEntry(d, "GET", "/b")->total_content_length, 7u);
  EXPECT_TRUE(d.errors.empty());
}

TEST(ShardStats, CopiesTheKeySoTheSampleViewsMayDie) {
  ShardStats shard;
  {
    std::string method = "DELETE";
    std::string name = "/v2/zones/ID-that-is-long-enough-to-allocate";
    std::string error = "HTTP 500 Internal Server Error";
    shard.record(Sample{method, name, 1, 0, error});
    method.assign(method.size(), 'x');
    name.assign(name.size(), 'y');
    error.assign(error.size(), 'z');
  }
  const StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].method, "DELETE");
  EXPECT_EQ(d.entries[0].name, "/v2/zones/ID-that-is-long-enough-to-allocate");
  ASSERT_EQ(d.errors.size(), 1u);
  EXPECT_EQ(d.errors[0].error, "HTTP 500 Internal Server Error");
}

TEST(ShardStats, GroupsFailuresByMethodNameAndError) {
  ShardStats shard;
  shard.record(Sample{"GET", "/a", 10, 0, "timeout"});
  shard.record(Sample{"GET", "/a", 10, 0, "timeout"});
  shard.record(Sample{"GET", "/a", 10, 0, "HTTP 503"});
  shard.record(Sample{"POST", "/a", 10, 0, "timeout"});
  shard.record(Sample{"GET", "/a", 10, 0, {}});
  const StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.errors.size(), 3u);
  const auto occurrences = [&](std::string_view method, std::string_view error) -> std::uint64_t {
    for (const auto& e : d.errors) {
      if (e.method == method && e.name == "/a" && e.error == error) return e.occurrences;
    }
    return 0;
  };
  EXPECT_EQ(occurrences("GET", "timeout"), 2u);
  EXPECT_EQ(occurrences("GET", "HTTP 503"), 1u);
  EXPECT_EQ(occurrences("POST", "timeout"), 1u);
  EXPECT_EQ(findEntry(d, "GET", "/a")->num_requests, 4u);
  EXPECT_EQ(findEntry(d, "GET", "/a")->num_failures, 3u);
  EXPECT_EQ(findEntry(d, "POST", "/a")->num_failures, 1u);
}

TEST(ShardStats, KeepsManyKeysOfEveryLengthApart) {
  ShardStats shard;
  std::vector<std::string> names;
  for (std::size_t len = 0; len <= 40; ++len) {
    for (char c = 'a'; c <= 'e'; ++c) names.push_back(std::string(len, c));
  }
  names.push_back("T/a");  // with method "GE", must not meet ("GET", "/a")
  names.push_back("/a");
  const std::string methods[] = {"", "GE", "GET", "POST"};
  for (int repeat = 1; repeat <= 2; ++repeat) {
    for (const auto& m : methods) {
      for (const auto& n : names) shard.record(Sample{m, n, 1, 0, {}});
    }
  }
  const StatsDelta d = shard.takeDelta();
  // "" + 5 letters collapse to one name for length 0, so 1 + 40 * 5 + 2 distinct names.
  EXPECT_EQ(d.entries.size(), 4u * (1 + 40 * 5 + 2));
  for (const auto& e : d.entries) EXPECT_EQ(e.num_requests, e.name.empty() ? 10u : 2u) << e.method << e.name;
}

TEST(ShardStats, RecordWithLagAlsoRecordsTheIntendedResponseTime) {
  ShardStats shard;
  shard.recordWithLag(Sample{"GET", "/p", 2000, 0, {}}, 500);
  shard.record(Sample{"GET", "/p", 4000, 0, {}});
  const StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.entries.size(), 1u);
  const EntryStats& e = d.entries[0];
  EXPECT_EQ(e.num_requests, 2u);
  EXPECT_EQ(e.response_times.count(), 2u);
  ASSERT_EQ(e.intended_response_times.count(), 1u);
  EXPECT_EQ(e.intended_response_times.min(), 2500u);
}

TEST(ShardStats, GroupsExceptionsByMessage) {
  ShardStats shard;
  shard.recordException("task create_zone: boom");
  shard.recordException(std::string("task create_zone: boom"));
  shard.recordException("task delete_zone: bad");
  const StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.exceptions.size(), 2u);
  for (const auto& e : d.exceptions) {
    EXPECT_EQ(e.count, e.message == "task create_zone: boom" ? 2u : 1u) << e.message;
  }
}

TEST(ShardStats, SumsCountersByNameAndEmptiesThemWithTheDelta) {
  ShardStats shard;
  shard.count("skipped.remove_domain");
  shard.count(std::string("skipped.remove_domain"), 2);
  shard.count("skipped.remove_record");
  StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.counters.size(), 2u);
  for (const auto& c : d.counters) EXPECT_EQ(c.value, c.name == "skipped.remove_domain" ? 3u : 1u) << c.name;
  EXPECT_TRUE(shard.takeDelta().counters.empty());
}

TEST(ShardStats, StampsFirstAndLastSampleTimesFromTheSystemClock) {
  // The shard reads the realtime clock at tick resolution (a few ms), so its stamps may trail a precise reading.
  constexpr double kCoarseResolution = 0.05;
  ShardStats shard;
  const double before = nowSeconds();
  shard.record(Sample{"GET", "/t", 1, 0, {}});
  shard.record(Sample{"GET", "/t", 1, 0, {}});
  const double after = nowSeconds();
  const StatsDelta d = shard.takeDelta();
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_GE(d.entries[0].first_sample_time, before - kCoarseResolution);
  EXPECT_LE(d.entries[0].first_sample_time, d.entries[0].last_sample_time);
  EXPECT_LE(d.entries[0].last_sample_time, after);
}

TEST(ShardStats, TakeDeltaEmptiesTheShard) {
  ShardStats shard;
  shard.record(Sample{"GET", "/a", 1, 0, "err"});
  shard.recordException("boom");
  const StatsDelta first = shard.takeDelta();
  EXPECT_EQ(first.entries.size(), 1u);
  EXPECT_EQ(first.errors.size(), 1u);
  EXPECT_EQ(first.exceptions.size(), 1u);
  const StatsDelta second = shard.takeDelta();
  EXPECT_TRUE(second.entries.empty());
  EXPECT_TRUE(second.errors.empty());
  EXPECT_TRUE(second.exceptions.empty());
  shard.record(Sample{"GET", "/a", 5, 0, {}});
  const StatsDelta third = shard.takeDelta();
  ASSERT_EQ(third.entries.size(), 1u);
  EXPECT_EQ(third.entries[0].num_requests, 1u);  // counts start again from zero
  EXPECT_EQ(third.entries[0].num_failures, 0u);
}

TEST(ShardStats, ResetDropsEverything) {
  ShardStats shard;
  shard.record(Sample{"GET", "/a", 1, 0, "err"});
  shard.recordException("boom");
  shard.reset();
  const StatsDelta d = shard.takeDelta();
  EXPECT_TRUE(d.entries.empty());
  EXPECT_TRUE(d.errors.empty());
  EXPECT_TRUE(d.exceptions.empty());
}

}  // namespace
