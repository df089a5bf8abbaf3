#pragma once
/// @file load_control.hpp
/// What the app, the web UI and the console drive: a local runner, or a cluster master that drives workers.

#include "runtime/run_state.hpp"

#include <accurate/sdk/stats.hpp>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accurate::runtime {

/// Settings of one test that replace the configured ones for that test (the web UI's start form).
struct TestSettings {
  std::string host;                                    ///< target base URL of the test
  std::optional<std::chrono::milliseconds> run_time;   ///< load-phase duration; none = until stopped
};

/// Answer to a command.
struct CommandResult {
  bool accepted = false;  ///< false when the command was refused
  std::string reason;     ///< why it was refused, one line (empty when accepted)
};

/// A cluster worker as a master sees it (console, web UI, report).
struct WorkerStatus {
  std::string id;               ///< node id, "<hostname>_<hex>"
  std::string state;            ///< ready, spawning, running, stopped, missing
  std::uint32_t users = 0;      ///< users the worker reported running
  double cpu_percent = 0;       ///< CPU use it reported, percent of one core
  std::uint64_t memory_bytes = 0;  ///< resident memory it reported, bytes
  double last_heartbeat = 0;    ///< epoch seconds of its latest heartbeat (0 before the first)
  std::string kind;             ///< "accurate <version>" or "locust <version>" as the worker announced itself
};

/// Commands and reads of a load. Threading: every method may be called from any thread, except from inside the
/// implementation's own callbacks where futures must not be waited on.
class LoadControl {
 public:
  virtual ~LoadControl() = default;
  /// Starts a test (from Ready or Stopped) with @p users at @p spawn_rate users/s; @p test replaces the
  /// configured host and run time.
  virtual std::future<CommandResult> start(std::uint32_t users, double spawn_rate,
                                           std::optional<TestSettings> test = std::nullopt) = 0;
  /// Changes the target user count of the running test.
  virtual std::future<CommandResult> setUsers(std::uint32_t users, double spawn_rate) = 0;
  /// Stops the running test; its final snapshot is published before the state becomes Stopped.
  virtual std::future<CommandResult> stop() = 0;
  /// Resets the statistics; the load phase's start time becomes now.
  virtual std::future<CommandResult> resetStats() = 0;
  /// Stops a running test and refuses every later command (non-blocking).
  virtual void quit() = 0;
  /// quit(), waits until Stopped, then stops every thread. Idempotent.
  virtual void shutdown() = 0;
  /// The current state.
  virtual RunState state() const noexcept = 0;
  /// Why the latest test's setup failed ("" when it did not).
  virtual std::string setupFailure() const = 0;
  /// Users running now (on a master: the sum the workers reported).
  virtual std::uint32_t userCount() const noexcept = 0;
  /// The latest published snapshot.
  virtual std::shared_ptr<const sdk::StatsSnapshot> latestSnapshot() const = 0;
  /// Blocks until no command is pending and the state is Stopped (or Ready), or @p timeout elapsed.
  virtual bool waitUntilStopped(std::optional<std::chrono::milliseconds> timeout = std::nullopt) const = 0;
  /// The cluster's workers (empty for a local runner).
  virtual std::vector<WorkerStatus> workers() const { return {}; }
};

}  // namespace accurate::runtime
