#include "app/load_run.hpp"

#include "app/app.hpp"
#include "app/cluster_run.hpp"
#include "app/load_session.hpp"
#include "app/signal_watch.hpp"
#include "app/web_run.hpp"
#include "report/console.hpp"

#include <accurate/sdk/errors.hpp>

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace accurate::app {
namespace {

/// Starts at once with the configured users and stops after the run time (or a signal); one report.
int runHeadless(const config::Config& config, LoadSession& session, std::FILE* console) {
  std::atomic<bool> giving_up{false};  // a signal while a master waits for its workers
  SignalWatch signals([&session, &giving_up](int signal, int count) {
    if (count == 1)
      spdlog::info("{} received: stopping (users finish their current task; Ctrl-C again to hurry)",
                   signal == SIGINT ? "SIGINT" : "SIGTERM");
    else
      spdlog::warn("stopping already; waiting for users to finish (plugins cut their end-of-test work short)");
    if (count > 1) session.hurryListeners();
    session.control().stop();
    giving_up.store(true);
  });
  if (config.master && !waitForWorkers(config, session.control(), giving_up)) return kExitRequestsFailed;
  const auto started = session.start(config.users, config.spawn_rate);
  if (!started.accepted) throw sdk::Error("cannot start the run: " + started.reason);
  spdlog::info("run started: {} users at {}/s against {}{}", config.users, config.spawn_rate, config.host,
               config.run_time ? fmt::format(" for {} s", config.run_time->count() / 1000.0) : "");
  const bool print_table = config.print_stats && config.print_stats_interval.count() > 0;
  const auto interval = print_table ? config.print_stats_interval : std::chrono::milliseconds(500);
  for (;;) {
    if (auto finished = session.nextFinished(interval)) return session.finish(*finished).exit_code;
    if (print_table) {
      printStatsTable(*session.control().latestSnapshot(), console);
      if (config.master) std::fputs(formatWorkers(session.control().workers()).c_str(), console);
    }
  }
}

}  // namespace

void printStatsTable(const sdk::StatsSnapshot& snapshot, std::FILE* console) {
  const std::string table = report::formatStatsTable(snapshot);
  std::fputs(table.c_str(), console);
  std::fputs("\n", console);
  std::fflush(console);
}

int runLoad(const config::Config& config, const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins) {
  if (config.processes) {
    if (config.headless) config::requireHost(config);
    LocalWorkers local = forkLocalWorkers(config, plugins);  // before any thread exists
    int code = kExitInternalError;
    try {
      code = runLoad(local.master_config, plugins);
    } catch (...) {
      reapLocalWorkers(std::move(local.pids), 0);
      throw;
    }
    reapLocalWorkers(std::move(local.pids), 10000);
    return code;
  }
  if (config.headless && !config.worker) config::requireHost(config);
  std::FILE* console = config.json ? stderr : stdout;
  LoadSession session(config, plugins, console);
  if (config.worker) return runWorker(config, session);
  return config.headless ? runHeadless(config, session, console) : runWithWebUi(config, session, console);
}

}  // namespace accurate::app
