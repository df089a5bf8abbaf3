// HttpClient failures: refused, reset, stall, garbage, cancellation and closeAll.
#include "test_server.hpp"
#include "test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

namespace accurate::http::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::uint16_t closedPort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();  // closed again when the acceptor goes
}

TEST_F(ClientTest, RefusedPortReportsConnectionRefused) {
  auto http = client("http://127.0.0.1:" + std::to_string(closedPort()));
  const auto response = send(*http, get("/"));
  EXPECT_EQ(response.error, "connection refused");
  EXPECT_EQ(response.status, 0u);
  ASSERT_EQ(stats.samples.size(), 1u);
  EXPECT_EQ(stats.samples[0].error, "connection refused");
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientTest, ResetByServerIsAFailure) {
  TestServer server({.behaviour = Behaviour::kReset});
  auto http = client(server.url());
  const auto response = send(*http, get("/"));
  EXPECT_EQ(response.error, "connection reset by peer");
  EXPECT_EQ(server.accepted(), 1);  // a fresh connection is never retried
}

TEST_F(ClientTest, StalledServerTimesOutWithinTheLimit) {
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client(server.url());
  auto request = get("/slow");
  request.timeout = 250ms;
  const auto start = Clock::now();
  const auto response = send(*http, request, 3s);
  const auto took = Clock::now() - start;
  EXPECT_EQ(response.error, "timeout after 250 ms");
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 250ms + 2 * ShardHttp::kWatchdogTick + 100ms);
  EXPECT_GE(response.elapsed, 250ms);
  EXPECT_EQ(shard->watchdog().armedCount(), 0u);
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientTest, RunRequestTimeoutIsTheDefault) {
  makeShard({.request_timeout = 200ms});
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client(server.url());
  EXPECT_EQ(send(*http, get("/"), 3s).error, "timeout after 200 ms");
}

TEST_F(ClientTest, GarbageIsAMalformedResponse) {
  TestServer server({.behaviour = Behaviour::kGarbage});
  auto http = client(server.url());
  const auto response = send(*http, get("/"));
  EXPECT_EQ(response.error.rfind("malformed response: ", 0), 0u) << response.error;
  EXPECT_EQ(response.status, 0u);
}

TEST_F(ClientTest, TruncatedBodyIsReported) {
  TestServer server({.respond = [](const ServerRequest&) {
                       return std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
                     },
                     .close_after = 1});
  auto http = client(server.url());
  EXPECT_EQ(send(*http, get("/")).error, "connection closed before complete response");
}

TEST_F(ClientTest, CancellationThrowsOperationAbortedAndReleasesEverything) {
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client(server.url());
  boost::asio::cancellation_signal signal;
  bool done = false;
  std::exception_ptr error;
  boost::asio::co_spawn(io, sendOwned(*http, get("/stuck")),
                        boost::asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e, sdk::HttpResponse) {
                          done = true;
                          error = e;
                        }));
  boost::asio::steady_timer timer(io, 100ms);
  timer.async_wait([&](const boost::system::error_code&) { signal.emit(boost::asio::cancellation_type::terminal); });
  const auto start = Clock::now();
  while (!done && Clock::now() - start < 5s) io.run_one_for(20ms);
  ASSERT_TRUE(done);
  EXPECT_LT(Clock::now() - start, 1s);
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), boost::asio::error::operation_aborted);
  }
  EXPECT_TRUE(stats.samples.empty());  // a cancelled send records nothing: the run is stopping
  EXPECT_EQ(shard->watchdog().armedCount(), 0u);
  EXPECT_EQ(shard->connectionCount(), 0u);
  EXPECT_EQ(server.requests(), 1);
}

// closeAll is the teardown without a runtime (tests, benchmarks); a run's stop uses stopClient (client_stop_test).
TEST_F(ClientTest, CloseAllFailsInFlightRequestsAtOnce) {
  TestServer server({.behaviour = Behaviour::kStall});
  auto http = client(server.url());
  boost::asio::steady_timer timer(io, 100ms);
  timer.async_wait([&](const boost::system::error_code&) { closeAll(*shard); });
  const auto start = Clock::now();
  const auto response = send(*http, get("/"), 5s);
  EXPECT_EQ(response.error, "connection closed at shutdown");
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(shard->connectionCount(), 0u);
}

TEST_F(ClientTest, CloseAllClosesIdleConnectionsWhichReopenLater) {
  TestServer server({});
  auto http = client(server.url());
  ASSERT_TRUE(send(*http, get("/")).ok());
  EXPECT_EQ(shard->connectionCount(), 1u);
  closeAll(*shard);
  ASSERT_TRUE(send(*http, get("/")).ok());
  EXPECT_EQ(server.accepted(), 2);
}

}  // namespace
}  // namespace accurate::http::test
