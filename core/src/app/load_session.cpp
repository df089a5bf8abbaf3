#include "app/load_session.hpp"

#include "app/app.hpp"
#include "app/cluster_run.hpp"
#include "cluster/master.hpp"
#include "plugin/host_impl.hpp"
#include "report/console.hpp"
#include "report/csv.hpp"
#include "report/report_files.hpp"
#include "report/report_json.hpp"
#include "report/report_store.hpp"

#include <accurate/sdk/errors.hpp>

#include <spdlog/spdlog.h>

#include <iostream>

namespace accurate::app {
namespace {

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

/// The options map a master sends in every spawn: what Python workers read from it (tags, expect_workers) and
/// the run's main settings, named as Locust names them.
cluster::msgpack::Value parsedOptions(const config::Config& config) {
  using cluster::msgpack::Nil;
  using cluster::msgpack::Value;
  cluster::msgpack::Map map;
  auto put = [&map](const char* key, Value value) { map.emplace_back(Value(key), std::move(value)); };
  put("host", config.host.empty() ? Value(Nil{}) : Value(config.host));
  put("num_users", Value(static_cast<std::uint64_t>(config.users)));
  put("spawn_rate", Value(config.spawn_rate));
  put("run_time", config.run_time ? Value(static_cast<std::uint64_t>(config.run_time->count() / 1000)) : Value(Nil{}));
  put("stop_timeout", Value(std::chrono::duration<double>(config.stop_timeout).count()));
  put("expect_workers", Value(static_cast<std::uint64_t>(config.expect_workers)));
  put("enable_rebalancing", Value(config.enable_rebalancing));
  put("tags", Value(Nil{}));
  put("exclude_tags", Value(Nil{}));
  put("user_classes", Value(cluster::msgpack::Array{}));
  return Value(std::move(map));
}

/// A master's settings from the config and the registered user classes.
cluster::MasterSettings masterSettings(const config::Config& config, const plugin::Registrations& registrations,
                                       std::function<void(std::shared_ptr<const sdk::StatsSnapshot>)> on_snapshot,
                                       std::function<void(runtime::RunState)> on_state) {
  cluster::MasterSettings settings;
  for (const auto& cls : registrations.user_classes)
    settings.protocol.classes.push_back({cls.spec.name, cls.spec.weight, cls.spec.fixed_count});
  settings.protocol.rebalancing = config.enable_rebalancing;
  settings.protocol.stop_timeout = std::chrono::duration<double>(config.stop_timeout).count();
  settings.protocol.parsed_options = parsedOptions(config);
  settings.bind_host = config.master_bind_host;
  settings.bind_port = config.master_bind_port;
  if (config.cluster_key_dir) settings.keys = cluster::loadMasterKeys(*config.cluster_key_dir);
  settings.host = config.host;
  settings.run_time = config.run_time;
  settings.shape = shapeStages(config);
  settings.on_snapshot = std::move(on_snapshot);
  settings.on_state = std::move(on_state);
  return settings;
}

double nowEpoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

LoadSession::LoadSession(const config::Config& config,
                         const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins, std::FILE* console)
    : config_(config), console_(console), thresholds_(parseConfiguredThresholds(config)), host_(config.host) {
  const sdk::RunSettings settings = config.runSettings();
  registrations_ = plugin::configurePlugins(plugins, config.plugin_sections, settings);
  if (registrations_.user_classes.empty())
    throw sdk::ConfigError("$.plugins", "no loaded plugin provides a user class (try --plugins http)");

  auto on_snapshot = [this](std::shared_ptr<const sdk::StatsSnapshot> snapshot) {
    if (worker_reports_) worker_reports_->onSnapshot(snapshot);
    for (auto& sink : registrations_.sinks) sink.sink->onSnapshot(snapshot);
  };
  auto on_state = [this](runtime::RunState state) { onState(state); };
  if (config.master) {
    control_ = std::make_unique<cluster::Master>(masterSettings(config, registrations_, on_snapshot, on_state));
    return;
  }
  if (config.worker) worker_reports_ = std::make_unique<cluster::ReportBuilder>();
  runtime::RunnerOptions options;
  for (auto& cls : registrations_.user_classes) options.classes.push_back(cls.spec);
  for (auto& phase : registrations_.setup_phases) options.setup_phases.push_back({phase.name, phase.run});
  for (auto& observer : registrations_.change_observers) options.change_observers.push_back(observer.observer);
  options.settings = settings;
  options.arrival_rate = config.arrival_rate;
  if (!config.worker) options.shape = shapeStages(config);  // a worker's users come from its master
  options.seed = config.seed;
  options.on_snapshot = std::move(on_snapshot);
  options.on_state = std::move(on_state);
  auto runner = std::make_unique<runtime::Runner>(std::move(options));
  local_runner_ = runner.get();
  control_ = std::move(runner);
}

LoadSession::~LoadSession() {
  try {
    control_->shutdown();
  } catch (const std::exception& e) {
    spdlog::error("shutting the runner down: {}", e.what());
  }
}

std::string LoadSession::host() const {
  std::lock_guard lock(mutex_);
  return host_;
}

runtime::CommandResult LoadSession::start(std::uint32_t users, double spawn_rate,
                                          std::optional<runtime::TestSettings> test) {
  const std::string host = test ? test->host : this->host();
  runtime::CommandResult result = control_->start(users, spawn_rate, std::move(test)).get();
  if (result.accepted) {
    std::lock_guard lock(mutex_);
    host_ = host;
  }
  return result;
}

void LoadSession::onState(runtime::RunState state) {
  // Runs on the runner's control thread: only quick work here; finishing a test happens on the main thread.
  if (state == runtime::RunState::kSetup) {
    std::lock_guard lock(mutex_);
    test_started_ = false;
  } else if (state == runtime::RunState::kSpawning) {
    sdk::TestStartInfo info{nowEpoch(), host(), config_.users};
    {
      std::lock_guard lock(mutex_);
      if (test_started_) return;
      test_started_ = true;
    }
    for (auto& listener : registrations_.listeners) listener.listener->onTestStart(info);
  } else if (state == runtime::RunState::kStopped) {
    FinishedTest test{control_->latestSnapshot(), host(), control_->setupFailure()};
    {
      std::lock_guard lock(mutex_);
      finished_.push_back(std::move(test));
    }
    finished_changed_.notify_all();
  }
}

std::optional<FinishedTest> LoadSession::nextFinished(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!finished_changed_.wait_for(lock, timeout, [this] { return !finished_.empty(); })) return std::nullopt;
  FinishedTest test = std::move(finished_.front());
  finished_.pop_front();
  return test;
}

void LoadSession::hurryListeners() {
  for (auto& listener : registrations_.listeners) {
    try {
      listener.listener->onStopHurried();
    } catch (const std::exception& e) {
      spdlog::warn("plugin '{}': onStopHurried failed: {}", listener.plugin, e.what());
    }
  }
}

TestOutcome LoadSession::finish(const FinishedTest& test) {
  const sdk::StatsSnapshot& snapshot = *test.snapshot;
  report::ReportMeta meta;
  const bool persist = !config_.worker;  // a worker's stats reach its master's report
  if (persist) meta.id = report::ReportStore::makeId();
  meta.start_time = snapshot.start_time;
  meta.end_time = snapshot.time;
  meta.max_users = snapshot.max_users;
  meta.host = test.host;
  meta.config = config_.redacted();
  meta.workers = workersJson(control_->workers());
  for (auto& listener : registrations_.listeners) {
    listener.listener->onTestStop(snapshot);
    boost::json::value section = listener.listener->reportSection(snapshot);
    if (!section.is_null()) meta.plugins[listener.plugin] = std::move(section);
  }
  for (auto& sink : registrations_.sinks) sink.sink->flush();
  meta.thresholds = report::evaluateThresholds(thresholds_, snapshot);
  int exit_code = kExitOk;
  if (!test.setup_failure.empty())
    exit_code = kExitRequestsFailed;  // whatever --exit-code-on-error says: the load never ran
  else if (!report::allPassed(meta.thresholds))
    exit_code = kExitThresholdBroken;
  else if (snapshot.total.num_failures > 0)
    exit_code = config_.exit_code_on_error;
  meta.exit_code = exit_code;

  const report::ReportFiles files = report::buildReportFiles(snapshot, meta);
  report::ReportStore store(config_.reports_dir);
  const std::string id = persist ? store.write(files, meta.id) : std::string();
  const double duration_s = std::max(0.0, meta.end_time - meta.start_time);
  if (config_.csv_prefix) report::writeCsvFiles(*config_.csv_prefix, snapshot, duration_s);
  for (const auto& [name, content] : files) {
    if (config_.html_file && name == "report.html") report::writeFileAtomically(*config_.html_file, content);
    if (config_.json && name == "report.json") std::cout << content << std::flush;
  }

  std::string summary = report::formatStatsTable(snapshot) + "\n" + report::formatPercentiles(snapshot);
  if (!snapshot.errors.empty()) summary += "\n" + report::formatFailures(snapshot);
  if (!snapshot.exceptions.empty()) summary += "\n" + report::formatExceptions(snapshot);
  if (!snapshot.counters.empty()) summary += "\n" + report::formatCounters(snapshot);
  if (!meta.thresholds.empty()) summary += "\n" + report::formatThresholdResults(meta.thresholds);
  if (!meta.workers.empty()) summary += "\n" + formatWorkers(control_->workers());
  std::fputs(summary.c_str(), console_);
  std::fflush(console_);
  if (persist) spdlog::info("report written to {}", (store.directory() / id).string());
  return TestOutcome{exit_code, id};
}

}  // namespace accurate::app
