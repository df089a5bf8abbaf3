#include <accurate/sdk/random.hpp>
#include "runtime/weighted_picker.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace accurate::runtime {
namespace {

/// Pearson's chi-square statistic of @p observed against @p probabilities over @p draws (positive cells only).
double chiSquare(const std::vector<std::uint64_t>& observed, const std::vector<double>& probabilities, double draws) {
  double chi = 0;
  for (std::size_t i = 0; i < observed.size(); ++i) {
    if (probabilities[i] == 0) continue;
    const double expected = probabilities[i] * draws;
    const double diff = static_cast<double>(observed[i]) - expected;
    chi += diff * diff / expected;
  }
  return chi;
}

TEST(WeightedPickerTest, FrequenciesFollowWeightsWithinChiSquareBound) {
  const std::vector<double> weights = {1, 2, 3, 4, 0, 10};
  const WeightedPicker picker(weights, "test");
  sdk::Rng rng(12345);
  constexpr int kDraws = 100000;
  std::vector<std::uint64_t> counts(weights.size(), 0);
  for (int i = 0; i < kDraws; ++i) ++counts[picker.pick(rng)];
  EXPECT_EQ(counts[4], 0u) << "a zero weight must never be picked";
  std::vector<double> p;
  for (double w : weights) p.push_back(w / 20.0);
  // 5 positive cells → 4 degrees of freedom; 18.47 is the 99.9 % quantile.
  EXPECT_LT(chiSquare(counts, p, kDraws), 18.47);
}

TEST(WeightedPickerTest, ZeroWeightsAtEitherEndAreNeverPicked) {
  const WeightedPicker picker({0, 1e-9, 0, 5, 0}, "test");
  sdk::Rng rng(7);
  for (int i = 0; i < 20000; ++i) {
    const std::size_t k = picker.pick(rng);
    EXPECT_TRUE(k == 1 || k == 3) << k;
  }
}

TEST(WeightedPickerTest, RejectsNegativeNonFiniteAllZeroAndEmptyWeights) {
  EXPECT_THROW(WeightedPicker({1, -1}, "t"), sdk::ConfigError);
  EXPECT_THROW(WeightedPicker({1, std::numeric_limits<double>::infinity()}, "t"), sdk::ConfigError);
  EXPECT_THROW(WeightedPicker({1, std::numeric_limits<double>::quiet_NaN()}, "t"), sdk::ConfigError);
  EXPECT_THROW(WeightedPicker({0, 0}, "t"), sdk::ConfigError);
  EXPECT_THROW(WeightedPicker({}, "t"), sdk::ConfigError);
  try {
    WeightedPicker({0, 0}, "user class 'x' tasks");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("user class 'x' tasks"), std::string::npos) << e.what();
  }
}

sdk::TaskFunction noop() {
  return [](sdk::UserTasks&, sdk::UserContext&) -> boost::asio::awaitable<void> { co_return; };
}

sdk::TaskSpec leaf(std::string name, double weight) { return sdk::TaskSpec{std::move(name), weight, noop(), {}}; }

TEST(TaskPickerTest, NestedGroupUsesItsOwnWeightNotTheSumOfItsChildren) {
  // Top level: a (1), group g (3) of b (5) and c (5), d (0). A group counting its children's sum would pick
  // b and c 10/11 of the time; its own weight gives a 1/4, b 3/8, c 3/8.
  std::vector<sdk::TaskSpec> tasks;
  tasks.push_back(leaf("a", 1));
  tasks.push_back(sdk::TaskSpec{"g", 3, {}, {leaf("b", 5), leaf("c", 5)}});
  tasks.push_back(leaf("d", 0));
  const TaskPicker picker(tasks, "nested");
  sdk::Rng rng(99);
  std::map<std::string, std::uint64_t> counts;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) ++counts[picker.pick(rng).name];
  EXPECT_EQ(counts.count("d"), 0u);
  EXPECT_EQ(counts.count("g"), 0u) << "a group is never returned, only leaves";
  const std::vector<std::uint64_t> observed = {counts["a"], counts["b"], counts["c"]};
  // 3 cells → 2 degrees of freedom; 13.82 is the 99.9 % quantile.
  EXPECT_LT(chiSquare(observed, {0.25, 0.375, 0.375}, kDraws), 13.82);
}

TEST(TaskPickerTest, DeeplyNestedLeafIsReached) {
  std::vector<sdk::TaskSpec> tasks;
  tasks.push_back(sdk::TaskSpec{"g1", 1, {}, {sdk::TaskSpec{"g2", 1, {}, {leaf("deep", 1), leaf("off", 0)}}}});
  const TaskPicker picker(tasks, "deep");
  sdk::Rng rng(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(picker.pick(rng).name, "deep");
}

TEST(TaskPickerTest, RejectsMalformedTrees) {
  std::vector<sdk::TaskSpec> neither = {sdk::TaskSpec{"x", 1, {}, {}}};
  EXPECT_THROW(TaskPicker(neither, "c"), sdk::ConfigError);
  std::vector<sdk::TaskSpec> both = {sdk::TaskSpec{"x", 1, noop(), {leaf("y", 1)}}};
  EXPECT_THROW(TaskPicker(both, "c"), sdk::ConfigError);
  std::vector<sdk::TaskSpec> zero_group = {sdk::TaskSpec{"g", 1, {}, {leaf("y", 0)}}};
  EXPECT_THROW(TaskPicker(zero_group, "c"), sdk::ConfigError);
  EXPECT_THROW(TaskPicker({}, "c"), sdk::ConfigError);
  try {
    TaskPicker(neither, "myclass");
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("myclass"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos);
  }
}

}  // namespace
}  // namespace accurate::runtime
