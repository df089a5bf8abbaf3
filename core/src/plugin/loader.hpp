#pragma once
/// @file loader.hpp
/// Loads one plugin library: Boost.DLL, the handshake check, then the typed factory.

#include "plugin/library_binding.hpp"
#include "plugin/manifest.hpp"

#include <accurate/sdk/plugin.hpp>

#include <memory>
#include <string>

namespace accurate::plugin {

/// A plugin whose library is loaded and whose Plugin object exists.
/// Ownership: the LoadedPlugin owns the Plugin object; the Plugin object (and everything registered later) owns
/// a reference to the library, so the library stays loaded while any of them lives.
struct LoadedPlugin {
  PluginManifest manifest;              ///< the manifest it was loaded from
  std::string version;                  ///< the version the library's handshake reports
  std::string sdk_version;              ///< the SDK version the library was built with
  LibraryPtr library;                   ///< the loaded library
  std::shared_ptr<sdk::Plugin> plugin;  ///< the plugin object, bound to `library` (never null)

  /// The plugin's name (the manifest's, equal to the handshake's).
  const std::string& name() const noexcept { return manifest.name; }
};

/// Loads the library named by @p manifest (rtld_lazy | rtld_local), checks its handshake against this host
/// (symbol present, struct size, ABI major equal, ABI minor not newer, build fingerprint equal, plugin name
/// equal to the manifest's), then calls its factory. Throws PluginError with one line naming the plugin and
/// the reason, e.g. `plugin 'x': ABI major 2 does not match host ABI major 1 — rebuild the plugin against
/// accurate 0.1.0`. Never lets a plugin's exception escape otherwise.
/// Threading: main thread only (dlopen runs the library's static initialisers).
ACCURATE_API std::shared_ptr<LoadedPlugin> loadPlugin(const PluginManifest& manifest);

}  // namespace accurate::plugin
