#pragma once
/// @file plugin_error.hpp
/// The error the plugin host throws when a manifest, a library or a plugin's entry point is refused.

#include <accurate/sdk/errors.hpp>

#include <string>

namespace accurate::plugin {

/// A plugin could not be discovered, loaded, declared or configured. `what()` is one line naming the plugin
/// (or the manifest file) and the reason, e.g. `plugin 'x': factory threw: boom`.
class ACCURATE_API PluginError : public sdk::Error {
 public:
  /// @param plugin name of the plugin concerned (empty when not known, e.g. an unreadable manifest).
  /// @param message the full one-line message.
  PluginError(std::string plugin, const std::string& message);
  ~PluginError() override;
  /// Name of the plugin concerned; empty when not known.
  const std::string& plugin() const noexcept { return plugin_; }

 private:
  std::string plugin_;  ///< name of the plugin concerned
};

}  // namespace accurate::plugin
