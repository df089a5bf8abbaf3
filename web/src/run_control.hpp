#pragma once
/// @file run_control.hpp
/// What the web server may do to the run and read of it. The app implements it over the runtime::Runner; the
/// web tests implement it with a fake. The web server never touches the runner or the shards directly.

#include <accurate/sdk/stats.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accurate::web {

/// A request to start a test, or to change the running test's user count (Locust's POST /swarm).
struct SwarmRequest {
  std::uint32_t users = 0;                            ///< target user count
  double spawn_rate = 1;                              ///< users started (or stopped) per second, > 0
  std::optional<std::string> host;                    ///< new target base URL; none = keep the current one
  std::optional<std::chrono::milliseconds> run_time;  ///< load-phase duration of a new test; none = until stopped
};

/// The answer to a command.
struct ControlResult {
  bool accepted = false;  ///< false when refused
  std::string message;    ///< one line: what was done, or why it was refused
};

/// A user class as the start form shows it.
struct UserClassInfo {
  std::string name;       ///< e.g. "designate.small"
  double weight = 1;      ///< relative weight (0 when the class has a fixed count)
  std::uint32_t fixed_count = 0;  ///< users of this class regardless of weights (0 = weighted)
};

/// A cluster worker as the UI shows it (filled by the cluster issue; empty otherwise).
struct WorkerInfo {
  std::string id;               ///< worker id
  std::string state;            ///< ready, spawning, running, stopped, missing
  std::uint32_t users = 0;      ///< users running on the worker
  double cpu_percent = 0;       ///< CPU use the worker reported, in percent of one core
  double last_heartbeat = 0;    ///< epoch seconds of the latest heartbeat
};

/// The run as /status and the UI header show it.
struct RunInfo {
  std::string state;                          ///< ready, setup, spawning, running, stopping, stopped
  std::uint32_t users = 0;                    ///< users running now
  std::uint32_t target_users = 0;             ///< the user count asked for
  double spawn_rate = 0;                      ///< the spawn rate asked for
  std::string host;                           ///< target base URL of the current (or next) test
  std::optional<std::chrono::milliseconds> run_time;  ///< run time of the current test, if any
  std::optional<std::string> last_report_id;  ///< id of the newest report this process persisted
  std::vector<WorkerInfo> workers;            ///< cluster workers (empty when not a master)
};

/// Fixed facts for the UI (start form defaults, version).
struct UiInfo {
  std::string version;                        ///< accurate version
  std::vector<std::string> plugins;           ///< loaded plugins
  std::vector<UserClassInfo> user_classes;    ///< registered user classes
  std::uint32_t default_users = 1;            ///< start form default: users
  double default_spawn_rate = 1;              ///< start form default: spawn rate
  std::string default_host;                   ///< start form default: host
  std::optional<std::chrono::milliseconds> default_run_time;  ///< start form default: run time
  bool auth_enabled = false;                  ///< whether an authentication provider guards the UI
};

/// The run as the web server sees it.
/// Threading: every method may be called from any web server thread, concurrently; none blocks for long
/// (commands return once the runner accepted or refused them, not when they completed).
class RunControl {
 public:
  virtual ~RunControl() = default;
  /// Starts a test (from ready or stopped) or, while one runs, changes its user count (and spawn rate).
  virtual ControlResult swarm(const SwarmRequest& request) = 0;
  /// Stops the running test; its report is persisted when it has stopped.
  virtual ControlResult stop() = 0;
  /// Resets the statistics of the running test.
  virtual ControlResult resetStats() = 0;
  /// The latest published snapshot (never null; empty before the first test).
  virtual std::shared_ptr<const sdk::StatsSnapshot> snapshot() const = 0;
  /// The current state of the run.
  virtual RunInfo info() const = 0;
};

}  // namespace accurate::web
