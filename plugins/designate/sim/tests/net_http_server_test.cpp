#include "net/http_server.hpp"
#include "net_test_util.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>

namespace accurate::designate_sim {
namespace {

using namespace std::chrono_literals;
using test::ClientSocket;
using test::IoThread;
using test::readResponse;
using test::Response;

/// A server on an ephemeral port whose handler echoes the request: body "METHOD TARGET|BODY", the request's
/// header fields as "X-Echo-<name>" (so tests can see exactly which fields the handler got).
class HttpServerTest : public ::testing::Test {
 protected:
  void startServer(HttpServerLimits limits = {}) {
    server_ = io_.call([&] {
      auto server = std::make_shared<HttpServer>(
          io_.io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
          [this](const SimRequest& request) { return handle(request); }, limits);
      server->start();
      return server;
    });
    port_ = server_->localEndpoint().port();
  }
  void TearDown() override {
    if (server_) io_.call([&] { server_.reset(); });
  }

  SimResponse handle(const SimRequest& request) {
    ++handled_;
    SimResponse response;
    if (request.target == "/throw") throw std::runtime_error("handler exploded");
    if (request.target == "/slow") response.delay = 300ms;
    if (request.target == "/empty") response.status = 204;
    response.headers.emplace_back("Content-Type", "text/plain");
    response.headers.emplace_back("X-Header-Count", std::to_string(request.headers.size()));
    for (const auto& [name, value] : request.headers) response.headers.emplace_back("X-Echo-" + name, value);
    if (response.status != 204) response.body = request.method + " " + request.target + "|" + request.body;
    return response;
  }

  std::size_t connections() {
    return io_.call([&] { return server_->connectionCount(); });
  }

  IoThread io_;
  std::shared_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<int> handled_{0};
};

TEST_F(HttpServerTest, AnswersSeveralRequestsOnOneKeptAliveConnection) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("POST /v2/zones?limit=5 HTTP/1.1\r\nHost: sim\r\nX-Auth-Project-ID: p1\r\n"
                          "Content-Length: 7\r\n\r\n{\"a\":1}"));
  auto first = readResponse(client, pending);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200u);
  EXPECT_EQ(first->body, "POST /v2/zones?limit=5|{\"a\":1}");
  EXPECT_EQ(first->header("X-Echo-X-Auth-Project-ID"), "p1");
  EXPECT_EQ(first->header("X-Header-Count"), "3");
  EXPECT_EQ(first->header("Content-Length"), "30");
  EXPECT_FALSE(first->has("Connection"));

  // Fewer fields on the next request: none of the previous request's fields may linger.
  ASSERT_TRUE(client.send("GET /v2/zones/abc HTTP/1.1\r\nHost: sim\r\n\r\n"));
  auto second = readResponse(client, pending);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "GET /v2/zones/abc|");
  EXPECT_EQ(second->header("X-Header-Count"), "1");
  EXPECT_FALSE(second->has("X-Echo-X-Auth-Project-ID"));

  ASSERT_TRUE(client.send("DELETE /v2/zones/abc HTTP/1.1\r\nHost: sim\r\n\r\n"));
  auto third = readResponse(client, pending);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->body, "DELETE /v2/zones/abc|");
  EXPECT_EQ(handled_.load(), 3);
  EXPECT_EQ(connections(), 1u);
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET /a HTTP/1.1\r\nHost: s\r\n\r\nGET /b HTTP/1.1\r\nHost: s\r\n\r\n"));
  auto a = readResponse(client, pending);
  auto b = readResponse(client, pending);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body, "GET /a|");
  EXPECT_EQ(b->body, "GET /b|");
}

TEST_F(HttpServerTest, ClosesAfterAnsweringWhenClientAsksToClose) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET /x HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n"));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header("Connection"), "close");
  EXPECT_TRUE(test::waitForClose(client));
}

