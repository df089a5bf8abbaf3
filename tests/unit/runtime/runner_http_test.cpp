// The runtime's wiring to the real HTTP client: a paced user's requests go through the per-user lag adapter, and
// requests in flight when the run stops are answered and recorded exactly once.
// Network only on 127.0.0.1 with an ephemeral port.

#include "fake_users.hpp"

#include "runtime/runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace accurate::runtime {
namespace {

using namespace std::chrono_literals;

namespace asio = boost::asio;
using asio::ip::tcp;

/// A keep-alive HTTP server on 127.0.0.1 (ephemeral port) answering every request "200 ok" after an optional
/// delay, on its own thread. Counts the requests it read and the responses it wrote.
class TinyServer {
 public:
  explicit TinyServer(std::chrono::milliseconds delay = {})
      : delay_(delay), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TinyServer() {
    io_.stop();
    thread_.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  /// Requests read so far.
  int received() const { return received_.load(); }
  /// Responses completely written so far.
  int answered() const { return answered_.load(); }

 private:
  asio::awaitable<void> accept() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    asio::streambuf buffer;
    static constexpr std::string_view kResponse =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
    try {
      for (;;) {
        const std::size_t n = co_await asio::async_read_until(socket, buffer, "\r\n\r\n", asio::use_awaitable);
        buffer.consume(n);
        ++received_;
        if (delay_.count() > 0) {
          asio::steady_timer timer(socket.get_executor(), delay_);
          co_await timer.async_wait(asio::use_awaitable);
        }
        co_await asio::async_write(socket, asio::buffer(kResponse), asio::use_awaitable);
        ++answered_;
      }
    } catch (...) {
      // client closed
    }
  }

  std::chrono::milliseconds delay_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<int> received_{0};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

class FetchTasks : public sdk::UserTasks {
 public:
  boost::asio::awaitable<void> fetch(sdk::UserContext& ctx) {
    sdk::HttpRequest request;
    request.target = "/x";
    const sdk::HttpResponse response = co_await ctx.http().send(request);
    if (!response.ok()) throw std::runtime_error("request failed: " + response.error);
  }
};

TEST(RunnerHttpTest, PacedUserRequestsAreRecordedWithTheirLag) {
  TinyServer server;
  const unsigned short port = server.port();

  RunnerOptions o;
  o.settings.threads = 1;
  o.settings.host = "http://127.0.0.1:" + std::to_string(port);
  o.settings.run_time = 300ms;
  o.settings.stop_timeout = 500ms;
  o.snapshot_interval = 100ms;
  sdk::UserClassSpec spec;
  spec.name = "fetch";
  spec.wait = sdk::WaitTime::pacing(20ms);
  spec.tasks.push_back(sdk::memberTask<&FetchTasks::fetch>("fetch", 1));
  spec.make_tasks = [](sdk::UserContext&) { return std::make_unique<FetchTasks>(); };
  o.classes.push_back(std::move(spec));
  {
    Runner runner(std::move(o));
    ASSERT_TRUE(runner.start(2, 100).get().accepted);
    ASSERT_TRUE(runner.waitUntilStopped(3s));
    const auto snap = runner.latestSnapshot();
    const sdk::EntryStats* entry = testing::findEntry(*snap, "GET", "/x");
    ASSERT_NE(entry, nullptr);
    EXPECT_GE(entry->num_requests, 10u);
    EXPECT_EQ(entry->num_failures, 0u);
    EXPECT_EQ(entry->intended_response_times.count(), entry->num_requests);
    EXPECT_TRUE(snap->exceptions.empty()) << snap->exceptions.front().message;
  }
}


/// Runs 8 users (2 shards, no wait) against a server answering after 100 ms, so that requests are always in
/// flight, and lets the run time end the run with @p stop_timeout. Every request the server answered must be
/// recorded, once, as a success; the server must have answered every request it read.
void expectInFlightRequestsDrainAtStop(std::chrono::milliseconds stop_timeout) {
  TinyServer server(100ms);
  RunnerOptions o;
  o.settings.threads = 2;
  o.settings.host = "http://127.0.0.1:" + std::to_string(server.port());
  o.settings.run_time = 450ms;
  o.settings.stop_timeout = stop_timeout;
  o.snapshot_interval = 100ms;
  sdk::UserClassSpec spec;
  spec.name = "fetch";
  spec.tasks.push_back(sdk::memberTask<&FetchTasks::fetch>("fetch", 1));
  spec.make_tasks = [](sdk::UserContext&) { return std::make_unique<FetchTasks>(); };
  o.classes.push_back(std::move(spec));
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(8, 1000).get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(5s));
  const auto snap = runner.latestSnapshot();
  const sdk::EntryStats* entry = testing::findEntry(*snap, "GET", "/x");
  ASSERT_NE(entry, nullptr);
  EXPECT_GE(entry->num_requests, 16u);  // 8 users × ~4 requests of 100 ms
  EXPECT_EQ(entry->num_failures, 0u);
  EXPECT_TRUE(snap->errors.empty()) << snap->errors.front().error;
  EXPECT_TRUE(snap->exceptions.empty()) << snap->exceptions.front().message;
  EXPECT_EQ(static_cast<int>(snap->total.num_requests), server.answered());
  EXPECT_EQ(server.received(), server.answered());  // nothing was left unanswered: no request was aborted
}

TEST(RunnerHttpTest, RequestsInFlightAtAHardStopAreAnsweredAndRecordedOnce) {
  expectInFlightRequestsDrainAtStop(0ms);
}

TEST(RunnerHttpTest, RequestsInFlightWhenTheStopTimeoutEndsAreAnsweredAndRecordedOnce) {
  expectInFlightRequestsDrainAtStop(30ms);  // graceful first, then the hard stop lands mid-request
}

TEST(RunnerHttpTest, RequestsInFlightOfUsersStoppedByARetargetAreAnsweredAndRecordedOnce) {
  TinyServer server(100ms);
  RunnerOptions o;
  o.settings.threads = 1;
  o.settings.host = "http://127.0.0.1:" + std::to_string(server.port());
  o.snapshot_interval = 100ms;
  sdk::UserClassSpec spec;
  spec.name = "fetch";
  spec.tasks.push_back(sdk::memberTask<&FetchTasks::fetch>("fetch", 1));
  spec.make_tasks = [](sdk::UserContext&) { return std::make_unique<FetchTasks>(); };
  o.classes.push_back(std::move(spec));
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(6, 1000).get().accepted);
  std::this_thread::sleep_for(250ms);
  ASSERT_TRUE(runner.setUsers(2, 1000).get().accepted);  // 4 users cancelled mid-request (stop timeout 0)
  std::this_thread::sleep_for(250ms);
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(5s));
  const auto snap = runner.latestSnapshot();
  EXPECT_GE(snap->total.num_requests, 12u);
  EXPECT_EQ(snap->total.num_failures, 0u);
  EXPECT_TRUE(snap->exceptions.empty()) << snap->exceptions.front().message;
  EXPECT_EQ(static_cast<int>(snap->total.num_requests), server.answered());
  EXPECT_EQ(server.received(), server.answered());
}

}  // namespace
}  // namespace accurate::runtime
