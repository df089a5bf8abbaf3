#pragma once
/// @file runner.hpp
/// The runner: drives a run through Ready → Setup → Spawning → Running → Stopping → Stopped over a set of
/// shards, and publishes aggregated snapshots. The API the app, the web UI and the cluster call.

#include "runtime/load_control.hpp"
#include "runtime/run_state.hpp"
#include "runtime/user.hpp"
#include "runtime/user_plan.hpp"

#include <accurate/sdk/host.hpp>
#include <accurate/sdk/stats.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accurate::runtime {

/// Everything a runner needs. Copied into the runner at construction.
struct RunnerOptions {
  std::vector<sdk::UserClassSpec> classes;      ///< user classes to run (may be empty only if no user is started)
  std::vector<SetupPhase> setup_phases;         ///< run in order on shard 0 before each load phase
  std::vector<std::shared_ptr<sdk::ChangeObserver>> change_observers;  ///< told of every DnsChange a user
                                                                       ///< publishes (non-null)
  sdk::RunSettings settings;                    ///< threads (shards), host, stop_timeout, run_time, timeouts
  std::optional<double> arrival_rate;           ///< open model: task iterations per second over all users
                                                ///< (> 0); the classes' wait times are then ignored
  std::vector<ShapeStage> shape;                ///< load shape: when non-empty it sets users and spawn rate over
                                                ///< time (start()'s arguments are ignored) and stops the run
                                                ///< after its last stage
  std::chrono::milliseconds snapshot_interval{1000};  ///< aggregation period (> 0)
  unsigned stats_window_seconds = 10;           ///< sliding window of current RPS, in snapshots
  std::optional<std::uint64_t> seed;            ///< base seed of the users' rng (random when absent)
  /// Receives every published snapshot, on the control thread. Must not block; may call Runner methods
  /// (but must not wait on their futures).
  std::function<void(std::shared_ptr<const sdk::StatsSnapshot>)> on_snapshot;
  /// Receives every state change, on the control thread, after the state is visible through state(). For
  /// Setup, Spawning (the load phase began: stats reset, snapshot start_time set) and Stopped (final), a
  /// snapshot carrying the new state is published first. Same rules as on_snapshot.
  std::function<void(RunState)> on_state;
};

/// Runs the load. Construction starts the shard threads and the control thread; nothing runs until start().
/// Threading: every public method may be called from any thread. Commands are posted to the control thread;
/// their futures resolve once the control thread handled them (never wait on one from a runner callback).
class Runner final : public LoadControl {
 public:
  /// Validates @p options (throws sdk::ConfigError: bad class, wait time, shape, arrival rate, threads or
  /// interval) and starts `settings.threads` shards plus the control thread.
  explicit Runner(RunnerOptions options);
  /// shutdown().
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  /// Starts a run (from Ready or Stopped): stats reset, setup phases on shard 0, stats reset again, then
  /// @p users are spread over the classes and started at @p spawn_rate users/s across the shards. Spawning
  /// completes only after setup. settings.run_time, when set, stops the run that long after setup ended.
  /// @p test, when given, replaces settings.host and settings.run_time from this test on.
  std::future<CommandResult> start(std::uint32_t users, double spawn_rate,
                                   std::optional<TestSettings> test = std::nullopt) override;
  /// As start(), but with an exact user count per class (parallel to RunnerOptions::classes) instead of a total
  /// spread by weight: what a cluster worker is told. Refused with a load shape or a count of the wrong size.
  std::future<CommandResult> startClassCounts(std::vector<std::uint32_t> counts, double spawn_rate,
                                              std::optional<TestSettings> test = std::nullopt);
  /// Changes the target user count during a run (refused with a load shape): more users are started, or the
  /// extra ones stopped (newest first), at @p spawn_rate users/s.
  std::future<CommandResult> setUsers(std::uint32_t users, double spawn_rate) override;
  /// As setUsers(), with an exact user count per class (see startClassCounts).
  std::future<CommandResult> setClassCounts(std::vector<std::uint32_t> counts, double spawn_rate);
  /// Stops the run: users finish their current task within settings.stop_timeout, then they and every
  /// background coroutine are cancelled (a request already sent still completes, within the HTTP stop grace,
  /// and is recorded); all are joined; the final snapshot is published; state Stopped.
  std::future<CommandResult> stop() override;
  /// Resets the stats (shards and aggregator); the load phase's start time becomes now.
  std::future<CommandResult> resetStats() override;
  /// Stops the run if one is in progress and refuses every later command (non-blocking).
  void quit() override;
  /// quit(), waits until Stopped, then stops and joins every thread. Idempotent. Throws sdk::Error when called
  /// from a runner thread (a callback).
  void shutdown() override;

  /// The current state.
  RunState state() const noexcept override;
  /// Why the latest run's setup failed ("" when it did not): a failing setup phase stops the run.
  std::string setupFailure() const override;
  /// Users currently running (started and not stopped or finished).
  std::uint32_t userCount() const noexcept override;
  /// The latest published snapshot (an empty one before the first).
  std::shared_ptr<const sdk::StatsSnapshot> latestSnapshot() const override;
  /// Blocks until no command is pending and the state is Stopped (or Ready: nothing was started) with its
  /// on_state callback returned, or until @p timeout elapsed. Returns false on timeout.
  bool waitUntilStopped(std::optional<std::chrono::milliseconds> timeout = std::nullopt) const override;
  /// The control thread's executor (for the web and cluster to post their own control-side work).
  boost::asio::any_io_executor controlExecutor() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  ///< all state; the control thread owns most of it
};

}  // namespace accurate::runtime
