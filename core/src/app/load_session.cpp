#include "app/load_session.hpp"

#include "app/app.hpp"
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

  runtime::RunnerOptions options;
  for (auto& cls : registrations_.user_classes) options.classes.push_back(cls.spec);
  for (auto& phase : registrations_.setup_phases) options.setup_phases.push_back({phase.name, phase.run});
  options.settings = settings;
  options.arrival_rate = config.arrival_rate;
  options.shape = shapeStages(config);
  options.seed = config.seed;
  options.on_snapshot = [this](std::shared_ptr<const sdk::StatsSnapshot> snapshot) {
    for (auto& sink : registrations_.sinks) sink.sink->onSnapshot(snapshot);
  };
  options.on_state = [this](runtime::RunState state) { onState(state); };
  runner_ = std::make_unique<runtime::Runner>(std::move(options));
}

LoadSession::~LoadSession() {
  try {
    runner_->shutdown();
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
  runtime::CommandResult result = runner_->start(users, spawn_rate, std::move(test)).get();
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
    FinishedTest test{runner_->latestSnapshot(), host(), runner_->setupFailure()};
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

TestOutcome LoadSession::finish(const FinishedTest& test) {
  const sdk::StatsSnapshot& snapshot = *test.snapshot;
  report::ReportMeta meta;
  meta.id = report::ReportStore::makeId();
  meta.start_time = snapshot.start_time;
  meta.end_time = snapshot.time;
  meta.max_users = snapshot.max_users;
  meta.host = test.host;
  meta.config = config_.redacted();
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
  const std::string id = store.write(files, meta.id);
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
  std::fputs(summary.c_str(), console_);
  std::fflush(console_);
  spdlog::info("report written to {}", (store.directory() / id).string());
  return TestOutcome{exit_code, id};
}

}  // namespace accurate::app
