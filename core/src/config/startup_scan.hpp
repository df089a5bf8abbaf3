#pragma once
/// @file startup_scan.hpp
/// What main needs before the full option parse: the plugin list (plugins must be loaded and declare their
/// options before the command line can be parsed) and the sub-command, if any.

#include "config/environment.hpp"

#include <string>
#include <vector>

namespace accurate::config {

/// The plugins to load, from --plugins (CLI) > ACCURATE_PLUGINS (environment) > "plugins" in the config file
/// (given by -f/--config, else ACCURATE_CONFIG). Repeated --plugins accumulate; names are trimmed, empty ones
/// dropped and duplicates removed (first one kept). @p args excludes the program name.
/// @throws sdk::ConfigError when the config file cannot be read or its "plugins" is not a list of strings.
std::vector<std::string> prescanPlugins(const std::vector<std::string>& args, const EnvLookup& env);

/// A sub-command found at the start of the command line.
struct SubcommandMatch {
  std::string command;             ///< the matched command, e.g. "report show"; "" when none matched
  std::vector<std::string> rest;   ///< the arguments after the command words (all arguments when none matched)
};

/// Matches the leading non-option arguments of @p args (program name excluded) against @p known command
/// names (words separated by single spaces, e.g. "report list") and returns the longest match.
/// `accurate report show 42 --json` with known {"report list", "report show"} gives {"report show", {"42", "--json"}}.
SubcommandMatch matchSubcommand(const std::vector<std::string>& args, const std::vector<std::string>& known);

}  // namespace accurate::config
