#pragma once
/// @file manifest.hpp
/// The plugin manifest `<name>.plugin.json` that accurate_add_plugin() writes next to each plugin library:
/// what the host knows about a plugin before loading it.

#include <accurate/sdk/version.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::plugin {

/// The kinds of things a plugin may declare in its manifest's "provides" list.
inline constexpr std::string_view kProvidesKinds[] = {"user_classes", "sinks",   "lifecycle",        "web_auth",
                                                      "options",      "commands", "change_observers"};

/// A validated manifest.
struct PluginManifest {
  std::filesystem::path file;         ///< the manifest file itself (as found on the search path)
  std::string name;                   ///< plugin name: lower-case letters, digits, '_' and '-'
  std::string version;                ///< the plugin's own version, e.g. "0.1.0"
  std::string description;            ///< one line for `accurate plugins` (may be empty)
  std::filesystem::path library;      ///< the shared library: the manifest's "library" resolved against its folder
  std::uint32_t abi_major = 0;        ///< ABI major the plugin says it was built for (informational; the
                                      ///< library's handshake decides)
  std::uint32_t abi_minor = 0;        ///< ABI minor the plugin says it was built for (informational)
  std::vector<std::string> provides;  ///< kinds from kProvidesKinds, in manifest order
};

/// Parses and validates manifest text @p text that was read from @p file (used in messages and to resolve
/// "library"). Throws PluginError `manifest <file>: <reason>` on invalid JSON, a missing or mistyped field,
/// a bad plugin name, an absolute or empty library path, or an unknown "provides" kind. Unknown top-level keys
/// are ignored (newer manifests may add some).
ACCURATE_API PluginManifest parseManifest(std::string_view text, const std::filesystem::path& file);

/// Reads @p file and parses it with parseManifest. Throws PluginError when it cannot be read or is invalid.
ACCURATE_API PluginManifest readManifest(const std::filesystem::path& file);

/// True when @p name is a valid plugin name: 1 to 64 characters, lower-case letters, digits, '_' and '-',
/// starting with a letter or digit.
ACCURATE_API bool isValidPluginName(std::string_view name) noexcept;

}  // namespace accurate::plugin
