/// @file user_plan.cpp
/// Class distribution, ramp planning and load-shape stages.

#include "runtime/user_plan.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace accurate::runtime {

std::vector<std::uint32_t> distributeUsers(const std::vector<sdk::UserClassSpec>& classes, std::uint32_t total) {
  std::vector<std::uint32_t> counts(classes.size(), 0);
  std::uint32_t rest = total;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (!classes[i].fixed_count) continue;
    counts[i] = std::min(*classes[i].fixed_count, rest);
    rest -= counts[i];
  }
  long double weight_sum = 0;
  for (const sdk::UserClassSpec& c : classes) {
    if (!c.fixed_count && std::isfinite(c.weight) && c.weight > 0) weight_sum += c.weight;
  }
  if (rest == 0 || weight_sum <= 0) return counts;

  struct Share {
    std::size_t index;      // class index
    long double fraction;   // fractional part of its quota
  };
  std::vector<Share> shares;
  std::uint64_t assigned = 0;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    const sdk::UserClassSpec& c = classes[i];
    if (c.fixed_count || !std::isfinite(c.weight) || c.weight <= 0) continue;
    const long double quota = static_cast<long double>(rest) * c.weight / weight_sum;
    const long double whole = std::floor(quota);
    counts[i] = static_cast<std::uint32_t>(whole);
    assigned += counts[i];
    shares.push_back(Share{i, quota - whole});
  }
  // Largest fractional parts first; the earlier class wins a tie.
  std::stable_sort(shares.begin(), shares.end(),
                   [](const Share& a, const Share& b) { return a.fraction > b.fraction; });
  // Rounding can in theory push the floors past `rest`: take back from the smallest fractions.
  for (auto it = shares.rbegin(); assigned > rest && it != shares.rend(); ++it) {
    if (counts[it->index] > 0) {
      --counts[it->index];
      --assigned;
    }
  }
  for (std::size_t k = 0; assigned < rest; k = (k + 1) % shares.size()) {
    ++counts[shares[k].index];
    ++assigned;
  }
  return counts;
}

UserRoster::UserRoster(std::size_t classes, unsigned shards)
    : per_class_(classes, 0), per_shard_(std::max(1u, shards), 0) {}

UserRoster::Change UserRoster::nextChange(const std::vector<std::uint32_t>& target) const {
  Change change;
  auto target_of = [&](std::size_t c) -> std::uint32_t { return c < target.size() ? target[c] : 0; };
  // Stop first: the newest user of a class above its target (scan only when some class is above it).
  bool any_excess = false;
  for (std::size_t c = 0; c < per_class_.size(); ++c) any_excess = any_excess || per_class_[c] > target_of(c);
  for (auto it = members_.rbegin(); any_excess && it != members_.rend(); ++it) {
    if (per_class_[it->class_index] > target_of(it->class_index)) {
      change.kind = Change::Kind::kStop;
      change.class_index = it->class_index;
      change.shard = it->shard;
      change.id = it->id;
      return change;
    }
  }
  // Then start: the class with the largest missing share of its target.
  double best = 0;
  for (std::size_t c = 0; c < per_class_.size(); ++c) {
    const std::uint32_t want = target_of(c);
    if (per_class_[c] >= want) continue;
    const double missing = static_cast<double>(want - per_class_[c]) / static_cast<double>(want);
    if (missing > best) {
      best = missing;
      change.kind = Change::Kind::kSpawn;
      change.class_index = c;
    }
  }
  if (change.kind == Change::Kind::kSpawn) {
    const auto least = std::min_element(per_shard_.begin(), per_shard_.end());
    change.shard = static_cast<unsigned>(least - per_shard_.begin());
  }
  return change;
}

void UserRoster::add(std::uint64_t id, std::size_t class_index, unsigned shard) {
  members_.push_back(Member{id, class_index, shard, false});
  ++per_class_.at(class_index);
  ++per_shard_.at(shard);
}

bool UserRoster::remove(std::uint64_t id) {
  // Stops are newest first, so search from the end.
  for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
    if (it->id != id) continue;
    --per_class_[it->class_index];
    --per_shard_[it->shard];
    if (it->finished) --finished_;
    members_.erase(std::next(it).base());
    return true;
  }
  return false;
}

bool UserRoster::markFinished(std::uint64_t id) {
  for (Member& m : members_) {
    if (m.id != id) continue;
    if (!m.finished) {
      m.finished = true;
      ++finished_;
    }
    return true;
  }
  return false;
}

void UserRoster::clear() {
  members_.clear();
  std::fill(per_class_.begin(), per_class_.end(), 0);
  std::fill(per_shard_.begin(), per_shard_.end(), 0);
  finished_ = 0;
}

std::uint32_t UserRoster::running() const noexcept {
  return static_cast<std::uint32_t>(members_.size()) - finished_;
}

void checkShape(const std::vector<ShapeStage>& stages) {
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string what = "load shape stage " + std::to_string(i + 1) + ": ";
    if (stages[i].duration.count() <= 0) throw sdk::ConfigError("", what + "duration must be positive");
    if (!std::isfinite(stages[i].spawn_rate) || stages[i].spawn_rate <= 0) {
      throw sdk::ConfigError("", what + "spawn rate must be a positive number");
    }
  }
}

std::optional<ShapePoint> shapeAt(const std::vector<ShapeStage>& stages, std::chrono::milliseconds elapsed) {
  std::chrono::milliseconds end{0};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    end += stages[i].duration;
    if (elapsed < end) return ShapePoint{i, stages[i].users, stages[i].spawn_rate, end - elapsed};
  }
  return std::nullopt;
}

}  // namespace accurate::runtime
