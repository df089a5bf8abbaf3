#pragma once
/// @file master_core.hpp
/// The master's side of the protocol as a state machine without sockets or clocks: it is fed decoded messages
/// and the time, and answers with messages to send and stats to merge. cluster::Master runs it on its thread.

#include "cluster/dispatcher.hpp"
#include "cluster/locust_stats.hpp"
#include "cluster/messages.hpp"
#include "runtime/load_control.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::cluster {

/// The master's fixed settings.
struct MasterOptions {
  std::vector<DispatchClass> classes;   ///< user classes to dispatch (names the workers must know)
  bool rebalancing = false;             ///< re-dispatch when workers join, go missing or come back
  int heartbeat_liveness = 3;           ///< heartbeat credit; a worker is missing once it drops below 0
  int heartbeat_dead = -60;             ///< credit at which a missing worker is dropped
  double cpu_warning_percent = 90;      ///< warn (once per worker) above this CPU use
  std::optional<double> stop_timeout;   ///< seconds users get to finish a task on stop (sent in spawn)
  double stop_grace_seconds = 10;       ///< how long past stop_timeout a stop waits for workers at most
  msgpack::Value parsed_options;        ///< the options map sent in every spawn (must be a map)
};

/// The master's test state (its own, not any worker's).
enum class MasterState { kReady, kSpawning, kRunning, kStopping, kStopped };

/// What handling one input produced.
struct MasterOutput {
  /// Messages to send: (routing identity, message). The identity equals the envelope's node_id.
  std::vector<std::pair<std::string, Envelope>> send;
  /// Worker reports (stats, and exceptions as one-exception reports) to merge into the aggregator, in order.
  std::vector<WorkerReport> reports;
  /// The master's state changed to this during the call (the last change if several).
  std::optional<MasterState> state_change;
  /// Set when stats must be reset now (a new test started), before merging `reports`.
  bool reset_stats = false;
};

/// The protocol logic of a master. Threading: one owner thread.
class MasterCore {
 public:
  explicit MasterCore(MasterOptions options);

  /// Handles one decoded message that arrived from routing identity @p identity at epoch @p now. Never throws
  /// for bad input: a malformed payload is logged (one line naming the worker and the reason) and dropped.
  void onMessage(std::string_view identity, const Envelope& message, double now, MasterOutput& out);
  /// A frame from @p identity could not be decoded (@p reason): a known worker is sent `reconnect`.
  void onUndecodable(std::string_view identity, std::string_view reason, MasterOutput& out);
  /// Advances time to @p now: heartbeat credits (once per second), ramp steps that are due, run-time end,
  /// stop completion. Call at nextDeadline() or sooner.
  void tick(double now, MasterOutput& out);
  /// Epoch seconds by which tick() must be called next.
  double nextDeadline() const noexcept;

  /// Starts a test of @p users at @p spawn_rate (refused without ready workers or while one runs). @p host goes
  /// into the spawn messages; @p run_time_seconds stops the test that long after it started.
  runtime::CommandResult start(std::uint32_t users, double spawn_rate, std::optional<std::string> host,
                               std::optional<double> run_time_seconds, double now, MasterOutput& out);
  /// Changes the target of the running test (ramps from the current dispatch).
  runtime::CommandResult setUsers(std::uint32_t users, double spawn_rate, double now, MasterOutput& out);
  /// Stops the running test: `stop` to every worker; Stopped once they all stopped (see stop_grace_seconds).
  runtime::CommandResult stop(double now, MasterOutput& out);
  /// Sends `quit` to every known worker and forgets them.
  void quit(MasterOutput& out);

  /// The master's state.
  MasterState state() const noexcept { return state_; }
  /// Users the non-missing workers reported running.
  std::uint32_t userCount() const noexcept;
  /// Workers known and not missing.
  std::uint32_t connectedWorkerCount() const noexcept;
  /// Workers that are connected and not missing.
  std::size_t activeWorkers() const noexcept;
  /// Every known worker (missing ones included), in dispatch order.
  std::vector<runtime::WorkerStatus> workers() const;

