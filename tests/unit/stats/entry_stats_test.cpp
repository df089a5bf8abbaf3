#include <accurate/sdk/stats.hpp>

#include <gtest/gtest.h>

namespace {

using accurate::sdk::EntryStats;

EntryStats entryWith(std::uint64_t requests, std::uint64_t failures, std::uint64_t total_us, double first,
                     double last) {
  EntryStats e;
  e.method = "GET";
  e.name = "/x";
  e.num_requests = requests;
  e.num_failures = failures;
  e.total_response_time_us = total_us;
  e.total_content_length = requests * 100;
  for (std::uint64_t i = 0; i < requests; ++i) e.response_times.record(total_us / requests);
  e.intended_response_times.record(total_us / requests + 5);
  e.first_sample_time = first;
  e.last_sample_time = last;
  return e;
}

TEST(EntryStats, DerivedFiguresAreZeroWhenEmpty) {
  const EntryStats e;
  EXPECT_EQ(e.avgResponseTimeMs(), 0.0);
  EXPECT_EQ(e.percentileMs(0.5), 0.0);
  EXPECT_EQ(e.avgContentLength(), 0.0);
}

TEST(EntryStats, ComputesAveragesAndPercentilesInMilliseconds) {
  EntryStats e;
  e.num_requests = 4;
  e.total_response_time_us = 10'000;
  e.total_content_length = 1000;
  for (const std::uint64_t v : {1000, 2000, 3000, 4000}) e.response_times.record(v);
  EXPECT_DOUBLE_EQ(e.avgResponseTimeMs(), 2.5);
  EXPECT_DOUBLE_EQ(e.avgContentLength(), 250.0);
  EXPECT_NEAR(e.percentileMs(0.5), 2.0, 0.002);
  EXPECT_DOUBLE_EQ(e.percentileMs(1.0), 4.0);
}

TEST(EntryStats, MergeSumsCountersAndHistogramsAndKeepsTheSampleTimeSpan) {
  EntryStats a = entryWith(2, 1, 2000, 100.0, 150.0);
  const EntryStats b = entryWith(3, 0, 9000, 90.0, 140.0);
  a.current_rps = 7;
  a.merge(b);
  EXPECT_EQ(a.num_requests, 5u);
  EXPECT_EQ(a.num_failures, 1u);
  EXPECT_EQ(a.total_response_time_us, 11'000u);
  EXPECT_EQ(a.total_content_length, 500u);
  EXPECT_EQ(a.response_times.count(), 5u);
  EXPECT_EQ(a.response_times.min(), 1000u);
  EXPECT_EQ(a.response_times.max(), 3000u);
  EXPECT_EQ(a.intended_response_times.count(), 2u);
  EXPECT_DOUBLE_EQ(a.first_sample_time, 90.0);
  EXPECT_DOUBLE_EQ(a.last_sample_time, 150.0);
  EXPECT_EQ(a.method, "GET");
  EXPECT_DOUBLE_EQ(a.current_rps, 7.0);  // untouched
}

TEST(EntryStats, MergeIgnoresTheZeroFirstSampleTimeOfAnEmptyEntry) {
  EntryStats empty;
  const EntryStats b = entryWith(1, 0, 10, 90.0, 95.0);
  empty.merge(b);
  EXPECT_DOUBLE_EQ(empty.first_sample_time, 90.0);
  EntryStats c = entryWith(1, 0, 10, 80.0, 85.0);
  c.merge(EntryStats{});
  EXPECT_DOUBLE_EQ(c.first_sample_time, 80.0);
  EXPECT_DOUBLE_EQ(c.last_sample_time, 85.0);
}

}  // namespace
