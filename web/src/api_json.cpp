#include "api_json.hpp"

#include "report/report_json.hpp"

#include <boost/json/value.hpp>

#include <algorithm>

namespace accurate::web {

namespace json = boost::json;

namespace {

/// Milliseconds as seconds, or null.
json::value secondsOrNull(const std::optional<std::chrono::milliseconds>& duration) {
  if (!duration) return nullptr;
  return static_cast<double>(duration->count()) / 1000.0;
}

/// Microseconds as milliseconds.
double usToMs(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

}  // namespace

std::string escapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

json::object errorJson(std::string_view message) {
  return json::object{{"success", false}, {"message", message}};
}

json::object requestRowJson(const sdk::EntryStats& entry) {
  json::object row;
  row["method"] = entry.method;
  row["name"] = entry.name;
  row["safe_name"] = escapeHtml(entry.name);
  row["num_requests"] = entry.num_requests;
  row["num_failures"] = entry.num_failures;
  row["avg_response_time"] = entry.avgResponseTimeMs();
  row["min_response_time"] = usToMs(entry.response_times.min());
  row["max_response_time"] = usToMs(entry.response_times.max());
  row["current_rps"] = entry.current_rps;
  row["current_fail_per_sec"] = entry.current_fail_per_sec;
  row["median_response_time"] = entry.percentileMs(0.5);
  row["ninetieth_response_time"] = entry.percentileMs(0.9);
  row["ninety_ninth_response_time"] = entry.percentileMs(0.99);
  row["avg_content_length"] = entry.avgContentLength();
  row["response_time_percentile_0.95"] = entry.percentileMs(0.95);
  return row;
}

json::object requestsJson(const sdk::StatsSnapshot& snapshot, const RunInfo& run) {
  json::object out = requestsSnapshotJson(snapshot);
  addRunFields(out, snapshot, run);
  return out;
}

void addRunFields(json::object& out, const sdk::StatsSnapshot& snapshot, const RunInfo& run) {
  out["state"] = run.state.empty() ? snapshot.state : run.state;
  out["user_count"] = run.users;
  out["workers"] = workersJson(run.workers);
}

json::object requestsSnapshotJson(const sdk::StatsSnapshot& snapshot) {
  json::array stats;
  const std::size_t rows = std::min(snapshot.entries.size(), kMaxStatsRows);
  stats.reserve(rows + 1);
  for (std::size_t i = 0; i < rows; ++i) stats.push_back(requestRowJson(snapshot.entries[i]));
  json::object total = requestRowJson(snapshot.total);
  if (snapshot.total.name.empty()) {
    total["name"] = "Aggregated";
    total["safe_name"] = "Aggregated";
  }
  stats.push_back(std::move(total));

  json::array errors;
  for (std::size_t i = 0; i < snapshot.errors.size() && i < kMaxErrorRows; ++i) {
    const sdk::ErrorCount& error = snapshot.errors[i];
    errors.push_back(json::object{{"method", error.method},
                                  {"name", error.name},
                                  {"error", error.error},
                                  {"occurrences", error.occurrences}});
  }

  json::object counters;
  for (const sdk::CounterValue& counter : snapshot.counters) counters[counter.name] = counter.value;

  const double window_p50 = snapshot.history.empty() ? 0.0 : snapshot.history.back().p50_ms;
  const double window_p95 = snapshot.history.empty() ? 0.0 : snapshot.history.back().p95_ms;
  const sdk::EntryStats& t = snapshot.total;

  json::object out;
  out["stats"] = std::move(stats);
  out["errors"] = std::move(errors);
  out["total_rps"] = t.current_rps;
  out["total_fail_per_sec"] = t.current_fail_per_sec;
  out["fail_ratio"] =
      t.num_requests == 0 ? 0.0 : static_cast<double>(t.num_failures) / static_cast<double>(t.num_requests);
  out["current_response_time_percentile_1"] = window_p50;
  out["current_response_time_percentile_2"] = window_p95;
  // Locust 2.12's names for the same two values.
  out["current_response_time_percentile_50"] = window_p50;
  out["current_response_time_percentile_95"] = window_p95;
  out["start_time"] = snapshot.start_time;
  out["time"] = snapshot.time;
  out["counters"] = std::move(counters);
  return out;
}

json::object historyJson(const sdk::StatsSnapshot& snapshot, std::optional<double> since) {
  json::array points;
  for (const sdk::HistoryPoint& point : snapshot.history) {
    if (since && !(point.time > *since)) continue;
    points.push_back(report::historyPointJson(point));
  }
  return json::object{{"history", std::move(points)}};
}

json::object exceptionsJson(const sdk::StatsSnapshot& snapshot) {
  json::array rows;
  for (const sdk::ExceptionCount& exception : snapshot.exceptions) {
    rows.push_back(json::object{{"count", exception.count},
                                {"msg", exception.message},
                                {"traceback", ""},
                                {"nodes", ""}});
  }
  return json::object{{"exceptions", std::move(rows)}};
}

json::array workersJson(const std::vector<WorkerInfo>& workers) {
  json::array out;
  for (const WorkerInfo& worker : workers) {
    out.push_back(json::object{{"id", worker.id},
                               {"state", worker.state},
                               {"user_count", worker.users},
                               {"cpu_usage", worker.cpu_percent},
                               {"last_heartbeat", worker.last_heartbeat}});
  }
  return out;
}

json::object statusJson(const RunInfo& run) {
  json::object out;
  out["state"] = run.state;
  out["user_count"] = run.users;
  out["target_user_count"] = run.target_users;
  out["spawn_rate"] = run.spawn_rate;
  out["host"] = run.host;
  out["run_time"] = secondsOrNull(run.run_time);
  out["last_report_id"] = run.last_report_id ? json::value(*run.last_report_id) : json::value(nullptr);
  out["workers"] = workersJson(run.workers);
  return out;
}

json::object infoJson(const UiInfo& ui) {
  json::array plugins;
  for (const std::string& plugin : ui.plugins) plugins.push_back(json::value(plugin));
  json::array classes;
  for (const UserClassInfo& user_class : ui.user_classes) {
    classes.push_back(json::object{{"name", user_class.name},
                                   {"weight", user_class.weight},
                                   {"fixed_count", user_class.fixed_count}});
  }
  json::object out;
  out["version"] = ui.version;
  out["plugins"] = std::move(plugins);
  out["user_classes"] = std::move(classes);
  out["defaults"] = json::object{{"user_count", ui.default_users},
                                 {"spawn_rate", ui.default_spawn_rate},
                                 {"host", ui.default_host},
                                 {"run_time", secondsOrNull(ui.default_run_time)}};
  out["auth_enabled"] = ui.auth_enabled;
  return out;
}

json::array reportsListJson(const std::vector<report::ReportListEntry>& reports) {
  json::array out;
  for (const report::ReportListEntry& entry : reports) {
    out.push_back(json::object{{"id", entry.id},
                               {"start_time", entry.start_time},
                               {"end_time", entry.end_time},
                               {"num_requests", entry.num_requests},
                               {"num_failures", entry.num_failures},
                               {"host", entry.host}});
  }
  return out;
}

}  // namespace accurate::web
