#include "report/report_json.hpp"

#include "report/console.hpp"

#include <accurate/sdk/version.hpp>

#include <boost/json/array.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace accurate::report {

namespace {

double usToMs(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

boost::json::object percentilesJson(const sdk::Histogram& histogram) {
  boost::json::object percentiles;
  for (std::size_t i = 0; i < kReportQuantiles.size(); ++i) {
    percentiles[kReportQuantileKeys[i]] = usToMs(histogram.valueAtQuantile(kReportQuantiles[i]));
  }
  return percentiles;
}

boost::json::array bucketsJson(const sdk::Histogram& histogram) {
  boost::json::array buckets;
  for (const auto& [index, count] : histogram.nonZeroBuckets()) {
    buckets.push_back(boost::json::array{index, count});
  }
  return buckets;
}

}  // namespace

boost::json::object historyPointJson(const sdk::HistoryPoint& point) {
  return boost::json::object{
      {"time", point.time},
      {"users", point.users},
      {"rps", point.rps},
      {"fail_per_sec", point.fail_per_sec},
      {"p50_ms", point.p50_ms},
      {"p95_ms", point.p95_ms},
      {"p99_ms", point.p99_ms},
      {"avg_ms", point.avg_ms},
      {"total_requests", point.total_requests},
      {"total_failures", point.total_failures},
  };
}

boost::json::object entryJson(const sdk::EntryStats& entry, double duration_s) {
  const double requests = static_cast<double>(entry.num_requests);
  const double failures = static_cast<double>(entry.num_failures);
  boost::json::object object;
  object["method"] = entry.method;
  object["name"] = entry.name;
  object["num_requests"] = entry.num_requests;
  object["num_failures"] = entry.num_failures;
  object["fail_ratio"] = entry.num_requests ? failures / requests : 0.0;
  object["min_response_time"] = usToMs(entry.response_times.min());
  object["max_response_time"] = usToMs(entry.response_times.max());
  object["avg_response_time"] = entry.avgResponseTimeMs();
  object["median_response_time"] = entry.percentileMs(0.5);
  object["avg_content_length"] = entry.avgContentLength();
  object["total_content_length"] = entry.total_content_length;
  object["total_response_time_us"] = entry.total_response_time_us;
  object["total_rps"] = duration_s > 0 ? requests / duration_s : 0.0;
  object["total_fail_per_sec"] = duration_s > 0 ? failures / duration_s : 0.0;
  object["current_rps"] = entry.current_rps;
  object["current_fail_per_sec"] = entry.current_fail_per_sec;
  object["first_sample_time"] = entry.first_sample_time;
  object["last_sample_time"] = entry.last_sample_time;
  object["percentiles"] = percentilesJson(entry.response_times);
  if (entry.intended_response_times.count() > 0) {
    object["percentiles_intended"] = percentilesJson(entry.intended_response_times);
    object["num_intended"] = entry.intended_response_times.count();
  }
  object["histogram"] = bucketsJson(entry.response_times);
  if (entry.intended_response_times.count() > 0) {
    object["histogram_intended"] = bucketsJson(entry.intended_response_times);
  }
  return object;
}

boost::json::object buildReportJson(const sdk::StatsSnapshot& snapshot, const ReportMeta& meta) {
  const double start_time = meta.start_time > 0 ? meta.start_time : snapshot.start_time;
  const double end_time = meta.end_time > 0 ? meta.end_time : snapshot.time;
  const double duration_s = std::max(0.0, end_time - start_time);

  boost::json::object report;
  report["schema_version"] = kReportSchemaVersion;
  report["generator"] = std::string("accurate ") + sdk::kSdkVersion;
  report["id"] = meta.id;
  report["host"] = meta.host;
  report["start_time"] = start_time;
  report["end_time"] = end_time;
  report["duration"] = duration_s;
  report["state"] = snapshot.state;
  report["users"] = snapshot.users;
  report["max_users"] = std::max(meta.max_users, snapshot.max_users);
  report["config"] = meta.config;

  boost::json::array entries;
  entries.reserve(snapshot.entries.size());
  for (const auto& entry : snapshot.entries) entries.push_back(entryJson(entry, duration_s));
  report["entries"] = std::move(entries);
  report["total"] = entryJson(snapshot.total, duration_s);

  boost::json::array errors;
  for (const auto& error : snapshot.errors) {
    errors.push_back(boost::json::object{{"method", error.method},
                                         {"name", error.name},
                                         {"error", error.error},
                                         {"occurrences", error.occurrences}});
  }
  report["errors"] = std::move(errors);

  boost::json::array exceptions;
  for (const auto& exception : snapshot.exceptions) {
    exceptions.push_back(boost::json::object{{"message", exception.message}, {"count", exception.count}});
  }
  report["exceptions"] = std::move(exceptions);

  boost::json::object counters;
  for (const auto& counter : snapshot.counters) counters[counter.name] = counter.value;
  report["counters"] = std::move(counters);

  boost::json::array history;
  history.reserve(snapshot.history.size());
  for (const auto& point : snapshot.history) history.push_back(historyPointJson(point));
  report["history"] = std::move(history);

  report["plugins"] = meta.plugins;
  report["thresholds"] = thresholdResultsToJson(meta.thresholds);
  report["exit_code"] = meta.exit_code;
  if (!meta.workers.empty()) report["workers"] = meta.workers;
  return report;
}

}  // namespace accurate::report
