// Every route of the server over real HTTP on 127.0.0.1 (httplib::Client), with a fake RunControl.

#include "assets.hpp"
#include "test_support.hpp"

#include "report/csv.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

namespace accurate::web {
namespace {

namespace json = boost::json;

class ServerRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    control.snap = test::sampleSnapshot();
    control.run.state = "running";
    control.run.users = 5;
    control.run.host = "http://current";
    WebServerOptions options = test::testOptions();
    options.reports_dir = reports.path();
    server = std::make_unique<WebServer>(options, control);
    server->start();
  }

  json::value jsonOf(const httplib::Result& result) {
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    if (!result) return nullptr;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    return json::parse(result->body);
  }

  test::FakeRunControl control;
  test::TempDir reports;
  std::unique_ptr<WebServer> server;
};

TEST_F(ServerRoutes, InfoReportsVersion) {
  auto client = test::clientFor(*server);
  const auto result = client.Get("/info");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(jsonOf(result).at("version"), "0.1.0-test");
}

TEST_F(ServerRoutes, SwarmWithFormStartsTheTest) {
  auto client = test::clientFor(*server);
  const auto result = client.Post("/swarm", "user_count=5&spawn_rate=2.5&host=http%3A%2F%2Ftarget&run_time=1m",
                                  "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const json::value body = jsonOf(result);
  EXPECT_EQ(body.at("success"), true);
  EXPECT_EQ(body.at("message"), "Swarming started");
  EXPECT_EQ(body.at("host"), "http://target");
  EXPECT_DOUBLE_EQ(body.at("run_time").to_number<double>(), 60.0);
  const auto calls = control.swarmCalls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].users, 5u);
  EXPECT_DOUBLE_EQ(calls[0].spawn_rate, 2.5);
  EXPECT_EQ(calls[0].host, "http://target");
  EXPECT_EQ(calls[0].run_time, std::chrono::milliseconds(60000));
}

TEST_F(ServerRoutes, SwarmWithParamsAndMultipartAndJson) {
  auto client = test::clientFor(*server);
  httplib::Params params{{"user_count", "3"}, {"spawn_rate", "1"}};
  auto result = client.Post("/swarm", params);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(jsonOf(result).at("host"), "http://current");

  httplib::MultipartFormDataItems items{{"user_count", "4", "", ""}, {"spawn_rate", "2", "", ""}};
  result = client.Post("/swarm", items);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;

  result = client.Post("/swarm", R"({"user_count": 6, "spawn_rate": 3})", "Application/JSON; charset=utf-8");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;

  const auto calls = control.swarmCalls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].users, 3u);
  EXPECT_EQ(calls[1].users, 4u);
  EXPECT_EQ(calls[2].users, 6u);
  EXPECT_FALSE(calls[2].host.has_value());
}

TEST_F(ServerRoutes, SwarmWithBadInputAnswers400NamingTheField) {
  auto client = test::clientFor(*server);
  struct Case {
    std::string body;
    std::string type;
    std::string field;
  };
  const std::vector<Case> cases{
      {"spawn_rate=1", "application/x-www-form-urlencoded", "user_count:"},
      {"user_count=1", "application/x-www-form-urlencoded", "spawn_rate:"},
      {"user_count=x&spawn_rate=1", "application/x-www-form-urlencoded", "user_count:"},
      {"user_count=1&spawn_rate=0", "application/x-www-form-urlencoded", "spawn_rate:"},
      {"user_count=1&spawn_rate=1&host=ftp%3A%2F%2Fx", "application/x-www-form-urlencoded", "host:"},
      {"user_count=1&spawn_rate=1&run_time=later", "application/x-www-form-urlencoded", "run_time:"},
      {"user_count=%zz", "application/x-www-form-urlencoded", "malformed form body"},
      {"{\"user_count\": ", "application/json", "body: invalid JSON"},
      {"[]", "application/json", "body: must be a JSON object"},
      {"user_count=1", "text/plain", "Content-Type:"},
      {"", "application/json", "body: invalid JSON"},
  };
  for (const Case& c : cases) {
    const auto result = client.Post("/swarm", c.body, c.type.c_str());
    ASSERT_TRUE(result) << c.body;
    EXPECT_EQ(result->status, 400) << c.body;
    const json::value body = jsonOf(result);
    EXPECT_EQ(body.at("success"), false);
    EXPECT_TRUE(std::string(body.at("message").as_string()).starts_with(c.field)) << body;
  }
  EXPECT_TRUE(control.swarmCalls().empty());
}

TEST_F(ServerRoutes, SwarmWithoutBodyAnswers400) {
  auto client = test::clientFor(*server);
  const auto result = client.Post("/swarm");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_TRUE(std::string(jsonOf(result).at("message").as_string()).starts_with("user_count: missing"));
}

