#pragma once
/// @file command_line.hpp
/// The command line (cxxopts) built from the core option table and the options plugins declared.

#include "config/loader.hpp"

#include <string>
#include <vector>

namespace accurate::config {

/// The outcome of parsing the options of one command line.
struct ParsedCommandLine {
  bool help = false;                    ///< -h/--help was given
  bool version = false;                 ///< --version was given
  CommandLineValues values;             ///< the option values, checked and normalised
  std::vector<std::string> positional;  ///< arguments that are not options, in order
};

/// A sub-command as --help lists it.
struct CommandHelp {
  std::string name;  ///< words after `accurate`, e.g. "report show ID"
  std::string help;  ///< one line
};

/// Parses @p args (the arguments after the program name and any sub-command words) against the core options
/// and the options of @p plugins. Repeated list options (--threshold, --plugins) accumulate; for other options
/// the last one wins. Boolean flags take an optional `=VALUE` (--print-stats=false).
/// @throws sdk::ConfigError e.g. `--run-time: cannot parse duration "5x" (use e.g. 30s, 5m, 1h30m)`,
///         `--uzers: unknown option (did you mean --users?)`, or for a plugin flag that is already taken.
ParsedCommandLine parseCommandLine(const std::vector<std::string>& args, const std::vector<PluginDeclaration>& plugins);

/// The arguments of a sub-command line split in two: `options` holds the core and plugin options (with their
/// values) for parseCommandLine(); `command` holds, in order, everything else — non-option words, options no one
/// declared (with any value that follows them as a separate word), and every argument after `--` — for the
/// sub-command to interpret (e.g. `accurate designate prepare --zones 5`, `accurate ctl wait running --timeout 30`).
struct SplitArguments {
  std::vector<std::string> options;  ///< arguments for parseCommandLine()
  std::vector<std::string> command;  ///< arguments for the sub-command
};
SplitArguments splitCommandArguments(const std::vector<std::string>& args, const std::vector<PluginDeclaration>& plugins);

/// The --help text: usage, @p commands, core options, then each plugin's options under its name, and how
/// the environment and the config file map to options.
std::string helpText(const std::vector<PluginDeclaration>& plugins, const std::vector<CommandHelp>& commands);

/// The --version text, e.g. "accurate 0.1.0 (plugin ABI 1.0)".
std::string versionText();

}  // namespace accurate::config
