#include "app/app.hpp"

#include "app/commands.hpp"
#include "app/cluster_run.hpp"
#include "app/ctl.hpp"
#include "app/load_run.hpp"
#include "app/options.hpp"
#include "config/option_table.hpp"
#include "plugin/declarations_impl.hpp"
#include "plugin/registry.hpp"

#include <accurate/sdk/errors.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>

namespace accurate::app {
namespace {

/// Sub-commands of the core itself.
const std::vector<config::CommandHelp> kCoreCommands = {
    {"plugins", "list the available plugins, their versions and what they provide"},
    {"report list", "list the persisted reports in --reports-dir, newest first"},
    {"report show", "show one persisted report (ID or a unique prefix of it)"},
    {"cluster keygen", "create CURVE key pairs for --cluster-key-dir DIR: the master's, and a worker's (--name NAME)"},
    {"ctl", "drive a running web UI: start | stop | reset | status | wait STATE [--timeout S] [--url URL]"},
};

/// Logs go to stderr so that stdout carries only results (--json).
void setUpLogging() {
  auto logger = spdlog::stderr_color_mt("accurate");
  logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %^%l%$ %v");
  spdlog::set_default_logger(logger);
}

/// The long flags of the core, which plugins may not take.
std::set<std::string> coreFlags() {
  std::set<std::string> flags = {"help", "version", "config"};
  for (const auto& option : config::coreOptions()) flags.emplace(option.flag);
  return flags;
}

/// The first non-option argument, when it names an available plugin that has sub-commands to offer
/// (e.g. `accurate designate prepare` loads `designate` even without --plugins).
void addPluginNamedByCommand(int argc, char** argv, const plugin::PluginRegistry& registry,
                             std::vector<std::string>& names) {
  if (argc < 2 || argv[1][0] == '-') return;
  const std::string first = argv[1];
  if (registry.find(first) && std::find(names.begin(), names.end(), first) == names.end()) names.push_back(first);
}

int runChecked(int argc, char** argv) {
  plugin::PluginRegistry registry;
  registry.discover();
  std::vector<std::string> names = prescanPlugins(argc, argv);
  addPluginNamedByCommand(argc, argv, registry, names);
  const auto loaded = registry.load(names);

  std::set<std::string> reserved_commands;
  for (const auto& command : kCoreCommands) reserved_commands.insert(command.name.substr(0, command.name.find(' ')));
  plugin::DeclarationsImpl declarations(coreFlags(), reserved_commands);
  for (const auto& plugin : loaded) declarations.declare(*plugin);

  std::vector<config::CommandHelp> command_help = kCoreCommands;
  std::vector<std::string> known;
  for (const auto& command : kCoreCommands) known.push_back(command.name);
  for (const auto& command : declarations.commands()) {
    command_help.push_back({command.spec.name, command.spec.help});
    known.push_back(command.spec.name);
  }
  std::vector<config::PluginDeclaration> plugin_options;
  for (const auto& plugin : loaded) {
    config::PluginDeclaration declaration{plugin->name(), {}};
    for (const auto& option : declarations.options())
      if (option.plugin == plugin->name()) declaration.options.push_back(option.spec);
    plugin_options.push_back(std::move(declaration));
  }

  const auto sub = matchSubcommand(argc, argv, known);
  Options options = parseOptions(sub.rest, plugin_options, command_help, !sub.command.empty());
  if (options.action != Options::Action::kRun) {
    std::cout << options.text;
    if (!options.text.empty() && options.text.back() != '\n') std::cout << '\n';
    return kExitOk;
  }
  spdlog::set_level(options.config.log_level);

  if (sub.command == "plugins") return listPlugins(registry);
  if (sub.command == "report list") return listReports(options.config);
  if (sub.command == "report show") return showReport(options.config, options.positional);
  if (sub.command == "ctl") return runCtl(options.config, options.positional);
  if (sub.command == "cluster keygen") return runClusterKeygen(options.config, options.positional);
  for (const auto& command : declarations.commands())
    if (command.spec.name == sub.command) return runPluginCommand(command, options.config, options.positional);
  return runLoad(options.config, loaded);
}

}  // namespace

int run(int argc, char** argv) {
  setUpLogging();
  try {
    return runChecked(argc, argv);
  } catch (const sdk::Error& error) {  // ConfigError, PluginError and the rest: one line naming thing and reason
    std::fprintf(stderr, "accurate: %s\n", error.what());
    return kExitConfigError;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "accurate: internal error: %s\n", error.what());
    return kExitInternalError;
  }
}

}  // namespace accurate::app
