// HttpClient at a run's hard stop (stopClient, then the owner's cancellation): a request already sent completes
// and is recorded before send() throws; nothing new is sent; a request still connecting is dropped unrecorded.
#include "test_server.hpp"
#include "test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>

namespace accurate::http::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace asio = boost::asio;

/// What a spawned coroutine did, shared with its completion handler.
struct Outcome {
  bool done = false;             ///< the coroutine ended
  std::exception_ptr error;      ///< its exception, if any
  bool send_threw = false;       ///< send() threw operation_aborted (set by sendThenWait)
  Clock::time_point ended{};     ///< when it ended
};

/// True when @p error is a system_error carrying operation_aborted.
bool isOperationAborted(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == asio::error::operation_aborted;
  } catch (...) {
    return false;
  }
}

class ClientStopTest : public ClientTest {
 protected:
  /// Sends @p request, then (whether send() returned or threw operation_aborted) waits 10 s on a timer: the
  /// wait must throw at once when the coroutine was cancelled, proving the cancellation was not lost.
  static asio::awaitable<void> sendThenWait(sdk::HttpClient& http, sdk::HttpRequest request, Outcome& outcome) {
    try {
      (void)co_await http.send(request);
    } catch (const boost::system::system_error& e) {
      if (e.code() != asio::error::operation_aborted) throw;
      outcome.send_threw = true;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, 10s);
    co_await timer.async_wait(asio::use_awaitable);
  }

  /// Spawns sendThenWait bound to @p signal.
  std::shared_ptr<Outcome> spawn(sdk::HttpClient& http, sdk::HttpRequest request, asio::cancellation_signal& signal) {
    auto outcome = std::make_shared<Outcome>();
    asio::co_spawn(io, sendThenWait(http, std::move(request), *outcome),
                   asio::bind_cancellation_slot(signal.slot(), [outcome](std::exception_ptr e) {
                     outcome->done = true;
                     outcome->error = e;
                     outcome->ended = Clock::now();
                   }));
    return outcome;
  }

  /// What the runtime's User::cancel does: stop the client, then cancel the owner's coroutine.
  static void hardStop(sdk::HttpClient& http, asio::cancellation_signal& signal) {
    stopClient(http);
    signal.emit(asio::cancellation_type::terminal);
  }

  /// Runs the io_context until @p outcome is done or @p limit passes.
  void runUntilDone(const Outcome& outcome, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!outcome.done && Clock::now() < deadline) io.run_one_for(20ms);
  }

  static HttpClientImpl& impl(sdk::HttpClient& http) { return static_cast<HttpClientImpl&>(http); }
};

