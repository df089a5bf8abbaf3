#include "cluster/dispatcher.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>

namespace accurate::cluster {
namespace {

/// Python's round() of a double to an integer: half to even, on the exact binary value.
double pythonRound(double x) {
  const double floor = std::floor(x);
  const double diff = x - floor;  // exact for doubles of this size
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return std::fmod(floor, 2.0) == 0 ? floor : floor + 1;
}

/// Locust 2.12.1's weighted cycle: roundrobin.smooth over the values scaled so the smallest is 2 (Python's
/// round), whose first `sum of scaled values` picks are repeated for ever. Items are indexes into the caller's
/// class list, in name order (smooth keeps the first of equal current weights).
class SmoothCycle {
 public:
  /// @p items: (class index, weight or fixed count > 0), in name order.
  explicit SmoothCycle(const std::vector<std::pair<std::size_t, double>>& items) {
    if (items.empty()) return;
    double min = items.front().second;
    for (const auto& item : items) min = std::min(min, item.second);
    for (const auto& item : items) {
      // Bounded so that absurd ratios cannot overflow; Locust would need as many picks anyway.
      const double scaled = std::min(pythonRound(2 * item.second / min), 1e15);
      items_.push_back({item.first, static_cast<std::int64_t>(scaled), 0});
      length_ += items_.back().weight;
    }
  }
  bool empty() const noexcept { return items_.empty(); }
  /// The next class index of the cycle.
  std::size_t next() {
    if (picks_ == length_) {  // the cycle starts again from the first pick
      picks_ = 0;
      for (auto& item : items_) item.current = 0;
    }
    ++picks_;
    if (items_.size() == 1) return items_.front().index;
    std::int64_t total = 0;
    Item* best = nullptr;
    for (auto& item : items_) {
      item.current += item.weight;
      total += item.weight;
      if (best == nullptr || best->current < item.current) best = &item;
    }
    best->current -= total;
    return best->index;
  }

 private:
  struct Item {
    std::size_t index = 0;      ///< class index
    std::int64_t weight = 0;    ///< scaled weight
    std::int64_t current = 0;   ///< smooth round-robin's current weight
  };
  std::vector<Item> items_;     ///< the classes in the cycle
  std::int64_t length_ = 0;     ///< picks per cycle (sum of the scaled weights)
  std::int64_t picks_ = 0;      ///< picks made in the current cycle
};

/// Calls @p add(class index) for each of the first @p users users of the dispatch sequence (classes sorted by
/// name). Fewer calls when only fixed-count or zero-weight classes remain. Returns the number of calls.
template <class Add>
std::uint64_t forEachUser(const std::vector<DispatchClass>& classes, std::uint32_t users, Add add) {
  std::vector<std::pair<std::size_t, double>> fixed;
  std::vector<std::pair<std::size_t, double>> weighted;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const auto& c = classes[i];
    if (c.fixed_count) {
      // A fixed count of 0 means no user of this class (Locust would treat 0 as "not fixed").
      if (*c.fixed_count > 0) fixed.emplace_back(i, static_cast<double>(*c.fixed_count));
    } else if (c.weight > 0 && std::isfinite(c.weight)) {
      // Zero weights never get a user (Locust 2.12.1 divides by the smallest weight and fails on 0).
      weighted.emplace_back(i, c.weight);
    }
  }
  std::uint64_t made = 0;
  // Fixed-count classes first, in their own smooth cycle, skipping the classes already full.
  std::vector<std::uint64_t> fixed_left(classes.size(), 0);
  std::uint64_t left = 0;
  for (const auto& f : fixed) {
    fixed_left[f.first] = static_cast<std::uint64_t>(f.second);
    left += fixed_left[f.first];
  }
  SmoothCycle fixed_cycle(fixed);
  while (left > 0 && made < users) {
    const std::size_t index = fixed_cycle.next();
    if (fixed_left[index] == 0) continue;
    --fixed_left[index];
    --left;
    add(index);
    ++made;
  }
  SmoothCycle weighted_cycle(weighted);
  if (weighted_cycle.empty()) return made;
  for (; made < users; ++made) add(weighted_cycle.next());
  return made;
}

std::string_view hostOf(std::string_view id) { return id.substr(0, id.find('_')); }

}  // namespace

std::vector<std::string> dispatchOrder(std::vector<std::string> workers) {
  std::sort(workers.begin(), workers.end());
  std::map<std::string, std::size_t, std::less<>> per_host;
  std::vector<std::pair<std::size_t, std::string>> keyed;
  keyed.reserve(workers.size());
  for (auto& id : workers) {
    const auto host = hostOf(id);
    auto it = per_host.find(host);
    if (it == per_host.end()) it = per_host.emplace(std::string(host), 0).first;
    keyed.emplace_back(it->second++, std::move(id));
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> ordered;
  ordered.reserve(keyed.size());
  for (auto& k : keyed) ordered.push_back(std::move(k.second));
  return ordered;
}

std::vector<ClassCounts> dispatchUsers(const std::vector<DispatchClass>& classes,
                                       const std::vector<std::string>& workers, std::uint32_t users) {
  // Only the number of workers matters here: the caller pairs the result with dispatchOrder(workers).
  std::vector<DispatchClass> sorted = classes;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const DispatchClass& a, const DispatchClass& b) { return a.name < b.name; });
  std::vector<ClassCounts> result(workers.size());
  for (auto& counts : result) {
    counts.reserve(sorted.size());
    for (const auto& c : sorted) counts.emplace_back(c.name, 0);
  }
  if (workers.empty() || sorted.empty()) return result;
  // Users go round-robin over the workers in dispatch order; the result is parallel to that order.
  std::size_t worker = 0;
  forEachUser(sorted, users, [&](std::size_t class_index) {
    ++result[worker][class_index].second;
    if (++worker == result.size()) worker = 0;
  });
  return result;
}

RampPlan rampPlan(double spawn_rate) {
  constexpr double kMaxStep = std::numeric_limits<std::uint32_t>::max();
  if (!(spawn_rate > 0)) return RampPlan{std::numeric_limits<std::uint32_t>::max(), 0};  // NaN, 0, negative
  const double step = std::max(1.0, std::min(std::floor(spawn_rate), kMaxStep));
  return RampPlan{static_cast<std::uint32_t>(step), step / spawn_rate};
}

}  // namespace accurate::cluster
