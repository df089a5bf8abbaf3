#include "config/startup_scan.hpp"

#include "config/config_file.hpp"
#include "config/option_table.hpp"
#include "config/option_values.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

namespace accurate::config {
namespace {

std::vector<std::string> toStrings(const boost::json::array& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::string name(item.get_string());
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

std::vector<std::string> words(const std::string& command) {
  std::vector<std::string> out;
  std::istringstream in(command);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::optional<std::string> nonEmpty(std::optional<std::string> value) {
  if (value && value->empty()) return std::nullopt;
  return value;
}

}  // namespace

std::vector<std::string> prescanPlugins(const std::vector<std::string>& args, const EnvLookup& env) {
  std::optional<boost::json::array> cli_plugins;
  std::optional<std::string> config_file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    std::optional<std::string> plugins_text;
    if (arg == "--plugins" && i + 1 < args.size()) {
      plugins_text = args[++i];
    } else if (arg.starts_with("--plugins=")) {
      plugins_text = arg.substr(10);
    } else if ((arg == "--config" || arg == "-f") && i + 1 < args.size()) {
      config_file = args[++i];
    } else if (arg.starts_with("--config=")) {
      config_file = arg.substr(9);
    } else if (arg.starts_with("-f") && arg.size() > 2) {
      config_file = arg.substr(2);
    }
    if (plugins_text) {
      if (!cli_plugins) cli_plugins.emplace();
      for (auto& item : splitList(*plugins_text)) cli_plugins->push_back(std::move(item));
    }
  }
  if (cli_plugins) return toStrings(*cli_plugins);
  if (const auto text = nonEmpty(env(envVarName("plugins")))) return toStrings(splitList(*text));
  if (!config_file) config_file = nonEmpty(env(envVarName("config")));
  if (config_file) {
    const boost::json::object file = readConfigFile(*config_file);
    if (const auto* plugins = file.if_contains("plugins")) {
      const boost::json::value list = valueFromJson(*findOptionByKey("plugins"), *plugins, *config_file + ": $.plugins");
      return toStrings(list.get_array());
    }
  }
  return {};
}

SubcommandMatch matchSubcommand(const std::vector<std::string>& args, const std::vector<std::string>& known) {
  std::size_t leading = 0;
  while (leading < args.size() && !args[leading].starts_with("-")) ++leading;
  SubcommandMatch match;
  std::size_t matched_words = 0;
  for (const auto& command : known) {
    const std::vector<std::string> parts = words(command);
    if (parts.empty() || parts.size() > leading || parts.size() <= matched_words) continue;
    if (std::equal(parts.begin(), parts.end(), args.begin())) {
      matched_words = parts.size();
      match.command = command;
    }
  }
  match.rest.assign(args.begin() + static_cast<std::ptrdiff_t>(matched_words), args.end());
  return match;
}

}  // namespace accurate::config
