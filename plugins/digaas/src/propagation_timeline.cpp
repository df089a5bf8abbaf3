#include "propagation_timeline.hpp"

#include <boost/json/array.hpp>

#include <cmath>
#include <set>
#include <utility>

namespace accurate::digaas {
namespace {

double seconds(std::uint64_t us) { return std::round(static_cast<double>(us) / 1000.0) / 1000.0; }

/// Per change type, the merged histogram of the snapshot's propagation entries.
std::map<std::string, sdk::Histogram> byType(const sdk::StatsSnapshot& snapshot) {
  std::map<std::string, sdk::Histogram> out;
  for (const auto& entry : snapshot.entries) {
    if (entry.method != kPropagationMethod) continue;
    const std::string type = changeTypeOf(entry.name);
    if (!type.empty()) out[type].merge(entry.response_times);
  }
  return out;
}

/// The propagation entries merged per change type (all nameservers together).
std::map<std::string, sdk::EntryStats> mergedByType(const sdk::StatsSnapshot& snapshot) {
  std::map<std::string, sdk::EntryStats> out;
  for (const auto& entry : snapshot.entries) {
    if (entry.method != kPropagationMethod) continue;
    const std::string type = changeTypeOf(entry.name);
    if (type.empty()) continue;
    auto& merged = out[type];
    merged.method = entry.method;
    merged.name = type;
    merged.merge(entry);
  }
  return out;
}

/// One table row: label, count, failures, then p50/p90/p95/p99/max/mean in seconds (null when empty).
boost::json::array row(const std::string& label, const sdk::EntryStats& entry) {
  boost::json::array out{label, entry.num_requests, entry.num_failures};
  const auto& h = entry.response_times;
  for (double q : {0.5, 0.9, 0.95, 0.99}) {
    out.push_back(h.count() ? boost::json::value(seconds(h.valueAtQuantile(q))) : boost::json::value(nullptr));
  }
  out.push_back(h.count() ? boost::json::value(seconds(h.max())) : boost::json::value(nullptr));
  out.push_back(h.count() ? boost::json::value(std::round(entry.avgResponseTimeMs()) / 1000.0)
                          : boost::json::value(nullptr));
  return out;
}

boost::json::array columns(const char* first) {
  return {first, "propagations", "not propagated", "p50 (s)", "p90 (s)", "p95 (s)", "p99 (s)", "max (s)",
          "mean (s)"};
}

}  // namespace

std::string changeTypeOf(std::string_view entry_name) {
  const auto at = entry_name.find(" @ ");
  return at == std::string_view::npos ? std::string() : std::string(entry_name.substr(0, at));
}

PropagationTimeline::PropagationTimeline(std::size_t max_points) : max_points_(max_points < 2 ? 2 : max_points) {}

void PropagationTimeline::reset() {
  std::lock_guard lock(mutex_);
  stride_ = 1;
  skipped_ = 0;
  previous_.clear();
  points_.clear();
}

void PropagationTimeline::add(const sdk::StatsSnapshot& snapshot) {
  std::lock_guard lock(mutex_);
  if (++skipped_ < stride_) return;
  skipped_ = 0;
  auto current = byType(snapshot);
  Point point{snapshot.time, {}};
  for (auto& [type, histogram] : current) {
    sdk::Histogram interval = histogram;
    if (auto before = previous_.find(type); before != previous_.end()) interval.subtract(before->second);
    point.medians[type] = interval.count() ? std::optional<double>(seconds(interval.valueAtQuantile(0.5)))
                                           : std::nullopt;
  }
  previous_ = std::move(current);
  points_.push_back(std::move(point));
  if (points_.size() >= max_points_) {
    std::vector<Point> kept;
    kept.reserve(points_.size() / 2 + 1);
    for (std::size_t i = 1; i < points_.size(); i += 2) kept.push_back(std::move(points_[i]));
    points_ = std::move(kept);
    stride_ *= 2;
  }
}

boost::json::object PropagationTimeline::section(const sdk::StatsSnapshot& final_snapshot) const {
  boost::json::object out;
  const auto types = mergedByType(final_snapshot);
  sdk::EntryStats all;
  for (const auto& [type, entry] : types) all.merge(entry);

  boost::json::object summary;
  summary["propagations"] = all.num_requests;
  summary["not propagated"] = all.num_failures;
  if (all.response_times.count()) {
    summary["p50 (s)"] = seconds(all.response_times.valueAtQuantile(0.5));
    summary["p95 (s)"] = seconds(all.response_times.valueAtQuantile(0.95));
    summary["max (s)"] = seconds(all.response_times.max());
  }
  for (const auto& counter : final_snapshot.counters) {
    if (counter.name.starts_with("propagation.") || counter.name.starts_with("digaas.")) {
      summary[counter.name] = counter.value;
    }
  }
  out["summary"] = std::move(summary);

  boost::json::array by_type;
  for (const auto& [type, entry] : types) by_type.push_back(row(type, entry));
  boost::json::array by_nameserver;
  for (const auto& entry : final_snapshot.entries) {
    if (entry.method == kPropagationMethod) by_nameserver.push_back(row(entry.name, entry));
  }
  out["tables"] = boost::json::array{
      boost::json::object{{"title", "Propagation by change type"}, {"columns", columns("change type")},
                          {"rows", std::move(by_type)}},
      boost::json::object{{"title", "Propagation by change type and nameserver"},
                          {"columns", columns("change type @ nameserver")}, {"rows", std::move(by_nameserver)}}};

  std::lock_guard lock(mutex_);
  std::set<std::string> names;
  for (const auto& point : points_) {
    for (const auto& [type, median] : point.medians) names.insert(type);
  }
  boost::json::array x;
  for (const auto& point : points_) x.push_back(point.time);
  boost::json::array series;
  for (const auto& type : names) {
    boost::json::array values;
    for (const auto& point : points_) {
      const auto found = point.medians.find(type);
      if (found != point.medians.end() && found->second) {
        values.push_back(*found->second);
      } else {
        values.push_back(nullptr);
      }
    }
    series.push_back(boost::json::object{{"name", type}, {"values", std::move(values)}});
  }
  out["charts"] = boost::json::array{boost::json::object{
      {"title", "Propagation time by change type (median of the propagations completed in each interval)"},
      {"unit", "s"},
      {"x", std::move(x)},
      {"series", std::move(series)}}};
  return out;
}

}  // namespace accurate::digaas
