#pragma once
/// @file html.hpp
/// The self-contained HTML report (inline CSS and SVG; no script, no external resource) rendered from
/// report.json, so that a stored report can be re-rendered at any time (e.g. by the web server).

#include <boost/json/object.hpp>

#include <string>

namespace accurate::report {

/// Renders @p report_json (the object built by buildReportJson, possibly read back from disk) as one HTML
/// page: summary cards, charts of the history (RPS and failures/s, p50/p95/p99, users), the stats and
/// percentile tables, failures, exceptions, thresholds, each plugin section and the configuration. Missing or
/// mistyped fields are shown as empty or 0; every string from the report is HTML-escaped. Pure; any thread.
std::string renderHtmlReport(const boost::json::object& report_json);

}  // namespace accurate::report
