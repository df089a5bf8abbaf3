// ReportBuilder fed with hand-made cumulative snapshots: deltas, per-second counts, stats resets.

#include "cluster/report_builder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace accurate::cluster {
namespace {

constexpr double kT0 = 1'700'000'000.0;  ///< a realistic epoch start

/// Builds cumulative snapshots the way the aggregator does: entries sorted by name then method.
class CumulativeStats {
 public:
  explicit CumulativeStats(double start_time) : start_time_(start_time) {}

  /// Records one sample at epoch @p time.
  void record(const std::string& method, const std::string& name, std::uint64_t us, double time,
              const std::string& error = "", std::uint64_t intended_lag_us = 0) {
    sdk::EntryStats& e = entries_[{name, method}];
    e.method = method;
    e.name = name;
    ++e.num_requests;
    e.total_response_time_us += us;
    e.total_content_length += 100;
    e.response_times.record(us);
    if (intended_lag_us != 0) e.intended_response_times.record(us + intended_lag_us);
    if (e.first_sample_time == 0) e.first_sample_time = time;
    e.last_sample_time = time;
    if (!error.empty()) {
      ++e.num_failures;
      ++errors_[{name, method, error}];
    }
  }
  void exception(const std::string& message) { ++exceptions_[message]; }
  void count(const std::string& counter, std::uint64_t n) { counters_[counter] += n; }

  /// The cumulative snapshot at epoch @p time.
  std::shared_ptr<const sdk::StatsSnapshot> snapshot(double time) const {
    auto s = std::make_shared<sdk::StatsSnapshot>();
    s->time = time;
    s->start_time = start_time_;
    s->state = "running";
    for (const auto& [key, e] : entries_) {
      s->entries.push_back(e);
      s->total.merge(e);
    }
    s->total.name = "Aggregated";
    for (const auto& [key, n] : errors_) {
      s->errors.push_back(sdk::ErrorCount{std::get<1>(key), std::get<0>(key), std::get<2>(key), n});
    }
    for (const auto& [message, n] : exceptions_) s->exceptions.push_back(sdk::ExceptionCount{message, n});
    for (const auto& [name, n] : counters_) s->counters.push_back(sdk::CounterValue{name, n});
    return s;
  }

  const std::map<std::pair<std::string, std::string>, sdk::EntryStats>& entries() const { return entries_; }
  const std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t>& errors() const { return errors_; }
  const std::map<std::string, std::uint64_t>& exceptions() const { return exceptions_; }
  const std::map<std::string, std::uint64_t>& counters() const { return counters_; }

 private:
  double start_time_;
  std::map<std::pair<std::string, std::string>, sdk::EntryStats> entries_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> errors_;
  std::map<std::string, std::uint64_t> exceptions_;
  std::map<std::string, std::uint64_t> counters_;
};

/// The sum of several reports, keyed like CumulativeStats.
struct Sum {
  std::map<std::pair<std::string, std::string>, sdk::EntryStats> entries;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> errors;
  std::map<std::string, std::uint64_t> exceptions;
  std::map<std::string, std::uint64_t> counters;
  std::map<std::pair<std::string, std::string>, PerSecondCounts> per_second;

