/// @file shard.cpp
/// Shard thread, user lifetimes and the shard's part of a stop.

#include "runtime/shard.hpp"

#include "http/shard_http.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

namespace accurate::runtime {

namespace asio = boost::asio;

Shard::Shard(unsigned index, const RunEnvironment& env, std::function<void(std::uint64_t)> on_user_finished)
    : index_(index),
      env_(env),
      on_user_finished_(std::move(on_user_finished)),
      http_(http::makeShardHttp(io_, env.http)),
      arrivals_(
          io_, stats_, [this] { return load_users_; }, [this] { checkEmpty(); }),
      stop_deadline_(io_) {}

Shard::~Shard() {
  join();
  if (!users_.empty()) {
    spdlog::error("shard {}: {} user(s) did not end after cancellation; leaving them allocated", index_,
                  users_.size());
    // Leak on purpose: freeing a user whose coroutine frame still exists would be a use after free.
    for (auto& [id, slot] : users_) new std::shared_ptr<User>(std::move(slot.user));
    users_.clear();
  }
}

void Shard::start() {
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] {
    // A handler that throws must not end the shard: log it and keep serving.
    for (;;) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("shard {}: unexpected exception in the event loop: {}", index_, e.what());
      }
    }
  });
}

void Shard::join() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void Shard::launch(const std::shared_ptr<User>& user, asio::awaitable<void> body) {
  const std::uint64_t id = user->userId();
  std::weak_ptr<User> weak = user;
  asio::co_spawn(io_, std::move(body),
                 asio::bind_cancellation_slot(user->mainSignal().slot(), [this, weak, id](std::exception_ptr error) {
                   const std::shared_ptr<User> u = weak.lock();
                   if (!u) return;
                   u->setMainDone();
                   if (error && !u->cancelled() && !(u->stopping() && isCancellation(error))) {
                     u->stats().recordException(u->userClass() + ": user loop: " + describe(error));
                   }
                   if (!u->stopping() && id != 0 && on_user_finished_) on_user_finished_(id);
                   // The main signal is in use until this handler returns: retire from a later handler.
                   asio::post(io_, [this, id] { userMayRetire(id); });
                 }));
}

void Shard::spawnUser(std::uint64_t id, std::size_t class_index, std::uint64_t seed, bool open_model) {
  if (stopping_all_) {
    spdlog::warn("shard {}: user {} not started: the run is stopping", index_, id);
    return;
  }
  if (class_index >= env_.classes.size() || users_.count(id) != 0) {
    spdlog::error("shard {}: internal error: bad spawn of user {} (class {})", index_, id, class_index);
    return;
  }
  auto user = std::make_shared<User>(*this, id, env_.classes[class_index].get(), seed);
  users_.emplace(id, Slot{user, {}});
  ++load_users_;
  launch(user, user->runLoop(open_model));
}

void Shard::stopUser(std::uint64_t id) {
  const auto it = users_.find(id);
  if (it == users_.end()) return;
  const std::shared_ptr<User>& user = it->second.user;
  user->beginStop();
  if (env_.settings.stop_timeout.count() <= 0) {
    user->cancel();
    return;
  }
  user->stopTimer().expires_after(env_.settings.stop_timeout);
  user->stopTimer().async_wait([weak = std::weak_ptr<User>(user)](boost::system::error_code ec) {
    if (ec) return;
    if (const auto u = weak.lock()) u->cancel();
  });
}

void Shard::runSetup(const std::vector<SetupPhase>& phases, std::uint64_t seed,
                     std::function<void(const std::string& failure)> on_done) {
  if (users_.count(0) != 0) {
    spdlog::error("shard {}: internal error: a setup context is already running", index_);
    return;
  }
  auto user = std::make_shared<User>(*this, 0, nullptr, seed);
  auto failure = std::make_shared<std::string>();
  users_.emplace(0, Slot{user, [failure, on_done = std::move(on_done)] { on_done(*failure); }});
  launch(user, user->runSetup(phases, failure));
}

void Shard::userMayRetire(std::uint64_t id) {
  const auto it = users_.find(id);
  if (it == users_.end() || !it->second.user->retirable()) return;
  Slot slot = std::move(it->second);
  users_.erase(it);
  if (id != 0) --load_users_;
  slot.user.reset();  // destroys the user: its coroutines are all gone
  if (slot.on_retired) slot.on_retired();
  checkEmpty();
}

void Shard::stopAll(std::function<void()> on_empty) {
  stopping_all_ = true;
  on_empty_ = std::move(on_empty);
  const std::uint64_t generation = ++stop_generation_;
  arrivals_.stop();
  for (auto& [id, slot] : users_) slot.user->beginStop();
  if (env_.settings.stop_timeout.count() <= 0) {
    hardStopAll(generation);
  } else {
    stop_deadline_.expires_after(env_.settings.stop_timeout);
    stop_deadline_.async_wait([this, generation](boost::system::error_code ec) {
      if (!ec) hardStopAll(generation);
    });
  }
  asio::post(io_, [this] { checkEmpty(); });
}

void Shard::hardStopAll(std::uint64_t generation) {
  if (!stopping_all_ || generation != stop_generation_) return;
  // Each user's cancel() stops its HTTP client first (requests already sent drain and are recorded; idle
  // connections close), then cancels its coroutines.
  for (auto& [id, slot] : users_) slot.user->cancel();
}

void Shard::checkEmpty() {
  if (!stopping_all_ || !users_.empty() || arrivals_.generating()) return;
  stopping_all_ = false;
  stop_deadline_.cancel();
  std::function<void()> done = std::move(on_empty_);
  on_empty_ = nullptr;
  if (done) done();
}

void Shard::startArrivals(double rate, Clock::time_point start) { arrivals_.start(rate, start); }

Shard::TaggedDelta Shard::takeDelta() { return TaggedDelta{stats_epoch_, stats_.takeDelta()}; }

void Shard::resetStats(std::uint64_t epoch) {
  stats_.reset();
  stats_epoch_ = epoch;
}

}  // namespace accurate::runtime
