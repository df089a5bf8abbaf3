/// @file weighted_picker.cpp
/// Cumulative-weight picking and the nested task tree.

#include <accurate/sdk/random.hpp>
#include "runtime/weighted_picker.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <cmath>

namespace accurate::runtime {

double unitInterval(sdk::Rng& rng) noexcept {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

WeightedPicker::WeightedPicker(const std::vector<double>& weights, const std::string& what) {
  if (weights.empty()) throw sdk::ConfigError("", what + ": nothing to choose from");
  cumulative_.reserve(weights.size());
  double sum = 0;
  bool any_positive = false;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i];
    if (!std::isfinite(w) || w < 0) {
      throw sdk::ConfigError("", what + ": weight " + std::to_string(w) + " at position " + std::to_string(i) +
                                     " must be a finite number >= 0");
    }
    if (w > 0) {
      any_positive = true;
      last_positive_ = i;
    }
    sum += w;
    cumulative_.push_back(sum);
  }
  if (!any_positive) throw sdk::ConfigError("", what + ": no weight is positive");
}

std::size_t WeightedPicker::pick(sdk::Rng& rng) const noexcept {
  const double target = unitInterval(rng) * cumulative_.back();
  // First index whose running sum exceeds the target: a zero weight repeats its predecessor's sum, so it can
  // never be the first to exceed it.
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), target);
  if (it == cumulative_.end()) return last_positive_;
  return static_cast<std::size_t>(it - cumulative_.begin());
}

TaskPicker::TaskPicker(const std::vector<sdk::TaskSpec>& tasks, const std::string& class_name) {
  addLevel(tasks, "user class '" + class_name + "'");
}

int TaskPicker::addLevel(const std::vector<sdk::TaskSpec>& nodes, const std::string& path) {
  if (nodes.empty()) throw sdk::ConfigError("", path + ": has no tasks");
  std::vector<double> weights;
  weights.reserve(nodes.size());
  for (const sdk::TaskSpec& node : nodes) weights.push_back(node.weight);
  const int index = static_cast<int>(levels_.size());
  levels_.push_back(Level{{}, {}, WeightedPicker(weights, path + " tasks")});
  std::vector<const sdk::TaskSpec*> members;
  std::vector<int> child_level;
  for (const sdk::TaskSpec& node : nodes) {
    const std::string node_path = path + " task '" + node.name + "'";
    const bool leaf = static_cast<bool>(node.run);
    const bool group = !node.children.empty();
    if (leaf == group) {
      throw sdk::ConfigError("", node_path + (leaf ? ": has both a function and children"
                                                   : ": has neither a function nor children"));
    }
    members.push_back(&node);
    // A disabled group (weight 0) is never picked, so its children are not checked.
    child_level.push_back(group && node.weight > 0 ? addLevel(node.children, node_path) : -1);
  }
  levels_[static_cast<std::size_t>(index)].members = std::move(members);
  levels_[static_cast<std::size_t>(index)].child_level = std::move(child_level);
  return index;
}

const sdk::TaskSpec& TaskPicker::pick(sdk::Rng& rng) const {
  std::size_t level = 0;
  // Depth is bounded by the tree built at construction (levels only point to later levels).
  for (std::size_t depth = 0; depth <= levels_.size(); ++depth) {
    const Level& l = levels_[level];
    const std::size_t i = l.picker.pick(rng);
    if (l.child_level[i] < 0) return *l.members[i];
    level = static_cast<std::size_t>(l.child_level[i]);
  }
  throw sdk::Error("task picker: the task tree is malformed");
}

}  // namespace accurate::runtime
