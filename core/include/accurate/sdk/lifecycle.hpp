#pragma once
/// @file lifecycle.hpp
/// Lifecycle listeners (e.g. Digaas): hear test start and stop, and may add a section to the persisted report.

#include <accurate/sdk/stats.hpp>

#include <boost/json/value.hpp>

#include <string>

namespace accurate::sdk {

/// What is known when the load phase starts.
struct TestStartInfo {
  double start_time = 0;   ///< epoch seconds when the load phase began
  std::string host;        ///< target base URL
  std::uint32_t users = 0; ///< target user count
};

/// Hears the test's lifecycle.
/// Threading: called from the runner's control thread, never concurrently; may block briefly (onTestStop and
/// reportSection may do network I/O of their own, bounded by their own timeouts).
class LifecycleListener {
 public:
  virtual ~LifecycleListener() = default;
  /// The load phase started (after the setup phase and the stats reset).
  virtual void onTestStart(const TestStartInfo&) {}
  /// The test stopped; @p final_snapshot is the last snapshot of the load phase.
  virtual void onTestStop(const StatsSnapshot& final_snapshot) { (void)final_snapshot; }
  /// The user asked again to stop (a second Ctrl-C or SIGTERM) while onTestStop may be running: make it return
  /// within about a second, leaving out what it could not finish (its report section should say so).
  /// Threading: called from the signal thread, possibly while onTestStop runs on the control thread; must be
  /// thread-safe and must not block. Since ABI 1.2.
  virtual void onStopHurried() {}
  /// The section this listener adds to report.json under `plugins.<plugin name>`; null for none.
  virtual boost::json::value reportSection(const StatsSnapshot& final_snapshot) {
    (void)final_snapshot;
    return nullptr;
  }
};

}  // namespace accurate::sdk
