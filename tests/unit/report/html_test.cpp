#include "report/html.hpp"
#include "report/html_json.hpp"
#include "report/html_plugin.hpp"
#include "report/svg_chart.hpp"
#include "report_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace accurate::report {
namespace {

using testing::makeMeta;
using testing::makeSnapshot;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

std::string renderFixture() { return renderHtmlReport(buildReportJson(makeSnapshot(), makeMeta())); }

TEST(HtmlReport, IsSelfContained) {
  const std::string html = lower(renderFixture());
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // the nasty name is escaped, and no script is needed
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<iframe"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  for (const char* attribute : {"src=", "href=", "xlink:href="}) {
    for (const char* scheme : {"\"http", "'http", "\"//", "http"}) {
      EXPECT_EQ(html.find(std::string(attribute) + scheme), std::string::npos) << attribute << scheme;
    }
  }
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlReport, EscapesEveryStringFromTheReport) {
  const std::string html = renderFixture();
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("/v2/zones, &quot;quoted&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"),
            std::string::npos);
  EXPECT_NE(html.find("RuntimeError in task create_zone: &lt;oops&gt;"), std::string::npos);
  EXPECT_NE(html.find("digaas &lt;x&gt;"), std::string::npos);  // plugin name
  EXPECT_NE(html.find("&lt;b&gt;"), std::string::npos);        // a value inside a plugin section
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;redacted&gt;"), std::string::npos);  // configuration
}

TEST(HtmlReport, ShowsSummaryChartsTablesAndSections) {
  const std::string html = renderFixture();
  EXPECT_NE(html.find("http://127.0.0.1:8080"), std::string::npos);  // host as text
  EXPECT_NE(html.find(">10.0s<"), std::string::npos);                // duration
  EXPECT_NE(html.find(">3 (50.00%)<"), std::string::npos);           // failures
  EXPECT_NE(html.find(">0.6<"), std::string::npos);                  // requests/s
  EXPECT_NE(html.find(">7<"), std::string::npos);                    // peak users
  EXPECT_EQ(occurrences(html, "<svg"), 3u);
  EXPECT_GE(occurrences(html, "<polyline"), 6u);  // rps, failures/s, p50, p95, p99, users
  EXPECT_NE(html.find("id=\"stats\""), std::string::npos);
  EXPECT_NE(html.find("id=\"percentiles\""), std::string::npos);
  EXPECT_NE(html.find("id=\"percentiles-intended\""), std::string::npos);
  EXPECT_NE(html.find("id=\"failures\""), std::string::npos);
  EXPECT_NE(html.find("id=\"exceptions\""), std::string::npos);
  EXPECT_NE(html.find("id=\"thresholds\""), std::string::npos);
  EXPECT_NE(html.find("class=\"plugin\""), std::string::npos);
  EXPECT_NE(html.find("HTTP 500: boom, &quot;bad&quot;"), std::string::npos);
  // The intended-time table counts the intended samples (2 on POST and on the total), not all requests (6).
  const std::string intended = html.substr(html.find("id=\"percentiles-intended\""));
  const std::string intended_table = intended.substr(0, intended.find("</section>"));
  EXPECT_NE(intended_table.find("# Samples"), std::string::npos);
  EXPECT_EQ(intended_table.find(">6</td>"), std::string::npos);
  EXPECT_EQ(occurrences(intended_table, "<td class=\"num\">2</td></tr>"), 2u);
  EXPECT_EQ(occurrences(html, "<section"), occurrences(html, "</section>"));
  EXPECT_EQ(occurrences(html, "<table"), occurrences(html, "</table>"));
}

TEST(HtmlReport, RendersAnEmptyOrOddReportWithoutThrowing) {
  std::string html;
  EXPECT_NO_THROW(html = renderHtmlReport(boost::json::object{}));
  EXPECT_NE(html.find("No data recorded"), std::string::npos);
  EXPECT_EQ(html.find("id=\"percentiles\""), std::string::npos);
  const auto odd = boost::json::parse(
      R"({"history": [1, {"time": "x"}, {"time": 5, "rps": "fast"}], "entries": {}, "total": [],
          "plugins": {"p": [[1, 2], {"a": {"b": {"c": {"d": 1}}}}]}, "thresholds": [3]})");
  EXPECT_NO_THROW(html = renderHtmlReport(odd.as_object()));
  EXPECT_EQ(occurrences(html, "<section"), occurrences(html, "</section>"));
}

