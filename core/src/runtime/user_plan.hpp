#pragma once
/// @file user_plan.hpp
/// Control-side planning of users, free of threads and timers: how many users each class gets, which user to
/// start or stop next while ramping, and which load-shape stage applies at a given time.

#include <accurate/sdk/task.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace accurate::runtime {

/// Users per class for @p total users: classes with a fixed_count first, in order, each taking
/// min(fixed_count, what is left); the rest split by weight with the largest-remainder method (ties go to the
/// earlier class), so the result is deterministic and sums to @p total unless only fixed-count or zero-weight
/// classes remain (then the surplus is not assigned).
std::vector<std::uint32_t> distributeUsers(const std::vector<sdk::UserClassSpec>& classes, std::uint32_t total);

/// The users the control thread has started and not yet stopped, in start order, with the next change to make
/// to reach a per-class target. Threading: one owner (the runner's control thread).
class UserRoster {
 public:
  /// One started user.
  struct Member {
    std::uint64_t id = 0;         ///< process-unique user id (from 1)
    std::size_t class_index = 0;  ///< index of its user class
    unsigned shard = 0;           ///< shard it runs on
    bool finished = false;        ///< its loop ended on its own (e.g. on_start threw); not counted as running
  };
  /// What to do next to reach a target.
  struct Change {
    /// The kind of change.
    enum class Kind { kNone, kSpawn, kStop };
    Kind kind = Kind::kNone;      ///< nothing left, start a user, or stop one
    std::size_t class_index = 0;  ///< class of the user to start or stop
    unsigned shard = 0;           ///< shard to start it on (the least loaded), or the stopped user's shard
    std::uint64_t id = 0;         ///< the user to stop (kStop only)
  };

  /// @param classes number of user classes. @param shards number of shards (>= 1).
  UserRoster(std::size_t classes, unsigned shards);
  /// The next change towards @p target (users per class): first stop the newest user of a class above its
  /// target; else start a user of the class furthest below its target relative to that target, on the shard
  /// with the fewest users (lowest index on ties).
  Change nextChange(const std::vector<std::uint32_t>& target) const;
  /// Records a started user.
  void add(std::uint64_t id, std::size_t class_index, unsigned shard);
  /// Forgets a stopped user; returns false when unknown.
  bool remove(std::uint64_t id);
  /// Marks a user whose loop ended by itself; returns false when unknown.
  bool markFinished(std::uint64_t id);
  /// Forgets everyone (the run stopped).
  void clear();
  /// Users started and not finished.
  std::uint32_t running() const noexcept;
  /// Users per class (finished ones included: they keep their place so they are not restarted).
  const std::vector<std::uint32_t>& perClass() const noexcept { return per_class_; }
  /// Users per shard (finished ones included).
  const std::vector<std::uint32_t>& perShard() const noexcept { return per_shard_; }
  /// Members in start order.
  const std::vector<Member>& members() const noexcept { return members_; }

 private:
  std::vector<Member> members_;          ///< started users, oldest first
  std::vector<std::uint32_t> per_class_; ///< members per class
  std::vector<std::uint32_t> per_shard_; ///< members per shard
  std::uint32_t finished_ = 0;           ///< members whose loop ended by itself
};

/// One stage of a load shape.
struct ShapeStage {
  std::chrono::milliseconds duration{0};  ///< how long this stage lasts (its own length, not cumulative)
  std::uint32_t users = 0;                ///< target users during the stage
  double spawn_rate = 1;                  ///< users started (or stopped) per second to reach it
};

/// The stage in force at some moment of the load phase.
struct ShapePoint {
  std::size_t stage = 0;                   ///< index of the stage
  std::uint32_t users = 0;                 ///< its target users
  double spawn_rate = 1;                   ///< its spawn rate
  std::chrono::milliseconds remaining{0};  ///< time left until the stage ends
};

/// Throws sdk::ConfigError when a stage has a non-positive duration or spawn rate.
void checkShape(const std::vector<ShapeStage>& stages);

/// The stage in force @p elapsed after the start of the load phase (stage i covers [sum of the durations
/// before it, that sum + its duration)); none once the last stage has ended.
std::optional<ShapePoint> shapeAt(const std::vector<ShapeStage>& stages, std::chrono::milliseconds elapsed);

}  // namespace accurate::runtime
