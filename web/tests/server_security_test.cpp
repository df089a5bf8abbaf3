// Security of the server: authentication before every route, cross-site refusal, slow clients, TLS,
// listen errors and stop().

#include "rate_limit.hpp"
#include "test_support.hpp"

#include "report/report_store.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

namespace accurate::web {
namespace {

namespace json = boost::json;

constexpr const char* kGoodAuth = "Basic dXNlcjpwYXNz";  // user:pass

/// Accepts exactly kGoodAuth; refuses with 401 and a Basic challenge, or with @p refusal_status.
class TestAuth : public sdk::WebAuthProvider {
 public:
  sdk::AuthDecision authenticate(const sdk::WebRequestInfo& request) override {
    ++calls;
    if (throw_error) throw std::runtime_error("provider broke");
    last_remote = request.remote_addr;
    for (const auto& [name, value] : request.headers) {
      if (name == "Authorization" && value == kGoodAuth) return {true, 200, {}, "user"};
    }
    if (refusal_status == 429) return {false, 429, {{"Retry-After", "30"}}, ""};
    return {false, 401, {{"WWW-Authenticate", "Basic realm=\"accurate\""}}, ""};
  }
  std::atomic<int> calls{0};
  std::atomic<bool> throw_error{false};
  unsigned refusal_status = 401;
  std::string last_remote;
};

struct RouteCall {
  std::string method;
  std::string path;
};

/// One request of every route (and of a page, an asset and an unknown path).
std::vector<RouteCall> everyRoute(const std::string& report_id) {
  return {{"GET", "/"},
          {"GET", "/static/js/live.js"},
          {"GET", "/static/vendor/uPlot.iife.min.js"},
          {"GET", "/info"},
          {"POST", "/swarm"},
          {"GET", "/stop"},
          {"POST", "/stop"},
          {"GET", "/stats/reset"},
          {"GET", "/status"},
          {"GET", "/stats/requests"},
          {"GET", "/stats/history"},
          {"GET", "/exceptions"},
          {"GET", "/stats/requests/csv"},
          {"GET", "/stats/failures/csv"},
          {"GET", "/stats/requests_full_history/csv"},
          {"GET", "/exceptions/csv"},
          {"GET", "/stats/report.json"},
          {"GET", "/reports"},
          {"GET", "/reports/json"},
          {"GET", "/reports/" + report_id},
          {"GET", "/reports/" + report_id + ".json"},
          {"GET", "/reports/" + report_id + "/stats.csv"},
          {"GET", "/reports/" + report_id + "/report.html"},
          {"GET", "/no/such/route"},
          {"DELETE", "/status"}};
}

httplib::Result send(httplib::Client& client, const RouteCall& call, const httplib::Headers& headers) {
  if (call.method == "POST") {
    return client.Post(call.path, headers, "user_count=1&spawn_rate=1", "application/x-www-form-urlencoded");
  }
  if (call.method == "DELETE") return client.Delete(call.path, headers);
  return client.Get(call.path, headers);
}

class ServerAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    control.snap = test::sampleSnapshot();
    report::ReportStore store(reports.path());
    report_id = report::ReportStore::makeId();
    store.write({{"report.json", R"({"host": "http://secret-host", "total": {"num_requests": 77}})"},
                 {"report.html", "<html>secret report</html>"},
                 {"stats.csv", "secret,csv\r\n"}},
                report_id);
    WebServerOptions options = test::testOptions();
    options.reports_dir = reports.path();
    options.auth = auth;
    server = std::make_unique<WebServer>(options, control);
    server->start();
  }

