/// @file aggregator.cpp
/// Aggregator: cumulative stats, sliding-window rates and percentiles, immutable snapshots.

#include "stats/aggregator.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <utility>

namespace accurate::stats {

namespace {

/// Name of the total row.
constexpr const char* kTotalName = "Aggregated";

}  // namespace

Aggregator::Aggregator(unsigned window_seconds) : window_seconds_(window_seconds) {
  if (window_seconds == 0) throw sdk::Error("stats aggregator: window_seconds must be at least 1, got 0");
  total_.name = kTotalName;
  latest_.store(emptySnapshot("ready", 0));
}

double Aggregator::rate(std::uint64_t delta, double seconds) noexcept {
  return seconds > 0 ? static_cast<double>(delta) / seconds : 0.0;
}

std::shared_ptr<const sdk::StatsSnapshot> Aggregator::emptySnapshot(const std::string& state,
                                                                    std::uint32_t users) const {
  auto snapshot = std::make_shared<sdk::StatsSnapshot>();
  snapshot->time = start_time_;
  snapshot->start_time = start_time_;
  snapshot->state = state;
  snapshot->users = users;
  snapshot->total.name = kTotalName;
  return snapshot;
}

void Aggregator::add(StatsDelta&& delta) {
  for (sdk::EntryStats& e : delta.entries) {
    total_.merge(e);
    auto [it, inserted] = entry_ids_.try_emplace(EntryKey{std::move(e.name), std::move(e.method)}, entries_.size());
    if (inserted) {
      sdk::EntryStats& created = entries_.emplace_back();
      created.name = it->first.name;
      created.method = it->first.method;
    }
    entries_[it->second].merge(e);
  }
  for (sdk::ErrorCount& e : delta.errors) {
    errors_[ErrorKey{std::move(e.name), std::move(e.method), std::move(e.error)}] += e.occurrences;
  }
  for (sdk::ExceptionCount& e : delta.exceptions) {
    auto it = exceptions_.find(e.message);
    if (it == exceptions_.end()) {
      exceptions_.emplace(std::move(e.message), e.count);
    } else {
      it->second += e.count;
    }
  }
  for (sdk::CounterValue& c : delta.counters) {
    auto it = counters_.find(c.name);
    if (it == counters_.end()) {
      counters_.emplace(std::move(c.name), c.value);
    } else {
      it->second += c.value;
    }
  }
}

std::shared_ptr<const sdk::StatsSnapshot> Aggregator::publish(double now, std::uint32_t users,
                                                              const std::string& state, std::uint32_t workers) {
  if (!started_) {
    // No reset(): the run starts now, and the window starts empty at this moment.
    started_ = true;
    start_time_ = now;
    window_.push_back(Tick{now, {}, {}, {}});
  }
  max_users_ = std::max(max_users_, users);

  Tick tick{now, {}, {total_.num_requests, total_.num_failures}, total_.response_times};
  tick.entry_counts.reserve(entries_.size());
  for (const sdk::EntryStats& e : entries_) tick.entry_counts.push_back({e.num_requests, e.num_failures});
  window_.push_back(std::move(tick));
  while (window_.size() > std::size_t{window_seconds_} + 1) window_.pop_front();
  const Tick& base = window_.front();
  const double seconds = now - base.time;

  auto snapshot = std::make_shared<sdk::StatsSnapshot>();
  snapshot->time = now;
  snapshot->start_time = start_time_;
  snapshot->state = state;
  snapshot->users = users;
  snapshot->max_users = max_users_;
  snapshot->workers = workers;

  snapshot->entries.reserve(entries_.size());
  for (const auto& [key, id] : entry_ids_) {
    sdk::EntryStats& e = snapshot->entries.emplace_back(entries_[id]);
    const Counts before = id < base.entry_counts.size() ? base.entry_counts[id] : Counts{};
    e.current_rps = rate(e.num_requests - before.requests, seconds);
    e.current_fail_per_sec = rate(e.num_failures - before.failures, seconds);
  }
  snapshot->total = total_;
  snapshot->total.current_rps = rate(total_.num_requests - base.total.requests, seconds);
  snapshot->total.current_fail_per_sec = rate(total_.num_failures - base.total.failures, seconds);

  snapshot->errors.reserve(errors_.size());
  for (const auto& [key, occurrences] : errors_) {
    snapshot->errors.push_back(sdk::ErrorCount{key.method, key.name, key.error, occurrences});
  }
  std::stable_sort(snapshot->errors.begin(), snapshot->errors.end(),
                   [](const sdk::ErrorCount& a, const sdk::ErrorCount& b) { return a.occurrences > b.occurrences; });
  snapshot->exceptions.reserve(exceptions_.size());
  for (const auto& [message, count] : exceptions_) snapshot->exceptions.push_back(sdk::ExceptionCount{message, count});
  std::stable_sort(snapshot->exceptions.begin(), snapshot->exceptions.end(),
                   [](const sdk::ExceptionCount& a, const sdk::ExceptionCount& b) { return a.count > b.count; });

  snapshot->counters.reserve(counters_.size());
  for (const auto& [name, value] : counters_) snapshot->counters.push_back(sdk::CounterValue{name, value});

  sdk::Histogram window_times = total_.response_times;
  window_times.subtract(base.total_response_times);
  sdk::HistoryPoint point;
  point.time = now;
  point.users = users;
  point.rps = snapshot->total.current_rps;
  point.fail_per_sec = snapshot->total.current_fail_per_sec;
  point.p50_ms = static_cast<double>(window_times.valueAtQuantile(0.50)) / 1000.0;
  point.p95_ms = static_cast<double>(window_times.valueAtQuantile(0.95)) / 1000.0;
  point.p99_ms = static_cast<double>(window_times.valueAtQuantile(0.99)) / 1000.0;
  point.avg_ms = total_.avgResponseTimeMs();
  point.total_requests = total_.num_requests;
  point.total_failures = total_.num_failures;
  history_.push_back(point);
  snapshot->history = history_;  // copy-constructs with exactly size() capacity

  std::shared_ptr<const sdk::StatsSnapshot> published = std::move(snapshot);
  latest_.store(published);
  return published;
}

std::shared_ptr<const sdk::StatsSnapshot> Aggregator::latest() const { return latest_.load(); }

void Aggregator::reset(double start_time) {
  const auto previous = latest_.load();
  started_ = true;
  start_time_ = start_time;
  entries_.clear();
  entry_ids_.clear();
  total_ = sdk::EntryStats{};
  total_.name = kTotalName;
  errors_.clear();
  exceptions_.clear();
  counters_.clear();
  max_users_ = 0;
  history_ = {};
  window_.clear();
  window_.push_back(Tick{start_time, {}, {}, {}});
  latest_.store(emptySnapshot(previous->state, previous->users));
}

}  // namespace accurate::stats
