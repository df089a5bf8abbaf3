#include "report/html.hpp"

#include "report/console.hpp"
#include "report/json_access.hpp"
#include "report/json_pretty.hpp"
#include "report/html_plugin.hpp"
#include "report/svg_chart.hpp"
#include "report/text_format.hpp"

#include <boost/json/array.hpp>
#include <fmt/format.h>

#include <string_view>

namespace accurate::report {

namespace {

constexpr std::string_view kStyle = R"css(
:root{color-scheme:light;--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--bad:#c0392b;--good:#2f855a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1f2933;color:#fff;padding:22px 32px}
header h1{margin:0 0 6px;font-size:22px;font-weight:600}
header p{margin:2px 0;color:#cbd2d9;font-size:13px;word-break:break-all}
header p strong{color:#fff;font-weight:600}
main{max-width:1280px;margin:0 auto;padding:24px 32px 40px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;margin:0 0 20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:20px;font-weight:600;margin-top:2px;font-variant-numeric:tabular-nums}
.card.bad .value{color:var(--bad)}
.card.good .value{color:var(--good)}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 20px}
h2{font-size:16px;margin:0 0 12px}
h3{font-size:14px;margin:16px 0 8px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{background:#f0f4f8;font-weight:600;vertical-align:bottom}
td.num,th.num{text-align:right}
td.num{white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
tfoot td{font-weight:600;border-top:2px solid #cbd2d9;border-bottom:none}
td.name{overflow-wrap:anywhere;min-width:8em}
td.msg{white-space:pre-wrap;word-break:break-word}
table.kv{width:auto;min-width:50%}
table.kv th{background:none;color:var(--muted);font-weight:500;white-space:nowrap}
.pass{color:var(--good);font-weight:600}
.fail{color:var(--bad);font-weight:600}
.muted{color:var(--muted)}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;max-height:480px;margin:0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
details summary{cursor:pointer;color:var(--muted);margin-bottom:8px}
.charts{display:grid;grid-template-columns:1fr;gap:18px}
svg.chart{width:100%;height:auto;display:block}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:12px;fill:#52606d}
svg text.title{font-weight:600;fill:#1f2933;font-size:13px}
svg text.ylabel{text-anchor:end}
svg text.xlabel{text-anchor:middle}
svg text.empty{text-anchor:middle;fill:#9aa5b1}
svg .grid{stroke:#e4e7eb;stroke-width:1}
svg .axis,svg .tick{stroke:#9aa5b1;stroke-width:1}
img.plot{max-width:100%;height:auto;display:block;margin:4px 0}
footer{color:var(--muted);font-size:12px;text-align:center;padding:0 0 24px}
@media print{body{background:#fff}header{background:#fff;color:#000}header p,header p strong{color:#000}section{break-inside:avoid}}
)css";

std::string e(std::string_view text) { return escapeHtml(text); }

std::string ms(double value) { return e(trimmedFixed(value, value < 10 ? 3 : value < 100 ? 2 : 1)); }

std::string rate(double value) { return trimmedFixed(value, 2); }

std::string card(std::string_view label, std::string_view value, std::string_view modifier = {}) {
  return fmt::format(R"(<div class="card{}{}"><div class="label">{}</div><div class="value">{}</div></div>)",
                     modifier.empty() ? "" : " ", modifier, e(label), e(value));
}

double failRatio(const boost::json::object& entry) {
  const double requests = numberAt(entry, "num_requests");
  return requests > 0 ? numberAt(entry, "num_failures") / requests : 0.0;
}

std::string headerHtml(const boost::json::object& report) {
  const double start = numberAt(report, "start_time");
  const double end = numberAt(report, "end_time");
  std::string out = "<header><h1>Load test report</h1>";
  out += "<p>Host: <strong>" + e(stringAt(report, "host", "unknown")) + "</strong></p>";
  out += "<p>" + e(utcDateTime(start)) + " &ndash; " + e(utcDateTime(end)) + "</p>";
  const std::string id = stringAt(report, "id");
  if (!id.empty()) out += "<p>Report " + e(id) + "</p>";
  out += "</header>";
  return out;
}

std::string cardsHtml(const boost::json::object& report, const boost::json::object& total) {
  const double start = numberAt(report, "start_time");
  const double end = numberAt(report, "end_time");
  const std::uint64_t failures = countAt(total, "num_failures");
  std::string out = R"(<div class="cards">)";
  out += card("Duration", humanDuration(end > start ? end - start : 0));
  out += card("Requests", groupThousands(countAt(total, "num_requests")));
  out += card("Failures", fmt::format("{} ({:.2f}%)", groupThousands(failures), failRatio(total) * 100),
              failures > 0 ? "bad" : "");
  out += card("Requests/s", rate(numberAt(total, "total_rps")));
  out += card("Peak users", groupThousands(countAt(report, "max_users")));
  out += card("Avg response", trimmedFixed(numberAt(total, "avg_response_time"), 2) + " ms");
  if (const auto* percentiles = objectAt(total, "percentiles")) {
    out += card("p95", trimmedFixed(numberAt(*percentiles, "0.95"), 2) + " ms");
    out += card("p99", trimmedFixed(numberAt(*percentiles, "0.99"), 2) + " ms");
  }
  if (const auto* thresholds = arrayAt(report, "thresholds"); thresholds && !thresholds->empty()) {
    std::size_t passed = 0;
    for (const auto& value : *thresholds) {
      const auto* object = value.if_object();
      const auto* flag = object ? object->if_contains("passed") : nullptr;
      if (flag && flag->is_bool() && flag->get_bool()) ++passed;
    }
    out += card("Thresholds", fmt::format("{}/{} passed", passed, thresholds->size()),
                passed == thresholds->size() ? "good" : "bad");
  }
  if (const auto* code = report.if_contains("exit_code")) {
    const bool ok = code->is_number() && toDouble(*code, 1) == 0;
    out += card("Exit code", scalarText(*code), ok ? "good" : "bad");
  }
  out += "</div>";
  return out;
}

std::string chartsHtml(const boost::json::object& report) {
  ChartSeries rps{"Requests/s", "#2b7bb9", {}};
  ChartSeries failures{"Failures/s", "#d64545", {}};
  ChartSeries p50{"p50", "#3c9a5f", {}};
  ChartSeries p95{"p95", "#e69f00", {}};
  ChartSeries p99{"p99", "#b03a2e", {}};
  ChartSeries users{"Users", "#7b5ea7", {}};
  if (const auto* history = arrayAt(report, "history")) {
    for (const auto& value : *history) {
      const auto* point = value.if_object();
      if (!point || !point->contains("time")) continue;
      const double t = numberAt(*point, "time");
      rps.points.emplace_back(t, numberAt(*point, "rps"));
      failures.points.emplace_back(t, numberAt(*point, "fail_per_sec"));
      p50.points.emplace_back(t, numberAt(*point, "p50_ms"));
      p95.points.emplace_back(t, numberAt(*point, "p95_ms"));
      p99.points.emplace_back(t, numberAt(*point, "p99_ms"));
      users.points.emplace_back(t, numberAt(*point, "users"));
    }
  }
  std::string out = R"(<section id="charts"><h2>Over time (UTC)</h2><div class="charts">)";
  out += renderLineChart({"Throughput", "per second", {rps, failures}});
  out += renderLineChart({"Response time (sliding window)", "ms", {p50, p95, p99}});
  out += renderLineChart({"Users", "", {users}});
  out += "</div></section>";
  return out;
}

std::string statsRow(const boost::json::object& entry, bool total) {
  const double requests = numberAt(entry, "num_requests");
  std::string out = "<tr>";
  out += "<td>" + e(stringAt(entry, "method")) + "</td>";
  out += R"(<td class="name">)" + e(stringAt(entry, "name", total ? "Aggregated" : "")) + "</td>";
  out += R"(<td class="num">)" + groupThousands(countAt(entry, "num_requests")) + "</td>";
  out += R"(<td class="num">)" + groupThousands(countAt(entry, "num_failures")) + "</td>";
  out += R"(<td class="num">)" + fmt::format("{:.2f}%", failRatio(entry) * 100) + "</td>";
  for (const char* key : {"avg_response_time", "min_response_time", "max_response_time", "median_response_time"}) {
    out += R"(<td class="num">)" + (requests > 0 ? ms(numberAt(entry, key)) : std::string("&ndash;")) + "</td>";
  }
  out += R"(<td class="num">)" + rate(numberAt(entry, "total_rps")) + "</td>";
  out += R"(<td class="num">)" + rate(numberAt(entry, "total_fail_per_sec")) + "</td>";
  out += R"(<td class="num">)" + trimmedFixed(numberAt(entry, "avg_content_length"), 1) + "</td>";
  out += "</tr>";
  return out;
}

std::string statsHtml(const boost::json::array* entries, const boost::json::object& total) {
  std::string out = R"(<section id="stats"><h2>Request statistics</h2>)"
                    R"(<p class="muted">Response times in milliseconds; rates over the whole run.</p>)"
                    R"(<div class="scroll"><table><thead><tr>)"
                    R"(<th>Type</th><th>Name</th><th class="num"># Requests</th><th class="num"># Fails</th>)"
                    R"(<th class="num">Fail %</th><th class="num">Avg</th><th class="num">Min</th>)"
                    R"(<th class="num">Max</th><th class="num">Median</th><th class="num">Req/s</th>)"
                    R"(<th class="num">Fails/s</th><th class="num">Avg size (bytes)</th></tr></thead><tbody>)";
  if (entries) {
    for (const auto& value : *entries) {
      if (const auto* entry = value.if_object()) out += statsRow(*entry, false);
    }
  }
  out += "</tbody><tfoot>" + statsRow(total, true) + "</tfoot></table></div></section>";
  return out;
}

std::string percentileRow(const boost::json::object& entry, std::string_view key, std::string_view count_key,
                          bool total) {
  const auto* percentiles = objectAt(entry, key);
  if (!percentiles) return {};
  std::string out = "<tr><td>" + e(stringAt(entry, "method")) + R"(</td><td class="name">)" +
                    e(stringAt(entry, "name", total ? "Aggregated" : "")) + "</td>";
  for (auto quantile : kReportQuantileKeys) out += R"(<td class="num">)" + ms(numberAt(*percentiles, quantile)) + "</td>";
  out += R"(<td class="num">)" + groupThousands(countAt(entry, count_key)) + "</td></tr>";
  return out;
}

/// The percentile table of histogram @p key ("percentiles" or "percentiles_intended"), whose sample count is
/// at @p count_key; rows without samples are left out.
std::string percentilesHtml(const boost::json::array* entries, const boost::json::object& total, std::string_view key,
                            std::string_view count_key, std::string_view id, std::string_view title,
                            std::string_view note) {
  std::string body;
  if (entries) {
    for (const auto& value : *entries) {
      if (const auto* entry = value.if_object(); entry && countAt(*entry, count_key) > 0) {
        body += percentileRow(*entry, key, count_key, false);
      }
    }
  }
  const std::string total_row = countAt(total, count_key) > 0 ? percentileRow(total, key, count_key, true) : "";
  if (body.empty() && total_row.empty()) return {};
  std::string out = fmt::format(R"(<section id="{}"><h2>{}</h2>)", id, e(title));
  if (!note.empty()) out += R"(<p class="muted">)" + e(note) + "</p>";
  out += R"(<div class="scroll"><table><thead><tr><th>Type</th><th>Name</th>)";
  static constexpr std::array<std::string_view, 11> kLabels{"50%", "66%", "75%", "80%", "90%", "95%",
                                                             "98%", "99%", "99.9%", "99.99%", "100%"};
  for (auto label : kLabels) out += R"(<th class="num">)" + std::string(label) + "</th>";
  out += std::string(R"(<th class="num">)") + (count_key == "num_requests" ? "# Requests" : "# Samples") +
         "</th></tr></thead><tbody>" + body + "</tbody>";
  if (!total_row.empty()) out += "<tfoot>" + total_row + "</tfoot>";
  out += "</table></div></section>";
  return out;
}

std::string failuresHtml(const boost::json::object& report) {
  const auto* errors = arrayAt(report, "errors");
  std::string out = R"(<section id="failures"><h2>Failures</h2>)";
  if (!errors || errors->empty()) return out + R"(<p class="muted">No failures.</p></section>)";
  out += R"(<div class="scroll"><table><thead><tr><th class="num"># Occurrences</th><th>Method</th><th>Name</th>)"
         R"(<th>Error</th></tr></thead><tbody>)";
  for (const auto& value : *errors) {
    const auto* error = value.if_object();
    if (!error) continue;
    out += R"(<tr><td class="num">)" + groupThousands(countAt(*error, "occurrences")) + "</td><td>" +
           e(stringAt(*error, "method")) + R"(</td><td class="name">)" + e(stringAt(*error, "name")) +
           R"(</td><td class="msg">)" + e(stringAt(*error, "error")) + "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string exceptionsHtml(const boost::json::object& report) {
  const auto* exceptions = arrayAt(report, "exceptions");
  std::string out = R"(<section id="exceptions"><h2>Exceptions</h2>)";
  if (!exceptions || exceptions->empty()) return out + R"(<p class="muted">No task raised an exception.</p></section>)";
  out += R"(<div class="scroll"><table><thead><tr><th class="num">Count</th><th>Message</th></tr></thead><tbody>)";
  for (const auto& value : *exceptions) {
    const auto* exception = value.if_object();
    if (!exception) continue;
    out += R"(<tr><td class="num">)" + groupThousands(countAt(*exception, "count")) + R"(</td><td class="msg">)" +
           e(stringAt(*exception, "message")) + "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string workersHtml(const boost::json::object& report) {
  const auto* workers = arrayAt(report, "workers");
  if (!workers || workers->empty()) return {};
  std::string out = R"(<section id="workers"><h2>Workers</h2><div class="scroll"><table><thead><tr>)"
                    R"(<th>Worker</th><th>State</th><th class="num">Users</th><th class="num">CPU %</th>)"
                    R"(<th>Kind</th></tr></thead><tbody>)";
  for (const auto& value : *workers) {
    const auto* worker = value.if_object();
    if (!worker) continue;
    out += R"(<tr><td class="name">)" + e(stringAt(*worker, "id")) + "</td><td>" + e(stringAt(*worker, "state")) +
           R"(</td><td class="num">)" + groupThousands(countAt(*worker, "users")) + R"(</td><td class="num">)" +
           e(shortNumber(numberAt(*worker, "cpu_percent"))) + "</td><td>" + e(stringAt(*worker, "kind")) +
           "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string countersHtml(const boost::json::object& report) {
  const auto* counters = objectAt(report, "counters");
  if (!counters || counters->empty()) return "";
  std::string out = R"(<section id="counters"><h2>Counters</h2><div class="scroll"><table><thead><tr>)"
                    R"(<th>Counter</th><th class="num">Value</th></tr></thead><tbody>)";
  for (const auto& [name, value] : *counters) {
    out += R"(<tr><td class="name">)" + e(name) + R"(</td><td class="num">)" +
           groupThousands(value.is_uint64() ? value.get_uint64() : value.is_int64() ? static_cast<std::uint64_t>(
                                                                                         value.get_int64())
                                                                                   : 0) +
           "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string thresholdsHtml(const boost::json::object& report) {
  const auto* thresholds = arrayAt(report, "thresholds");
  if (!thresholds || thresholds->empty()) return {};
  std::string out = R"(<section id="thresholds"><h2>Thresholds</h2><div class="scroll"><table><thead><tr>)"
                    R"(<th>Result</th><th>Threshold</th><th class="num">Actual</th><th class="num">Limit</th>)"
                    R"(<th>Note</th></tr></thead><tbody>)";
  for (const auto& value : *thresholds) {
    const auto* threshold = value.if_object();
    if (!threshold) continue;
    const auto* flag = threshold->if_contains("passed");
    const bool passed = flag && flag->is_bool() && flag->get_bool();
    const auto* actual = threshold->if_contains("actual");
    out += std::string("<tr><td class=\"") + (passed ? "pass\">PASS" : "fail\">FAIL") + "</td><td>" +
           e(stringAt(*threshold, "expression")) + R"(</td><td class="num">)" +
           (actual && actual->is_number() ? e(shortNumber(toDouble(*actual))) : std::string("&ndash;")) +
           R"(</td><td class="num">)" + e(shortNumber(numberAt(*threshold, "limit"))) + "</td><td>" +
           e(stringAt(*threshold, "reason")) + "</td></tr>";
  }
  return out + "</tbody></table></div></section>";
}

std::string pluginsHtml(const boost::json::object& report) {
  const auto* plugins = objectAt(report, "plugins");
  if (!plugins) return {};
  std::string out;
  for (const auto& member : *plugins) out += renderPluginSectionHtml(member.key(), member.value());
  return out;
}

std::string configHtml(const boost::json::object& report) {
  const auto* config = report.if_contains("config");
  if (!config || config->is_null()) return {};
  return R"(<section id="config"><h2>Configuration</h2><details><summary>Effective configuration (secrets redacted)</summary><pre>)" +
         e(prettyJson(*config)) + "</pre></details></section>";
}

}  // namespace

std::string renderHtmlReport(const boost::json::object& report) {
  static const boost::json::object kEmpty;
  const auto* total_ptr = objectAt(report, "total");
  const boost::json::object& total = total_ptr ? *total_ptr : kEmpty;
  const auto* entries = arrayAt(report, "entries");

  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>Load test report &ndash; " + e(stringAt(report, "host", "accurate")) + " &ndash; " +
         e(utcDateTime(numberAt(report, "start_time"))) + "</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += headerHtml(report);
  out += "\n<main>\n";
  out += cardsHtml(report, total);
  out += chartsHtml(report);
  out += statsHtml(entries, total);
  out += percentilesHtml(entries, total, "percentiles", "num_requests", "percentiles", "Response time percentiles (ms)",
                         "");
  out += percentilesHtml(entries, total, "percentiles_intended", "num_intended", "percentiles-intended",
                         "Response time from the intended send time (ms)",
                         "Paced and open-model users: latency measured from when each request should have been "
                         "sent, which includes time spent waiting behind slow requests (coordinated omission).");
  out += failuresHtml(report);
  out += exceptionsHtml(report);
  out += countersHtml(report);
  out += workersHtml(report);
  out += thresholdsHtml(report);
  out += pluginsHtml(report);
  out += configHtml(report);
  out += "\n</main>\n<footer>Generated by " + e(stringAt(report, "generator", "accurate")) + "</footer>\n";
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace accurate::report