  std::shared_ptr<TestAuth> auth = std::make_shared<TestAuth>();
  test::FakeRunControl control;
  test::TempDir reports;
  std::string report_id;
  std::unique_ptr<WebServer> server;
};

TEST_F(ServerAuth, EveryRouteRefusesWithoutOrWithWrongCredentialsAndLeaksNothing) {
  const std::vector<httplib::Headers> bad_headers{
      {},
      {{"Authorization", "Basic dXNlcjp3cm9uZw=="}},  // user:wrong
      {{"Authorization", "Basic"}},
      {{"Authorization", "Bearer expired-token"}},
      {{"Authorization", "garbage \x01"}},
  };
  auto client = test::clientFor(*server);
  for (const RouteCall& call : everyRoute(report_id)) {
    for (const httplib::Headers& headers : bad_headers) {
      const auto result = send(client, call, headers);
      ASSERT_TRUE(result) << call.method << " " << call.path;
      EXPECT_EQ(result->status, 401) << call.method << " " << call.path;
      EXPECT_EQ(result->get_header_value("WWW-Authenticate"), "Basic realm=\"accurate\"") << call.path;
      EXPECT_EQ(json::parse(result->body),
                json::parse(R"({"success": false, "message": "authentication required"})"))
          << call.path;
      for (const char* leak : {"Aggregated", "/b<x>", "secret", "running", "0.1.0-test", "task crashed"}) {
        EXPECT_EQ(result->body.find(leak), std::string::npos) << call.path << " leaks " << leak;
      }
    }
  }
  EXPECT_TRUE(control.swarmCalls().empty());
  EXPECT_EQ(control.stopCalls(), 0);
  EXPECT_EQ(control.resetCalls(), 0);
  EXPECT_EQ(auth->last_remote, "127.0.0.1");
}

TEST_F(ServerAuth, EveryRouteServesWithCredentials) {
  auto client = test::clientFor(*server);
  const httplib::Headers good{{"Authorization", kGoodAuth}};
  for (const RouteCall& call : everyRoute(report_id)) {
    const auto result = send(client, call, good);
    ASSERT_TRUE(result) << call.path;
    EXPECT_NE(result->status, 401) << call.method << " " << call.path;
    const bool page_or_asset = call.path == "/" || call.path.starts_with("/static/") || call.path == "/reports" ||
                               call.path == "/reports/" + report_id;
    if (call.path == "/no/such/route") {
      EXPECT_EQ(result->status, 404);
    } else if (call.method == "DELETE") {
      EXPECT_EQ(result->status, 405);
    } else if (!page_or_asset) {  // pages and assets are 404 in a build without the front end
      EXPECT_EQ(result->status, 200) << call.method << " " << call.path << " " << result->body;
    }
  }
  EXPECT_EQ(control.swarmCalls().size(), 1u);
  EXPECT_EQ(control.stopCalls(), 2);
}

TEST_F(ServerAuth, RefusalStatusAndHeadersOfTheProviderPassThrough) {
  auth->refusal_status = 429;
  auto client = test::clientFor(*server);
  const auto result = client.Get("/stats/requests");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 429);
  EXPECT_EQ(result->get_header_value("Retry-After"), "30");
  EXPECT_EQ(result->body.find("Aggregated"), std::string::npos);
}

