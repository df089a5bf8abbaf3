#pragma once
/// @file user.hpp
/// One simulated user (and the setup phase's context): the runtime's sdk::UserContext, its per-user stats
/// adapter, and the coroutine that runs the user's tasks.

#include <accurate/sdk/random.hpp>
#include "runtime/task_group.hpp"
#include "runtime/wait_time.hpp"
#include "runtime/weighted_picker.hpp"

#include "stats/shard_stats.hpp"

#include <accurate/sdk/host.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace accurate::runtime {

class Shard;

/// A user class prepared for running: its spec and its task picker. Immutable, shared by all shards.
struct ClassRuntime {
  ClassRuntime(sdk::UserClassSpec class_spec);
  sdk::UserClassSpec spec;  ///< the class as registered
  TaskPicker picker;        ///< picks a leaf task (refers into spec.tasks)
};

/// A setup phase: runs once before the load phase, on shard 0, with the context of user 0.
struct SetupPhase {
  std::string name;                                                  ///< name for logs and errors
  std::function<boost::asio::awaitable<void>(sdk::UserContext&)> run;  ///< the phase body
};

/// The recorder a user's HTTP client and tasks see: forwards to the shard's stats, adding the user's current
/// lag (intended-start delay) when the user is paced or driven by the open model.
/// Threading: the shard's thread.
class LagRecorder final : public sdk::StatsRecorder {
 public:
  explicit LagRecorder(stats::ShardStats& stats) noexcept : stats_(stats) {}
  void record(const sdk::Sample& sample) override;
  void recordException(std::string_view message) override { stats_.recordException(message); }
  void count(std::string_view counter, std::uint64_t n) override { stats_.count(counter, n); }
  /// Samples recorded from now on also count @p lag_us in their intended response time.
  void setLag(std::uint64_t lag_us) noexcept { lag_us_ = lag_us; }
  /// Samples recorded from now on carry no lag.
  void clearLag() noexcept { lag_us_.reset(); }

 private:
  stats::ShardStats& stats_;             ///< the shard's stats
  std::optional<std::uint64_t> lag_us_;  ///< current lag in µs, when the user is scheduled
};

/// One simulated user, or the setup context (user 0). Created, run and destroyed on its shard's thread.
/// Lifetime: owned by the shard; destroyed only after its main coroutine ended and its background group is
/// empty, so every coroutine that holds a reference to it has finished.
class User final : public sdk::UserContext {
 public:
  /// @param cls the user's class, or null for the setup context. @param seed seeds rng().
  User(Shard& shard, std::uint64_t id, const ClassRuntime* cls, std::uint64_t seed);
  ~User() override;

  // sdk::UserContext
  sdk::HttpClient& http() override;
  sdk::StatsRecorder& stats() override { return recorder_; }
  sdk::Rng& rng() override { return rng_; }
  std::uint64_t userId() const override { return id_; }
  const std::string& userClass() const override { return class_name_; }
  const sdk::RunSettings& settings() const override;
  boost::asio::any_io_executor executor() override;
  bool stopping() const override { return stopping_; }
  boost::asio::awaitable<void> sleep(std::chrono::microseconds duration) override;
  void spawnBackground(std::string what, boost::asio::awaitable<void> work) override;
  /// Calls every change observer of the run in turn; one that throws is recorded as an exception
  /// ("change observer: <what>") and the others still hear the change.
  void publishChange(const sdk::DnsChange& change) override;

  /// The task loop of a user of a class: make_tasks → onStart → {pick, run, wait} until stopping → onStop.
  /// @p open_model: take iterations from the shard's arrival queue instead of the class's wait time.
  boost::asio::awaitable<void> runLoop(bool open_model);
  /// Runs the setup phases in order, then returns. A throwing phase is recorded as an exception, its message
  /// goes to @p failure and the later phases are skipped. Background work they started is joined by the shard
  /// before the setup counts as done.
  boost::asio::awaitable<void> runSetup(const std::vector<SetupPhase>& phases, std::shared_ptr<std::string> failure);

  /// Graceful stop: stopping() becomes true and a pending wait ends; the current task may finish.
  void beginStop();
  /// Hard stop: terminal cancellation of the main coroutine and of every background coroutine. A request
  /// already sent is not aborted: it completes (bounded by HttpOptions::stop_grace) and is recorded, and only
  /// then does its send() throw operation_aborted; a send() started afterwards throws at once, sending nothing.
  void cancel();
  /// True once cancel() was called.
  bool cancelled() const noexcept { return cancelled_; }
  /// The signal whose slot the shard binds to the main coroutine.
  boost::asio::cancellation_signal& mainSignal() noexcept { return main_signal_; }
  /// Marks the main coroutine as ended (no more emits on its signal).
  void setMainDone() noexcept { main_done_ = true; }
  /// True once the main coroutine ended.
  bool mainDone() const noexcept { return main_done_; }
  /// True when the main coroutine ended and no background coroutine remains.
  bool retirable() const noexcept { return main_done_ && background_.empty(); }
  /// The timer that ends waits; the arrival queue wakes an idle user with it.
  boost::asio::steady_timer& wakeTimer() noexcept { return wake_timer_; }
  /// The timer that turns a graceful stop into a hard one after the stop timeout.
  boost::asio::steady_timer& stopTimer() noexcept { return stop_timer_; }
  /// The arrival handed to this user while it waited (open model).
  std::optional<Clock::time_point>& handedArrival() noexcept { return handed_arrival_; }

 private:
  /// Waits until @p deadline; false when the wait ended because the user is stopping.
  boost::asio::awaitable<bool> waitUntil(Clock::time_point deadline);
  /// Runs @p body (a step of the user such as a task or on_start); records an escaped exception as
  /// "<class>.<step>: <what>" unless it is this user's cancellation. Returns false when it threw.
  boost::asio::awaitable<bool> guarded(const std::string& step, std::function<boost::asio::awaitable<void>()> body);

  Shard& shard_;                          ///< the user's shard
  std::uint64_t id_;                      ///< process-unique user number (0 for the setup context)
  const ClassRuntime* cls_;               ///< the user's class (null for the setup context)
  std::string class_name_;                ///< class name ("setup" for the setup context)
  LagRecorder recorder_;                  ///< stats adapter handed to tasks and the HTTP client
  sdk::Rng rng_;                   ///< private random generator
  std::unique_ptr<sdk::HttpClient> http_; ///< created on first use
  std::unique_ptr<sdk::UserTasks> tasks_; ///< the plugin's per-user state (kept until the user is destroyed)
  boost::asio::steady_timer wake_timer_;  ///< waits between tasks, idle waits for arrivals
  boost::asio::steady_timer stop_timer_;  ///< stop timeout of a graceful stop
  boost::asio::cancellation_signal main_signal_;  ///< cancels the main coroutine
  std::optional<Clock::time_point> handed_arrival_;  ///< arrival given by the queue while idle
  std::string last_error_;                ///< the last crash message guarded() recorded
  bool stopping_ = false;                 ///< graceful stop requested
  bool cancelled_ = false;                ///< hard stop done
  bool main_done_ = false;                ///< the main coroutine ended
  TaskGroup background_;                  ///< tracked background coroutines (declared last: destroyed first)
};

}  // namespace accurate::runtime