TEST_F(HttpServerTest, KeepsHttp10ConnectionOnlyWhenAsked) {
  startServer();
  ClientSocket keep(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(keep.send("GET /k HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto kept = readResponse(keep, pending);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->header("Connection"), "keep-alive");
  ASSERT_TRUE(keep.send("GET /k2 HTTP/1.0\r\n\r\n"));
  auto closed = readResponse(keep, pending);
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->body, "GET /k2|");
  EXPECT_EQ(closed->header("Connection"), "close");
  EXPECT_TRUE(test::waitForClose(keep));
}

TEST_F(HttpServerTest, DelaysOneResponseWithoutHoldingUpOtherConnections) {
  startServer();
  ClientSocket slow(SOCK_STREAM, port_);
  ClientSocket fast(SOCK_STREAM, port_);
  std::string slow_pending, fast_pending;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(slow.send("GET /slow HTTP/1.1\r\nHost: s\r\n\r\n"));
  ASSERT_TRUE(fast.send("GET /fast HTTP/1.1\r\nHost: s\r\n\r\n"));
  auto fast_response = readResponse(fast, fast_pending);
  const auto fast_elapsed = std::chrono::steady_clock::now() - start;
  auto slow_response = readResponse(slow, slow_pending);
  const auto slow_elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(fast_response && slow_response);
  EXPECT_EQ(slow_response->body, "GET /slow|");
  EXPECT_LT(fast_elapsed, 250ms);
  EXPECT_GE(slow_elapsed, 300ms);
  EXPECT_LT(slow_elapsed, 3s);
}

TEST_F(HttpServerTest, RefusesOversizedBodyWith413AndCloses) {
  HttpServerLimits limits;
  limits.max_body_bytes = 1024;
  startServer(limits);
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("POST /v2/zones HTTP/1.1\r\nHost: s\r\nContent-Length: 5000000\r\n\r\n"));
  ASSERT_TRUE(client.send(std::string(4096, 'x')));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413u);
  EXPECT_NE(response->body.find("1024"), std::string::npos);
  EXPECT_TRUE(test::waitForClose(client));
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, RefusesOversizedChunkedBodyWith413) {
  HttpServerLimits limits;
  limits.max_body_bytes = 100;
  startServer(limits);
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("POST /z HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "40\r\n" + std::string(64, 'a') + "\r\n40\r\n" + std::string(64, 'b') + "\r\n0\r\n\r\n"));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413u);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, AcceptsChunkedBodyWithinLimit) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("POST /c HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "POST /c|abcde");
}

TEST_F(HttpServerTest, RefusesOversizedHeaderWith431) {
  HttpServerLimits limits;
  limits.max_header_bytes = 1024;
  startServer(limits);
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: s\r\nX-Big: " + std::string(2000, 'y') + "\r\n\r\n"));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431u);
  EXPECT_TRUE(test::waitForClose(client));
}

TEST_F(HttpServerTest, AnswersMalformedRequestWith400AndCloses) {
  startServer();
  for (const std::string garbage : {"GET / HTTP/1.1\r\nHost s\r\n\r\n", "HELLO\r\n\r\n", "GET / HTTP/9.x\r\n\r\n",
                                    "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    ClientSocket client(SOCK_STREAM, port_);
    std::string pending;
    ASSERT_TRUE(client.send(garbage));
    auto response = readResponse(client, pending);
    ASSERT_TRUE(response) << garbage;
    EXPECT_EQ(response->status, 400u) << garbage;
    EXPECT_EQ(response->header("Connection"), "close");
    EXPECT_TRUE(test::waitForClose(client)) << garbage;
  }
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(HttpServerTest, AnswersHandlerExceptionWith500) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET /throw HTTP/1.1\r\nHost: s\r\n\r\n"));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500u);
  EXPECT_NE(response->body.find("handler exploded"), std::string::npos);
}

TEST_F(HttpServerTest, SendsNoBodyForHeadAndNoContentLengthFor204) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET /empty HTTP/1.1\r\nHost: s\r\n\r\n"));
  auto empty = readResponse(client, pending);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 204u);
  EXPECT_FALSE(empty->has("Content-Length"));
  ASSERT_TRUE(client.send("HEAD /h HTTP/1.1\r\nHost: s\r\n\r\nGET /after HTTP/1.1\r\nHost: s\r\n\r\n"));
  // The HEAD answer announces the GET body's length but carries none, so the next bytes are the next response.
  auto after_head = client.receiveSome();
  ASSERT_TRUE(after_head);
  std::string bytes = *after_head;
  for (int i = 0; i < 50 && bytes.find("GET /after|") == std::string::npos; ++i) {
    auto more = client.receiveSome();
    if (!more || more->empty()) break;
    bytes += *more;
  }
  const auto first_end = bytes.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos);
  EXPECT_NE(bytes.find("Content-Length: 8\r\n"), std::string::npos);
  EXPECT_EQ(bytes.compare(first_end + 4, 9, "HTTP/1.1 "), 0);
}

