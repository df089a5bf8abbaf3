// The report routes: listing, pages, raw JSON, whitelisted files, and every traversal attempt refused.

#include "report_access.hpp"
#include "test_support.hpp"

#include "report/report_store.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace accurate::web {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "TOP-SECRET-CONTENT-0123";

class ServerReports : public ::testing::Test {
 protected:
  void SetUp() override {
    // A file next to the reports directory, and one inside a report that is not whitelisted.
    std::ofstream(dir.path() / "secret.txt") << kSecret;
    std::ofstream(dir.path() / "secret.json") << kSecret;
    report::ReportStore store(dir.path() / "reports");
    using namespace std::chrono;
    older_id = report::ReportStore::makeId(system_clock::time_point(seconds(1700000000)));
    newer_id = report::ReportStore::makeId(system_clock::time_point(seconds(1700003600)));
    for (const std::string& id : {older_id, newer_id}) {
      const std::string report_json = json::serialize(json::object{
          {"id", id},
          {"start_time", id == older_id ? 1700000000.0 : 1700003600.0},
          {"end_time", id == older_id ? 1700000060.0 : 1700003660.0},
          {"host", "http://target"},
          {"total", json::object{{"num_requests", 10}, {"num_failures", id == older_id ? 1 : 2}}}});
      store.write({{"report.json", report_json},
                   {"report.html", "<html>report " + id + "</html>"},
                   {"stats.csv", "Type,Name\r\n"},
                   {"stats_history.csv", "Timestamp\r\n"},
                   {"failures.csv", "Method,Name\r\n"},
                   {"exceptions.csv", "Count,Message\r\n"},
                   {"notes.txt", kSecret}},
                  id);
      report_jsons[id] = report_json;
    }
    WebServerOptions options = test::testOptions();
    options.reports_dir = dir.path() / "reports";
    server = std::make_unique<WebServer>(options, control);
    server->start();
  }

  httplib::Client client() {
    httplib::Client c = test::clientFor(*server);
    c.set_url_encode(false);  // send the paths exactly as written
    return c;
  }

  test::FakeRunControl control;
  test::TempDir dir;
  std::string older_id;
  std::string newer_id;
  std::map<std::string, std::string> report_jsons;
  std::unique_ptr<WebServer> server;
};

TEST_F(ServerReports, ListsReportsNewestFirst) {
  auto c = client();
  const auto result = c.Get("/reports/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const json::array list = json::parse(result->body).as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(json::value_to<std::string>(list[0].at("id")), newer_id);
  EXPECT_EQ(json::value_to<std::string>(list[1].at("id")), older_id);
  EXPECT_EQ(list[1].at("num_failures").to_number<int>(), 1);
  EXPECT_EQ(list[1].at("num_requests").to_number<int>(), 10);
  EXPECT_EQ(list[1].at("host"), "http://target");
  EXPECT_DOUBLE_EQ(list[1].at("start_time").to_number<double>(), 1700000000.0);
  EXPECT_DOUBLE_EQ(list[1].at("end_time").to_number<double>(), 1700000060.0);
}

TEST_F(ServerReports, ServesTheRawReportJson) {
  auto c = client();
  const auto result = c.Get("/reports/" + older_id + ".json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(result->body, report_jsons[older_id]);
}

TEST_F(ServerReports, ServesWhitelistedFiles) {
  auto c = client();
  auto result = c.Get("/reports/" + newer_id + "/stats.csv");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "Type,Name\r\n");
  EXPECT_EQ(result->get_header_value("Content-Disposition"),
            "attachment; filename=\"" + newer_id + "_stats.csv\"");
  for (const char* file : {"stats_history.csv", "failures.csv", "exceptions.csv", "report.json"}) {
    result = c.Get("/reports/" + newer_id + "/" + file);
    ASSERT_TRUE(result) << file;
    EXPECT_EQ(result->status, 200) << file;
  }
  result = c.Get("/reports/" + newer_id + "/report.html");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "<html>report " + newer_id + "</html>");
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_TRUE(result->get_header_value("Content-Security-Policy").find("sandbox") != std::string::npos);
}

