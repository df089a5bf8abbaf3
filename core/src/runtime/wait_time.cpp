/// @file wait_time.cpp
/// Wait-time arithmetic.

#include <accurate/sdk/random.hpp>
#include "runtime/wait_time.hpp"

#include "runtime/weighted_picker.hpp"

#include <accurate/sdk/errors.hpp>

#include <cmath>

namespace accurate::runtime {

using Kind = sdk::WaitTime::Kind;

void checkWaitTime(const sdk::WaitTime& wait, const std::string& class_name) {
  const std::string what = "user class '" + class_name + "': wait time ";
  if (wait.min.count() < 0 || wait.max.count() < 0) throw sdk::ConfigError("", what + "is negative");
  switch (wait.kind) {
    case Kind::kNone:
    case Kind::kConstant:
      return;
    case Kind::kBetween:
      if (wait.min > wait.max) throw sdk::ConfigError("", what + "between: the minimum exceeds the maximum");
      return;
    case Kind::kPacing:
      if (wait.min.count() <= 0) throw sdk::ConfigError("", what + "pacing: the period must be positive");
      return;
    case Kind::kThroughput:
      if (!std::isfinite(wait.per_second) || wait.per_second <= 0) {
        throw sdk::ConfigError("", what + "throughput: the rate must be a positive number");
      }
      return;
  }
  throw sdk::ConfigError("", what + "has an unknown kind");
}

bool isPaced(const sdk::WaitTime& wait) noexcept {
  return wait.kind == Kind::kPacing || wait.kind == Kind::kThroughput;
}

Clock::duration pacingPeriod(const sdk::WaitTime& wait) noexcept {
  if (wait.kind == Kind::kPacing) return std::chrono::duration_cast<Clock::duration>(wait.min);
  if (wait.kind == Kind::kThroughput && wait.per_second > 0) {
    const double ns = 1e9 / wait.per_second;
    return std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(static_cast<std::int64_t>(ns)));
  }
  return Clock::duration::zero();
}

std::chrono::microseconds delayAfterTask(const sdk::WaitTime& wait, sdk::Rng& rng) noexcept {
  switch (wait.kind) {
    case Kind::kConstant:
      return wait.min;
    case Kind::kBetween: {
      const auto span = static_cast<double>(wait.max.count() - wait.min.count() + 1);
      auto offset = static_cast<std::int64_t>(unitInterval(rng) * span);
      if (offset > wait.max.count() - wait.min.count()) offset = wait.max.count() - wait.min.count();
      return wait.min + std::chrono::microseconds(offset);
    }
    case Kind::kNone:
    case Kind::kPacing:
    case Kind::kThroughput:
      break;
  }
  return std::chrono::microseconds(0);
}

IterationSlot PacingSchedule::next(Clock::time_point now) noexcept {
  if (!next_slot_) {
    next_slot_ = now + period_;
    return IterationSlot{now, now};
  }
  const Clock::time_point slot = *next_slot_;
  if (slot >= now) {
    next_slot_ = slot + period_;
    return IterationSlot{slot, slot};
  }
  // Late: start now for the earliest missed slot, skip the other missed slots, keep the grid's phase.
  const auto missed = (now - slot) / period_;  // whole periods between the slot and now
  next_slot_ = slot + (missed + 1) * period_;
  return IterationSlot{now, slot};
}

ArrivalSchedule::ArrivalSchedule(double rate, Clock::time_point start) noexcept
    : period_ns_(rate > 0 ? 1e9 / rate : 1e18), start_(start) {}

Clock::time_point ArrivalSchedule::nextDue() const noexcept {
  const double offset_ns = period_ns_ * static_cast<double>(index_);
  return start_ + std::chrono::duration_cast<Clock::duration>(
                      std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(offset_ns))));
}

Clock::time_point ArrivalSchedule::pop() noexcept {
  const Clock::time_point due = nextDue();
  ++index_;
  return due;
}

}  // namespace accurate::runtime