TEST_F(HttpServerTest, SendsContinueBeforeReadingBodyWhenExpected) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("PUT /e HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto interim = readResponse(client, pending);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100u);
  ASSERT_TRUE(client.send("body"));
  auto response = readResponse(client, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "PUT /e|body");
}

TEST_F(HttpServerTest, AnswersConnectionsBeyondTheLimitWith503) {
  HttpServerLimits limits;
  limits.max_connections = 3;
  startServer(limits);
  std::vector<std::unique_ptr<ClientSocket>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<ClientSocket>(SOCK_STREAM, port_));
    std::string pending;
    ASSERT_TRUE(clients.back()->send("GET /n HTTP/1.1\r\nHost: s\r\n\r\n"));
    ASSERT_TRUE(readResponse(*clients.back(), pending));
  }
  EXPECT_EQ(connections(), 3u);
  {
    ClientSocket extra(SOCK_STREAM, port_);
    std::string pending;
    auto refused = readResponse(extra, pending);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503u);
    EXPECT_TRUE(test::waitForClose(extra));
  }
  clients.front()->close();
  std::size_t open = 3;
  for (int i = 0; i < 200 && open != 2; ++i) {
    std::this_thread::sleep_for(10ms);
    open = connections();
  }
  EXPECT_EQ(open, 2u);
  ClientSocket again(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(again.send("GET /again HTTP/1.1\r\nHost: s\r\n\r\n"));
  auto response = readResponse(again, pending);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
}

TEST_F(HttpServerTest, ServesManyConcurrentConnectionsUpToTheLimit) {
  HttpServerLimits limits;
  limits.max_connections = 100;
  startServer(limits);
  std::vector<std::unique_ptr<ClientSocket>> clients;
  int refused = 0;
  for (int i = 0; i < 120; ++i) {
    clients.push_back(std::make_unique<ClientSocket>(SOCK_STREAM, port_));
    if (i >= 100) {  // accepted in order: these are over the limit and are answered without asking
      std::string pending;
      auto response = readResponse(*clients.back(), pending);
      ASSERT_TRUE(response) << "client " << i;
      EXPECT_EQ(response->status, 503u);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 20);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(clients[i]->send("GET /c" + std::to_string(i) + " HTTP/1.1\r\nHost: s\r\n\r\n"));
  }
  for (int i = 0; i < 100; ++i) {
    std::string pending;
    auto response = readResponse(*clients[i], pending);
    ASSERT_TRUE(response) << "client " << i;
    EXPECT_EQ(response->status, 200u);
    EXPECT_EQ(response->body, "GET /c" + std::to_string(i) + "|");
  }
  EXPECT_EQ(connections(), 100u);
  EXPECT_EQ(handled_.load(), 100);
}

TEST_F(HttpServerTest, ClosesIdleConnectionAfterTimeout) {
  HttpServerLimits limits;
  limits.idle_timeout = 200ms;
  startServer(limits);
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET /once HTTP/1.1\r\nHost: s\r\n\r\n"));
  ASSERT_TRUE(readResponse(client, pending));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(test::waitForClose(client));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 3s);
}

TEST_F(HttpServerTest, StopClosesOpenConnectionsAndListener) {
  startServer();
  ClientSocket client(SOCK_STREAM, port_);
  std::string pending;
  ASSERT_TRUE(client.send("GET /x HTTP/1.1\r\nHost: s\r\n\r\n"));
  ASSERT_TRUE(readResponse(client, pending));
  io_.call([&] { server_->stop(); });
  EXPECT_TRUE(test::waitForClose(client));
  EXPECT_THROW(ClientSocket(SOCK_STREAM, port_), std::runtime_error);
}

TEST(HttpServerBind, ThrowsWhenThePortIsTaken) {
  boost::asio::io_context io;
  const boost::asio::ip::tcp::endpoint any(boost::asio::ip::make_address("127.0.0.1"), 0);
  HttpServer first(io, any, [](const SimRequest&) { return SimResponse{}; });
  EXPECT_THROW(HttpServer(io, first.localEndpoint(), [](const SimRequest&) { return SimResponse{}; }),
               boost::system::system_error);
}

}  // namespace
}  // namespace accurate::designate_sim