TEST_F(ServerRoutes, RefusedSwarmAnswers409WithTheReason) {
  control.swarm_result = {false, "cannot start while stopping"};
  auto client = test::clientFor(*server);
  const auto result = client.Post("/swarm", "user_count=1&spawn_rate=1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 409);
  const json::value body = jsonOf(result);
  EXPECT_EQ(body.at("success"), false);
  EXPECT_EQ(body.at("message"), "cannot start while stopping");
}

TEST_F(ServerRoutes, StopWithGetAndPost) {
  auto client = test::clientFor(*server);
  auto result = client.Get("/stop");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(jsonOf(result), json::parse(R"({"success": true, "message": "Test stopped"})"));
  result = client.Post("/stop");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(control.stopCalls(), 2);
}

TEST_F(ServerRoutes, RefusedStopAnswers409) {
  control.stop_result = {false, "nothing to stop"};
  auto client = test::clientFor(*server);
  const auto result = client.Get("/stop");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 409);
  EXPECT_EQ(jsonOf(result).at("message"), "nothing to stop");
}

TEST_F(ServerRoutes, ResetStatsAnswersOk) {
  auto client = test::clientFor(*server);
  auto result = client.Get("/stats/reset");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "ok");
  result = client.Post("/stats/reset");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->body, "ok");
  EXPECT_EQ(control.resetCalls(), 2);
  control.reset_result = {false, "not running"};
  result = client.Get("/stats/reset");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 409);
}

TEST_F(ServerRoutes, StatusReportsTheRun) {
  auto client = test::clientFor(*server);
  const auto result = client.Get("/status");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const json::value body = jsonOf(result);
  EXPECT_EQ(body.at("state"), "running");
  EXPECT_EQ(body.at("user_count").to_number<int>(), 5);
  EXPECT_EQ(body.at("host"), "http://current");
}

TEST_F(ServerRoutes, StatsRequestsServesTheSnapshot) {
  auto client = test::clientFor(*server);
  const auto result = client.Get("/stats/requests");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
  const json::value body = jsonOf(result);
  const json::array& stats = body.at("stats").as_array();
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[2].at("name"), "Aggregated");
  EXPECT_EQ(stats[2].at("num_requests").to_number<int>(), 6);
  EXPECT_EQ(body.at("state"), "running");
}

TEST_F(ServerRoutes, StatsRequestsFollowsTheRunAndEveryNewSnapshot) {
  auto client = test::clientFor(*server);
  RunInfo run = control.info();
  run.users = 42;
  control.setRun(run);
  auto result = client.Get("/stats/requests");
  ASSERT_TRUE(result);
  EXPECT_EQ(jsonOf(result).at("user_count").to_number<int>(), 42) << "live fields are not cached with the rows";

  auto next = std::make_shared<sdk::StatsSnapshot>(*control.snapshot());
  next->total.num_requests = 7;
  control.setSnapshot(next);
  result = client.Get("/stats/requests");
  ASSERT_TRUE(result);
  const json::value body = jsonOf(result);
  EXPECT_EQ(body.at("stats").as_array().back().at("num_requests").to_number<int>(), 7)
      << "a new snapshot gives new rows";
}

TEST_F(ServerRoutes, StatsHistoryFiltersBySince) {
  auto client = test::clientFor(*server);
  auto result = client.Get("/stats/history?since=1700000099");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(jsonOf(result).at("history").as_array().size(), 1u);
  result = client.Get("/stats/history");
  ASSERT_TRUE(result);
  EXPECT_EQ(jsonOf(result).at("history").as_array().size(), 3u);
  result = client.Get("/stats/history?since=yesterday");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_TRUE(std::string(jsonOf(result).at("message").as_string()).starts_with("since:"));
}

TEST_F(ServerRoutes, ExceptionsServesTheSnapshot) {
  auto client = test::clientFor(*server);
  const auto result = client.Get("/exceptions");
  ASSERT_TRUE(result);
  EXPECT_EQ(jsonOf(result).at("exceptions").at(0).at("msg"), "task crashed: boom");
}

TEST_F(ServerRoutes, CsvDownloadsAreAttachments) {
  auto client = test::clientFor(*server);
  const std::vector<std::tuple<std::string, std::string, std::string>> downloads{
      {"/stats/requests/csv", "requests_1700000100.csv", report::statsCsv(*control.snap, 100)},
      {"/stats/failures/csv", "failures_1700000100.csv", report::failuresCsv(*control.snap)},
      {"/stats/requests_full_history/csv", "requests_full_history_1700000100.csv",
       report::statsHistoryCsv(*control.snap)},
      {"/exceptions/csv", "exceptions_1700000100.csv", report::exceptionsCsv(*control.snap)},
  };
  for (const auto& [path, name, content] : downloads) {
    const auto result = client.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 200) << path;
    EXPECT_EQ(result->get_header_value("Content-Type"), "text/csv; charset=utf-8") << path;
    EXPECT_EQ(result->get_header_value("Content-Disposition"), "attachment; filename=\"" + name + "\"") << path;
    EXPECT_EQ(result->body, content) << path;
  }
}

TEST_F(ServerRoutes, ReportJsonDownloadOfTheCurrentSnapshot) {
  auto client = test::clientFor(*server);
  const auto result = client.Get("/stats/report.json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Disposition"), "attachment; filename=\"report_1700000100.json\"");
  const json::value body = json::parse(result->body);
  EXPECT_EQ(body.at("host"), "http://current");
  EXPECT_EQ(body.at("total").at("num_requests").to_number<int>(), 6);
}

