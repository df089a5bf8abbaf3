// ServiceReporter against an in-process fake Digaas (ping, the stats job, summary, plots, failures, cancel) and
// its pure helpers (base64, summary tables).
#include "service_client.hpp"
#include "service_report.hpp"
#include "service_test_server.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <sstream>
#include <thread>

namespace accurate::digaas {
namespace {

using namespace std::chrono_literals;
using test::Reply;
using test::TestServer;
using Clock = std::chrono::steady_clock;

/// Captures the default logger's lines while alive.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  /// Lines at level warning.
  int warnings() const {
    std::istringstream in(stream_.str());
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.rfind("warning ", 0) == 0 ? 1 : 0;
    return n;
  }
  std::string text() const { return stream_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream stream_;
};

constexpr char kSummary[] = R"({
  "observers_by_type": {"ZONE_CREATE": {"average": 1.5, "median": 2.0, "min": 1.0, "max": 2.0, "per66": 2.0,
    "per75": 2.0, "per90": 2.0, "per95": 2.0, "per99": 2.0, "success_count": 2, "error_count": 1},
    "RECORD_DELETE": {"average": null, "median": null, "min": null, "max": null, "per66": null, "per75": null,
    "per90": null, "per95": null, "per99": null, "success_count": 0, "error_count": 3}},
  "observers_by_nameserver": {"127.0.0.1": {"average": 1.5, "median": 2.0, "min": 1.0, "max": 2.0, "per66": 2.0,
    "per75": 2.0, "per90": 2.0, "per95": 2.0, "per99": 2.0, "success_count": 2, "error_count": 4}},
  "queries": {},
  "queries_over_threshold": {}
})";

const std::string kPng("\x89PNG\r\n\x1a\nfake-png-bytes", 22);

/// A scripted Digaas: the stats job is ACCEPTED for @p accepted_polls GETs, then COMPLETE.
struct FakeDigaas {
  int accepted_polls = 1;              ///< GET /stats/7 answers ACCEPTED this many times first
  bool empty_query_plot = true;        ///< the query plot is a 0-byte body
  std::atomic<int> polls{0};           ///< GET /stats/7 seen
  TestServer server{[this](const test::ReceivedRequest& r) { return answer(r); }};

  Reply answer(const test::ReceivedRequest& r) {
    if (r.method == "GET" && r.target == "/") return {200, R"({"service": "digaas", "version": "0.0.2"})"};
    if (r.method == "POST" && r.target == "/stats") {
      const auto body = boost::json::parse(r.body).as_object();
      return {201, boost::json::serialize(boost::json::object{
                       {"start", body.at("start")}, {"end", body.at("end")}, {"id", 7}, {"status", "ACCEPTED"}})};
    }
    if (r.method == "GET" && r.target == "/stats/7") {
      const bool done = polls++ >= accepted_polls;
      return {200, std::string(R"({"start": 1, "end": 2, "id": 7, "status": ")") + (done ? "COMPLETE" : "ACCEPTED") +
                       "\"}"};
    }
    if (r.method == "GET" && r.target == "/stats/7/summary") return {200, kSummary};
    if (r.method == "GET" && r.target.starts_with("/stats/7/plots/")) {
      if (r.target.ends_with("/query") && empty_query_plot) return {200, "", "image/png"};
      return {200, kPng, "image/png"};
    }
    return {404, R"({"error": "Not found"})"};
  }
};

std::shared_ptr<const Settings> settingsFor(const std::string& endpoint, std::chrono::milliseconds cooldown = 0ms) {
  Settings settings;
  settings.nameservers = {{"127.0.0.1", 53, "127.0.0.1:53"}};
  settings.endpoint = endpoint;
  settings.cooldown = cooldown;
  settings.stats_timeout = 10s;
  return std::make_shared<const Settings>(settings);
}

sdk::StatsSnapshot finalSnapshot(double last_sample) {
  sdk::StatsSnapshot snapshot;
  snapshot.start_time = 1764115000.7;
  snapshot.time = last_sample + 0.5;
  snapshot.total.last_sample_time = last_sample;
  return snapshot;
}

