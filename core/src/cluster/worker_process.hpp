#pragma once
/// @file worker_process.hpp
/// A cluster worker: runs WorkerCore on its own thread over a DEALER socket and applies what the master asks to
/// the local runner; reports are built from the runner's snapshots by a ReportBuilder.

#include "cluster/report_builder.hpp"
#include "cluster/transport.hpp"
#include "cluster/worker_core.hpp"
#include "runtime/runner.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace accurate::cluster {

/// Everything a worker needs.
struct WorkerSettings {
  WorkerOptions protocol;               ///< node id, class names, intervals, master timeout
  std::string master_host = "127.0.0.1";///< --master-host
  std::uint16_t master_port = 5557;     ///< --master-port
  std::optional<WorkerKeys> keys;       ///< CURVE keys (--cluster-key-dir)
  std::string default_host;             ///< target when the master sends none
  std::chrono::milliseconds stop_timeout{0};  ///< the runner's stop timeout: a quit waits this + 10 s at most
                                              ///< for the users to stop
};

/// A new node id: "<hostname>_<32 hex>" with any '_' in the host name replaced by '-'.
std::string makeNodeId();

/// Threading: construct and run() on the main thread; requestQuit() from any thread (signal watcher).
class WorkerProcess {
 public:
  /// @p runner runs the users; @p reports must receive the runner's snapshots (on_snapshot) for as long as this
  /// object lives. Both outlive this object.
  WorkerProcess(WorkerSettings settings, runtime::Runner& runner, ReportBuilder& reports);
  ~WorkerProcess();
  /// Connects and serves the master until it says quit (returns 0), requestQuit() (0; `quit` is sent), or the
  /// master is lost for master_timeout (returns 1 after logging one line).
  int run();
  /// Makes run() stop the users, send a final report and `quit`, and return. Any thread.
  void requestQuit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  ///< all state
};

}  // namespace accurate::cluster
