#pragma once
/// @file declarations_impl.hpp
/// The host side of sdk::Declarations: collects every plugin's CLI options and sub-commands before the
/// command line is parsed.

#include "plugin/loader.hpp"
#include "plugin/registrations.hpp"

#include <accurate/sdk/host.hpp>

#include <set>
#include <string>
#include <vector>

namespace accurate::plugin {

/// Collects OptionSpec/CommandSpec per plugin. Threading: main thread only, during start-up.
class ACCURATE_API DeclarationsImpl final : public sdk::Declarations {
 public:
  /// @param reserved_flags long flags the core itself uses (e.g. "users", "host"); a plugin may not take them.
  /// @param reserved_commands sub-commands the core itself has (e.g. "plugins", "worker").
  explicit DeclarationsImpl(std::set<std::string> reserved_flags = {},
                            std::set<std::string> reserved_commands = {});

  /// Calls `plugin.plugin->declare(*this)`, tagging what it adds with the plugin's name and binding command
  /// functions to its library. sdk::ConfigError passes through unchanged; PluginError too; any other exception
  /// becomes PluginError `plugin 'x': declare failed: <what>`. What the plugin added before failing stays.
  void declare(const LoadedPlugin& plugin);

  /// Adds a CLI option of the plugin being declared. Throws sdk::ConfigError when the flag is taken (by the
  /// core or another plugin) or the flag or key is malformed; PluginError when called outside declare().
  void addOption(sdk::OptionSpec option) override;
  /// Adds a sub-command of the plugin being declared. Throws sdk::ConfigError when the name is taken or
  /// malformed, or the command has no function; PluginError when called outside declare().
  void addCommand(sdk::CommandSpec command) override;

  /// Options declared so far, in declaration order.
  const std::vector<DeclaredOption>& options() const noexcept { return options_; }
  /// Sub-commands declared so far, in declaration order.
  const std::vector<DeclaredCommand>& commands() const noexcept { return commands_; }

 private:
  std::set<std::string> reserved_flags_;     ///< flags of the core
  std::set<std::string> reserved_commands_;  ///< sub-commands of the core
  std::vector<DeclaredOption> options_;      ///< options of every plugin declared so far
  std::vector<DeclaredCommand> commands_;    ///< sub-commands of every plugin declared so far
  const LoadedPlugin* current_ = nullptr;    ///< the plugin inside declare(), or null
};

}  // namespace accurate::plugin
