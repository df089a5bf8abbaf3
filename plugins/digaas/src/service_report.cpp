#include "service_report.hpp"

#include "service_client.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>

namespace accurate::digaas {
namespace {

using Clock = std::chrono::steady_clock;

/// The summary groups: (Digaas key, table title, first column's name).
struct Group {
  std::string_view key;     ///< key in the summary body
  std::string_view title;   ///< table title
  std::string_view column;  ///< what a row's key is
};
constexpr Group kGroups[] = {
    {"observers_by_type", "Digaas: propagation by change type (s)", "type"},
    {"observers_by_nameserver", "Digaas: propagation by nameserver (s)", "nameserver"},
    {"queries", "Digaas: DNS query time by nameserver (s)", "nameserver"},
    {"queries_over_threshold", "Digaas: DNS queries over the threshold by nameserver (s)", "nameserver"},
};
constexpr std::string_view kStatColumns[] = {"average", "median", "min",   "max",   "per66",         "per75",
                                             "per90",   "per95",  "per99", "success_count", "error_count"};

/// Parses @p body as a JSON object, or returns nullopt and sets @p error.
std::optional<boost::json::object> parseObject(const std::string& body, std::string& error) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) {
    error = "the response is not a JSON object: " + body.substr(0, 120);
    return std::nullopt;
  }
  return std::move(value.as_object());
}

std::optional<std::int64_t> intField(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  return std::nullopt;
}

/// @p duration in seconds, shortest form ("1.5", "120").
std::string secondsText(std::chrono::milliseconds duration) {
  std::ostringstream out;
  out << static_cast<double>(duration.count()) / 1000.0;
  return out.str();
}

