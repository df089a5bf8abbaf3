#pragma once
/// @file weighted_picker.hpp
/// Weighted random choice: a flat picker over weights, and a picker over a user class's nested task tree.

#include <accurate/sdk/random.hpp>
#include <accurate/sdk/task.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace accurate::runtime {

/// Uniform double in [0, 1) from the top 53 bits of one draw of @p rng (deterministic across platforms).
double unitInterval(sdk::Rng& rng) noexcept;

/// Picks an index with probability proportional to its weight (cumulative sums + binary search).
/// Zero weights are never picked. Immutable after construction: pick() may run on several threads at once.
class WeightedPicker {
 public:
  /// @param weights one finite weight >= 0 per index, at least one positive.
  /// @param what names the set in errors, e.g. "user class 'x' tasks".
  /// Throws sdk::ConfigError when a weight is negative or not finite, or none is positive.
  WeightedPicker(const std::vector<double>& weights, const std::string& what);
  /// An index whose weight is positive, drawn with one call of @p rng.
  std::size_t pick(sdk::Rng& rng) const noexcept;
  /// Number of weights.
  std::size_t size() const noexcept { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;  ///< running sums of the weights
  std::size_t last_positive_ = 0;   ///< highest index with a positive weight (guards rounding at the top)
};

/// Picks a leaf task of a task tree: a weighted top-level node, and within a group a weighted child, recursively.
/// A group's weight is its own weight (not the sum of its children's). Immutable after construction.
class TaskPicker {
 public:
  /// Builds the picker over @p tasks (which must outlive it: leaves are returned by reference).
  /// @p class_name names the class in errors. Throws sdk::ConfigError for an empty task list, a node that is
  /// both or neither leaf and group, a bad weight, or a level without a positive weight.
  TaskPicker(const std::vector<sdk::TaskSpec>& tasks, const std::string& class_name);
  /// A leaf task (non-empty `run`), drawn with @p rng.
  const sdk::TaskSpec& pick(sdk::Rng& rng) const;

 private:
  /// One level of the tree: its members and the picker over their weights.
  struct Level {
    std::vector<const sdk::TaskSpec*> members;  ///< the nodes of this level, in order
    std::vector<int> child_level;               ///< per member: index of its group level, or -1 for a leaf
    WeightedPicker picker;                      ///< choice among members by weight
  };
  /// Adds the level of @p nodes (recursively) and returns its index.
  int addLevel(const std::vector<sdk::TaskSpec>& nodes, const std::string& path);

  std::vector<Level> levels_;  ///< level 0 is the top level
};

}  // namespace accurate::runtime