TEST_F(ServerAuth, FailingProviderRefusesWith500) {
  auth->throw_error = true;
  auto client = test::clientFor(*server);
  const auto result = client.Get("/status", {{"Authorization", kGoodAuth}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 500);
  EXPECT_EQ(result->body.find("running"), std::string::npos);
}

TEST_F(ServerAuth, OversizedBodyIsRefusedBeforeAuthenticationOnlyWhenAuthenticated) {
  auto client = test::clientFor(*server);
  const std::string big(8192, 'x');
  auto result = client.Post("/swarm", big, "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);  // authentication comes first, the body is never read
  auto authed = test::clientFor(*server);
  result = authed.Post("/swarm", {{"Authorization", kGoodAuth}}, big, "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
}

class ServerNoAuth : public ::testing::Test {
 protected:
  void start(WebServerOptions options = test::testOptions()) {
    options.reports_dir = reports.path();
    server = std::make_unique<WebServer>(options, control);
    server->start();
  }
  test::FakeRunControl control;
  test::TempDir reports;
  std::unique_ptr<WebServer> server;
};

TEST_F(ServerNoAuth, CrossSiteStateChangesAreRefused) {
  start();
  auto client = test::clientFor(*server);
  const std::string form = "user_count=1&spawn_rate=1";
  auto result = client.Post("/swarm", {{"Origin", "http://evil.example"}}, form, "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  result = client.Post("/swarm", {{"Sec-Fetch-Site", "cross-site"}}, form, "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  result = client.Get("/stop", {{"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  result = client.Get("/stats/reset", {{"Origin", "null"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_TRUE(control.swarmCalls().empty());
  EXPECT_EQ(control.stopCalls(), 0);
  EXPECT_EQ(control.resetCalls(), 0);

  // Same origin, and reads from anywhere, are served.
  const std::string origin = "http://127.0.0.1:" + std::to_string(server->port());
  result = client.Post("/swarm", {{"Origin", origin}, {"Sec-Fetch-Site", "same-origin"}}, form,
                       "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  result = client.Get("/status", {{"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(ServerNoAuth, SlowClientIsDisconnectedWhileOthersAreServed) {
  WebServerOptions options = test::testOptions();
  options.io_timeout = std::chrono::seconds(1);
  options.threads = 2;
  start(options);
  const int fd = test::connectRaw(server->port());
  ASSERT_GE(fd, 0);
  const std::string half = "GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  ASSERT_EQ(::send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
  const auto start_time = std::chrono::steady_clock::now();

  auto client = test::clientFor(*server);
  const auto result = client.Get("/status");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);

  // The server closes the slow connection after about io_timeout (an error answer may come first).
  bool closed = false;
  char buffer[4096];
  while (std::chrono::steady_clock::now() - start_time < std::chrono::seconds(6)) {
    pollfd waiter{fd, POLLIN, 0};
    if (::poll(&waiter, 1, 500) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed = true;
      break;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start_time;
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_LT(elapsed, std::chrono::seconds(4));
}

TEST_F(ServerNoAuth, ListenFailureNamesTheAddress) {
  start();
  WebServerOptions options = test::testOptions();
  options.port = server->port();
  WebServer second(options, control);
  try {
    second.start();
    FAIL() << "expected a listen error";
  } catch (const sdk::Error& error) {
    const std::string expected = "web UI: cannot listen on 127.0.0.1:" + std::to_string(server->port()) + ": ";
    EXPECT_TRUE(std::string(error.what()).starts_with(expected)) << error.what();
    EXPECT_NE(std::string(error.what()).find("in use"), std::string::npos) << error.what();
  }
}

TEST_F(ServerNoAuth, StopIsIdempotentAndUrlNamesThePort) {
  start();
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));
  server->stop();
  server->stop();
  auto client = test::clientFor(*server);
  client.set_connection_timeout(std::chrono::seconds(1));
  EXPECT_FALSE(client.Get("/status"));
}

TEST_F(ServerNoAuth, StopReturnsPromptlyWithAnIdleKeepAliveConnection) {
  WebServerOptions options = test::testOptions();
  options.io_timeout = std::chrono::seconds(1);
  start(options);
  auto client = test::clientFor(*server);
  client.set_keep_alive(true);
  const auto result = client.Get("/status");
  ASSERT_TRUE(result);
  const auto before = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(3));
}

TEST_F(ServerNoAuth, BadCertificateIsReported) {
  WebServerOptions options = test::testOptions();
  options.tls_cert = (reports.path() / "missing-cert.pem").string();
  options.tls_key = (reports.path() / "missing-key.pem").string();
  WebServer secure(options, control);
  try {
    secure.start();
    FAIL() << "expected a TLS error";
  } catch (const sdk::Error& error) {
    EXPECT_TRUE(std::string(error.what()).starts_with("web UI: TLS: cannot load certificate " + options.tls_cert))
        << error.what();
  }
}

TEST_F(ServerNoAuth, ServesOverTlsWithASelfSignedCertificate) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl not installed";
  const std::string key = (reports.path() / "key.pem").string();
  const std::string cert = (reports.path() / "cert.pem").string();
  const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 -keyout '" +
                              key + "' -out '" + cert + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  WebServerOptions options = test::testOptions();
  options.tls_cert = cert;
  options.tls_key = key;
  start(options);
  EXPECT_EQ(server->url(), "https://127.0.0.1:" + std::to_string(server->port()));
  httplib::SSLClient client("127.0.0.1", server->port());
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  const auto result = client.Get("/status");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(json::parse(result->body).at("state"), "");

  // Plain HTTP to the TLS port gets no answer.
  auto plain = test::clientFor(*server);
  plain.set_read_timeout(std::chrono::seconds(2));
  const auto refused = plain.Get("/status");
  EXPECT_TRUE(!refused || refused->status != 200);
}

}  // namespace
}  // namespace accurate::web

namespace accurate::web {
namespace {

TEST(ServerRateLimit, AClientFloodingTheApiGets429WithRetryAfter) {
  test::FakeRunControl control;
  WebServer server(test::testOptions(), control);
  server.start();
  auto client = test::clientFor(server);
  int limited = 0;
  std::string retry_after;
  const int requests = static_cast<int>(kClientBurst) + 200;  // bounded: the burst plus some
  for (int i = 0; i < requests && limited == 0; ++i) {
    const auto result = client.Get("/status");
    ASSERT_TRUE(result) << "request " << i;
    if (result->status == 429) {
      ++limited;
      retry_after = result->get_header_value("Retry-After");
    }
  }
  EXPECT_EQ(limited, 1) << "the flood is capped once the burst is spent";
  EXPECT_EQ(retry_after, "1");
}

}  // namespace
}  // namespace accurate::web
