#pragma once
// A hand-built snapshot with exactly known values, shared by the report tests.

#include "report/report_json.hpp"

#include <accurate/sdk/stats.hpp>

#include <boost/json/parse.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace accurate::report::testing {

inline constexpr double kStart = 1700000000.0;  // 2023-11-14 22:13:20 UTC
inline constexpr double kEnd = 1700000010.0;    // ten seconds later

/// Name with every character that CSV and HTML must escape.
inline const std::string kNastyName = "/v2/zones, \"quoted\" <script>alert(1)</script> & more";

inline sdk::EntryStats makeEntry(std::string method, std::string name, std::initializer_list<std::uint64_t> times_us,
                                 std::uint64_t failures, std::uint64_t content_bytes) {
  sdk::EntryStats entry;
  entry.method = std::move(method);
  entry.name = std::move(name);
  for (auto us : times_us) {
    entry.response_times.record(us);
    entry.total_response_time_us += us;
    ++entry.num_requests;
  }
  entry.num_failures = failures;
  entry.total_content_length = content_bytes;
  entry.first_sample_time = kStart + 1;
  entry.last_sample_time = kEnd - 1;
  return entry;
}

/// GET /v2/zones: 1000, 1000, 1000, 2000 µs (1 failure, 400 bytes);
/// POST kNastyName: 500, 1500 µs (2 failures), intended 700, 3000 µs.
inline sdk::StatsSnapshot makeSnapshot() {
  sdk::StatsSnapshot snapshot;
  snapshot.time = kEnd;
  snapshot.start_time = kStart;
  snapshot.state = "stopped";
  snapshot.users = 0;
  snapshot.max_users = 7;
  auto get = makeEntry("GET", "/v2/zones", {1000, 1000, 1000, 2000}, 1, 400);
  get.current_rps = 0.5;
  get.current_fail_per_sec = 0.1;
  auto post = makeEntry("POST", kNastyName, {500, 1500}, 2, 0);
  post.intended_response_times.record(700);
  post.intended_response_times.record(3000);
  snapshot.total.name = "Aggregated";
  snapshot.total.merge(get);
  snapshot.total.merge(post);
  snapshot.total.current_rps = 0.6;
  snapshot.entries = {get, post};
  snapshot.errors = {{"POST", kNastyName, "HTTP 500: boom, \"bad\"", 2}, {"GET", "/v2/zones", "timeout", 1}};
  snapshot.exceptions = {{"RuntimeError in task create_zone: <oops>\nsecond line", 3}};
  snapshot.history = {
      {kStart + 1, 3, 0.0, 0.0, 0, 0, 0, 0, 0, 0},
      {kStart + 2, 5, 2.5, 0.5, 1.2, 2.0, 2.5, 1.1, 3, 1},
      {kStart + 3, 7, 3.0, 1.0, 1.0, 1.5, 2.0, 1.17, 6, 3},
  };
  return snapshot;
}

inline ReportMeta makeMeta() {
  ReportMeta meta;
  meta.id = "20231114T221330Z-0123abcd";
  meta.start_time = kStart;
  meta.end_time = kEnd;
  meta.max_users = 5;  // smaller than the snapshot's: the larger one is reported
  meta.host = "http://127.0.0.1:8080";
  meta.config = boost::json::parse(R"({"users": 10, "auth": {"password": "<redacted>"}})");
  meta.plugins["digaas <x>"] = boost::json::parse(
      R"({"summary": {"count": 4, "p95_s": 1.5}, "rows": [{"ns": "10.0.0.1", "avg": 0.5}, {"ns": "<b>", "avg": 1}]})");
  meta.thresholds = {{"p95<500ms", 1.5, 500, true, ""}, {"GET /nope:p99<1s", std::nullopt, 1000, false, "no entry"}};
  meta.exit_code = 3;
  return meta;
}

}  // namespace accurate::report::testing
