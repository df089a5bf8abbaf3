#include <accurate/sdk/random.hpp>
#include "runtime/wait_time.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <set>

namespace accurate::runtime {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using Kind = sdk::WaitTime::Kind;

TEST(WaitTimeTest, BetweenStaysWithinBoundsAndReachesBothEnds) {
  const sdk::WaitTime wait = sdk::WaitTime::between(microseconds(5), microseconds(7));
  sdk::Rng rng(3);
  std::set<std::int64_t> seen;
  for (int i = 0; i < 3000; ++i) {
    const auto d = delayAfterTask(wait, rng).count();
    ASSERT_GE(d, 5);
    ASSERT_LE(d, 7);
    seen.insert(d);
  }
  EXPECT_EQ(seen, (std::set<std::int64_t>{5, 6, 7}));
}

TEST(WaitTimeTest, BetweenMeanIsTheMiddleOfTheRange) {
  const sdk::WaitTime wait = sdk::WaitTime::between(milliseconds(100), milliseconds(1000));
  sdk::Rng rng(11);
  double sum = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) sum += static_cast<double>(delayAfterTask(wait, rng).count());
  // Uniform over [100000, 1000000] µs: mean 550000, standard error ≈ 260000 / sqrt(20000) ≈ 1840.
  EXPECT_NEAR(sum / kDraws, 550000.0, 10000.0);
}

TEST(WaitTimeTest, ConstantNoneAndPacedDelays) {
  sdk::Rng rng(1);
  EXPECT_EQ(delayAfterTask(sdk::WaitTime::constant(milliseconds(250)), rng), milliseconds(250));
  EXPECT_EQ(delayAfterTask(sdk::WaitTime{}, rng), microseconds(0));
  EXPECT_EQ(delayAfterTask(sdk::WaitTime::pacing(milliseconds(250)), rng), microseconds(0));
  EXPECT_EQ(delayAfterTask(sdk::WaitTime::throughput(4), rng), microseconds(0));
  EXPECT_FALSE(isPaced(sdk::WaitTime::constant(milliseconds(1))));
  EXPECT_TRUE(isPaced(sdk::WaitTime::pacing(milliseconds(1))));
  EXPECT_TRUE(isPaced(sdk::WaitTime::throughput(1)));
}

TEST(WaitTimeTest, ThroughputIsPacingOfTheInverseRate) {
  EXPECT_EQ(pacingPeriod(sdk::WaitTime::throughput(4)), milliseconds(250));
  EXPECT_EQ(pacingPeriod(sdk::WaitTime::throughput(0.5)), milliseconds(2000));
  EXPECT_EQ(pacingPeriod(sdk::WaitTime::pacing(milliseconds(30))), milliseconds(30));
  EXPECT_EQ(pacingPeriod(sdk::WaitTime::constant(milliseconds(30))), Clock::duration::zero());
}

TEST(PacingScheduleTest, StartsOnAFixedGridWhileTasksAreShort) {
  const Clock::time_point t0{std::chrono::seconds(1000)};
  PacingSchedule schedule(milliseconds(100));
  IterationSlot s = schedule.next(t0);
  EXPECT_EQ(s.start, t0);
  EXPECT_EQ(s.intended, t0);
  s = schedule.next(t0 + milliseconds(30));  // task took 30 ms
  EXPECT_EQ(s.start, t0 + milliseconds(100));
  EXPECT_EQ(s.intended, t0 + milliseconds(100));
  s = schedule.next(t0 + milliseconds(199));
  EXPECT_EQ(s.start, t0 + milliseconds(200));
  EXPECT_EQ(s.intended, t0 + milliseconds(200));
}

TEST(PacingScheduleTest, OverrunStartsAtOnceFromTheEarliestMissedSlotAndSkipsTheRest) {
  const Clock::time_point t0{std::chrono::seconds(1000)};
  PacingSchedule schedule(milliseconds(100));
  (void)schedule.next(t0);                                   // slot 0 at t0
  IterationSlot s = schedule.next(t0 + milliseconds(350));  // the task ran 350 ms: slots 100, 200, 300 missed
  EXPECT_EQ(s.start, t0 + milliseconds(350)) << "the late task starts at once";
  EXPECT_EQ(s.intended, t0 + milliseconds(100)) << "its lag counts from the earliest missed slot";
  s = schedule.next(t0 + milliseconds(360));
  EXPECT_EQ(s.start, t0 + milliseconds(400)) << "slots 200 and 300 are skipped, not burst";
  EXPECT_EQ(s.intended, t0 + milliseconds(400));
}

TEST(PacingScheduleTest, OverrunLandingExactlyOnASlotKeepsThePhase) {
  const Clock::time_point t0{std::chrono::seconds(5)};
  PacingSchedule schedule(milliseconds(100));
  (void)schedule.next(t0);
  const IterationSlot s = schedule.next(t0 + milliseconds(200));  // slot 100 missed, now exactly slot 200
  EXPECT_EQ(s.start, t0 + milliseconds(200));
  EXPECT_EQ(s.intended, t0 + milliseconds(100));
  EXPECT_EQ(schedule.next(t0 + milliseconds(210)).start, t0 + milliseconds(300));
}

TEST(ArrivalScheduleTest, ArrivalsAreEvenlySpacedWithoutDrift) {
  const Clock::time_point t0{std::chrono::seconds(10)};
  ArrivalSchedule schedule(3.0, t0);
  EXPECT_EQ(schedule.pop(), t0);
  const auto second = schedule.pop() - t0;
  EXPECT_NEAR(std::chrono::duration<double>(second).count(), 1.0 / 3.0, 1e-9);
  for (int i = 2; i < 300000; ++i) (void)schedule.pop();
  // Arrival 300000 is due at exactly 100000 s: no accumulated rounding.
  EXPECT_EQ(schedule.nextDue(), t0 + std::chrono::seconds(100000));
  EXPECT_EQ(schedule.count(), 300000u);
}

TEST(WaitTimeTest, CheckRejectsUnusableWaits) {
  EXPECT_THROW(checkWaitTime(sdk::WaitTime::between(milliseconds(5), milliseconds(1)), "c"), sdk::ConfigError);
  EXPECT_THROW(checkWaitTime(sdk::WaitTime::pacing(milliseconds(0)), "c"), sdk::ConfigError);
  EXPECT_THROW(checkWaitTime(sdk::WaitTime::throughput(0), "c"), sdk::ConfigError);
  EXPECT_THROW(checkWaitTime(sdk::WaitTime::constant(milliseconds(-1)), "c"), sdk::ConfigError);
  EXPECT_NO_THROW(checkWaitTime(sdk::WaitTime::between(milliseconds(1), milliseconds(1)), "c"));
  EXPECT_NO_THROW(checkWaitTime(sdk::WaitTime{}, "c"));
  try {
    checkWaitTime(sdk::WaitTime::throughput(-2), "myclass");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("myclass"), std::string::npos);
  }
}

}  // namespace
}  // namespace accurate::runtime
