#include "config/command_line.hpp"

#include "config/option_table.hpp"
#include "config/option_values.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/version.hpp>

// cxxopts' std::regex code trips GCC 12's -Wmaybe-uninitialized in sanitizer builds; its regex-free parser
// behaves the same for our options (all values are strings, converted by option_values.cpp).
#define CXXOPTS_NO_REGEX true
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace accurate::config {
namespace {

using boost::json::array;

// A flag the parser knows, whoever declared it.
struct KnownFlag {
  std::string flag;         // long flag
  char short_flag = '\0';   // short flag or '\0'
  bool takes_value = true;  // false for booleans, --help and --version
};

bool isBooleanSpec(const sdk::OptionSpec& spec) { return spec.type == sdk::OptionSpec::Type::kBoolean; }

std::vector<KnownFlag> knownFlags(const std::vector<PluginDeclaration>& plugins) {
  std::vector<KnownFlag> flags{{"help", 'h', false}, {"version", '\0', false}};
  for (const CoreOption& option : coreOptions()) {
    if (option.command_line) flags.push_back({std::string(option.flag), option.short_flag, option.kind != OptionKind::kBoolean});
  }
  for (const auto& plugin : plugins) {
    for (const auto& spec : plugin.options) {
      const bool taken = std::any_of(flags.begin(), flags.end(), [&](const KnownFlag& f) { return f.flag == spec.flag; });
      if (taken) {
        throw sdk::ConfigError("--" + spec.flag, fmt::format("option of plugin \"{}\" is already taken", plugin.name));
      }
      if (spec.flag.empty() || spec.flag.front() == '-' ||
          spec.flag.find_first_of(" =,") != std::string::npos) {
        throw sdk::ConfigError("--" + spec.flag, fmt::format("invalid option name declared by plugin \"{}\"", plugin.name));
      }
      flags.push_back({spec.flag, '\0', !isBooleanSpec(spec)});
    }
  }
  return flags;
}

// Finds the first option in @p args that no one declared (mirrors cxxopts' scan) for a helpful message.
void rejectUnknownOption(const std::vector<std::string>& args, const std::vector<KnownFlag>& flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return;
    if (arg.starts_with("--")) {
      const std::string name = arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
      const auto it = std::find_if(flags.begin(), flags.end(), [&](const KnownFlag& f) { return f.flag == name; });
      if (it == flags.end()) {
        std::vector<std::string_view> names;
        for (const auto& f : flags) names.push_back(f.flag);
        const std::string suggestion = sdk::closestMatch(name, names);
        throw sdk::ConfigError("--" + name, suggestion.empty() ? std::string("unknown option (see --help)")
                                                               : fmt::format("unknown option (did you mean --{}?)", suggestion));
      }
      if (it->takes_value && arg.find('=') == std::string::npos) ++i;
    } else if (arg.size() > 1 && arg.front() == '-') {
      for (std::size_t c = 1; c < arg.size(); ++c) {
        const auto it = std::find_if(flags.begin(), flags.end(), [&](const KnownFlag& f) { return f.short_flag == arg[c]; });
        if (it == flags.end()) throw sdk::ConfigError(fmt::format("-{}", arg[c]), "unknown option (see --help)");
        if (it->takes_value) {
          if (c + 1 == arg.size()) ++i;
          break;
        }
      }
    }
  }
}

std::string withoutCurlyQuotes(std::string text) {
  for (const std::string_view quote : {"\u2018", "\u2019"}) {
    for (std::size_t at = text.find(quote); at != std::string::npos; at = text.find(quote)) text.replace(at, quote.size(), "\"");
  }
  return text;
}

std::shared_ptr<cxxopts::Value> valueFor(bool boolean, bool list) {
  if (boolean) return cxxopts::value<std::string>()->implicit_value("true");
  if (list) return cxxopts::value<std::vector<std::string>>();
  return cxxopts::value<std::string>();
}

cxxopts::Options makeOptions(const std::vector<PluginDeclaration>& plugins) {
  cxxopts::Options options("accurate");
  auto core = options.add_options();
  core("h,help", "help")("version", "version");
  for (const CoreOption& option : coreOptions()) {
    if (!option.command_line) continue;
    const std::string name = option.short_flag ? fmt::format("{},{}", option.short_flag, option.flag) : std::string(option.flag);
    core(name, std::string(option.help),
         valueFor(option.kind == OptionKind::kBoolean, option.kind == OptionKind::kStringList));
  }
  for (const auto& plugin : plugins) {
    auto group = options.add_options(plugin.name);
    for (const auto& spec : plugin.options) {
      group(spec.flag, spec.help, valueFor(isBooleanSpec(spec), spec.type == sdk::OptionSpec::Type::kStringList));
    }
  }
  return options;
}

// The text of option @p flag in @p result: the last occurrence, or every occurrence joined for lists.
array listValue(const cxxopts::ParseResult& result, const std::string& flag) {
  array out;
  for (const auto& item : result[flag].as<std::vector<std::string>>()) {
    for (auto& piece : splitList(item)) out.push_back(std::move(piece));
  }
  return out;
}

std::string optionLabel(char short_flag, std::string_view flag, std::string_view arg) {
  std::string label = short_flag ? fmt::format("  -{}, --{}", short_flag, flag) : fmt::format("      --{}", flag);
  if (!arg.empty()) label += fmt::format(" {}", arg);
  return label;
}

void appendLine(std::string& out, const std::string& label, std::string_view help) {
  constexpr std::size_t kColumn = 34;
  out += label;
  out += label.size() + 2 <= kColumn ? std::string(kColumn - label.size(), ' ') : "\n" + std::string(kColumn, ' ');
  out += help;
  out += '\n';
}

std::string_view argName(sdk::OptionSpec::Type type) {
  switch (type) {
    case sdk::OptionSpec::Type::kString: return "TEXT";
    case sdk::OptionSpec::Type::kInteger: return "N";
    case sdk::OptionSpec::Type::kNumber: return "NUMBER";
    case sdk::OptionSpec::Type::kBoolean: return "";
    case sdk::OptionSpec::Type::kStringList: return "LIST";
  }
  return "VALUE";
}

}  // namespace