 private:
  /// What the master remembers about a node id for as long as it runs.
  struct Node {
    std::uint32_t index = 0;                      ///< the ack index (stable per node id)
    bool accurate = false;                        ///< its heartbeat or stats carried the "accurate" key
    std::string accurate_version;                 ///< that key's value (from heartbeats)
    std::optional<std::vector<std::string>> class_names;  ///< a Python worker's classes (first report's keys)
    bool cpu_warned = false;                      ///< the high-CPU warning was logged
    std::set<std::string, std::less<>> lacking_warned;  ///< our classes it lacks, each warned once
  };
  /// An acked worker (until it quits or is dropped; client_ready replaces it).
  struct Worker {
    std::string state = "ready";     ///< reported state, "stopped" after client_stopped
    bool missing = false;            ///< no heartbeat for too long
    int credit = 0;                  ///< heartbeat credit (liveness)
    double cpu_percent = 0;          ///< reported CPU use, percent of one core
    std::uint64_t memory_bytes = 0;  ///< reported resident memory, bytes
    double last_heartbeat = 0;       ///< epoch seconds of its latest heartbeat (0 before the first)
    ClassCounts users;               ///< users per class it reported (its own class names)
    std::string version;             ///< client_ready's version string, or "-1"
    bool echo_heartbeat = false;     ///< understands M→W heartbeats (-1 or a version >= 2.19.0)
  };
  /// A worker the stop waits for.
  struct StopWait {
    bool python_report = false;  ///< a Python worker that ran users: its next report comes after client_stopped
  };

  static bool isActive(const Worker& worker) noexcept;
  void startClock(double now);
  void handle(const std::string& id, const Envelope& message, double now, MasterOutput& out);
  void onClientReady(const std::string& id, const msgpack::Value& data, double now, MasterOutput& out);
  void onHeartbeat(const std::string& id, const msgpack::Value& data, double now, MasterOutput& out);
  void onStats(const std::string& id, const msgpack::Value& data, MasterOutput& out);
  void onClientStopped(const std::string& id, double now, MasterOutput& out);
  void onWorkerQuit(const std::string& id, double now, MasterOutput& out);
  void checkLiveness(double now, MasterOutput& out);
  /// After a worker left the active set: rebalance, or stop the test when none is left.
  void afterWorkerLeft(double now, MasterOutput& out);
  void rebalance(double now, MasterOutput& out);
  /// Active workers' ids in dispatch order.
  std::vector<std::string> activeOrder() const;
  /// Sends every active worker of the dispatch set its counts for dispatched_ users.
  void sendStep(double now, MasterOutput& out);
  /// @p counts (ours, sorted) in @p id's class names.
  ClassCounts forWorker(const std::string& id, const ClassCounts& counts);
  void beginRamp(std::uint32_t users, double spawn_rate, double now, MasterOutput& out);
  void rampStep(double now, MasterOutput& out);
  void stopTest(double now, MasterOutput& out);
  void stopWaitDone(const std::string& id, double now);
  void checkStopped(double now, MasterOutput& out);
  void setState(MasterState state, MasterOutput& out);
  double nextTimestamp(double now);
  /// Logs a warning for an unknown message type once per type.
  void warnUnknownType(const std::string& id, const std::string& type);

  MasterOptions options_;                    ///< fixed settings
  MasterState state_ = MasterState::kReady;  ///< the test state
  std::map<std::string, Node, std::less<>> nodes_;      ///< every node id ever acked
  std::map<std::string, Worker, std::less<>> workers_;  ///< acked workers by node id
  std::uint32_t next_index_ = 0;             ///< index of the next new node id
  std::set<std::string, std::less<>> warned_types_;  ///< unknown message types already warned about
  double next_check_ = 0;                    ///< epoch seconds of the next heartbeat check (0: clock not started)
  double last_timestamp_ = 0;                ///< the latest spawn timestamp sent
  bool quit_ = false;                        ///< quit() was called: no more tests

  std::uint32_t target_ = 0;                 ///< users the test is ramping to (or running)
  std::uint32_t dispatched_ = 0;             ///< users the latest spawn step dispatched
  RampPlan plan_;                            ///< the current ramp's steps
  bool ramping_ = false;                     ///< more ramp steps are due
  double next_step_ = 0;                     ///< epoch seconds of the next ramp step
  std::optional<std::string> host_;          ///< host sent in spawn
  std::optional<double> run_deadline_;       ///< epoch seconds the run time ends
  std::vector<std::string> dispatch_set_;    ///< the workers the test's users are spread over, dispatch order

  double stop_deadline_ = 0;                 ///< epoch seconds a stop gives up waiting
  double stop_reports_until_ = 0;            ///< epoch seconds until which Python workers' reports are awaited
  std::map<std::string, StopWait, std::less<>> stop_waiting_;  ///< workers that have not sent client_stopped
};

}  // namespace accurate::cluster
