#include "cluster/report_builder.hpp"

#include <accurate/sdk/errors.hpp>

#include <spdlog/spdlog.h>

#include <cmath>
#include <map>
#include <string_view>
#include <utility>

namespace accurate::cluster {
namespace {

/// @p newer - @p older into @p out; false when it would go below zero.
bool subtractCount(std::uint64_t newer, std::uint64_t older, std::uint64_t& out) {
  if (newer < older) return false;
  out = newer - older;
  return true;
}

/// Lookup of a snapshot's named values (exceptions, counters) by name.
template <class Item, class Name, class Value>
std::map<std::string_view, std::uint64_t> byName(const std::vector<Item>& items, Name name, Value value) {
  std::map<std::string_view, std::uint64_t> result;
  for (const Item& item : items) result[name(item)] += value(item);
  return result;
}

/// Adds to @p out the increase of every named value from @p older_items to @p newer_items; false when one went
/// down or disappeared.
template <class Item, class Name, class Value>
bool diffNamed(const std::vector<Item>* older_items, const std::vector<Item>& newer_items, Name name, Value value,
               std::vector<std::pair<std::string, std::uint64_t>>& out) {
  std::map<std::string_view, std::uint64_t> older;
  if (older_items != nullptr) older = byName(*older_items, name, value);
  const std::map<std::string_view, std::uint64_t> newer = byName(newer_items, name, value);
  for (const auto& [key, old_value] : older) {
    const auto it = newer.find(key);
    if (it == newer.end() || it->second < old_value) return false;
  }
  for (const auto& [key, new_value] : newer) {
    const auto it = older.find(key);
    const std::uint64_t increase = new_value - (it == older.end() ? 0 : it->second);
    if (increase != 0) out.emplace_back(std::string(key), increase);
  }
  return true;
}

}  // namespace

std::optional<ReportBuilder::Change> ReportBuilder::diff(const sdk::StatsSnapshot* older,
                                                         const sdk::StatsSnapshot& newer) {
  Change change;

  // Entries.
  std::map<std::pair<std::string_view, std::string_view>, const sdk::EntryStats*> old_entries;
  if (older != nullptr) {
    for (const sdk::EntryStats& e : older->entries) old_entries[{e.name, e.method}] = &e;
  }
  std::size_t matched = 0;
  for (const sdk::EntryStats& e : newer.entries) {
    const auto it = old_entries.find({e.name, e.method});
    const sdk::EntryStats* o = it == old_entries.end() ? nullptr : it->second;
    sdk::EntryStats d;
    if (o == nullptr) {
      if (e.num_requests == 0 && e.num_failures == 0) continue;
      d = e;
    } else {
      ++matched;
      if (!subtractCount(e.num_requests, o->num_requests, d.num_requests) ||
          !subtractCount(e.num_failures, o->num_failures, d.num_failures) ||
          !subtractCount(e.total_response_time_us, o->total_response_time_us, d.total_response_time_us) ||
          !subtractCount(e.total_content_length, o->total_content_length, d.total_content_length)) {
        return std::nullopt;
      }
      if (d.num_requests == 0 && d.num_failures == 0) continue;
      d.method = e.method;
      d.name = e.name;
      d.response_times = e.response_times;
      d.intended_response_times = e.intended_response_times;
      try {
        d.response_times.subtract(o->response_times);
        d.intended_response_times.subtract(o->intended_response_times);
      } catch (const sdk::Error&) {
        return std::nullopt;
      }
      d.first_sample_time = e.first_sample_time;
      d.last_sample_time = e.last_sample_time;
    }
    d.current_rps = 0;
    d.current_fail_per_sec = 0;
    change.entries.push_back(std::move(d));
  }
  if (matched != old_entries.size()) return std::nullopt;  // an entry disappeared

  // Errors.
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::uint64_t> old_errors;
  if (older != nullptr) {
    for (const sdk::ErrorCount& e : older->errors) old_errors[{e.name, e.method, e.error}] += e.occurrences;
  }
  std::map<std::tuple<std::string_view, std::string_view, std::string_view>, std::uint64_t> new_errors;
  for (const sdk::ErrorCount& e : newer.errors) new_errors[{e.name, e.method, e.error}] += e.occurrences;
  for (const auto& [key, occurrences] : old_errors) {
    const auto it = new_errors.find(key);
    if (it == new_errors.end() || it->second < occurrences) return std::nullopt;
  }
  for (const auto& [key, occurrences] : new_errors) {
    const auto it = old_errors.find(key);
    const std::uint64_t increase = occurrences - (it == old_errors.end() ? 0 : it->second);
    if (increase == 0) continue;
    const auto& [name, method, error] = key;
    change.errors.emplace_back(ErrorKey{std::string(name), std::string(method), std::string(error)}, increase);
  }

  // Exceptions and counters.
  const auto message = [](const sdk::ExceptionCount& e) -> std::string_view { return e.message; };
  const auto count = [](const sdk::ExceptionCount& e) { return e.count; };
  if (!diffNamed(older ? &older->exceptions : nullptr, newer.exceptions, message, count, change.exceptions)) {
    return std::nullopt;
  }
  const auto counter_name = [](const sdk::CounterValue& c) -> std::string_view { return c.name; };
  const auto counter_value = [](const sdk::CounterValue& c) { return c.value; };
  if (!diffNamed(older ? &older->counters : nullptr, newer.counters, counter_name, counter_value,
                 change.counters)) {
    return std::nullopt;
  }
  return change;
}

void ReportBuilder::accumulate(Change&& change, double time) {
  const auto second = static_cast<std::int64_t>(std::floor(time));
  for (sdk::EntryStats& d : change.entries) {
    auto [it, inserted] = entries_.try_emplace(EntryKey{d.name, d.method});
    PendingEntry& pending = it->second;
    if (inserted) {
      pending.stats.name = d.name;
      pending.stats.method = d.method;
    }
    if (d.num_requests != 0) pending.per_second.requests[second] += d.num_requests;
    if (d.num_failures != 0) pending.per_second.failures[second] += d.num_failures;
    pending.stats.merge(d);
  }
  for (auto& [key, occurrences] : change.errors) errors_[std::move(key)] += occurrences;
  for (auto& [message, n] : change.exceptions) exceptions_[std::move(message)] += n;
  for (auto& [name, n] : change.counters) counters_[std::move(name)] += n;
}

void ReportBuilder::onSnapshot(const std::shared_ptr<const sdk::StatsSnapshot>& snapshot) {
  if (!snapshot) return;
  const std::lock_guard lock(mutex_);
  if (!first_start_) first_start_ = snapshot->start_time;
  const sdk::StatsSnapshot* older = baseline_.get();
  if (older != nullptr && older->start_time != snapshot->start_time) older = nullptr;  // stats reset
  std::optional<Change> change = diff(older, *snapshot);
  if (!change) {
    // Something went down without a new start_time: the statistics were cleared, so all of it is new.
    spdlog::debug("report builder: the statistics went down without a reset; starting a new baseline");
    change = diff(nullptr, *snapshot);
  }
  if (change) accumulate(std::move(*change), snapshot->time);
  baseline_ = snapshot;
}

WorkerReport ReportBuilder::take(double now) {
  const std::lock_guard lock(mutex_);
  WorkerReport report;
  report.start_time = last_take_ ? *last_take_ : (first_start_ ? *first_start_ : now);
  last_take_ = now;

  report.delta.entries.reserve(entries_.size());
  report.per_second.reserve(entries_.size());
  for (auto& [key, pending] : entries_) {
    if (pending.stats.num_requests == 0 && pending.stats.num_failures == 0) continue;
    report.delta.entries.push_back(std::move(pending.stats));
    report.per_second.push_back(std::move(pending.per_second));
  }
  report.delta.errors.reserve(errors_.size());
  for (const auto& [key, occurrences] : errors_) {
    const auto& [name, method, error] = key;
    report.delta.errors.push_back(sdk::ErrorCount{method, name, error, occurrences});
  }
  report.delta.exceptions.reserve(exceptions_.size());
  for (const auto& [message, n] : exceptions_) report.delta.exceptions.push_back(sdk::ExceptionCount{message, n});
  report.delta.counters.reserve(counters_.size());
  for (const auto& [name, n] : counters_) report.delta.counters.push_back(sdk::CounterValue{name, n});

  entries_.clear();
  errors_.clear();
  exceptions_.clear();
  counters_.clear();
  return report;
}

}  // namespace accurate::cluster
