#pragma once
/// @file load_session.hpp
/// One process's load: the configured plugins, the load control (a local runner, or a cluster master driving
/// workers), and what happens when a test stops (listeners, thresholds, the persisted report, the console
/// summary). Shared by the headless run, the web UI mode and the cluster worker.

#include "cluster/report_builder.hpp"
#include "config/config.hpp"
#include "plugin/loader.hpp"
#include "plugin/registrations.hpp"
#include "report/thresholds.hpp"
#include "runtime/load_control.hpp"
#include "runtime/runner.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace accurate::app {

/// A test that reached Stopped, as the runner left it.
struct FinishedTest {
  std::shared_ptr<const sdk::StatsSnapshot> snapshot;  ///< the final snapshot of the test
  std::string host;                                    ///< the test's target base URL
  std::string setup_failure;                           ///< why its setup failed ("" when it did not)
};

/// What finishing a test produced.
struct TestOutcome {
  int exit_code = 0;        ///< the exit code this test alone would give the process
  std::string report_id;    ///< id of the persisted report
};

/// The plugins' registrations and the load control of one process.
/// Threading: construct, finish() and the destructor on the main thread; control() from any thread.
class LoadSession {
 public:
  /// Configures @p plugins with @p config (throws sdk::ConfigError for configuration problems) and creates the
  /// load control (threads started, nothing running): a cluster::Master with --master (binds its port: throws
  /// sdk::Error when it cannot), else a local runner (with --worker, its snapshots also feed workerReports()).
  /// @p console receives the summary of each finished test.
  LoadSession(const config::Config& config, const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins,
              std::FILE* console);
  /// Shuts the load control down.
  ~LoadSession();
  LoadSession(const LoadSession&) = delete;
  LoadSession& operator=(const LoadSession&) = delete;

  /// The load control (runner or master).
  runtime::LoadControl& control() noexcept { return *control_; }
  /// The local runner; nullptr on a master.
  runtime::Runner* localRunner() noexcept { return local_runner_; }
  /// What a worker reports to its master, fed by the runner's snapshots; nullptr unless --worker.
  cluster::ReportBuilder* workerReports() noexcept { return worker_reports_.get(); }
  /// What the plugins registered.
  const plugin::Registrations& registrations() const noexcept { return registrations_; }
  /// The target host of the current (or last) test.
  std::string host() const;
  /// Starts a test with the configured users and spawn rate, or with @p test's host and run time.
  runtime::CommandResult start(std::uint32_t users, double spawn_rate,
                               std::optional<runtime::TestSettings> test = std::nullopt);

  /// The next test that stopped and was not finished yet, waiting up to @p timeout for one.
  std::optional<FinishedTest> nextFinished(std::chrono::milliseconds timeout);
  /// Hears listeners' onTestStop and report sections, evaluates thresholds, writes the report directory and
  /// the --csv/--html/--json outputs, prints the summary. A worker persists no report (its master does) and
  /// writes only the outputs asked for. Throws sdk::Error when the report cannot be written.
  TestOutcome finish(const FinishedTest& test);
  /// Tells every lifecycle listener to cut its onTestStop short (a second stop signal). Any thread.
  void hurryListeners();

 private:
  void onState(runtime::RunState state);

  const config::Config& config_;                   ///< the effective configuration
  std::FILE* console_;                             ///< where summaries go
  std::vector<report::Threshold> thresholds_;      ///< parsed thresholds
  plugin::Registrations registrations_;            ///< what the plugins registered
  mutable std::mutex mutex_;                       ///< guards the fields below
  std::condition_variable finished_changed_;       ///< signalled when finished_ grows
  std::deque<FinishedTest> finished_;              ///< stopped tests not finished yet
  std::string host_;                               ///< target of the current test
  bool test_started_ = false;                      ///< the current test reached its load phase (listeners told)
  std::unique_ptr<cluster::ReportBuilder> worker_reports_;  ///< a worker's pending reports (--worker only)
  runtime::Runner* local_runner_ = nullptr;        ///< control_ when it is a local runner
  std::unique_ptr<runtime::LoadControl> control_;  ///< the load control (last: its callbacks use the fields above)
};

}  // namespace accurate::app
