#include "runtime/task_group.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace accurate::runtime {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<void> sleepFor(std::chrono::steady_clock::duration d, int* finished) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
  ++*finished;
}

asio::awaitable<void> failAfter(std::chrono::steady_clock::duration d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
  throw std::runtime_error("poller broke");
}

struct Probe {
  std::vector<std::string> errors;  // "what: message" per reported exception
  int empties = 0;                  // on_empty calls
};

TEST(TaskGroupTest, ReportsExceptionsCancelsSleepersAndSignalsEmptyOnce) {
  asio::io_context io;
  Probe probe;
  int finished = 0;
  TaskGroup group(
      io.get_executor(),
      [&](const std::string& what, std::exception_ptr e) { probe.errors.push_back(what + ": " + describe(e)); },
      [&] { ++probe.empties; });
  group.spawn("quick", sleepFor(1ms, &finished));
  group.spawn("failing", failAfter(2ms));
  group.spawn("sleeper", sleepFor(std::chrono::hours(1), &finished));
  EXPECT_EQ(group.running(), 3u);
  // Cancel once the first two are done; the one-hour sleeper must end promptly.
  asio::steady_timer cancel_at(io, 50ms);
  cancel_at.async_wait([&](boost::system::error_code) { group.cancelAll(); });
  const auto started = std::chrono::steady_clock::now();
  io.run_for(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(group.empty());
  EXPECT_EQ(finished, 1);
  ASSERT_EQ(probe.errors.size(), 1u) << "cancellation is not an error";
  EXPECT_EQ(probe.errors[0], "failing: poller broke");
  EXPECT_EQ(probe.empties, 1);
}

TEST(TaskGroupTest, WorkSpawnedAfterCancelIsCancelledAtOnce) {
  asio::io_context io;
  int empties = 0;
  int finished = 0;
  int errors = 0;
  TaskGroup group(
      io.get_executor(), [&](const std::string&, std::exception_ptr) { ++errors; }, [&] { ++empties; });
  group.cancelAll();
  EXPECT_TRUE(group.cancelled());
  asio::post(io, [&] { group.spawn("late", sleepFor(std::chrono::hours(1), &finished)); });
  const auto started = std::chrono::steady_clock::now();
  io.run_for(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(group.empty());
  EXPECT_EQ(finished, 0);
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(empties, 1);
}

TEST(TaskGroupTest, CancellationIsRecognised) {
  EXPECT_TRUE(isCancellation(std::make_exception_ptr(
      boost::system::system_error(asio::error::operation_aborted))));
  EXPECT_FALSE(isCancellation(std::make_exception_ptr(std::runtime_error("x"))));
  EXPECT_FALSE(isCancellation(nullptr));
  EXPECT_EQ(describe(std::make_exception_ptr(std::runtime_error("boom"))), "boom");
}

}  // namespace
}  // namespace accurate::runtime