TEST_F(ServerReports, ReportPageNeedsAListedId) {
  auto c = client();
  const auto page = c.Get("/reports/" + newer_id);
  ASSERT_TRUE(page);
  // 200 with the embedded report page, or 404 naming the missing page in a build without the front end.
  if (page->status == 404) {
    EXPECT_NE(page->body.find("page not embedded"), std::string::npos);
  } else {
    EXPECT_EQ(page->status, 200);
  }
  const auto unknown = c.Get("/reports/20990101T000000Z-00000000");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("no such report"), std::string::npos);
}

TEST_F(ServerReports, TraversalAndUnknownIdsNeverReachTheFilesystem) {
  auto c = client();
  const std::string prefix = newer_id.substr(0, 10);
  const std::vector<std::string> paths{
      "/reports/../secret.txt",
      "/reports/..%2fsecret.txt",
      "/reports/..%2Fsecret.json",
      "/reports/%2e%2e%2fsecret.txt",
      "/reports/%2e%2e%2fetc%2fpasswd",
      "/reports/%2e%2e/secret.txt",
      "/reports/%2e%2e/%2e%2e/secret.txt",
      "/reports/..%2f..%2fsecret.txt",
      "/reports/../secret.json",
      "/reports/..%2fsecret.json",
      "/reports/../reports/" + newer_id + ".json",
      "/reports/" + newer_id + "/../../secret.txt",
      "/reports/" + newer_id + "/..%2f..%2fsecret.txt",
      "/reports/" + newer_id + "/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/reports/" + newer_id + "/notes.txt",
      "/reports/" + newer_id + "/../" + older_id + "/notes.txt",
      "/reports/" + newer_id + "/report.json/../../../secret.txt",
      "/reports/" + newer_id + "%2f..%2f..%2fsecret",
      "/reports/" + prefix,
      "/reports/" + prefix + ".json",
      "/reports/" + prefix + "/stats.csv",
      "/reports/" + newer_id + "x.json",
      "/reports/20990101T000000Z-00000000.json",
      "/reports/.tmp-" + newer_id + ".json",
      "/reports/%00.json",
      "/reports/" + newer_id + "%00/stats.csv",
      "/reports/" + newer_id + "/stats.csv%00",
      "/reports/" + newer_id + "/",
      "/reports//stats.csv",
      "/reports/.json",
      "/static/../../secret.txt",
      "/static/%2e%2e%2f%2e%2e%2fsecret.txt",
  };
  for (const std::string& path : paths) {
    const auto result = c.Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_TRUE(result->status == 404 || result->status == 400) << path << " -> " << result->status;
    EXPECT_EQ(result->body.find(kSecret), std::string::npos) << path;
  }
}

TEST_F(ServerReports, ReportAccessMatchesExactIdsAndWhitelistedNamesOnly) {
  report::ReportStore store(dir.path() / "reports");
  EXPECT_TRUE(findListedReport(store, newer_id).has_value());
  EXPECT_FALSE(findListedReport(store, newer_id.substr(0, 12)).has_value());
  EXPECT_FALSE(findListedReport(store, "").has_value());
  EXPECT_FALSE(findListedReport(store, "..").has_value());
  EXPECT_NE(reportFileKind("stats.csv"), nullptr);
  EXPECT_EQ(reportFileKind("notes.txt"), nullptr);
  EXPECT_EQ(reportFileKind("../report.json"), nullptr);
  const auto entry = findListedReport(store, older_id);
  ASSERT_TRUE(entry);
  EXPECT_EQ(readReportFile(store, *entry, *reportFileKind("report.json")), report_jsons[older_id]);
}

TEST_F(ServerReports, MissingReportsDirectoryListsNothing) {
  test::TempDir empty;
  WebServerOptions options = test::testOptions();
  options.reports_dir = empty.path() / "none";
  WebServer other(options, control);
  other.start();
  auto c = test::clientFor(other);
  const auto result = c.Get("/reports/json");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "[]");
}

}  // namespace
}  // namespace accurate::web
