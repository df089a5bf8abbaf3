#pragma once
/// @file options.hpp
/// The command line of the `accurate` executable: the steps main() takes, bound to the real process
/// (argv, environment). The logic lives in core/src/config (unit-tested there).
///
/// Start-up order in main():
///  1. `auto plugins = prescanPlugins(argc, argv);` then load them and collect their declarations;
///  2. `auto sub = matchSubcommand(argc, argv, {"plugins", "report list", "report show", <plugin commands>});`
///  3. `auto options = parseOptions(sub.rest, declarations, commands_for_help, !sub.command.empty());`
///     kHelp/kVersion: print options.text, exit 0. sdk::ConfigError anywhere: print what(), exit 2.
///  4. kRun: use options.config (Host::config() = config.pluginSection(name), settings = config.runSettings()).

#include "config/command_line.hpp"
#include "config/config.hpp"
#include "config/loader.hpp"
#include "config/startup_scan.hpp"

#include <string>
#include <vector>

namespace accurate::app {

/// The arguments after the program name.
std::vector<std::string> arguments(int argc, char** argv);

/// The plugins to load (see config::prescanPlugins), reading the process environment.
/// @throws sdk::ConfigError when the config file named on the command line cannot be read.
std::vector<std::string> prescanPlugins(int argc, char** argv);

/// The sub-command at the start of argv (see config::matchSubcommand).
config::SubcommandMatch matchSubcommand(int argc, char** argv, const std::vector<std::string>& known);

/// What the command line asks for.
struct Options {
  /// The action requested.
  enum class Action { kRun, kHelp, kVersion };
  Action action = Action::kRun;            ///< run (or run the sub-command), or print `text`
  std::string text;                        ///< help or version text (kHelp, kVersion)
  config::Config config;                   ///< the effective configuration (kRun only)
  std::vector<std::string> positional;     ///< non-option arguments (only when allowed)
};

/// Parses @p args (arguments after the sub-command words) with the options of @p plugins, then loads the
/// configuration from the config file, the process environment and the command line.
/// @param commands listed by --help.
/// @param allow_positional false for a plain run: any non-option argument is then an error. True for a
///        sub-command: undeclared options and non-option words go, in order, to `positional`
///        (config::splitCommandArguments).
/// @throws sdk::ConfigError for any invalid option or configuration.
Options parseOptions(const std::vector<std::string>& args, const std::vector<config::PluginDeclaration>& plugins,
                     const std::vector<config::CommandHelp>& commands, bool allow_positional);

}  // namespace accurate::app
