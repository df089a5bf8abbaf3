// BlockingHttp: bounded blocking control calls (responses, one-line errors naming the URL, deadline, cancel).
#include "blocking_http.hpp"
#include "service_test_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <thread>

namespace accurate::digaas {
namespace {

using namespace std::chrono_literals;
using test::Reply;
using test::TestServer;
using Clock = std::chrono::steady_clock;

/// A port with nothing listening (bound, then closed).
unsigned short closedPort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

TEST(ServiceBlockingHttp, ParsesHttpUrlsWithPortsPathsAndIpv6) {
  std::string error;
  auto url = parseHttpUrl("http://127.0.0.1:8123/base?x=1", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "8123");
  EXPECT_EQ(url->target, "/base?x=1");
  url = parseHttpUrl("http://[::1]:99", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "99");
  EXPECT_EQ(url->target, "/");
  url = parseHttpUrl("http://digaas.example", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->port, "80");
}

TEST(ServiceBlockingHttp, RejectsHttpsAndMalformedUrlsWithAReason) {
  std::string error;
  EXPECT_FALSE(parseHttpUrl("https://127.0.0.1/", error));
  EXPECT_NE(error.find("https is not supported"), std::string::npos) << error;
  EXPECT_FALSE(parseHttpUrl("ftp://x/", error));
  EXPECT_EQ(error, "not an http:// URL");
  EXPECT_FALSE(parseHttpUrl("http://h:99999/", error));
  EXPECT_NE(error.find("bad port"), std::string::npos) << error;
  EXPECT_FALSE(parseHttpUrl("http://:80/", error));
  BlockingHttp http;
  const auto response = http.request("GET", "https://127.0.0.1:1/", {}, 1s);
  EXPECT_FALSE(response.ok());
  EXPECT_EQ(response.error.rfind("GET https://127.0.0.1:1/: https is not supported", 0), 0u) << response.error;
}

TEST(ServiceBlockingHttp, ReturnsStatusBodyAndContentTypeAndSendsTheJsonBody) {
  TestServer server([](const test::ReceivedRequest& r) {
    return Reply{r.method == "POST" ? 201u : 404u, "{\"echo\":" + r.body + "}", "application/json"};
  });
  BlockingHttp http;
  auto response = http.request("POST", server.url() + "/stats", "{\"start\":1}", 2s);
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.status, 201u);
  EXPECT_EQ(response.body, "{\"echo\":{\"start\":1}}");
  EXPECT_EQ(response.content_type, "application/json");
  response = http.request("GET", server.url() + "/nothing", {}, 2s);
  ASSERT_TRUE(response.ok()) << response.error;  // an HTTP error status is still a response
  EXPECT_EQ(response.status, 404u);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/stats");
  EXPECT_EQ(requests[0].body, "{\"start\":1}");
}

TEST(ServiceBlockingHttp, KeepsBinaryBodiesWhole) {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  png += std::string(300000, '\0');
  TestServer server([&](const test::ReceivedRequest&) { return Reply{200, png, "image/png"}; });
  BlockingHttp http;
  const auto response = http.request("GET", server.url() + "/plot", {}, 5s);
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.body, png);
  EXPECT_EQ(response.content_type, "image/png");
}

TEST(ServiceBlockingHttp, ConnectionRefusedIsOneLineNamingTheUrl) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closedPort()) + "/";
  BlockingHttp http;
  const auto response = http.request("GET", url, {}, 2s);
  EXPECT_EQ(response.status, 0u);
  EXPECT_EQ(response.error, "GET " + url + ": connection refused");
}

TEST(ServiceBlockingHttp, GivesUpAtTheDeadlineWhenTheServerNeverAnswers) {
  TestServer server([](const test::ReceivedRequest&) { return test::hangReply(); });
  BlockingHttp http;
  const auto start = Clock::now();
  const auto response = http.request("GET", server.url() + "/", {}, 300ms);
  const auto took = Clock::now() - start;
  EXPECT_EQ(response.error, "GET " + server.url() + "/: timeout after 300 ms");
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 1500ms);
}

TEST(ServiceBlockingHttp, CancelFromAnotherThreadEndsTheRequestQuicklyAndLaterOnesAtOnce) {
  TestServer server([](const test::ReceivedRequest&) { return test::hangReply(); });
  BlockingHttp http;
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    http.cancel();
  });
  const auto start = Clock::now();
  const auto response = http.request("GET", server.url() + "/", {}, 30s);
  const auto took = Clock::now() - start;
  canceller.join();
  EXPECT_EQ(response.error, "GET " + server.url() + "/: cancelled");
  EXPECT_LT(took, 1s);
  const auto later = http.request("GET", server.url() + "/", {}, 30s);
  EXPECT_EQ(later.error, "GET " + server.url() + "/: cancelled");
}

}  // namespace
}  // namespace accurate::digaas