  void add(const WorkerReport& r) {
    ASSERT_EQ(r.per_second.size(), r.delta.entries.size());
    for (std::size_t i = 0; i < r.delta.entries.size(); ++i) {
      const sdk::EntryStats& e = r.delta.entries[i];
      entries[{e.name, e.method}].merge(e);
      for (const auto& [s, n] : r.per_second[i].requests) per_second[{e.name, e.method}].requests[s] += n;
      for (const auto& [s, n] : r.per_second[i].failures) per_second[{e.name, e.method}].failures[s] += n;
    }
    for (const auto& e : r.delta.errors) errors[{e.name, e.method, e.error}] += e.occurrences;
    for (const auto& e : r.delta.exceptions) exceptions[e.message] += e.count;
    for (const auto& c : r.delta.counters) counters[c.name] += c.value;
  }
};

void expectSameEntry(const sdk::EntryStats& got, const sdk::EntryStats& want) {
  EXPECT_EQ(got.num_requests, want.num_requests) << want.name;
  EXPECT_EQ(got.num_failures, want.num_failures) << want.name;
  EXPECT_EQ(got.total_response_time_us, want.total_response_time_us) << want.name;
  EXPECT_EQ(got.total_content_length, want.total_content_length) << want.name;
  EXPECT_EQ(got.response_times.nonZeroBuckets(), want.response_times.nonZeroBuckets()) << want.name;
  EXPECT_EQ(got.response_times.count(), want.response_times.count()) << want.name;
  EXPECT_EQ(got.intended_response_times.nonZeroBuckets(), want.intended_response_times.nonZeroBuckets())
      << want.name;
  EXPECT_DOUBLE_EQ(got.last_sample_time, want.last_sample_time) << want.name;
}

TEST(ReportBuilder, DeltasSumBackToTheCumulativeSnapshotExactly) {
  CumulativeStats stats(kT0);
  ReportBuilder builder;
  Sum sum;
  std::uint64_t x = 12345;  // a small deterministic generator of response times
  const auto next = [&x] {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return x >> 40;  // up to ~16.7 s in µs
  };
  for (int tick = 1; tick <= 12; ++tick) {
    const double now = kT0 + tick;
    for (int i = 0; i < 50 + tick * 7; ++i) {
      const std::uint64_t us = 200 + next() % 3'000'000;
      const bool fail = i % 9 == 0;
      stats.record("GET", "/v2/zones", us, now - 0.5, fail ? "HTTP 503" : "", i % 2 == 0 ? us / 3 : 0);
      if (i % 3 == 0) stats.record("POST", "/v2/zones", us / 2, now - 0.4, i % 4 == 0 ? "timeout" : "");
    }
    if (tick % 4 == 0) stats.record("DELETE", "/v2/zones/ID", 5000, now - 0.3);
    if (tick % 5 == 0) stats.exception("task crashed: boom");
    stats.count("skipped.remove_domain", static_cast<std::uint64_t>(tick));
    builder.onSnapshot(stats.snapshot(now));
    if (tick == 3 || tick == 7 || tick == 8 || tick == 12) sum.add(builder.take(now + 0.1));
  }

  ASSERT_EQ(sum.entries.size(), stats.entries().size());
  for (const auto& [key, want] : stats.entries()) {
    ASSERT_TRUE(sum.entries.count(key)) << key.first;
    expectSameEntry(sum.entries.at(key), want);
    std::uint64_t requests = 0;
    std::uint64_t failures = 0;
    for (const auto& [s, n] : sum.per_second[key].requests) requests += n;
    for (const auto& [s, n] : sum.per_second[key].failures) failures += n;
    EXPECT_EQ(requests, want.num_requests);
    EXPECT_EQ(failures, want.num_failures);
  }
  EXPECT_EQ(sum.errors, stats.errors());
  EXPECT_EQ(sum.exceptions, stats.exceptions());
  EXPECT_EQ(sum.counters, stats.counters());
  // Nothing is left over.
  const WorkerReport empty = builder.take(kT0 + 20);
  EXPECT_TRUE(empty.delta.entries.empty());
  EXPECT_TRUE(empty.delta.errors.empty());
  EXPECT_TRUE(empty.delta.exceptions.empty());
  EXPECT_TRUE(empty.delta.counters.empty());
}

TEST(ReportBuilder, EachReportHoldsOnlyWhatHappenedSinceThePreviousTake) {
  CumulativeStats stats(kT0);
  ReportBuilder builder;
  for (int i = 0; i < 5; ++i) stats.record("GET", "/a", 1000 + i, kT0 + 0.5);
  builder.onSnapshot(stats.snapshot(kT0 + 1));
  const WorkerReport first = builder.take(kT0 + 1.1);
  ASSERT_EQ(first.delta.entries.size(), 1u);
  EXPECT_EQ(first.delta.entries[0].num_requests, 5u);

  stats.record("GET", "/a", 70'000, kT0 + 1.5);
  stats.record("GET", "/a", 80'000, kT0 + 1.6, "HTTP 500");
  builder.onSnapshot(stats.snapshot(kT0 + 2));
  const WorkerReport second = builder.take(kT0 + 2.1);
  ASSERT_EQ(second.delta.entries.size(), 1u);
  const sdk::EntryStats& e = second.delta.entries[0];
  EXPECT_EQ(e.method, "GET");
  EXPECT_EQ(e.name, "/a");
  EXPECT_EQ(e.num_requests, 2u);
  EXPECT_EQ(e.num_failures, 1u);
  EXPECT_EQ(e.total_response_time_us, 150'000u);
  EXPECT_EQ(e.total_content_length, 200u);
  sdk::Histogram want;
  want.record(70'000);
  want.record(80'000);
  EXPECT_EQ(e.response_times.nonZeroBuckets(), want.nonZeroBuckets());
  ASSERT_EQ(second.delta.errors.size(), 1u);
  EXPECT_EQ(second.delta.errors[0].error, "HTTP 500");
  EXPECT_EQ(second.delta.errors[0].method, "GET");
  EXPECT_EQ(second.delta.errors[0].name, "/a");
  EXPECT_EQ(second.delta.errors[0].occurrences, 1u);
}

TEST(ReportBuilder, EntriesWithoutNewRequestsOrFailuresAreLeftOut) {
  CumulativeStats stats(kT0);
  ReportBuilder builder;
  stats.record("GET", "/a", 1000, kT0 + 0.2);
  stats.record("GET", "/b", 1000, kT0 + 0.2);
  builder.onSnapshot(stats.snapshot(kT0 + 1));
  ASSERT_EQ(builder.take(kT0 + 1).delta.entries.size(), 2u);

  stats.record("GET", "/b", 2000, kT0 + 1.5);
  builder.onSnapshot(stats.snapshot(kT0 + 2));
  builder.onSnapshot(stats.snapshot(kT0 + 3));  // an unchanged snapshot adds nothing
  const WorkerReport r = builder.take(kT0 + 3.1);
  ASSERT_EQ(r.delta.entries.size(), 1u);
  EXPECT_EQ(r.delta.entries[0].name, "/b");
  EXPECT_EQ(r.delta.entries[0].num_requests, 1u);
  ASSERT_EQ(r.per_second.size(), 1u);
  EXPECT_TRUE(r.delta.errors.empty());
  EXPECT_TRUE(r.delta.counters.empty());
}

TEST(ReportBuilder, PerSecondCountsGoToTheSecondOfEachSnapshot) {
  CumulativeStats stats(kT0);
  ReportBuilder builder;
  for (int i = 0; i < 5; ++i) stats.record("GET", "/a", 1000, kT0 + 0.1, i == 0 ? "boom" : "");
  builder.onSnapshot(stats.snapshot(kT0 + 0.4));
  for (int i = 0; i < 3; ++i) stats.record("GET", "/a", 1000, kT0 + 1.2);
  builder.onSnapshot(stats.snapshot(kT0 + 1.7));
  for (int i = 0; i < 2; ++i) stats.record("GET", "/a", 1000, kT0 + 1.8, "boom");
  builder.onSnapshot(stats.snapshot(kT0 + 1.9));
  const WorkerReport r = builder.take(kT0 + 2);
  ASSERT_EQ(r.per_second.size(), 1u);
  const auto s0 = static_cast<std::int64_t>(kT0);
  EXPECT_EQ(r.per_second[0].requests, (std::map<std::int64_t, std::uint64_t>{{s0, 5}, {s0 + 1, 5}}));
  EXPECT_EQ(r.per_second[0].failures, (std::map<std::int64_t, std::uint64_t>{{s0, 1}, {s0 + 1, 2}}));
}

TEST(ReportBuilder, StatsResetKeepsWhatWasNotTakenAndStartsANewBaseline) {
  CumulativeStats before(kT0);
  ReportBuilder builder;
  for (int i = 0; i < 10; ++i) before.record("GET", "/a", 1000 + i * 10, kT0 + 0.5, i < 2 ? "HTTP 500" : "");
  before.exception("crash");
  before.count("skipped", 4);
  builder.onSnapshot(before.snapshot(kT0 + 1));

  // The runner resets its statistics: a new start_time, everything from zero.
  CumulativeStats after(kT0 + 1.5);
  for (int i = 0; i < 4; ++i) after.record("GET", "/a", 5000, kT0 + 1.8, i == 0 ? "HTTP 500" : "");
  after.record("PUT", "/b", 7000, kT0 + 1.9);
  after.count("skipped", 1);
  builder.onSnapshot(after.snapshot(kT0 + 2));

  const WorkerReport r = builder.take(kT0 + 2.1);
  ASSERT_EQ(r.delta.entries.size(), 2u);
  const sdk::EntryStats& a = r.delta.entries[0];
  EXPECT_EQ(a.name, "/a");
  EXPECT_EQ(a.num_requests, 14u);
  EXPECT_EQ(a.num_failures, 3u);
  sdk::Histogram want = before.entries().at({"/a", "GET"}).response_times;
  want.merge(after.entries().at({"/a", "GET"}).response_times);
  EXPECT_EQ(a.response_times.nonZeroBuckets(), want.nonZeroBuckets());
  EXPECT_EQ(r.delta.entries[1].name, "/b");
  ASSERT_EQ(r.delta.errors.size(), 1u);
  EXPECT_EQ(r.delta.errors[0].occurrences, 3u);
  ASSERT_EQ(r.delta.exceptions.size(), 1u);
  EXPECT_EQ(r.delta.exceptions[0].count, 1u);
  ASSERT_EQ(r.delta.counters.size(), 1u);
  EXPECT_EQ(r.delta.counters[0].value, 5u);

  // The next snapshot of the new phase is diffed against the new baseline, not counted again.
  after.record("GET", "/a", 6000, kT0 + 2.5);
  builder.onSnapshot(after.snapshot(kT0 + 3));
  const WorkerReport next = builder.take(kT0 + 3.1);
  ASSERT_EQ(next.delta.entries.size(), 1u);
  EXPECT_EQ(next.delta.entries[0].num_requests, 1u);
  EXPECT_EQ(next.delta.entries[0].total_response_time_us, 6000u);
}

TEST(ReportBuilder, StatisticsGoingDownWithoutANewStartTimeCountAsNewData) {
  CumulativeStats first(kT0);
  ReportBuilder builder;
  for (int i = 0; i < 6; ++i) first.record("GET", "/a", 1000, kT0 + 0.5);
  builder.onSnapshot(first.snapshot(kT0 + 1));
  CumulativeStats cleared(kT0);  // same start_time, fewer requests
  cleared.record("GET", "/a", 2000, kT0 + 1.5);
  builder.onSnapshot(cleared.snapshot(kT0 + 2));
  const WorkerReport r = builder.take(kT0 + 2.1);
  ASSERT_EQ(r.delta.entries.size(), 1u);
  EXPECT_EQ(r.delta.entries[0].num_requests, 7u);
  EXPECT_EQ(r.delta.entries[0].total_response_time_us, 8000u);
}

TEST(ReportBuilder, StartTimeIsThePreviousTakeOrTheFirstSnapshotStart) {
  ReportBuilder empty;
  EXPECT_DOUBLE_EQ(empty.take(kT0 + 5).start_time, kT0 + 5);

  CumulativeStats stats(kT0 - 30);
  ReportBuilder builder;
  builder.onSnapshot(stats.snapshot(kT0));
  const WorkerReport first = builder.take(kT0 + 1);
  EXPECT_DOUBLE_EQ(first.start_time, kT0 - 30);
  EXPECT_TRUE(first.user_classes_count.empty());
  EXPECT_DOUBLE_EQ(builder.take(kT0 + 4).start_time, kT0 + 1);
  EXPECT_DOUBLE_EQ(builder.take(kT0 + 7).start_time, kT0 + 4);
}

TEST(ReportBuilder, NullSnapshotIsIgnored) {
  ReportBuilder builder;
  builder.onSnapshot(nullptr);
  EXPECT_TRUE(builder.take(kT0).delta.entries.empty());
}

}  // namespace
}  // namespace accurate::cluster
