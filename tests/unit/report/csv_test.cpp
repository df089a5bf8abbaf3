#include "report/csv.hpp"
#include "report/report_store.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace accurate::report {
namespace {

using testing::makeSnapshot;

// Copied from Locust 2.12.1 locust/stats.py (StatsCSV.__init__ and StatsCSVFileWriter.__init__) with
// get_readable_percentiles(PERCENTILES_TO_REPORT) expanded.
const std::vector<std::string> kLocustPercentiles{"50%", "66%", "75%", "80%", "90%", "95%",
                                                  "98%", "99%", "99.9%", "99.99%", "100%"};

std::vector<std::string> locustRequestsColumns() {
  std::vector<std::string> columns{
      "Type",
      "Name",
      "Request Count",
      "Failure Count",
      "Median Response Time",
      "Average Response Time",
      "Min Response Time",
      "Max Response Time",
      "Average Content Size",
      "Requests/s",
      "Failures/s",
  };
  columns.insert(columns.end(), kLocustPercentiles.begin(), kLocustPercentiles.end());
  return columns;
}

std::vector<std::string> locustHistoryColumns() {
  std::vector<std::string> columns{"Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s"};
  columns.insert(columns.end(), kLocustPercentiles.begin(), kLocustPercentiles.end());
  for (const char* tail : {"Total Request Count", "Total Failure Count", "Total Median Response Time",
                           "Total Average Response Time", "Total Min Response Time", "Total Max Response Time",
                           "Total Average Content Size"}) {
    columns.emplace_back(tail);
  }
  return columns;
}

const std::vector<std::string> kLocustFailuresColumns{"Method", "Name", "Error", "Occurrences"};
const std::vector<std::string> kLocustExceptionsColumns{"Count", "Message", "Traceback", "Nodes"};

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    if (end == std::string::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

std::string join(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& column : columns) out += (out.empty() ? "" : ",") + column;
  return out;
}

TEST(Csv, HeadersEqualLocustsExactly) {
  EXPECT_EQ(statsCsvColumns(), locustRequestsColumns());
  EXPECT_EQ(statsHistoryCsvColumns(), locustHistoryColumns());
  EXPECT_EQ(failuresCsvColumns(), kLocustFailuresColumns);
  EXPECT_EQ(exceptionsCsvColumns(), kLocustExceptionsColumns);
  const auto snapshot = makeSnapshot();
  EXPECT_EQ(lines(statsCsv(snapshot, 10)).at(0), join(locustRequestsColumns()));
  EXPECT_EQ(lines(statsHistoryCsv(snapshot)).at(0), join(locustHistoryColumns()));
  EXPECT_EQ(lines(failuresCsv(snapshot)).at(0), "Method,Name,Error,Occurrences");
  EXPECT_EQ(lines(exceptionsCsv(snapshot)).at(0), "Count,Message,Traceback,Nodes");
}

TEST(Csv, QuotesOnlyFieldsThatNeedItAsPythonDoes) {
  EXPECT_EQ(csvField("plain /v2/zones"), "plain /v2/zones");
  EXPECT_EQ(csvField(" leading space"), " leading space");
  EXPECT_EQ(csvField("a,b"), "\"a,b\"");
  EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvField("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(csvRow({"", "x", ""}), ",x,\r\n");
  EXPECT_EQ(csvRow({""}), "\"\"\r\n");
}

TEST(Csv, StatsRowsHoldLocustValueTypes) {
  const auto rows = lines(statsCsv(makeSnapshot(), 10));
  ASSERT_EQ(rows.size(), 4u);  // header, two entries, Aggregated
  EXPECT_EQ(rows[1], "GET,/v2/zones,4,1,1.0,1.25,1.0,2.0,100.0,0.4,0.1,1,1,1,2,2,2,2,2,2,2,2");
  EXPECT_EQ(rows[2].rfind("POST,\"/v2/zones, \"\"quoted\"\" <script>alert(1)</script> & more\",2,2,", 0), 0u)
      << rows[2];
  EXPECT_EQ(rows[3].rfind(",Aggregated,6,3,", 0), 0u) << rows[3];
}

TEST(Csv, EntryWithoutRequestsHasNotApplicablePercentiles) {
  sdk::StatsSnapshot snapshot;
  snapshot.total.name = "Aggregated";
  const auto rows = lines(statsCsv(snapshot, 0));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], ",Aggregated,0,0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A");
}

TEST(Csv, HistoryHasOneAggregatedRowPerPointAndNotApplicableForWhatIsNotKept) {
  const auto rows = lines(statsHistoryCsv(makeSnapshot()));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1],
            "1700000001,3,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,N/A,0.0,N/A,N/A,N/A");
  EXPECT_EQ(rows[2],
            "1700000002,5,,Aggregated,2.500000,0.500000,1,N/A,N/A,N/A,N/A,2,N/A,3,N/A,N/A,N/A,3,1,N/A,1.1,N/A,N/A,N/A");
  EXPECT_EQ(rows[3].rfind("1700000003,7,,Aggregated,3.000000,1.000000,1,", 0), 0u) << rows[3];
  EXPECT_EQ(statsHistoryCsvColumns().size(), 24u);
  for (const auto& row : rows) {
    EXPECT_EQ(std::count(row.begin(), row.end(), ','), 23) << row;
  }
}

TEST(Csv, FailuresAndExceptionsAreQuoted) {
  const auto failures = lines(failuresCsv(makeSnapshot()));
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[1],
            "POST,\"/v2/zones, \"\"quoted\"\" <script>alert(1)</script> & more\",\"HTTP 500: boom, \"\"bad\"\"\",2");
  EXPECT_EQ(failures[2], "GET,/v2/zones,timeout,1");
  const std::string exceptions = exceptionsCsv(makeSnapshot());
  EXPECT_EQ(exceptions,
            "Count,Message,Traceback,Nodes\r\n3,\"RuntimeError in task create_zone: <oops>\nsecond line\",N/A,N/A\r\n");
}

TEST(Csv, PrefixWritesLocustFileNames) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "accurate-csv-prefix";
  std::filesystem::remove_all(dir);
  writeCsvFiles((dir / "run").string(), makeSnapshot(), 10);
  for (const char* name : {"run_stats.csv", "run_stats_history.csv", "run_failures.csv", "run_exceptions.csv"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir / name)) << name;
  }
  std::ifstream in(dir / "run_stats.csv", std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), statsCsv(makeSnapshot(), 10));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 4u);  // no temporary file left behind
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace accurate::report
