// HttpClient against the in-process test server: keep-alive, parsing, names, status checks and samples.
#include "test_server.hpp"
#include "test_support.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace accurate::http::test {
namespace {

using namespace std::chrono_literals;

TEST_F(ClientTest, KeepAliveReusesOneConnectionForManyRequests) {
  TestServer server({.respond = [](const ServerRequest&) { return fixedResponse("hello"); }});
  auto http = client(server.url());
  for (int i = 0; i < 50; ++i) {
    const auto response = send(*http, get("/ping"));
    ASSERT_TRUE(response.ok()) << response.error;
    EXPECT_EQ(response.status, 200u);
    EXPECT_EQ(response.body, "hello");
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(server.requests(), 50);
  EXPECT_EQ(static_cast<HttpClientImpl&>(*http).idleCount(), 1u);
  ASSERT_EQ(stats.samples.size(), 50u);
  EXPECT_EQ(stats.samples[0].method, "GET");
  EXPECT_EQ(stats.samples[0].name, "/ping");
  EXPECT_EQ(stats.samples[0].content_length, 5u);
  EXPECT_EQ(stats.samples[0].error, "");
  EXPECT_EQ(server.received()[0].head, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(server.port()) +
                                           "\r\n\r\n");
}

TEST_F(ClientTest, ChunkedBodyIsDechunkedAndConnectionReused) {
  TestServer server({.respond = [](const ServerRequest&) {
    return std::string(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  }});
  auto http = client(server.url());
  for (int i = 0; i < 3; ++i) {
    const auto response = send(*http, get("/chunked"));
    ASSERT_TRUE(response.ok()) << response.error;
    EXPECT_EQ(response.body, "hello world");
    EXPECT_EQ(response.content_length, 11u);
  }
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(ClientTest, HeadersAreKeptOnlyWhenAsked) {
  TestServer server({.respond = [](const ServerRequest&) { return fixedResponse("{}", 200, "X-Test: yes\r\n"); }});
  auto http = client(server.url());
  auto request = get("/h");
  auto kept = send(*http, request);
  ASSERT_TRUE(kept.ok()) << kept.error;
  EXPECT_EQ(kept.header("x-test"), "yes");
  EXPECT_EQ(kept.header("CONTENT-LENGTH"), "2");
  request.keep_headers = false;
  auto dropped = send(*http, request);
  ASSERT_TRUE(dropped.ok()) << dropped.error;
  EXPECT_TRUE(dropped.headers.empty());
  EXPECT_EQ(dropped.status, 200u);
  EXPECT_EQ(dropped.body, "{}");
}

TEST_F(ClientTest, BodyNotKeptIsStillCounted) {
  const std::string big(100000, 'x');  // larger than a read buffer
  TestServer server({.respond = [&](const ServerRequest&) { return fixedResponse(big); }});
  auto http = client(server.url());
  auto request = get("/big");
  request.keep_body = false;
  const auto response = send(*http, request);
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(response.content_length, big.size());
  EXPECT_EQ(stats.samples.at(0).content_length, big.size());
  request.keep_body = true;
  EXPECT_EQ(send(*http, request).body, big);
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(ClientTest, QueryIsEncodedAndNameIsPathAsSent) {
  TestServer server({});
  auto http = client(server.url() + "/api/");
  const auto response = send(*http, get("/v2/zones" + sdk::queryString({{"name", "a b&c.com."}, {"limit", "5"}})));
  ASSERT_TRUE(response.ok()) << response.error;
  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_EQ(server.received()[0].target, "/api/v2/zones?name=a%20b%26c.com.&limit=5");
  EXPECT_EQ(stats.samples.at(0).name, "/api/v2/zones?name=a%20b%26c.com.&limit=5");
}

TEST_F(ClientTest, ExplicitNameAndMethodAreRecorded) {
  TestServer server({});
  auto http = client(server.url());
  sdk::HttpRequest request;
  request.method = "PATCH";
  request.target = "/v2/zones/123";
  request.name = "/v2/zones/ID";
  request.body = R"({"ttl":60})";
  ASSERT_TRUE(send(*http, request).ok());
  ASSERT_EQ(stats.samples.size(), 1u);
  EXPECT_EQ(stats.samples[0].method, "PATCH");
  EXPECT_EQ(stats.samples[0].name, "/v2/zones/ID");
  EXPECT_GT(stats.samples[0].response_time_us, 0u);
  EXPECT_EQ(server.received().at(0).body, R"({"ttl":60})");
  request.record = false;
  ASSERT_TRUE(send(*http, request).ok());
  EXPECT_EQ(stats.samples.size(), 1u);
}

TEST_F(ClientTest, StatusChecksFollowExpectedStatus) {
  TestServer server({.respond = [](const ServerRequest&) { return fixedResponse("nope", 404); }});
  auto http = client(server.url());
  auto request = get("/missing");
  auto by_default = send(*http, request);
  EXPECT_EQ(by_default.error, "HTTP 404");
  EXPECT_EQ(by_default.status, 404u);
  request.expected_status = {404};
  EXPECT_TRUE(send(*http, request).ok());
  request.expected_status = {200, 204};
  EXPECT_EQ(send(*http, request).error, "HTTP 404 (expected 200, 204)");
  ASSERT_EQ(stats.samples.size(), 3u);
  EXPECT_EQ(stats.samples[0].error, "HTTP 404");
  EXPECT_EQ(stats.samples[1].error, "");
  EXPECT_EQ(server.accepted(), 1);  // error statuses keep the connection
}

TEST_F(ClientTest, ValidateTurnsSuccessIntoFailure) {
  TestServer server({.respond = [](const ServerRequest&) { return fixedResponse(R"({"status":"ERROR"})"); }});
  auto http = client(server.url());
  auto request = get("/zone");
  request.validate = [](const sdk::HttpResponse& r) {
    return r.body.find("ACTIVE") == std::string::npos ? std::string("zone not ACTIVE") : std::string();
  };
  const auto response = send(*http, request);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.error, "zone not ACTIVE");
  EXPECT_EQ(stats.samples.at(0).error, "zone not ACTIVE");
}

TEST_F(ClientTest, ConnectionCloseFromServerIsHonoured) {
  TestServer server({.respond = [](const ServerRequest&) { return fixedResponse("bye", 200, "Connection: close\r\n"); }});
  auto http = client(server.url());
  for (int i = 0; i < 3; ++i) {
    const auto response = send(*http, get("/"));
    ASSERT_TRUE(response.ok()) << response.error;
    EXPECT_EQ(static_cast<HttpClientImpl&>(*http).idleCount(), 0u);
  }
  EXPECT_EQ(server.accepted(), 3);
  EXPECT_EQ(server.requests(), 3);
}

TEST_F(ClientTest, BodyDelimitedByConnectionEndIsComplete) {
  TestServer server({.respond = [](const ServerRequest&) { return std::string("HTTP/1.0 200 OK\r\n\r\nuntil eof"); },
                     .close_after = 1});
  auto http = client(server.url());
  const auto response = send(*http, get("/"));
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.body, "until eof");
  EXPECT_EQ(static_cast<HttpClientImpl&>(*http).idleCount(), 0u);
}

TEST_F(ClientTest, HeadResponseHasNoBody) {
  TestServer server({.respond = [](const ServerRequest&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
  }});
  auto http = client(server.url());
  auto request = get("/");
  request.method = "HEAD";
  for (int i = 0; i < 2; ++i) {
    const auto response = send(*http, request, 2s);
    ASSERT_TRUE(response.ok()) << response.error;
    EXPECT_EQ(response.content_length, 0u);
  }
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(ClientTest, InterimContinueResponseIsSkipped) {
  TestServer server({.respond = [](const ServerRequest&) {
    return "HTTP/1.1 100 Continue\r\n\r\n" + fixedResponse("done", 201);
  }});
  auto http = client(server.url());
  const auto response = send(*http, get("/"));
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.status, 201u);
  EXPECT_EQ(response.body, "done");
}

TEST_F(ClientTest, IdleKeepAliveClosedByServerIsRetriedTransparently) {
  TestServer server({.close_after = 1});  // the server ends each connection after one response
  auto http = client(server.url());
  for (int i = 0; i < 5; ++i) {
    const auto response = send(*http, get("/"));
    ASSERT_TRUE(response.ok()) << "request " << i << ": " << response.error;
  }
  EXPECT_EQ(server.accepted(), 5);
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(stats.samples.size(), 5u);
}

TEST_F(ClientTest, AbsoluteUrlGoesToItsOwnOrigin) {
  TestServer base({});
  TestServer other({.respond = [](const ServerRequest&) { return fixedResponse("other"); }});
  auto http = client(base.url() + "/prefix");
  const auto response = send(*http, get(other.url() + "/abs?x=1"));
  ASSERT_TRUE(response.ok()) << response.error;
  EXPECT_EQ(response.body, "other");
  EXPECT_EQ(base.requests(), 0);
  ASSERT_EQ(other.received().size(), 1u);
  EXPECT_EQ(other.received()[0].target, "/abs?x=1");
  EXPECT_EQ(stats.samples.at(0).name, "/abs?x=1");
  ASSERT_TRUE(send(*http, get(other.url() + "/again")).ok());
  EXPECT_EQ(other.accepted(), 1);  // the other origin keeps its own keep-alive connection
}

TEST_F(ClientTest, InvalidAbsoluteUrlIsAFailureNotAnException) {
  auto http = client("http://127.0.0.1:1");
  const auto response = send(*http, get("http://:80/x"));
  EXPECT_EQ(response.error, "invalid URL 'http://:80/x': missing host");
  EXPECT_EQ(stats.samples.size(), 1u);
}

TEST_F(ClientTest, BadBaseUrlThrowsConfigError) {
  makeShard();
  EXPECT_THROW(client("localhost:8080"), sdk::ConfigError);
  EXPECT_THROW(client("http://h:99999"), sdk::ConfigError);
}

TEST_F(ClientTest, ConcurrentSendsOfOneClientOpenASecondConnection) {
  TestServer server({.delay = 50ms});
  auto http = client(server.url());
  int done = 0;
  std::vector<std::string> errors;
  for (int i = 0; i < 2; ++i) {
    boost::asio::co_spawn(io, sendOwned(*http, get("/concurrent")),
                          [&](std::exception_ptr, sdk::HttpResponse r) {
                            ++done;
                            errors.push_back(r.error);
                          });
  }
  const auto start = std::chrono::steady_clock::now();
  while (done < 2 && std::chrono::steady_clock::now() - start < 5s) io.run_one_for(20ms);
  ASSERT_EQ(done, 2);
  EXPECT_EQ(errors, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(static_cast<HttpClientImpl&>(*http).idleCount(), 2u);
  ASSERT_TRUE(send(*http, get("/after")).ok());
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(ClientTest, CloseConnectionsMakesTheNextRequestReconnect) {
  TestServer server({});
  auto http = client(server.url());
  ASSERT_TRUE(send(*http, get("/")).ok());
  http->closeConnections();
  EXPECT_EQ(static_cast<HttpClientImpl&>(*http).idleCount(), 0u);
  ASSERT_TRUE(send(*http, get("/")).ok());
  EXPECT_EQ(server.accepted(), 2);
}

}  // namespace
}  // namespace accurate::http::test
