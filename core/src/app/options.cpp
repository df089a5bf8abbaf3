#include "app/options.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

namespace accurate::app {

std::vector<std::string> arguments(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return args;
}

std::vector<std::string> prescanPlugins(int argc, char** argv) {
  return config::prescanPlugins(arguments(argc, argv), config::processEnvironment());
}

config::SubcommandMatch matchSubcommand(int argc, char** argv, const std::vector<std::string>& known) {
  return config::matchSubcommand(arguments(argc, argv), known);
}

Options parseOptions(const std::vector<std::string>& args, const std::vector<config::PluginDeclaration>& plugins,
                     const std::vector<config::CommandHelp>& commands, bool allow_positional) {
  // A sub-command gets every argument no one declared; a plain run refuses them (with a suggestion).
  config::SplitArguments split;
  if (allow_positional) split = config::splitCommandArguments(args, plugins);
  config::ParsedCommandLine parsed = config::parseCommandLine(allow_positional ? split.options : args, plugins);
  if (allow_positional) parsed.positional = std::move(split.command);
  Options options;
  if (parsed.help) {
    options.action = Options::Action::kHelp;
    options.text = config::helpText(plugins, commands);
    return options;
  }
  if (parsed.version) {
    options.action = Options::Action::kVersion;
    options.text = config::versionText();
    return options;
  }
  if (!allow_positional && !parsed.positional.empty()) {
    std::vector<std::string> first_words;  // "report list" -> "report"
    for (const auto& command : commands) first_words.push_back(command.name.substr(0, command.name.find(' ')));
    const std::vector<std::string_view> names(first_words.begin(), first_words.end());
    const std::string suggestion = sdk::closestMatch(parsed.positional.front(), names);
    throw sdk::ConfigError(fmt::format("\"{}\"", parsed.positional.front()),
                           suggestion.empty() ? std::string("unexpected argument (options start with --; see --help)")
                                              : fmt::format("unknown command (did you mean \"{}\"?)", suggestion));
  }
  options.positional = std::move(parsed.positional);
  options.config = config::loadConfig(parsed.values, config::processEnvironment(), plugins);
  return options;
}

}  // namespace accurate::app
