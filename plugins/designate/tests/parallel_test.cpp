// runBounded: every job runs once, never more than `parallel` at once, a failing job does not stop the others.
#include "parallel.hpp"

#include "designate_fake_context.hpp"

#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include <stdexcept>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;

/// Bookkeeping of the jobs of one test.
struct Tracker {
  int running = 0;            ///< jobs in flight
  int peak = 0;               ///< most jobs in flight at once
  std::vector<int> finished;  ///< job numbers in completion order
};

boost::asio::awaitable<void> job(boost::asio::io_context& io, Tracker& tracker, std::size_t index, bool fail) {
  ++tracker.running;
  tracker.peak = std::max(tracker.peak, tracker.running);
  boost::asio::steady_timer timer(io, 5ms);
  co_await timer.async_wait(boost::asio::use_awaitable);
  --tracker.running;
  tracker.finished.push_back(static_cast<int>(index));
  if (fail) throw std::runtime_error("job " + std::to_string(index) + " failed");
}

TEST(DesignateParallel, RunsEveryJobOnceWithinTheLimit) {
  boost::asio::io_context io;
  Tracker tracker;
  test::runToEnd(io, runBounded(io.get_executor(), 3, 10,
                                [&](std::size_t i) { return job(io, tracker, i, false); }));
  EXPECT_EQ(tracker.finished.size(), 10u);
  EXPECT_EQ(tracker.peak, 3);
  std::sort(tracker.finished.begin(), tracker.finished.end());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(tracker.finished[static_cast<std::size_t>(i)], i);
}

TEST(DesignateParallel, ZeroJobsAndZeroParallelAreHarmless) {
  boost::asio::io_context io;
  Tracker tracker;
  test::runToEnd(io, runBounded(io.get_executor(), 4, 0, [&](std::size_t i) { return job(io, tracker, i, false); }));
  EXPECT_TRUE(tracker.finished.empty());
  test::runToEnd(io, runBounded(io.get_executor(), 0, 2, [&](std::size_t i) { return job(io, tracker, i, false); }));
  EXPECT_EQ(tracker.finished.size(), 2u);
  EXPECT_EQ(tracker.peak, 1);
}

TEST(DesignateParallel, AFailingJobDoesNotStopTheOthersAndIsRethrownAtTheEnd) {
  boost::asio::io_context io;
  Tracker tracker;
  try {
    test::runToEnd(io, runBounded(io.get_executor(), 2, 6,
                                  [&](std::size_t i) { return job(io, tracker, i, i == 1); }));
    FAIL() << "the failure was swallowed";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 1 failed");
  }
  EXPECT_EQ(tracker.finished.size(), 6u);
}

}  // namespace
}  // namespace accurate::designate