TEST(ServiceReportBase64, EncodesTheRfc4648TestVectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(ServiceReportTables, TurnsTheSummaryIntoFourSortedTablesWithNullsForMissingStatistics) {
  const auto tables = summaryTables(boost::json::parse(kSummary).as_object());
  ASSERT_EQ(tables.size(), 4u);
  const auto& by_type = tables[0].as_object();
  EXPECT_EQ(by_type.at("title").as_string(), "Digaas: propagation by change type (s)");
  const auto& columns = by_type.at("columns").as_array();
  ASSERT_EQ(columns.size(), 12u);
  EXPECT_EQ(columns[0].as_string(), "type");
  EXPECT_EQ(columns[5].as_string(), "per66");
  EXPECT_EQ(columns[11].as_string(), "error_count");
  const auto& rows = by_type.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].as_array()[0].as_string(), "RECORD_DELETE");  // sorted by key
  EXPECT_TRUE(rows[0].as_array()[1].is_null());
  EXPECT_EQ(rows[0].as_array()[11].as_int64(), 3);
  EXPECT_DOUBLE_EQ(rows[1].as_array()[1].as_double(), 1.5);
  EXPECT_EQ(tables[1].as_object().at("columns").as_array()[0].as_string(), "nameserver");
  EXPECT_TRUE(tables[2].as_object().at("rows").as_array().empty());
  EXPECT_TRUE(summaryTables({}).at(3).as_object().at("rows").as_array().empty());
}

TEST(ServiceReporter, CollectsTheStatsJobSummaryAndPlotsForTheTestWindow) {
  LogCapture log;
  FakeDigaas digaas;
  ServiceReporter reporter(settingsFor(digaas.server.url() + "/"));
  reporter.ping();
  reporter.onTestStart({1764115000.7, "http://sim", 5});
  reporter.onTestStop(finalSnapshot(1764115010.2));
  EXPECT_TRUE(reporter.complete()) << reporter.reason();
  const auto part = reporter.reportPart();
  const auto& service = part.at("service").as_object();
  EXPECT_EQ(service.at("status").as_string(), "complete");
  EXPECT_EQ(service.at("reason").as_string(), "");
  EXPECT_EQ(service.at("endpoint").as_string(), digaas.server.url());
  EXPECT_EQ(service.at("stats_id").as_int64(), 7);
  EXPECT_EQ(boost::json::serialize(service.at("window")), "[1764115000,1764115012]");  // floor, ceil + 1
  EXPECT_EQ(boost::json::serialize(service.at("empty_plots")), R"(["query"])");
  EXPECT_EQ(part.at("tables").as_array().size(), 4u);
  const std::string uri = "data:image/png;base64," + base64Encode(kPng);
  EXPECT_EQ(part.at("propagation_by_type").as_string(), uri);
  EXPECT_EQ(part.at("propagation_by_nameserver").as_string(), uri);
  EXPECT_FALSE(part.contains("query"));  // 0-byte plot: listed as empty, not an error
  EXPECT_EQ(digaas.polls.load(), 2);     // ACCEPTED once, then COMPLETE
  const auto requests = digaas.server.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/stats");
  EXPECT_EQ(boost::json::parse(requests[1].body), boost::json::parse(R"({"start":1764115000,"end":1764115012})"));
  EXPECT_EQ(log.warnings(), 0) << log.text();
}

TEST(ServiceReporter, UnreachableServiceGivesOneWarningAMissingSectionAndStopsThePosting) {
  LogCapture log;
  unsigned short port = 0;
  {
    TestServer closed([](const test::ReceivedRequest&) { return Reply{}; });
    port = static_cast<unsigned short>(std::stoi(closed.url().substr(closed.url().rfind(':') + 1)));
  }
  const auto settings = settingsFor("http://127.0.0.1:" + std::to_string(port), 5s);
  auto client = std::make_shared<ServiceClient>(settings);
  ServiceReporter reporter(settings, client);
  reporter.ping();
  reporter.onTestStart({1764115000.7, "http://sim", 5});
  const auto start = Clock::now();
  reporter.onTestStop(finalSnapshot(1764115010.2));
  EXPECT_LT(Clock::now() - start, 1s);  // no cooldown wait for a service known to be down
  EXPECT_TRUE(client->unavailable());
  const auto part = reporter.reportPart();
  EXPECT_EQ(part.at("service").as_object().at("status").as_string(), "missing");
  EXPECT_NE(std::string(part.at("service").as_object().at("reason").as_string()).find("connection refused"),
            std::string::npos);
  EXPECT_FALSE(part.contains("tables"));
  EXPECT_EQ(log.warnings(), 1) << log.text();
}

