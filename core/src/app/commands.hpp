#pragma once
/// @file commands.hpp
/// The sub-commands: `plugins`, `report list`, `report show ID`, and those plugins declare.

#include "config/config.hpp"
#include "plugin/registrations.hpp"
#include "plugin/registry.hpp"

#include <string>
#include <vector>

namespace accurate::app {

/// Prints one line per available plugin: name, version, what it provides, description; then any manifest that
/// had to be skipped. Returns the exit code.
int listPlugins(const plugin::PluginRegistry& registry);

/// Prints the reports in config.reports_dir, newest first. Returns the exit code.
int listReports(const config::Config& config);

/// Prints the report named by args[0] (an id or a unique prefix). Throws sdk::Error for a missing or unknown id.
int showReport(const config::Config& config, const std::vector<std::string>& args);

/// Runs a plugin's sub-command with its config section and the run settings. Returns its exit code.
int runPluginCommand(const plugin::DeclaredCommand& command, const config::Config& config,
                     const std::vector<std::string>& args);

}  // namespace accurate::app