TEST_F(ClientStopTest, InFlightRequestCompletesAndIsRecordedThenSendThrows) {
  TestServer server({.delay = 200ms});
  auto http = client(server.url());
  asio::cancellation_signal signal;
  const auto start = Clock::now();
  const auto outcome = spawn(*http, get("/slow"), signal);
  asio::steady_timer timer(io, 50ms);
  timer.async_wait([&](const boost::system::error_code&) { hardStop(*http, signal); });
  runUntilDone(*outcome, 5s);

  ASSERT_TRUE(outcome->done);
  EXPECT_TRUE(outcome->send_threw);                // send() threw after the exchange...
  EXPECT_TRUE(isOperationAborted(outcome->error));  // ...and the next co_await saw the cancellation at once
  EXPECT_GE(outcome->ended - start, 180ms);         // the response was awaited, not aborted at the stop
  EXPECT_LT(outcome->ended - start, 2s);
  ASSERT_EQ(stats.samples.size(), 1u);              // recorded exactly once, as a success
  EXPECT_EQ(stats.samples[0].error, "");
  EXPECT_EQ(stats.samples[0].name, "/slow");
  EXPECT_GE(stats.samples[0].response_time_us, 180'000u);
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(impl(*http).inFlightCount(), 0u);
  EXPECT_EQ(shard->watchdog().armedCount(), 0u);
  EXPECT_EQ(shard->connectionCount(), 0u);  // a stopping client keeps no connection
}

TEST_F(ClientStopTest, SendAfterStopThrowsAtOnceAndSendsNothing) {
  TestServer server({});
  auto http = client(server.url());
  stopClient(*http);
  const auto start = Clock::now();
  EXPECT_THROW(send(*http, get("/late")), boost::system::system_error);
  EXPECT_LT(Clock::now() - start, 500ms);
  EXPECT_TRUE(stats.samples.empty());
  EXPECT_EQ(server.accepted(), 0);
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientStopTest, StalledRequestAtStopFailsWithRunStoppingTimeoutWithinTheGrace) {
  makeShard({.stop_grace = 300ms});
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client(server.url());  // request timeout: the default 30 s, far beyond the grace
  asio::cancellation_signal signal;
  const auto outcome = spawn(*http, get("/stuck"), signal);
  Clock::time_point stopped{};
  asio::steady_timer timer(io, 100ms);
  timer.async_wait([&](const boost::system::error_code&) {
    stopped = Clock::now();
    hardStop(*http, signal);
  });
  runUntilDone(*outcome, 5s);

  ASSERT_TRUE(outcome->done);
  EXPECT_TRUE(outcome->send_threw);
  EXPECT_TRUE(isOperationAborted(outcome->error));
  EXPECT_GE(outcome->ended - stopped, 300ms);
  EXPECT_LT(outcome->ended - stopped, 300ms + 2 * ShardHttp::kWatchdogTick + 150ms);
  ASSERT_EQ(stats.samples.size(), 1u);
  const std::string& error = stats.samples[0].error;
  const std::string prefix = "timeout after ";
  const std::string suffix = " ms (run stopping)";
  ASSERT_EQ(error.rfind(prefix, 0), 0u) << error;
  ASSERT_GT(error.size(), prefix.size() + suffix.size()) << error;
  ASSERT_EQ(error.compare(error.size() - suffix.size(), suffix.size(), suffix), 0) << error;
  const int limit_ms = std::stoi(error.substr(prefix.size()));
  EXPECT_GE(limit_ms, 390) << error;  // from the start of the send: ~100 ms before the stop + 300 ms grace
  EXPECT_LE(limit_ms, 600) << error;
  EXPECT_EQ(server.requests(), 1);
  EXPECT_EQ(shard->watchdog().armedCount(), 0u);
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientStopTest, RequestStillConnectingAtStopIsDroppedWithoutASample) {
  // A plain TCP server that never answers: an https client stays in its TLS handshake, nothing sent yet.
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client("https://127.0.0.1:" + std::to_string(server.port()));
  asio::cancellation_signal signal;
  const auto outcome = spawn(*http, get("/never"), signal);
  Clock::time_point stopped{};
  asio::steady_timer timer(io, 150ms);
  timer.async_wait([&](const boost::system::error_code&) {
    stopped = Clock::now();
    hardStop(*http, signal);
  });
  runUntilDone(*outcome, 5s);

  ASSERT_TRUE(outcome->done);
  EXPECT_TRUE(outcome->send_threw);
  EXPECT_TRUE(isOperationAborted(outcome->error));
  EXPECT_LT(outcome->ended - stopped, 200ms);  // dropped at once, not drained
  EXPECT_TRUE(stats.samples.empty());
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(impl(*http).inFlightCount(), 0u);
  EXPECT_EQ(shard->watchdog().armedCount(), 0u);
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientStopTest, StopClosesIdleConnections) {
  TestServer server({});
  auto http = client(server.url());
  ASSERT_TRUE(send(*http, get("/")).ok());
  EXPECT_EQ(impl(*http).idleCount(), 1u);
  stopClient(*http);
  EXPECT_TRUE(impl(*http).stopping());
  EXPECT_EQ(impl(*http).idleCount(), 0u);
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientStopTest, CancellationWithoutStopStillAbortsAtOnceWithoutASample) {
  // A task racing send() against something else cancels it without a stop: the exchange is aborted at once.
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client(server.url());
  asio::cancellation_signal signal;
  const auto outcome = spawn(*http, get("/raced"), signal);
  asio::steady_timer timer(io, 100ms);
  Clock::time_point cancelled{};
  timer.async_wait([&](const boost::system::error_code&) {
    cancelled = Clock::now();
    signal.emit(asio::cancellation_type::terminal);
  });
  runUntilDone(*outcome, 5s);
  ASSERT_TRUE(outcome->done);
  EXPECT_TRUE(outcome->send_threw);
  EXPECT_TRUE(isOperationAborted(outcome->error));  // the following wait threw too
  EXPECT_LT(outcome->ended - cancelled, 200ms);
  EXPECT_TRUE(stats.samples.empty());
  EXPECT_FALSE(impl(*http).stopping());
}

/// After a completed send() the coroutine's cancellation works as before: a later cancellation ends a wait.
asio::awaitable<void> sendThenSleep(sdk::HttpClient& http, bool& sent) {
  sdk::HttpRequest request;
  request.target = "/";
  const auto response = co_await http.send(request);
  sent = response.ok();
  asio::steady_timer timer(co_await asio::this_coro::executor, 10s);
  co_await timer.async_wait(asio::use_awaitable);
}

TEST_F(ClientStopTest, CancellationAfterACompletedSendReachesTheNextWait) {
  TestServer server({});
  auto http = client(server.url());
  asio::cancellation_signal signal;
  bool sent = false;
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, sendThenSleep(*http, sent), asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
                   done = true;
                   error = e;
                 }));
  const auto deadline = Clock::now() + 5s;
  while (!sent && Clock::now() < deadline) io.run_one_for(20ms);
  ASSERT_TRUE(sent);
  io.run_for(50ms);  // now in the 10 s wait
  signal.emit(asio::cancellation_type::terminal);
  const auto cancelled = Clock::now();
  while (!done && Clock::now() < deadline) io.run_one_for(20ms);
  ASSERT_TRUE(done);
  EXPECT_LT(Clock::now() - cancelled, 500ms);
  EXPECT_TRUE(isOperationAborted(error));
  ASSERT_EQ(stats.samples.size(), 1u);
}

}  // namespace
}  // namespace accurate::http::test
