#pragma once
/// @file load_run.hpp
/// A load run from start to persisted report: configure plugins, run the runner, print, report, exit code.

#include "config/config.hpp"
#include "plugin/loader.hpp"

#include <accurate/sdk/stats.hpp>

#include <cstdio>

#include <memory>
#include <vector>

namespace accurate::app {

/// Prints the console stats table of @p snapshot to @p console.
void printStatsTable(const sdk::StatsSnapshot& snapshot, std::FILE* console);

/// Configures @p plugins with @p config, runs the load until the run time ends or SIGINT/SIGTERM, writes the
/// report directory (and --csv/--html/--json outputs), prints the summary, and returns the exit code. Without
/// --headless it serves the web UI instead and runs the tests started there until SIGINT/SIGTERM (one report
/// per test; the exit code is the last test's).
/// Throws sdk::ConfigError (exit code 2) for configuration problems found before the run starts.
int runLoad(const config::Config& config, const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins);

}  // namespace accurate::app
