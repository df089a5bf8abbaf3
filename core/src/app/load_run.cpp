#include "app/load_run.hpp"

#include "app/app.hpp"
#include "plugin/host_impl.hpp"
#include "report/console.hpp"
#include "report/csv.hpp"
#include "report/report_files.hpp"
#include "report/report_json.hpp"
#include "report/report_store.hpp"
#include "report/thresholds.hpp"
#include "runtime/runner.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

namespace accurate::app {
namespace {

/// Turns SIGINT/SIGTERM into a graceful runner stop, from a thread of its own.
class StopOnSignal {
 public:
  explicit StopOnSignal(runtime::Runner& runner) : signals_(io_, SIGINT, SIGTERM), runner_(runner) {
    wait();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~StopOnSignal() {
    io_.stop();
    thread_.join();
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  void wait() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) return;
      if (++count_ == 1)
        spdlog::info("{} received: stopping (users finish their current task; Ctrl-C again to hurry)",
                     signal == SIGINT ? "SIGINT" : "SIGTERM");
      else
        spdlog::warn("stopping already; waiting for users to finish");
      runner_.stop();
      wait();
    });
  }

  boost::asio::io_context io_;          ///< runs only the signal wait
  boost::asio::signal_set signals_;     ///< SIGINT and SIGTERM
  runtime::Runner& runner_;             ///< what to stop
  int count_ = 0;                       ///< signals received
  std::thread thread_;                  ///< runs io_
};

/// The shape stages of the config in the runner's terms.
std::vector<runtime::ShapeStage> shapeStages(const config::Config& config) {
  std::vector<runtime::ShapeStage> stages;
  for (const auto& stage : config.shape) stages.push_back({stage.duration, stage.users, stage.spawn_rate});
  return stages;
}

/// Thresholds from the config (parsed before the run, so a bad one is a configuration error).
std::vector<report::Threshold> parseConfiguredThresholds(const config::Config& config) {
  std::vector<report::Threshold> thresholds;
  for (std::size_t i = 0; i < config.thresholds.size(); ++i)
    thresholds.push_back(report::parseThreshold(config.thresholds[i], "$.thresholds[" + std::to_string(i) + "]"));
  return thresholds;
}

}  // namespace

int runLoad(const config::Config& config, const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins) {
  if (config.master || config.worker)
    throw sdk::ConfigError(config.master ? "--master" : "--worker",
                           "cluster mode is not part of this build yet (it arrives with the cluster release)");
  if (!config.headless) spdlog::info("the web UI is not part of this build yet: running headless");
  config::requireHost(config);
  const auto thresholds = parseConfiguredThresholds(config);
  const sdk::RunSettings settings = config.runSettings();
  plugin::Registrations registrations = plugin::configurePlugins(plugins, config.plugin_sections, settings);
  if (registrations.user_classes.empty())
    throw sdk::ConfigError("$.plugins", "no loaded plugin provides a user class (try --plugins http)");

  runtime::RunnerOptions options;
  for (auto& cls : registrations.user_classes) options.classes.push_back(cls.spec);
  for (auto& phase : registrations.setup_phases) options.setup_phases.push_back({phase.name, phase.run});
  options.settings = settings;
  options.arrival_rate = config.arrival_rate;
  options.shape = shapeStages(config);
  options.seed = config.seed;
  options.on_snapshot = [&registrations](std::shared_ptr<const sdk::StatsSnapshot> snapshot) {
    for (auto& sink : registrations.sinks) sink.sink->onSnapshot(snapshot);
  };
  std::atomic<bool> load_started{false};
  options.on_state = [&](runtime::RunState state) {
    if (state == runtime::RunState::kSpawning && !load_started.exchange(true)) {
      sdk::TestStartInfo info{std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(),
                              settings.host, config.users};
      for (auto& listener : registrations.listeners) listener.listener->onTestStart(info);
    }
  };

  std::FILE* console = config.json ? stderr : stdout;
  runtime::Runner runner(std::move(options));
  {
    StopOnSignal stop_on_signal(runner);
    const auto started = runner.start(config.users, config.spawn_rate).get();
    if (!started.accepted) throw sdk::Error("cannot start the run: " + started.reason);
    spdlog::info("run started: {} users at {}/s against {}{}", config.users, config.spawn_rate, settings.host,
                 config.run_time ? fmt::format(" for {} s", config.run_time->count() / 1000.0) : "");
    const auto interval = config.print_stats && config.print_stats_interval.count() > 0
                              ? config.print_stats_interval
                              : std::chrono::milliseconds(500);
    while (!runner.waitUntilStopped(interval)) {
      if (config.print_stats && config.print_stats_interval.count() > 0) {
        const std::string table = report::formatStatsTable(*runner.latestSnapshot());
        std::fputs(table.c_str(), console);
        std::fputs("\n", console);
        std::fflush(console);
      }
    }
  }
  const auto final_snapshot = runner.latestSnapshot();

  report::ReportMeta meta;
  meta.id = report::ReportStore::makeId();
  meta.start_time = final_snapshot->start_time;
  meta.end_time = final_snapshot->time;
  meta.max_users = final_snapshot->max_users;
  meta.host = settings.host;
  meta.config = config.redacted();
  for (auto& listener : registrations.listeners) {
    listener.listener->onTestStop(*final_snapshot);
    boost::json::value section = listener.listener->reportSection(*final_snapshot);
    if (!section.is_null()) meta.plugins[listener.plugin] = std::move(section);
  }
  for (auto& sink : registrations.sinks) sink.sink->flush();
  meta.thresholds = report::evaluateThresholds(thresholds, *final_snapshot);
  int exit_code = kExitOk;
  const std::string setup_failure = runner.setupFailure();
  if (!setup_failure.empty())
    exit_code = kExitRequestsFailed;  // whatever --exit-code-on-error says: the load never ran
  else if (!report::allPassed(meta.thresholds))
    exit_code = kExitThresholdBroken;
  else if (final_snapshot->total.num_failures > 0)
    exit_code = config.exit_code_on_error;
  meta.exit_code = exit_code;

  const report::ReportFiles files = report::buildReportFiles(*final_snapshot, meta);
  report::ReportStore store(config.reports_dir);
  const std::string id = store.write(files, meta.id);
  const double duration_s = std::max(0.0, meta.end_time - meta.start_time);
  if (config.csv_prefix) report::writeCsvFiles(*config.csv_prefix, *final_snapshot, duration_s);
  for (const auto& [name, content] : files) {
    if (config.html_file && name == "report.html") report::writeFileAtomically(*config.html_file, content);
    if (config.json && name == "report.json") std::cout << content << std::flush;
  }

  std::string summary = report::formatStatsTable(*final_snapshot) + "\n" + report::formatPercentiles(*final_snapshot);
  if (!final_snapshot->errors.empty()) summary += "\n" + report::formatFailures(*final_snapshot);
  if (!final_snapshot->exceptions.empty()) summary += "\n" + report::formatExceptions(*final_snapshot);
  if (!final_snapshot->counters.empty()) summary += "\n" + report::formatCounters(*final_snapshot);
  if (!meta.thresholds.empty()) summary += "\n" + report::formatThresholdResults(meta.thresholds);
  std::fputs(summary.c_str(), console);
  std::fflush(console);
  spdlog::info("report written to {}", (store.directory() / id).string());
  runner.shutdown();
  return exit_code;
}

}  // namespace accurate::app
