#pragma once
/// @file worker_core.hpp
/// The worker's side of the protocol as a state machine without sockets or clocks: handshake and its retries,
/// heartbeats, spawn / stop / quit / reconnect, report timing, and the master-loss timeout.
/// cluster::WorkerProcess runs it on its thread next to a local runner.

#include "cluster/messages.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::cluster {

/// The worker's fixed settings.
struct WorkerOptions {
  std::string node_id;                      ///< "<hostname>_<32 hex>", also the ZeroMQ routing id
  std::vector<std::string> class_names;     ///< this worker's user classes (the runner's order)
  std::string accurate_version;             ///< sent in heartbeats under the "accurate" key
  double heartbeat_interval = 1;            ///< seconds between heartbeats
  double report_interval = 3;               ///< seconds between stats reports
  double ready_retry = 5;                   ///< seconds between client_ready attempts until an ack comes
  double master_silence = 3.5;              ///< seconds without any message from a master that sends heartbeats
                                            ///< after which it counts as lost (handshake starts again)
  double master_timeout = 60;               ///< seconds without the master after which users stop and the
                                            ///< worker gives up (only once the master was heard at least once)
};

/// What the local runner is doing, for heartbeats and reports.
struct LocalStatus {
  std::string state;                 ///< "ready", "spawning" or "running" (Locust's worker states)
  double cpu_percent = 0;            ///< process CPU use, percent of one core
  std::uint64_t memory_bytes = 0;    ///< resident set size
  ClassCounts users;                 ///< users per class now (every class)
};

/// A spawn the runner must apply.
struct SpawnOrder {
  std::vector<std::uint32_t> counts;        ///< users per class, parallel to WorkerOptions::class_names
  std::optional<std::string> host;          ///< target base URL from the master (none: keep the configured one)
  std::optional<double> stop_timeout;       ///< seconds, from the master
  std::vector<std::string> unknown_classes; ///< class names the master asked for that this worker lacks
};

/// What handling one input asks the process to do.
struct WorkerActions {
  std::vector<Envelope> send;                ///< messages to send, in order
  std::optional<SpawnOrder> spawn;           ///< apply these counts now (start the test if none runs)
  bool stop_users = false;                   ///< stop the test; call onUsersStopped() once it stopped
  bool send_report = false;                  ///< build a stats report and send it (after `send`)
  bool reconnect = false;                    ///< close and reopen the socket (same identity)
  bool quit = false;                         ///< stop the test, send a final report and `quit`, then exit
  std::optional<std::string> fatal;          ///< give up (master lost for master_timeout): stop and exit 1
};

/// The protocol logic of a worker. Threading: one owner thread.
class WorkerCore {
 public:
  explicit WorkerCore(WorkerOptions options);

  /// First step: sends client_ready (-1) at epoch @p now.
  void begin(double now, WorkerActions& out);
  /// Handles one decoded message from the master. Bad payloads are logged (one line) and dropped.
  void onMessage(const Envelope& message, double now, WorkerActions& out);
  /// Advances time: client_ready retries, heartbeats, report timing, master loss. @p local is the runner's
  /// current status.
  void tick(double now, const LocalStatus& local, WorkerActions& out);
  /// The stop asked by stop_users has finished: requests a final report (send_report) now; client_stopped and
  /// client_ready follow from the next tick(), which nextDeadline() makes due at once, so that the report
  /// (sent after `send`) goes out before them.
  void onUsersStopped(double now, WorkerActions& out);
  /// The runner applied a SpawnOrder and now runs @p users (local class names): sends spawning_complete with
  /// the counts under the master's class names (see masterClassCounts).
  void onSpawnApplied(const ClassCounts& users, WorkerActions& out);
  /// @p users (local class names) renamed to the names the master used for them in its last accepted spawn
  /// (local names for classes it never named), sorted by name: for spawning_complete and stats reports.
  ClassCounts masterClassCounts(const ClassCounts& users) const;
  /// Epoch seconds by which tick() must be called next.
  double nextDeadline() const noexcept;
  /// An ack arrived and the master was not lost since.
  bool connected() const noexcept;
  /// The index the master gave in its ack (-1 before).
  std::int64_t index() const noexcept;
  /// Wraps a stats data map in an envelope from this worker.
  Envelope statsMessage(msgpack::Value data) const;
  /// The `quit` message this worker sends as it leaves (after its final report).
  Envelope quitMessage() const;

 private:
  /// Sends client_ready (-1) at @p now and schedules the next attempt.
  void sendReady(double now, WorkerActions& out);
  /// Starts a handshake at @p now (after a stop or a lost master): not connected until the next ack.
  void startHandshake(double now, WorkerActions& out);
  /// Handles the message types that need their payload parsed; may throw msgpack::DecodeError.
  void handleAck(const Envelope& message, double now, WorkerActions& out);
  void handleSpawn(const Envelope& message, WorkerActions& out);
  /// Logs "still waiting" at most every 10 s while no ack comes.
  void logWaiting(double now);
  /// Epoch seconds from which master_timeout counts while no ack comes (once the master was heard).
  double silenceStart() const noexcept;
  /// Gives up: fatal with the silence since the master's last message.
  void giveUp(double now, WorkerActions& out);
  /// An envelope of type @p type from this worker.
  Envelope envelope(std::string_view type, msgpack::Value data) const;

  WorkerOptions options_;                 ///< fixed settings
  std::vector<std::string> master_names_; ///< per local class: the name the master uses for it
  std::set<std::string> warned_unknown_;  ///< unknown class names already warned about
  std::int64_t index_ = -1;               ///< index from the last ack
  bool begun_ = false;                    ///< begin() was called
  bool awaiting_ack_ = false;             ///< client_ready sent, no ack yet
  bool connected_ = false;                ///< acked and not lost since
  bool lost_ = false;                     ///< a heartbeat-sending master went silent (re-handshaking)
  bool heard_ = false;                    ///< any message from the master ever arrived
  bool master_heartbeats_ = false;        ///< the master sent at least one heartbeat (it can be lost)
  bool stopping_ = false;                 ///< stop_users was asked; waiting for onUsersStopped
  bool stopped_pending_ = false;          ///< users stopped: client_stopped + client_ready due on the next tick
  bool done_ = false;                     ///< quit or fatal issued: nothing more to do
  double now_ = 0;                        ///< latest time seen (epoch seconds)
  double last_heard_ = 0;                 ///< epoch seconds of the master's latest message
  double handshake_since_ = 0;            ///< epoch seconds the current handshake began
  double next_ready_ = 0;                 ///< next client_ready attempt (while awaiting_ack_)
  double last_wait_log_ = 0;              ///< epoch seconds of the latest "still waiting" line
  double next_heartbeat_ = 0;             ///< next heartbeat (while connected_)
  double next_report_ = 0;                ///< next stats report (while connected_)
  std::optional<double> last_spawn_timestamp_;  ///< timestamp of the last accepted spawn
};

}  // namespace accurate::cluster