TEST_F(ServerRoutes, EmbeddedAssetsAreServedAsEmbedded) {
  auto client = test::clientFor(*server);
  for (const EmbeddedAsset& asset : embeddedAssets()) {
    const auto result = client.Get(std::string(asset.path));
    ASSERT_TRUE(result) << asset.path;
    EXPECT_EQ(result->status, 200) << asset.path;
    EXPECT_EQ(result->get_header_value("Content-Type"), asset.content_type) << asset.path;
    EXPECT_EQ(result->body, asset.body()) << asset.path;
    EXPECT_EQ(result->get_header_value("Cache-Control"), "no-cache") << asset.path;
  }
  const auto missing = client.Get("/static/does-not-exist.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const auto outside = client.Get("/static/../web_server.cpp");
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->status, 404);
}

TEST_F(ServerRoutes, PagesServeTheirEmbeddedHtml) {
  auto client = test::clientFor(*server);
  for (const auto& [path, asset_path] : std::vector<std::pair<std::string, std::string>>{
           {"/", "/static/index.html"}, {"/reports", "/static/reports.html"}}) {
    const auto result = client.Get(path);
    ASSERT_TRUE(result) << path;
    if (const EmbeddedAsset* asset = findAsset(asset_path)) {
      EXPECT_EQ(result->status, 200) << path;
      EXPECT_EQ(result->body, asset->body()) << path;
      EXPECT_FALSE(result->get_header_value("Content-Security-Policy").empty());
    } else {
      EXPECT_EQ(result->status, 404) << path;  // this build has no front end yet
    }
  }
}

TEST_F(ServerRoutes, UnknownRouteAnswers404Json) {
  auto client = test::clientFor(*server);
  for (const char* path : {"/nope", "/stats", "/stats/requests/", "/reports/json/x", "//status"}) {
    const auto result = client.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->status, 404) << path;
    EXPECT_EQ(jsonOf(result).at("success"), false) << path;
  }
}

TEST_F(ServerRoutes, WrongMethodAnswers405WithAllow) {
  auto client = test::clientFor(*server);
  auto result = client.Post("/status", "", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 405);
  EXPECT_EQ(result->get_header_value("Allow"), "GET, HEAD");
  result = client.Get("/swarm");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 405);
  EXPECT_EQ(result->get_header_value("Allow"), "POST");
  result = client.Delete("/stop");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 405);
  result = client.Put("/stats/requests", "x", "text/plain");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 405);
  EXPECT_EQ(control.stopCalls(), 0);
}

TEST_F(ServerRoutes, HeadAnswersLikeGetWithoutBody) {
  auto client = test::clientFor(*server);
  const auto result = client.Head("/status");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_TRUE(result->body.empty());
}

TEST_F(ServerRoutes, EveryAnswerCarriesSecurityHeaders) {
  auto client = test::clientFor(*server);
  for (const char* path : {"/status", "/nope", "/stats/requests/csv"}) {
    const auto result = client.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(result->get_header_value("X-Frame-Options"), "DENY") << path;
    EXPECT_TRUE(result->get_header_value("Content-Security-Policy").starts_with("default-src 'self'")) << path;
    EXPECT_EQ(result->get_header_value_count("Cache-Control"), 1u) << path;
  }
}

TEST_F(ServerRoutes, OversizedBodyAnswers413) {
  auto client = test::clientFor(*server);
  const std::string big(8192, 'x');
  const auto result = client.Post("/swarm", big, "application/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(jsonOf(result).at("success"), false);
  EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(control.swarmCalls().empty());
  // The server still serves afterwards.
  auto next = test::clientFor(*server);
  const auto status = next.Get("/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
}

TEST_F(ServerRoutes, HugeDeclaredBodyIsRefusedWithoutReadingIt) {
  // Far above the drain limit: refused from the headers alone, and the connection is closed.
  const std::string answer =
      test::rawExchange(server->port(), "POST /swarm HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 10000000000\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer;
  EXPECT_TRUE(control.swarmCalls().empty());
}

TEST_F(ServerRoutes, ChunkedBodyIsRefused) {
  const std::string answer =
      test::rawExchange(server->port(), "POST /swarm HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 411")) << answer;
  EXPECT_NE(answer.find("chunked request bodies are not accepted"), std::string::npos) << answer;
  EXPECT_TRUE(control.swarmCalls().empty());
}

TEST_F(ServerRoutes, PostWithoutContentLengthIsAnsweredWithoutWaitingForABody) {
  const auto start = std::chrono::steady_clock::now();
  const std::string answer =
      test::rawExchange(server->port(), "POST /stop HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("Test stopped"), std::string::npos) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));  // io_timeout is 2 s
  EXPECT_EQ(control.stopCalls(), 1);
}

TEST_F(ServerRoutes, MalformedRequestGetsJson400) {
  const std::string answer = test::rawExchange(server->port(), "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  EXPECT_NE(answer.find("\"success\":false"), std::string::npos) << answer;
}

}  // namespace
}  // namespace accurate::web
