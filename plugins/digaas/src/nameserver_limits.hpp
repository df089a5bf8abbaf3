#pragma once
/// @file nameserver_limits.hpp
/// Per-nameserver query limits shared by every shard of the process: at most `max_inflight` queries in flight
/// and at most `max_qps` query starts per second.
///
/// The rate is a sliding window: with capacity C = max(1, floor(max_qps)) and window W = max(1 s, C / max_qps), a
/// start is allowed when fewer than C starts happened in the last W (a ring of the last C start times). So no
/// window of one second ever holds more than max_qps starts (for a fractional max_qps >= 1 the rate is rounded
/// down, e.g. 2.5 -> 2 per second; below 1 it is one start every 1 / max_qps seconds), and bursts up to C at once
/// are allowed, which keeps checks that fall due together on time.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <variant>
#include <vector>

namespace accurate::digaas {

class NameserverLimits;

/// One query slot; releases its in-flight slot when destroyed. Move-only. Threading: may be destroyed on any
/// thread (the release takes the limits' mutex).
class QueryPermit {
 public:
  QueryPermit() = default;
  QueryPermit(QueryPermit&& other) noexcept : limits_(std::move(other.limits_)) {}
  QueryPermit& operator=(QueryPermit&& other) noexcept;
  QueryPermit(const QueryPermit&) = delete;
  QueryPermit& operator=(const QueryPermit&) = delete;
  ~QueryPermit() { release(); }

  /// True while the permit holds a slot.
  explicit operator bool() const noexcept { return limits_ != nullptr; }
  /// Gives the slot back early (idempotent).
  void release() noexcept;

 private:
  friend class NameserverLimits;
  explicit QueryPermit(std::shared_ptr<NameserverLimits> limits) : limits_(std::move(limits)) {}
  std::shared_ptr<NameserverLimits> limits_;  ///< the limits the slot belongs to; null once released
};

/// The limits of one nameserver. Create with std::make_shared (permits keep it alive). Threading: every method
/// may be called from any thread; a small mutex guards the state, held for O(1) work only.
class NameserverLimits : public std::enable_shared_from_this<NameserverLimits> {
 public:
  using Clock = std::chrono::steady_clock;  ///< the clock of every time point passed in

  /// When all in-flight slots are taken, how long a caller is told to wait before trying again (a release is
  /// not announced: the caller polls at this pace, so waiting checks never busy-loop).
  static constexpr std::chrono::milliseconds kInflightRetry{10};

  /// @param max_inflight concurrent queries (>= 1); @param max_qps query starts per second (> 0).
  NameserverLimits(std::uint32_t max_inflight, double max_qps);

  /// Takes a slot at @p now when both limits allow, else returns how long to wait before trying again
  /// (the exact time until the rate allows a start, or kInflightRetry when all slots are in flight).
  std::variant<QueryPermit, Clock::duration> tryAcquire(Clock::time_point now);

  /// Queries in flight now.
  std::uint32_t inflight() const;
  /// The configured limits.
  std::uint32_t maxInflight() const noexcept { return max_inflight_; }
  double maxQps() const noexcept { return max_qps_; }
  /// Starts allowed per window, and the window's length (see the file comment).
  std::size_t windowCapacity() const noexcept { return starts_.size(); }
  Clock::duration window() const noexcept { return window_; }

 private:
  friend class QueryPermit;
  void releaseSlot() noexcept;

  const std::uint32_t max_inflight_;       ///< at most this many queries in flight
  const double max_qps_;                   ///< configured starts per second
  Clock::duration window_;                 ///< length of the sliding window
  mutable std::mutex mutex_;               ///< guards everything below
  std::uint32_t inflight_ = 0;             ///< permits alive
  std::vector<Clock::time_point> starts_;  ///< ring of the last windowCapacity() start times (oldest at next_)
  Clock::time_point latest_ = Clock::time_point::min();  ///< the newest start (the ring stays ordered)
  std::size_t next_ = 0;                   ///< ring index of the oldest start (overwritten by the next start)
};

}  // namespace accurate::digaas
