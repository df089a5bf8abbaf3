#pragma once
/// @file plugin.hpp
/// The plugin entry points. A plugin library defines one Plugin subclass and exports it with
/// ACCURATE_PLUGIN(Class, "name", "version"), which emits:
///  - `accurate_plugin_handshake`: a C-layout struct the host reads before touching any C++ symbol, and
///  - `accurate_plugin_create`: the factory the host imports once the handshake matches.

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/host.hpp>
#include <accurate/sdk/version.hpp>

#include <boost/config.hpp>

#include <cstdint>

extern "C" {
/// C-layout identity of a plugin library, compared by the host before loading any C++ symbol.
struct AccuratePluginHandshake {
  std::uint32_t struct_size;      ///< sizeof(AccuratePluginHandshake) in the plugin's build
  std::uint32_t abi_major;        ///< accurate::sdk::kAbiMajor the plugin was built with
  std::uint32_t abi_minor;        ///< accurate::sdk::kAbiMinor the plugin was built with
  const char* sdk_version;        ///< accurate::sdk::kSdkVersion the plugin was built with
  const char* plugin_name;        ///< the plugin's name (must equal its manifest's)
  const char* plugin_version;     ///< the plugin's own version
  const char* build_fingerprint;  ///< ACCURATE_BUILD_FINGERPRINT of the plugin's build
};
}

namespace accurate::sdk {

/// A loaded plugin. Created once per process by the factory; destroyed by the host before the library is
/// unloaded. Threading: all methods are called on the main thread during start-up.
class Plugin {
 public:
  virtual ~Plugin() = default;
  /// One line describing the plugin (for `accurate plugins`).
  virtual std::string description() const = 0;
  /// Declares CLI options and sub-commands. Called before the command line is parsed.
  virtual void declare(Declarations& declarations) { (void)declarations; }
  /// Validates the plugin's config section (throwing ConfigError with a JSON path) and registers what the
  /// plugin provides. Not called for sub-commands.
  virtual void configure(Host& host) = 0;
};

}  // namespace accurate::sdk

/// Exports plugin class @p PluginClass under @p NAME with version @p VERSION (string literals).
#define ACCURATE_PLUGIN(PluginClass, NAME, VERSION)                                                     \
  extern "C" BOOST_SYMBOL_EXPORT const AccuratePluginHandshake accurate_plugin_handshake;               \
  extern "C" BOOST_SYMBOL_EXPORT const AccuratePluginHandshake accurate_plugin_handshake = {             \
      sizeof(AccuratePluginHandshake), ::accurate::sdk::kAbiMajor, ::accurate::sdk::kAbiMinor,         \
      ::accurate::sdk::kSdkVersion, NAME, VERSION, ACCURATE_BUILD_FINGERPRINT};                         \
  extern "C" BOOST_SYMBOL_EXPORT ::accurate::sdk::Plugin* accurate_plugin_create();                     \
  extern "C" BOOST_SYMBOL_EXPORT ::accurate::sdk::Plugin* accurate_plugin_create() {                    \
    return new PluginClass();                                                                           \
  }
