/// @file arrival_queue.cpp
/// Open-model arrival dispatch.

#include "runtime/arrival_queue.hpp"

#include "runtime/task_group.hpp"
#include "runtime/user.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace accurate::runtime {

namespace asio = boost::asio;

ArrivalQueue::ArrivalQueue(asio::io_context& io, stats::ShardStats& stats, std::function<std::size_t()> users,
                           std::function<void()> on_idle)
    : io_(io), stats_(stats), users_(std::move(users)), on_idle_(std::move(on_idle)), timer_(io) {}

void ArrivalQueue::start(double rate, Clock::time_point start) {
  const std::uint64_t generation = ++generation_;
  timer_.cancel();
  if (rate <= 0) return;
  ++generators_;
  asio::co_spawn(io_, generate(ArrivalSchedule(rate, start), generation), [this](std::exception_ptr error) {
    if (error) spdlog::error("open model: the arrival generator failed: {}", describe(error));
    --generators_;
    if (generators_ == 0 && on_idle_) on_idle_();
  });
}

void ArrivalQueue::stop() {
  ++generation_;
  timer_.cancel();
  pending_.clear();
  // Wake every idle user without an arrival.
  for (User* user : idle_) user->wakeTimer().cancel();
  idle_.clear();
}

asio::awaitable<void> ArrivalQueue::generate(ArrivalSchedule schedule, std::uint64_t generation) {
  // Only the newest generation runs; start() and stop() cancel the timer so an old generator exits promptly.
  while (generation == generation_) {
    timer_.expires_at(schedule.nextDue());
    (void)co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    // Hand out every arrival that is due, including those missed while the shard was busy: their lag shows it.
    const Clock::time_point now = Clock::now();
    while (generation == generation_ && schedule.nextDue() <= now) dispatch(schedule.pop());
  }
}

void ArrivalQueue::dispatch(Clock::time_point intended) {
  if (!idle_.empty()) {
    User* user = idle_.front();
    idle_.pop_front();
    user->handedArrival() = intended;
    user->wakeTimer().cancel();
    return;
  }
  if (pending_.size() < kQueuePerUser * users_()) {
    pending_.push_back(intended);
    return;
  }
  ++dropped_;
  stats_.record(sdk::Sample{"ARRIVAL", "open model", 0, 0, "arrival dropped: no idle user"});
}

asio::awaitable<std::optional<Clock::time_point>> ArrivalQueue::acquire(User& user) {
  if (!pending_.empty()) {
    const Clock::time_point intended = pending_.front();
    pending_.pop_front();
    co_return intended;
  }
  user.handedArrival().reset();
  idle_.push_back(&user);
  user.wakeTimer().expires_at(Clock::time_point::max());
  (void)co_await user.wakeTimer().async_wait(asio::as_tuple(asio::use_awaitable));
  // Still listed when woken by its own stop or cancellation rather than by dispatch().
  idle_.erase(std::remove(idle_.begin(), idle_.end(), &user), idle_.end());
  std::optional<Clock::time_point> handed = user.handedArrival();
  user.handedArrival().reset();
  co_return handed;
}

}  // namespace accurate::runtime
