#include "plugin/declarations_impl.hpp"

#include "plugin/library_binding.hpp"
#include "plugin/plugin_error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace accurate::plugin {
namespace {

bool isWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

/// A flag or command word: lower-case letters, digits and '-', starting with a letter or digit.
bool isWord(std::string_view word) {
  return !word.empty() && word.front() != '-' && std::all_of(word.begin(), word.end(), isWordChar);
}

/// Words separated by single spaces.
bool isCommandName(std::string_view name) {
  while (true) {
    const auto space = name.find(' ');
    if (!isWord(name.substr(0, space))) {
      return false;
    }
    if (space == std::string_view::npos) {
      return true;
    }
    name.remove_prefix(space + 1);
  }
}

}  // namespace

DeclarationsImpl::DeclarationsImpl(std::set<std::string> reserved_flags, std::set<std::string> reserved_commands)
    : reserved_flags_(std::move(reserved_flags)), reserved_commands_(std::move(reserved_commands)) {}

void DeclarationsImpl::declare(const LoadedPlugin& plugin) {
  current_ = &plugin;
  try {
    plugin.plugin->declare(*this);
  } catch (const sdk::ConfigError&) {
    current_ = nullptr;
    throw;
  } catch (const PluginError&) {
    current_ = nullptr;
    throw;
  } catch (const std::exception& e) {
    current_ = nullptr;
    throw PluginError(plugin.name(), fmt::format("plugin '{}': declare failed: {}", plugin.name(), e.what()));
  } catch (...) {
    current_ = nullptr;
    throw PluginError(plugin.name(), fmt::format("plugin '{}': declare failed: an exception that is not a "
                                                 "std::exception",
                                                 plugin.name()));
  }
  current_ = nullptr;
}

void DeclarationsImpl::addOption(sdk::OptionSpec option) {
  if (current_ == nullptr) {
    throw PluginError({}, "Declarations::addOption called outside Plugin::declare");
  }
  const std::string& plugin = current_->name();
  if (!isWord(option.flag)) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': invalid option flag '{}' (use lower-case letters, "
                                           "digits and '-', without the leading dashes)",
                                           plugin, option.flag));
  }
  if (option.key.empty()) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': option --{} has an empty config key", plugin, option.flag));
  }
  if (reserved_flags_.contains(option.flag)) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': option --{} is already an option of accurate", plugin,
                                           option.flag));
  }
  const auto taken = std::find_if(options_.begin(), options_.end(),
                                  [&](const DeclaredOption& o) { return o.spec.flag == option.flag; });
  if (taken != options_.end()) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': option --{} is already declared by plugin '{}'", plugin,
                                           option.flag, taken->plugin));
  }
  options_.push_back(DeclaredOption{plugin, std::move(option)});
}

void DeclarationsImpl::addCommand(sdk::CommandSpec command) {
  if (current_ == nullptr) {
    throw PluginError({}, "Declarations::addCommand called outside Plugin::declare");
  }
  const std::string& plugin = current_->name();
  if (!isCommandName(command.name)) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': invalid command name '{}' (use words of lower-case "
                                           "letters, digits and '-', separated by single spaces)",
                                           plugin, command.name));
  }
  if (!command.run) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': command '{}' has no function", plugin, command.name));
  }
  if (reserved_commands_.contains(command.name)) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': command '{}' is already a command of accurate", plugin,
                                           command.name));
  }
  const auto taken = std::find_if(commands_.begin(), commands_.end(),
                                  [&](const DeclaredCommand& c) { return c.spec.name == command.name; });
  if (taken != commands_.end()) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': command '{}' is already declared by plugin '{}'", plugin,
                                           command.name, taken->plugin));
  }
  command.run = bindToLibrary(current_->library, std::move(command.run));
  commands_.push_back(DeclaredCommand{plugin, std::move(command)});
}

}  // namespace accurate::plugin
