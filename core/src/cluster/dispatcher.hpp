#pragma once
/// @file dispatcher.hpp
/// How a master spreads users over its workers, as Locust's UsersDispatcher does: workers ordered by (index
/// within their host, node id), classes by name, fixed counts first, the rest by weight with a smooth weighted
/// round-robin, each next user to the next worker in turn. The users of a target form one deterministic
/// sequence; any user count is a prefix of it, so a ramp down removes the newest users first.

#include "cluster/messages.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accurate::cluster {

/// A user class as the master dispatches it.
struct DispatchClass {
  std::string name;                          ///< class name as the workers know it
  double weight = 1;                         ///< relative weight (>= 0)
  std::optional<std::uint32_t> fixed_count;  ///< exact users of this class, taken first
};

/// Per-worker absolute class counts for @p users users over @p workers (node ids, any order) and @p classes.
/// Every worker gets every class name (zeros included), sorted by name; the result is parallel to the workers
/// in dispatch order (see dispatchOrder). Pure function.
std::vector<ClassCounts> dispatchUsers(const std::vector<DispatchClass>& classes,
                                       const std::vector<std::string>& workers, std::uint32_t users);
/// @p workers in Locust's dispatch order: by (position among the workers of the same host, node id), where
/// the host is the part of the id before the first '_'.
std::vector<std::string> dispatchOrder(std::vector<std::string> workers);

/// The ramp: how many users each step reaches (Locust: steps of max(1, floor(rate)) users every
/// step/rate seconds).
struct RampPlan {
  std::uint32_t step_users = 1;  ///< users added or removed per step
  double step_seconds = 1;       ///< seconds between steps
};
/// The ramp for @p spawn_rate users/s (> 0).
RampPlan rampPlan(double spawn_rate);

}  // namespace accurate::cluster
