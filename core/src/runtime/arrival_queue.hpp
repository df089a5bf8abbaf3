#pragma once
/// @file arrival_queue.hpp
/// The open model on one shard: a generator of intended start times at the shard's share of the run's arrival
/// rate, handing each arrival to an idle user, or queueing it (bounded) when every user is busy.

#include "runtime/wait_time.hpp"

#include "stats/shard_stats.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

namespace accurate::runtime {

class User;

/// Per-shard arrival dispatcher. Arrivals beyond `kQueuePerUser` × (users on the shard) waiting are dropped and
/// recorded as a failure of entry ("ARRIVAL", "open model") with error "arrival dropped: no idle user".
/// Threading: the shard's thread only.
class ArrivalQueue {
 public:
  /// Queued arrivals allowed per user of the shard.
  static constexpr std::size_t kQueuePerUser = 10;

  /// @param users returns the number of load users on the shard (bounds the queue).
  /// @param on_idle called when the last generator coroutine has ended (after stop() or a restart).
  ArrivalQueue(boost::asio::io_context& io, stats::ShardStats& stats, std::function<std::size_t()> users,
               std::function<void()> on_idle);
  /// Starts generating @p rate arrivals per second from @p start (a running generator is restarted).
  void start(double rate, Clock::time_point start);
  /// Ends the generator, drops queued arrivals and wakes idle users without an arrival.
  void stop();
  /// True while a generator coroutine exists.
  bool generating() const noexcept { return generators_ > 0; }
  /// The next arrival for @p user: a queued one at once, else waits until one is handed to it. Returns none
  /// when @p user is stopping (its wake timer was cancelled) or the queue stopped.
  boost::asio::awaitable<std::optional<Clock::time_point>> acquire(User& user);
  /// Hands @p intended to an idle user, queues it, or drops it (see class comment).
  void dispatch(Clock::time_point intended);
  /// Arrivals waiting for a user.
  std::size_t queued() const noexcept { return pending_.size(); }
  /// Arrivals dropped since construction.
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  /// The generator coroutine of generation @p generation.
  boost::asio::awaitable<void> generate(ArrivalSchedule schedule, std::uint64_t generation);

  boost::asio::io_context& io_;              ///< the shard's io_context
  stats::ShardStats& stats_;                 ///< where drops are recorded
  std::function<std::size_t()> users_;       ///< load users on the shard
  std::function<void()> on_idle_;            ///< told when the last generator coroutine ended
  boost::asio::steady_timer timer_;          ///< the generator's sleep until the next arrival
  std::deque<Clock::time_point> pending_;    ///< queued arrivals (intended times), oldest first
  std::deque<User*> idle_;                   ///< users waiting for an arrival, longest waiting first
  std::uint64_t generation_ = 0;             ///< bumped by start() and stop(); an old generator exits
  std::size_t generators_ = 0;               ///< generator coroutines not yet ended
  std::uint64_t dropped_ = 0;                ///< arrivals dropped
};

}  // namespace accurate::runtime