/// "HTTP <status>: <start of body>".
std::string statusText(const BlockingResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  if (!response.body.empty()) text += ": " + response.body.substr(0, 120);
  return text;
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

boost::json::array summaryTables(const boost::json::object& summary) {
  boost::json::array tables;
  for (const Group& group : kGroups) {
    boost::json::array columns;
    columns.emplace_back(group.column);
    for (const std::string_view column : kStatColumns) columns.emplace_back(column);
    std::map<std::string, const boost::json::object*> sorted;
    if (const auto* members = summary.if_contains(group.key); members != nullptr && members->is_object()) {
      for (const auto& [key, stats] : members->as_object()) {
        if (stats.is_object()) sorted.emplace(std::string(key), &stats.as_object());
      }
    }
    boost::json::array rows;
    for (const auto& [key, stats] : sorted) {
      boost::json::array row;
      row.emplace_back(key);
      for (const std::string_view column : kStatColumns) {
        const auto* value = stats->if_contains(column);
        row.push_back(value != nullptr && value->is_number() ? *value : boost::json::value(nullptr));
      }
      rows.push_back(std::move(row));
    }
    tables.push_back(boost::json::object{{"title", group.title}, {"columns", std::move(columns)},
                                         {"rows", std::move(rows)}});
  }
  return tables;
}

ServiceReporter::ServiceReporter(std::shared_ptr<const Settings> settings, std::shared_ptr<ServiceClient> client)
    : settings_(std::move(settings)), client_(std::move(client)), endpoint_(settings_->endpoint) {
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

std::string ServiceReporter::url(std::string_view path) const { return endpoint_ + std::string(path); }

void ServiceReporter::fail(const std::string& reason) {
  if (reason_.empty()) reason_ = reason;
  if (warned_) return;
  warned_ = true;
  spdlog::warn("digaas: the Digaas service data will be missing from the report: {}", reason);
}

void ServiceReporter::ping() {
  const BlockingResponse response = http_.request("GET", url("/"), {}, kPingTimeout);
  std::string problem;
  if (!response.ok()) {
    problem = response.error;
  } else if (response.status != 200) {
    problem = "GET " + url("/") + ": " + statusText(response);
  } else {
    std::string error;
    const auto body = parseObject(response.body, error);
    const auto* service = body ? body->if_contains("service") : nullptr;
    if (service == nullptr || !service->is_string() || service->as_string() != "digaas") {
      problem = "GET " + url("/") + ": not a Digaas service (expected {\"service\": \"digaas\"}, got " +
                response.body.substr(0, 120) + ")";
    }
  }
  if (problem.empty()) {
    spdlog::info("digaas: Digaas service at {} is reachable", endpoint_);
    return;
  }
  ping_failed_ = true;
  if (client_) client_->markUnavailable();
  fail(problem);
}

void ServiceReporter::onTestStart(const sdk::TestStartInfo& info) { test_start_ = info.start_time; }

void ServiceReporter::cancel() noexcept {
  {
    std::lock_guard lock(mutex_);
    cancelled_.store(true);
  }
  wake_.notify_all();
  http_.cancel();
}

bool ServiceReporter::sleepFor(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, duration, [this] { return cancelled_.load(); });
}

void ServiceReporter::onTestStop(const sdk::StatsSnapshot& final_snapshot) {
  if (ping_failed_) return;  // already warned; reason_ says why
  const std::string problem = collect(final_snapshot);
  if (!problem.empty()) fail(problem);
}

std::string ServiceReporter::collect(const sdk::StatsSnapshot& final_snapshot) {
  const double start = test_start_ > 0 ? test_start_ : final_snapshot.start_time;
  double last = final_snapshot.total.last_sample_time;
  if (last <= 0) last = final_snapshot.time;
  if (start <= 0 || last <= 0) return "the test's start or end time is unknown";
  const auto window_start = static_cast<std::int64_t>(std::floor(start));
  const auto window_end = std::max(window_start, static_cast<std::int64_t>(std::ceil(last)) + 1);

  const std::chrono::milliseconds cooldown = settings_->cooldown.count() < 0 ? settings_->timeout : settings_->cooldown;
  if (cooldown.count() > 0) {
    spdlog::info("digaas: waiting {} s (cooldown) before asking Digaas for the test's statistics",
                 secondsText(cooldown));
    if (!sleepFor(cooldown)) return "cancelled";
  }

  // POST /stats
  const std::string body = boost::json::serialize(boost::json::object{{"start", window_start}, {"end", window_end}});
  BlockingResponse response = http_.request("POST", url("/stats"), body, kCallTimeout);
  if (!response.ok()) return response.error;
  if (response.status != 201) return "POST " + url("/stats") + ": " + statusText(response);
  std::string error;
  auto created = parseObject(response.body, error);
  if (!created) return "POST " + url("/stats") + ": " + error;
  stats_id_ = intField(*created, "id");
  if (!stats_id_) return "POST " + url("/stats") + ": the response has no integer \"id\"";
  window_ = std::make_pair(window_start, window_end);
  const std::string job = "/stats/" + std::to_string(*stats_id_);

  // GET /stats/{id} until COMPLETE
  const auto give_up = Clock::now() + settings_->stats_timeout;
  std::string status;
  while (true) {
    response = http_.request("GET", url(job), {}, kCallTimeout);
    if (!response.ok()) return response.error;
    if (response.status != 200) return "GET " + url(job) + ": " + statusText(response);
    auto state = parseObject(response.body, error);
    if (!state) return "GET " + url(job) + ": " + error;
    const auto* value = state->if_contains("status");
    status = value != nullptr && value->is_string() ? std::string(value->as_string()) : "(none)";
    if (status == "COMPLETE") break;
    if (status == "ERROR") return "stats job " + std::to_string(*stats_id_) + " ended in ERROR";
    if (Clock::now() + kPollPeriod > give_up) {
      return "stats job " + std::to_string(*stats_id_) + " still " + status + " after " +
             secondsText(settings_->stats_timeout) + " s (stats_timeout)";
    }
    if (!sleepFor(kPollPeriod)) return "cancelled";
  }

  // GET /stats/{id}/summary
  response = http_.request("GET", url(job + "/summary"), {}, kCallTimeout);
  if (!response.ok()) return response.error;
  if (response.status != 200) return "GET " + url(job + "/summary") + ": " + statusText(response);
  auto summary = parseObject(response.body, error);
  if (!summary) return "GET " + url(job + "/summary") + ": " + error;
  summary_ = std::move(*summary);

  // The plots: a 0-byte body is "empty" (Digaas' gnuplot had nothing to draw), not an error.
  if (!settings_->plots) return {};
  for (const std::string_view plot : kDigaasPlots) {
    const std::string path = job + "/plots/" + std::string(plot);
    response = http_.request("GET", url(path), {}, kCallTimeout);
    if (!response.ok()) return response.error;
    if (response.status != 200) return "GET " + url(path) + ": " + statusText(response);
    if (response.body.empty()) {
      empty_plots_.emplace_back(plot);
    } else {
      plots_.emplace_back(std::string(plot), std::move(response.body));
    }
  }
  return {};
}

boost::json::object ServiceReporter::reportPart() const {
  boost::json::object service;
  service["endpoint"] = endpoint_;
  service["stats_id"] = stats_id_ ? boost::json::value(*stats_id_) : boost::json::value(nullptr);
  service["window"] = window_ ? boost::json::value(boost::json::array{window_->first, window_->second})
                              : boost::json::value(nullptr);
  service["status"] = summary_ ? "complete" : "missing";
  service["reason"] = reason_.empty() && !summary_ ? std::string("not collected (the test did not stop yet)")
                                                   : reason_;
  boost::json::array empty;
  for (const auto& name : empty_plots_) empty.emplace_back(name);
  service["empty_plots"] = std::move(empty);
  boost::json::object part;
  part["service"] = std::move(service);
  if (summary_) part["tables"] = summaryTables(*summary_);
  for (const auto& [name, png] : plots_) part[name] = "data:image/png;base64," + base64Encode(png);
  return part;
}

}  // namespace accurate::digaas
