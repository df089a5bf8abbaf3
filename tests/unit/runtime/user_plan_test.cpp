#include "runtime/user_plan.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

namespace accurate::runtime {
namespace {

using std::chrono::milliseconds;

sdk::UserClassSpec cls(std::string name, double weight, std::optional<std::uint32_t> fixed = std::nullopt) {
  sdk::UserClassSpec spec;
  spec.name = std::move(name);
  spec.weight = weight;
  spec.fixed_count = fixed;
  return spec;
}

using Counts = std::vector<std::uint32_t>;

TEST(DistributeUsersTest, FixedCountClassesAreServedFirstInOrder) {
  const std::vector<sdk::UserClassSpec> classes = {cls("w1", 1), cls("fixed", 1, 2), cls("w3", 3)};
  EXPECT_EQ(distributeUsers(classes, 10), (Counts{2, 2, 6}));
  EXPECT_EQ(distributeUsers(classes, 1), (Counts{0, 1, 0}));
  EXPECT_EQ(distributeUsers(classes, 2), (Counts{0, 2, 0}));
  EXPECT_EQ(distributeUsers(classes, 0), (Counts{0, 0, 0}));
}

TEST(DistributeUsersTest, LargestRemainderIsDeterministicAndEarlierClassWinsTies) {
  EXPECT_EQ(distributeUsers({cls("a", 1), cls("b", 1), cls("c", 1)}, 10), (Counts{4, 3, 3}));
  EXPECT_EQ(distributeUsers({cls("a", 1), cls("b", 1), cls("c", 1)}, 11), (Counts{4, 4, 3}));
  // Quotas 2.8 and 4.2: the larger remainder (0.8) gets the leftover user.
  EXPECT_EQ(distributeUsers({cls("a", 2), cls("b", 3)}, 7), (Counts{3, 4}));
  // Designate's two profiles: total weights 4716 and 16872 of 100 users → 21.85 and 78.15.
  EXPECT_EQ(distributeUsers({cls("large", 4716), cls("small", 16872)}, 100), (Counts{22, 78}));
}

TEST(DistributeUsersTest, ZeroWeightClassGetsNobodyAndSumsMatch) {
  const std::vector<sdk::UserClassSpec> classes = {cls("a", 0.3), cls("off", 0), cls("b", 0.7), cls("f", 1, 1)};
  for (std::uint32_t total = 0; total < 200; ++total) {
    const Counts c = distributeUsers(classes, total);
    EXPECT_EQ(c[1], 0u);
    EXPECT_EQ(std::accumulate(c.begin(), c.end(), 0u), total) << total;
  }
}

TEST(DistributeUsersTest, OnlyFixedClassesLeaveTheSurplusUnassigned) {
  EXPECT_EQ(distributeUsers({cls("f", 1, 3)}, 10), (Counts{3}));
}

TEST(UserRosterTest, RampReachesTargetWithProportionalOrderAndEvenShards) {
  UserRoster roster(2, 3);
  const Counts target = {2, 6};
  Counts order;
  for (int step = 0; step < 20; ++step) {
    const UserRoster::Change change = roster.nextChange(target);
    if (change.kind == UserRoster::Change::Kind::kNone) break;
    ASSERT_EQ(change.kind, UserRoster::Change::Kind::kSpawn);
    roster.add(static_cast<std::uint64_t>(step + 1), change.class_index, change.shard);
    order.push_back(static_cast<std::uint32_t>(change.class_index));
    const auto [lo, hi] = std::minmax_element(roster.perShard().begin(), roster.perShard().end());
    EXPECT_LE(*hi - *lo, 1u) << "shards stay balanced during the ramp";
  }
  EXPECT_EQ(roster.perClass(), target);
  EXPECT_EQ(roster.running(), 8u);
  // The minority class is interleaved rather than started all first or all last.
  EXPECT_EQ(order, (Counts{0, 1, 1, 1, 0, 1, 1, 1}));
}

TEST(UserRosterTest, StopsNewestFirstAndPrefersClassesAboveTarget) {
  UserRoster roster(2, 2);
  roster.add(1, 0, 0);
  roster.add(2, 1, 1);
  roster.add(3, 0, 0);
  roster.add(4, 1, 1);
  roster.add(5, 0, 0);
  // Class 0 has 3, wants 1; class 1 has 2, wants 2: stop 5, then 3.
  Counts target = {1, 2};
  UserRoster::Change c = roster.nextChange(target);
  ASSERT_EQ(c.kind, UserRoster::Change::Kind::kStop);
  EXPECT_EQ(c.id, 5u);
  EXPECT_EQ(c.shard, 0u);
  ASSERT_TRUE(roster.remove(c.id));
  c = roster.nextChange(target);
  ASSERT_EQ(c.kind, UserRoster::Change::Kind::kStop);
  EXPECT_EQ(c.id, 3u);
  ASSERT_TRUE(roster.remove(c.id));
  EXPECT_EQ(roster.nextChange(target).kind, UserRoster::Change::Kind::kNone);
  EXPECT_FALSE(roster.remove(42));
}

TEST(UserRosterTest, FinishedUsersKeepTheirPlaceButDoNotCountAsRunning) {
  UserRoster roster(1, 1);
  roster.add(1, 0, 0);
  roster.add(2, 0, 0);
  EXPECT_TRUE(roster.markFinished(1));
  EXPECT_TRUE(roster.markFinished(1));
  EXPECT_EQ(roster.running(), 1u);
  EXPECT_EQ(roster.perClass()[0], 2u);
  EXPECT_EQ(roster.nextChange({2}).kind, UserRoster::Change::Kind::kNone) << "a finished user is not replaced";
  EXPECT_TRUE(roster.remove(1));
  EXPECT_EQ(roster.running(), 1u);
  roster.clear();
  EXPECT_EQ(roster.running(), 0u);
  EXPECT_EQ(roster.perShard()[0], 0u);
}

TEST(ShapeTest, StagesFollowEachOtherAndTheShapeEndsAfterTheLast) {
  const std::vector<ShapeStage> stages = {{milliseconds(10000), 5, 1}, {milliseconds(20000), 10, 2}};
  auto p = shapeAt(stages, milliseconds(0));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stage, 0u);
  EXPECT_EQ(p->users, 5u);
  EXPECT_EQ(p->remaining, milliseconds(10000));
  p = shapeAt(stages, milliseconds(9999));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stage, 0u);
  EXPECT_EQ(p->remaining, milliseconds(1));
  p = shapeAt(stages, milliseconds(10000));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stage, 1u);
  EXPECT_EQ(p->users, 10u);
  EXPECT_DOUBLE_EQ(p->spawn_rate, 2);
  EXPECT_EQ(p->remaining, milliseconds(20000));
  EXPECT_FALSE(shapeAt(stages, milliseconds(30000)));
  EXPECT_FALSE(shapeAt({}, milliseconds(0)));
}

TEST(ShapeTest, CheckRejectsEmptyStagesAndBadRates) {
  EXPECT_THROW(checkShape({{milliseconds(0), 1, 1}}), sdk::ConfigError);
  EXPECT_THROW(checkShape({{milliseconds(10), 1, 0}}), sdk::ConfigError);
  EXPECT_NO_THROW(checkShape({{milliseconds(10), 0, 1}}));
}

}  // namespace
}  // namespace accurate::runtime
