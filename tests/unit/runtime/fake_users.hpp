#pragma once
// Test doubles for runner tests: a user class whose tasks record samples and sleep a few ms, counting what
// happens through atomics shared with the test thread. No network.

#include "runtime/runner.hpp"

#include <accurate/sdk/task.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace accurate::runtime::testing {

/// What the fake users did, readable from the test thread.
struct Counters {
  std::atomic<int> live{0};               ///< UserTasks instances alive
  std::atomic<int> made{0};               ///< make_tasks calls
  std::atomic<int> started{0};            ///< onStart calls
  std::atomic<int> stopped{0};            ///< onStop calls
  std::atomic<int> work{0};               ///< "work" task runs
  std::atomic<int> booms{0};              ///< "boom" task runs
  std::atomic<int> after_boom{0};         ///< "work" runs by a user that had already thrown
  std::atomic<int> bg_started{0};         ///< background sleepers started
  std::atomic<int> bg_cancelled{0};       ///< background sleepers that saw their cancellation
  std::atomic<int> setup_runs{0};         ///< setup phase runs
  std::atomic<bool> setup_done{false};    ///< the setup phase has finished
  std::atomic<int> made_before_setup{0};  ///< users created while setup had not finished
};

/// Per-user state of the fake class.
class FakeTasks : public sdk::UserTasks {
 public:
  FakeTasks(Counters& c, bool background) : c_(c), background_(background) { ++c_.live; }
  ~FakeTasks() override { --c_.live; }

  static boost::asio::awaitable<void> sleeper(sdk::UserContext& ctx, Counters& c) {
    ++c.bg_started;
    try {
      co_await ctx.sleep(std::chrono::hours(1));
    } catch (...) {
      ++c.bg_cancelled;
      throw;
    }
  }

  boost::asio::awaitable<void> onStart(sdk::UserContext& ctx) override {
    ++c_.started;
    if (background_) ctx.spawnBackground("sleeper", sleeper(ctx, c_));
    co_return;
  }
  boost::asio::awaitable<void> onStop(sdk::UserContext&) override {
    ++c_.stopped;
    co_return;
  }
  boost::asio::awaitable<void> work(sdk::UserContext& ctx) {
    ++c_.work;
    if (threw_) ++c_.after_boom;
    co_await ctx.sleep(std::chrono::milliseconds(2));
    ctx.stats().record(sdk::Sample{"GET", "/work", 1000, 10, ""});
  }
  boost::asio::awaitable<void> boom(sdk::UserContext& ctx) {
    ++c_.booms;
    threw_ = true;
    co_await ctx.sleep(std::chrono::milliseconds(1));
    throw std::runtime_error("kaboom");
  }

 private:
  Counters& c_;
  bool background_;
  bool threw_ = false;
};

/// A fake class named @p name: "work" (weight 10) and "boom" (weight 1 when @p with_boom).
inline sdk::UserClassSpec fakeClass(std::string name, const std::shared_ptr<Counters>& c, bool background,
                                    bool with_boom, sdk::WaitTime wait = sdk::WaitTime::constant(
                                                        std::chrono::milliseconds(1))) {
  sdk::UserClassSpec spec;
  spec.name = std::move(name);
  spec.wait = wait;
  spec.tasks.push_back(sdk::memberTask<&FakeTasks::work>("work", 10));
  spec.tasks.push_back(sdk::memberTask<&FakeTasks::boom>("boom", with_boom ? 1 : 0));
  spec.make_tasks = [c, background](sdk::UserContext&) -> std::unique_ptr<sdk::UserTasks> {
    ++c->made;
    if (!c->setup_done) ++c->made_before_setup;
    return std::make_unique<FakeTasks>(*c, background);
  };
  return spec;
}

/// Records the states a runner announced.
class StateLog {
 public:
  void push(RunState s) {
    std::lock_guard lock(mutex_);
    states_.push_back(s);
    changed_.notify_all();
  }
  std::vector<RunState> states() const {
    std::lock_guard lock(mutex_);
    return states_;
  }
  /// Waits (bounded) until @p count states were announced and the last is @p s.
  bool waitFor(RunState s, std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return states_.size() >= count && states_.back() == s; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RunState> states_;
};

/// Polls @p predicate every 5 ms until true or @p timeout elapsed.
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return predicate();
}

/// The entry (method, name) of @p snapshot, or null.
inline const sdk::EntryStats* findEntry(const sdk::StatsSnapshot& snapshot, const std::string& method,
                                        const std::string& name) {
  for (const sdk::EntryStats& e : snapshot.entries) {
    if (e.method == method && e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace accurate::runtime::testing