TEST(ServiceReporter, NotADigaasServiceIsReportedAsMissing) {
  LogCapture log;
  TestServer other([](const test::ReceivedRequest&) { return Reply{200, R"({"service": "nginx"})"}; });
  ServiceReporter reporter(settingsFor(other.url()));
  reporter.ping();
  reporter.onTestStop(finalSnapshot(1764115010.2));
  EXPECT_FALSE(reporter.complete());
  EXPECT_NE(reporter.reason().find("not a Digaas service"), std::string::npos) << reporter.reason();
  EXPECT_EQ(log.warnings(), 1) << log.text();
}

TEST(ServiceReporter, AJobThatNeverCompletesEndsAtTheStatsTimeoutAsMissing) {
  LogCapture log;
  FakeDigaas digaas;
  digaas.accepted_polls = 1000;
  Settings settings = *settingsFor(digaas.server.url());
  settings.stats_timeout = 1500ms;
  ServiceReporter reporter(std::make_shared<const Settings>(settings));
  reporter.onTestStart({1764115000.7, "http://sim", 5});
  const auto start = Clock::now();
  reporter.onTestStop(finalSnapshot(1764115010.2));
  const auto took = Clock::now() - start;
  EXPECT_LT(took, 4s);
  EXPECT_FALSE(reporter.complete());
  EXPECT_EQ(reporter.reason(), "stats job 7 still ACCEPTED after 1.5 s (stats_timeout)");
  const auto part = reporter.reportPart();
  EXPECT_EQ(part.at("service").as_object().at("status").as_string(), "missing");
  EXPECT_EQ(part.at("service").as_object().at("stats_id").as_int64(), 7);
  EXPECT_EQ(log.warnings(), 1) << log.text();
}

TEST(ServiceReporter, ABadStatsResponseIsMissingWithTheStatusAndBody) {
  LogCapture log;
  TestServer server([](const test::ReceivedRequest& r) {
    return r.target == "/stats" ? Reply{400, R"({"error": "start > end"})"} : Reply{404, "{}"};
  });
  ServiceReporter reporter(settingsFor(server.url()));
  reporter.onTestStart({1764115000.7, "http://sim", 5});
  reporter.onTestStop(finalSnapshot(1764115010.2));
  EXPECT_EQ(reporter.reason(), "POST " + server.url() + "/stats: HTTP 400: {\"error\": \"start > end\"}");
  EXPECT_EQ(log.warnings(), 1) << log.text();
}

TEST(ServiceReporter, CancelInterruptsTheCooldownWithinASecond) {
  LogCapture log;
  FakeDigaas digaas;
  ServiceReporter reporter(settingsFor(digaas.server.url(), 60s));
  reporter.onTestStart({1764115000.7, "http://sim", 5});
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    reporter.cancel();
  });
  const auto start = Clock::now();
  reporter.onTestStop(finalSnapshot(1764115010.2));
  const auto took = Clock::now() - start;
  canceller.join();
  EXPECT_LT(took, 1200ms);
  EXPECT_EQ(reporter.reason(), "cancelled");
  EXPECT_EQ(reporter.reportPart().at("service").as_object().at("status").as_string(), "missing");
  EXPECT_TRUE(digaas.server.requests().empty());
}

TEST(ServiceReporter, CancelInterruptsAHangingCallWithinASecond) {
  LogCapture log;
  TestServer server([](const test::ReceivedRequest&) { return test::hangReply(); });
  ServiceReporter reporter(settingsFor(server.url()));
  reporter.onTestStart({1764115000.7, "http://sim", 5});
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    reporter.cancel();
  });
  const auto start = Clock::now();
  reporter.onTestStop(finalSnapshot(1764115010.2));
  const auto took = Clock::now() - start;
  canceller.join();
  EXPECT_LT(took, 1300ms);
  EXPECT_NE(reporter.reason().find("cancelled"), std::string::npos) << reporter.reason();
}

}  // namespace
}  // namespace accurate::digaas
