#pragma once
/// @file wait_time.hpp
/// Wait-time arithmetic, free of timers so it can be tested with injected clock values: the delay after a task
/// (none, between, constant), the start schedule of paced users (pacing, throughput) and the arrival schedule of
/// the open model.

#include <accurate/sdk/random.hpp>
#include <accurate/sdk/task.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace accurate::runtime {

/// The clock every schedule of the runtime uses.
using Clock = std::chrono::steady_clock;

/// Throws sdk::ConfigError naming @p class_name when @p wait is unusable (negative times, min > max,
/// a non-positive pacing period or throughput).
void checkWaitTime(const sdk::WaitTime& wait, const std::string& class_name);

/// True when each task start is scheduled (kPacing, kThroughput) rather than following the previous task.
bool isPaced(const sdk::WaitTime& wait) noexcept;

/// The start period of a paced wait: `min` for kPacing, 1 s / per_second for kThroughput; 0 otherwise.
Clock::duration pacingPeriod(const sdk::WaitTime& wait) noexcept;

/// The delay after a task: 0 for kNone and the paced kinds, `min` for kConstant, uniform in [min, max] (whole
/// microseconds, both ends included) for kBetween, drawn with @p rng.
std::chrono::microseconds delayAfterTask(const sdk::WaitTime& wait, sdk::Rng& rng) noexcept;

/// When the next iteration starts, and when it should have started.
struct IterationSlot {
  Clock::time_point start;     ///< when to start it (now or later)
  Clock::time_point intended;  ///< the slot it belongs to; start − intended is the lag recorded with its samples
};

/// Start schedule of a paced user: task starts on a fixed grid of `period` from the first start.
///
/// Overrun policy: when a task runs past one or more slots, the next task starts at once and is attributed to
/// the earliest missed slot (its lag measures the whole delay, as wrk2 does); the other missed slots are
/// skipped rather than run back to back, so the user never bursts to catch up. The grid keeps its phase: the
/// following task starts at the first grid slot after that late start.
class PacingSchedule {
 public:
  /// @param period time between two intended starts (> 0).
  explicit PacingSchedule(Clock::duration period) noexcept : period_(period) {}
  /// The slot of the next iteration, given the current time @p now (call once per iteration, just before
  /// waiting for it). The first call starts at @p now.
  IterationSlot next(Clock::time_point now) noexcept;

 private:
  Clock::duration period_;                     ///< time between two intended starts
  std::optional<Clock::time_point> next_slot_; ///< the next grid slot not yet handed out
};

/// Intended arrival times of the open model: `rate` arrivals per second from `start`, evenly spaced
/// (arrival k at start + k / rate, computed without accumulating rounding error).
class ArrivalSchedule {
 public:
  /// @param rate arrivals per second (> 0). @param start time of arrival 0.
  ArrivalSchedule(double rate, Clock::time_point start) noexcept;
  /// Intended time of the next arrival.
  Clock::time_point nextDue() const noexcept;
  /// Returns the next arrival's intended time and advances to the one after.
  Clock::time_point pop() noexcept;
  /// Arrivals handed out so far.
  std::uint64_t count() const noexcept { return index_; }

 private:
  double period_ns_;          ///< nanoseconds between two arrivals
  Clock::time_point start_;   ///< intended time of arrival 0
  std::uint64_t index_ = 0;   ///< index of the next arrival
};

}  // namespace accurate::runtime