ParsedCommandLine parseCommandLine(const std::vector<std::string>& args, const std::vector<PluginDeclaration>& plugins) {
  const std::vector<KnownFlag> flags = knownFlags(plugins);
  rejectUnknownOption(args, flags);
  cxxopts::Options options = makeOptions(plugins);
  std::vector<const char*> argv{"accurate"};
  for (const auto& arg : args) argv.push_back(arg.c_str());

  cxxopts::ParseResult result;
  try {
    result = options.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const cxxopts::exceptions::exception& e) {
    throw sdk::ConfigError("command line", withoutCurlyQuotes(e.what()));
  }

  ParsedCommandLine parsed;
  parsed.help = result.count("help") > 0;
  parsed.version = result.count("version") > 0;
  parsed.positional = result.unmatched();
  for (const CoreOption& option : coreOptions()) {
    const std::string flag(option.flag);
    if (!option.command_line || result.count(flag) == 0) continue;
    const std::string where = "--" + flag;
    if (option.key.empty()) {  // --config
      const std::string path = result[flag].as<std::string>();
      if (path.empty()) throw sdk::ConfigError(where, "expected a file name");
      parsed.values.config_file = path;
    } else if (option.kind == OptionKind::kStringList) {
      parsed.values.core[option.key] = listValue(result, flag);
    } else {
      parsed.values.core[option.key] = valueFromText(option, result[flag].as<std::string>(), where);
    }
  }
  for (const auto& plugin : plugins) {
    boost::json::object section;
    for (const auto& spec : plugin.options) {
      if (result.count(spec.flag) == 0) continue;
      if (spec.type == sdk::OptionSpec::Type::kStringList) {
        section[spec.key] = listValue(result, spec.flag);
      } else {
        section[spec.key] = pluginValueFromText(spec.type, result[spec.flag].as<std::string>(), "--" + spec.flag);
      }
    }
    if (!section.empty()) parsed.values.plugins[plugin.name] = std::move(section);
  }
  return parsed;
}

SplitArguments splitCommandArguments(const std::vector<std::string>& args,
                                     const std::vector<PluginDeclaration>& plugins) {
  const std::vector<KnownFlag> flags = knownFlags(plugins);
  // The declared flag @p arg names ("--flag", "--flag=v", "-x", "-xVALUE"), or null.
  const auto declared = [&](const std::string& arg) -> const KnownFlag* {
    if (arg.size() < 2 || arg[0] != '-') return nullptr;
    const auto it = arg[1] == '-'
                        ? std::find_if(flags.begin(), flags.end(),
                                       [&](const KnownFlag& f) { return f.flag == arg.substr(2, arg.find('=') - 2); })
                        : std::find_if(flags.begin(), flags.end(), [&](const KnownFlag& f) { return f.short_flag == arg[1]; });
    return it == flags.end() ? nullptr : &*it;
  };
  SplitArguments split;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      split.command.insert(split.command.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    const KnownFlag* flag = declared(arg);
    if (!flag) {
      split.command.push_back(arg);
      continue;
    }
    split.options.push_back(arg);
    const bool value_attached = arg[1] == '-' ? arg.find('=') != std::string::npos : arg.size() > 2;
    if (flag->takes_value && !value_attached && i + 1 < args.size()) split.options.push_back(args[++i]);
  }
  return split;
}

std::string helpText(const std::vector<PluginDeclaration>& plugins, const std::vector<CommandHelp>& commands) {
  std::string out = "accurate - load generation for OpenStack Designate and any HTTP service\n\n"
                    "Usage: accurate [OPTIONS]\n       accurate COMMAND [ARGS] [OPTIONS]\n";
  if (!commands.empty()) {
    out += "\nCommands:\n";
    for (const auto& command : commands) appendLine(out, "  " + command.name, command.help);
  }
  out += "\nOptions:\n";
  appendLine(out, optionLabel('h', "help", ""), "Show this help and exit");
  appendLine(out, optionLabel('\0', "version", ""), "Show the version and exit");
  for (const CoreOption& option : coreOptions()) {
    if (!option.command_line) continue;
    std::string help(option.help);
    const std::string fallback = defaultText(option);
    if (fallback != "none" && fallback != "false" && fallback != "[]") help += fmt::format(" (default: {})", fallback);
    appendLine(out, optionLabel(option.short_flag, option.flag, option.arg), help);
  }
  for (const auto& plugin : plugins) {
    if (plugin.options.empty()) continue;
    out += fmt::format("\nPlugin {}:\n", plugin.name);
    for (const auto& spec : plugin.options) appendLine(out, optionLabel('\0', spec.flag, argName(spec.type)), spec.help);
  }
  out += "\nEvery option can also be set in the environment as ACCURATE_<OPTION> (e.g. ACCURATE_RUN_TIME=5m)\n"
         "or in the config file (-f) under its key (e.g. \"run_time\": \"5m\"; a plugin's options go in the\n"
         "plugin's section). Precedence: defaults < config file < environment < command line.\n";
  return out;
}

std::string versionText() {
  return fmt::format("accurate {} (plugin ABI {}.{})", sdk::kSdkVersion, sdk::kAbiMajor, sdk::kAbiMinor);
}

}  // namespace accurate::config
