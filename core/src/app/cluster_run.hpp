#pragma once
/// @file cluster_run.hpp
/// The cluster roles of the `accurate` process: a worker serving its master, a headless master waiting for its
/// workers, `--processes N` (a master plus N forked local workers), `cluster keygen`, and how workers are shown.

#include "app/load_session.hpp"
#include "config/config.hpp"
#include "plugin/loader.hpp"
#include "runtime/load_control.hpp"

#include <boost/json/array.hpp>

#include <memory>
#include <string>
#include <vector>

namespace accurate::app {

/// The "workers" array of a report: {id, state, users, cpu_percent, memory_bytes, last_heartbeat, kind}.
boost::json::array workersJson(const std::vector<runtime::WorkerStatus>& workers);
/// A console table of @p workers (one line each), ending in a newline; "" when there are none.
std::string formatWorkers(const std::vector<runtime::WorkerStatus>& workers);

/// Serves the master at --master-host/--master-port until it says quit (0), a signal (0), or the master is lost
/// for --master-timeout (1). Each test the worker ran is finished locally (summary, and --json/--csv/--html when
/// asked); no report is persisted.
int runWorker(const config::Config& config, LoadSession& session);

/// Headless master: waits until --expect-workers workers are connected (a line a second while waiting).
/// Returns false (after logging why) when --expect-workers-max-wait passed or @p give_up became true first.
bool waitForWorkers(const config::Config& config, runtime::LoadControl& master, const std::atomic<bool>& give_up);

/// Local workers started by `--processes N`.
struct LocalWorkers {
  config::Config master_config;  ///< the config the parent runs as the master
  std::vector<int> pids;         ///< the forked workers' process ids
};
/// `--processes N`: forks N local workers (each runs runWorker against this process) and returns what the
/// parent needs. In a child, runs the worker and exits the process with its code (never returns). Call before
/// any thread is started.
LocalWorkers forkLocalWorkers(const config::Config& config,
                              const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins);
/// Waits (bounded by @p timeout_ms) for @p pids to exit, then kills what is left.
void reapLocalWorkers(std::vector<int> pids, int timeout_ms);

/// `accurate cluster keygen --cluster-key-dir DIR [--name NAME]`. Returns the exit code.
int runClusterKeygen(const config::Config& config, const std::vector<std::string>& args);

}  // namespace accurate::app