TEST(HtmlJson, RendersObjectsAsTablesAndFlatArraysAsColumns) {
  const auto value = boost::json::parse(R"({"count": 3, "list": [1, 2], "rows": [{"a": 1, "b": "x"}, {"a": 2, "c": true}]})");
  const std::string html = renderJsonHtml(value);
  EXPECT_NE(html.find("<th>count</th><td>3</td>"), std::string::npos);
  EXPECT_NE(html.find("1, 2"), std::string::npos);
  EXPECT_NE(html.find("<th>a</th><th>b</th><th>c</th>"), std::string::npos);
  EXPECT_NE(html.find("<td>true</td>"), std::string::npos);
}

TEST(HtmlJson, ShowsOnlyWellFormedImageDataUrisAsImages) {
  const std::string good = renderJsonHtml(boost::json::value("data:image/png;base64,iVBORw0KGgo="));
  EXPECT_EQ(good.rfind("<img class=\"plot\"", 0), 0u);
  const std::string bad = renderJsonHtml(boost::json::value("data:image/png;base64,\"><script>x</script>"));
  EXPECT_EQ(bad.find("<img"), std::string::npos);
  EXPECT_EQ(bad.find("<script"), std::string::npos);
  const std::string remote = renderJsonHtml(boost::json::value("https://example.com/plot.png"));
  EXPECT_EQ(remote.find("<img"), std::string::npos);
}

TEST(HtmlPluginSection, RendersSummaryTablesChartsAndTheRestAsTheWebPageDoes) {
  const auto section = boost::json::parse(R"json({
      "summary": {"propagations": 12, "p50 (s)": 0.71},
      "tables": [{"title": "By <type>", "columns": ["type", "p50 (s)"], "rows": [["ZONE_CREATE", 0.7], ["X", null]]}],
      "charts": [{"title": "Propagation", "unit": "s", "x": [100, 101, 102],
                  "series": [{"name": "ZONE_CREATE", "values": [0.7, null, 0.8]}]}],
      "service": {"status": "missing", "reason": "connection refused"}})json");
  const std::string html = renderPluginSectionHtml("digaas", section);
  EXPECT_NE(html.find("<h2>digaas</h2>"), std::string::npos);
  EXPECT_NE(html.find("propagations"), std::string::npos);
  EXPECT_NE(html.find("<h3>By &lt;type&gt;</h3>"), std::string::npos) << "table titles are escaped";
  EXPECT_NE(html.find("<th>p50 (s)</th>"), std::string::npos);
  EXPECT_NE(html.find("ZONE_CREATE</td>"), std::string::npos);
  EXPECT_EQ(occurrences(html, "<svg"), 1u);
  EXPECT_NE(html.find("<polyline"), std::string::npos) << "the two non-null points make a line";
  EXPECT_NE(html.find("connection refused"), std::string::npos) << "other keys are rendered generically";
}

TEST(HtmlPluginSection, MalformedConventionsFallBackToGenericRendering) {
  const auto section = boost::json::parse(R"({"tables": [{"title": "t"}, 3], "charts": [{"x": 1}], "summary": 5})");
  const std::string html = renderPluginSectionHtml("p", section);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("</section>"), std::string::npos);
  EXPECT_NE(renderPluginSectionHtml("p", boost::json::value(nullptr)).find("</section>"), std::string::npos);
}

TEST(SvgChart, ReducesLongSeriesToAtMostTwoPointsPerPixelColumnKeepingPeaks) {
  ChartSeries series{"rps", "#000", {}};
  for (int i = 0; i < 20000; ++i) series.points.emplace_back(1700000000.0 + i, i == 12345 ? 1000.0 : 10.0);
  const std::string svg = renderLineChart({"Throughput", "", {series}, 960, 280});
  const auto start = svg.find("points=\"");
  ASSERT_NE(start, std::string::npos);
  const auto end = svg.find('"', start + 8);
  const std::string points = svg.substr(start + 8, end - start - 8);
  const auto count = static_cast<std::size_t>(std::count(points.begin(), points.end(), ','));
  EXPECT_LE(count, 2u * 960u);
  EXPECT_GT(count, 100u);
  // y axis 0..1500 over 210 px below a 40 px top margin: the lone spike to 1000 sits at y = 110, the rest at 248.6.
  EXPECT_NE(points.find(",110.0"), std::string::npos);
  EXPECT_NE(points.find(",248.6"), std::string::npos);
}

TEST(SvgChart, NiceStepsAreOneTwoOrFiveTimesAPowerOfTen) {
  EXPECT_DOUBLE_EQ(niceStep(100, 5), 20);
  EXPECT_DOUBLE_EQ(niceStep(7, 5), 2);
  EXPECT_DOUBLE_EQ(niceStep(0.3, 5), 0.1);
  EXPECT_DOUBLE_EQ(niceStep(0, 5), 1);
}

}  // namespace
}  // namespace accurate::report
