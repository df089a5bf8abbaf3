#pragma once
/// @file loader.hpp
/// Builds the effective Config from defaults < config file < environment < command line, for the core
/// options and for the options plugins declared.

#include "config/config.hpp"
#include "config/environment.hpp"

#include <accurate/sdk/host.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace accurate::config {

/// A loaded plugin as the configuration sees it: its name (= its config section's key) and its options.
struct PluginDeclaration {
  std::string name;                       ///< plugin name, e.g. "http"
  std::vector<sdk::OptionSpec> options;   ///< the CLI options it declared
};

/// The values given on the command line, already checked and normalised (see parseCommandLine).
struct CommandLineValues {
  std::optional<std::string> config_file;  ///< -f/--config FILE
  boost::json::object core;                ///< core option JSON key -> normalised value
  boost::json::object plugins;             ///< plugin name -> {OptionSpec::key -> value}
};

/// Merges defaults, the config file (from @p cli's config_file, else the environment's ACCURATE_CONFIG), the
/// environment and @p cli into the effective configuration. Every plugin in @p plugins gets a section in
/// Config::plugin_sections. Empty environment variables count as unset.
/// @throws sdk::ConfigError naming the source and JSON path, e.g.
///   `config.jsonc: $.users: expected a non-negative integer, got "ten"`,
///   `environment ACCURATE_USERS: expected ...`, `config.jsonc: $.uzers: unknown key (did you mean "users"?)`.
Config loadConfig(const CommandLineValues& cli, const EnvLookup& env, const std::vector<PluginDeclaration>& plugins);

}  // namespace accurate::config
