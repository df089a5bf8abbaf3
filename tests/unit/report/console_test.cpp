#include "report/console.hpp"
#include "report/text_format.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace accurate::report {
namespace {

using testing::makeSnapshot;

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(ConsoleTable, HasLocustColumnsEntriesAndAggregatedRowLast) {
  const auto lines = splitLines(formatStatsTable(makeSnapshot()));
  ASSERT_EQ(lines.size(), 6u);  // header, separator, 2 entries, separator, total
  EXPECT_EQ(lines[0].rfind("Type     Name", 0), 0u) << lines[0];
  for (const char* column : {"# reqs", "# fails", "Avg", "Min", "Max", "Med", "req/s", "failures/s"}) {
    EXPECT_NE(lines[0].find(column), std::string::npos) << column;
  }
  EXPECT_EQ(lines[1], lines[4]);
  EXPECT_EQ(lines[1].rfind("--------|", 0), 0u);
  EXPECT_EQ(lines[2].rfind("GET      /v2/zones ", 0), 0u) << lines[2];
  EXPECT_NE(lines[2].find("      4    1(25.00%) |   1.25    1.00    2.00   1.00 |    0.50        0.10"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(lines[5].rfind("         Aggregated", 0), 0u) << lines[5];
  EXPECT_NE(lines[5].find("3(50.00%)"), std::string::npos);
  // Every row has the separator's width.
  for (std::size_t i : {0u, 2u, 3u, 5u}) EXPECT_LE(utf8Width(lines[i]), utf8Width(lines[1])) << lines[i];
}

TEST(ConsoleTable, ShortensLongNamesInTheMiddle) {
  auto snapshot = makeSnapshot();
  snapshot.entries[0].name = "/v2/zones/" + std::string(100, 'x') + "/recordsets/end";
  const std::string table = formatStatsTable(snapshot, ConsoleWidths{20, 40});
  EXPECT_EQ(table.find(std::string(100, 'x')), std::string::npos);
  EXPECT_NE(table.find("/v2/zones/xxxxxxxx...xxxx/recordsets/end"), std::string::npos) << table;
  // Control characters never break a row apart.
  snapshot.entries[0].name = "a\nb";
  EXPECT_EQ(splitLines(formatStatsTable(snapshot)).size(), 6u);
}

TEST(ConsoleTable, PercentileTableSkipsEntriesWithoutRequests) {
  auto snapshot = makeSnapshot();
  snapshot.entries.push_back(sdk::EntryStats{});
  snapshot.entries.back().method = "PUT";
  snapshot.entries.back().name = "/never";
  const std::string table = formatPercentiles(snapshot);
  const auto lines = splitLines(table);
  EXPECT_EQ(lines[0], "Response time percentiles (approximated)");
  EXPECT_NE(lines[1].find("    50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs"),
            std::string::npos)
      << lines[1];
  EXPECT_EQ(table.find("/never"), std::string::npos);
  EXPECT_NE(lines[3].find("    1.00   1.00   1.00   2.00   2.00   2.00   2.00   2.00   2.00   2.00   2.00      4"),
            std::string::npos)
      << lines[3];
  EXPECT_EQ(lines.size(), 7u);
}

TEST(ConsoleTable, FailuresReportLikeLocustAndEmptyWithoutFailures) {
  const std::string text = formatFailures(makeSnapshot());
  const auto lines = splitLines(text);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "Error report");
  EXPECT_EQ(lines[1], "# occurrences      Error");
  EXPECT_EQ(lines[3], "2                  POST /v2/zones, \"quoted\" <script>alert(1)</script> & more: HTTP 500: "
                      "boom, \"bad\"");
  EXPECT_EQ(lines[4], "1                  GET /v2/zones: timeout");
  sdk::StatsSnapshot clean;
  EXPECT_EQ(formatFailures(clean), "");
  EXPECT_EQ(formatExceptions(clean), "");
  EXPECT_NE(formatExceptions(makeSnapshot()).find("3                  RuntimeError in task create_zone: <oops> second line"),
            std::string::npos);
}

TEST(Console, CountersAreListedByNameOnlyWhenPresent) {
  sdk::StatsSnapshot snapshot;
  EXPECT_EQ(formatCounters(snapshot), "");
  snapshot.counters = {{"skipped.remove_domain", 4}};
  const std::string text = formatCounters(snapshot);
  EXPECT_NE(text.find("Counters"), std::string::npos);
  EXPECT_NE(text.find("skipped.remove_domain"), std::string::npos);
  EXPECT_NE(text.find(" 4\n"), std::string::npos);
}

TEST(TextFormat, PythonFloatMatchesReprForCsv) {
  EXPECT_EQ(pythonFloat(0), "0.0");
  EXPECT_EQ(pythonFloat(10), "10.0");
  EXPECT_EQ(pythonFloat(0.4), "0.4");
  EXPECT_EQ(pythonFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(pythonFloat(1e-5), "1e-05");
  EXPECT_EQ(pythonFloat(1e16), "1e+16");
  EXPECT_EQ(pythonFloat(123.456), "123.456");
}

TEST(TextFormat, HelpersForWidthsDurationsAndEscaping) {
  EXPECT_EQ(truncateMiddle("abcdefghij", 7), "ab...ij");
  EXPECT_EQ(truncateMiddle("short", 7), "short");
  EXPECT_EQ(truncateMiddle("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9...\xC3\xA9");
  EXPECT_EQ(utf8Width("\xC3\xA9t\xC3\xA9"), 3u);
  EXPECT_EQ(humanDuration(12.34), "12.3s");
  EXPECT_EQ(humanDuration(245), "4m 05s");
  EXPECT_EQ(humanDuration(3723), "1h 02m 03s");
  EXPECT_EQ(consoleMs(0), "0");
  EXPECT_EQ(consoleMs(0.3124), "0.31");
  EXPECT_EQ(consoleMs(12.54), "12.5");
  EXPECT_EQ(consoleMs(250.4), "250");
  EXPECT_EQ(groupThousands(1234567), "1,234,567");
  EXPECT_EQ(groupThousands(999), "999");
  EXPECT_EQ(escapeHtml("<a href='x'>\"&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(utcDateTime(1700000000), "2023-11-14 22:13:20 UTC");
  EXPECT_EQ(utcDateTime(0), "");
  EXPECT_EQ(utcClock(1700000000), "22:13:20");
}

}  // namespace
}  // namespace accurate::report
