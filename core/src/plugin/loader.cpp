#include "plugin/loader.hpp"

#include "plugin/plugin_error.hpp"

#include <boost/dll/shared_library.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstring>
#include <dlfcn.h>

namespace accurate::plugin {
namespace {

constexpr const char* kHandshakeSymbol = "accurate_plugin_handshake";
constexpr const char* kCreateSymbol = "accurate_plugin_create";

/// The host's own fingerprint: expanded here, in the core's compilation.
constexpr const char* kHostFingerprint = ACCURATE_BUILD_FINGERPRINT;

using Factory = sdk::Plugin*();

[[noreturn]] void fail(const PluginManifest& manifest, const std::string& reason) {
  throw PluginError(manifest.name, fmt::format("plugin '{}': {}", manifest.name, reason));
}

/// dlerror() text for @p path. Boost.DLL reports a failed dlopen only as an error code, so on failure we ask
/// the dynamic loader once more for its own message.
std::string dlopenReason(const std::filesystem::path& path, const std::string& fallback) {
  ::dlerror();
  void* handle = ::dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle != nullptr) {
    ::dlclose(handle);
    return fallback;
  }
  const char* reason = ::dlerror();
  return reason != nullptr ? std::string(reason) : fallback;
}

LibraryPtr openLibrary(const PluginManifest& manifest) {
  auto library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(manifest.library, ec, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  if (ec || !library->is_loaded()) {
    fail(manifest, fmt::format("cannot load {}: {}", manifest.library.string(),
                               dlopenReason(manifest.library, ec ? ec.message() : "not loaded")));
  }
  return library;
}

std::string text(const char* value) { return value != nullptr ? std::string(value) : std::string("(null)"); }

/// Checks the handshake; returns it when the library may be used by this host.
const AccuratePluginHandshake& checkHandshake(const PluginManifest& manifest,
                                              const boost::dll::shared_library& library) {
  if (!library.has(kHandshakeSymbol)) {
    fail(manifest, fmt::format("missing symbol {} in {} — is it built with ACCURATE_PLUGIN?", kHandshakeSymbol,
                               manifest.library.string()));
  }
  const auto& handshake = library.get<const AccuratePluginHandshake>(kHandshakeSymbol);
  // Fields are read only as far as the plugin's struct_size says they exist.
  constexpr std::size_t kVersionsEnd = offsetof(AccuratePluginHandshake, abi_minor) + sizeof(std::uint32_t);
  if (handshake.struct_size < kVersionsEnd) {
    fail(manifest, fmt::format("handshake in {} is {} bytes, too small to hold the ABI version — rebuild the "
                               "plugin against accurate {}",
                               manifest.library.string(), handshake.struct_size, sdk::kSdkVersion));
  }
  if (handshake.abi_major != sdk::kAbiMajor) {
    fail(manifest, fmt::format("ABI major {} does not match host ABI major {} — rebuild the plugin against "
                               "accurate {}",
                               handshake.abi_major, sdk::kAbiMajor, sdk::kSdkVersion));
  }
  if (handshake.abi_minor > sdk::kAbiMinor) {
    fail(manifest, fmt::format("ABI minor {} is newer than host ABI minor {} — rebuild the plugin against "
                               "accurate {} or upgrade accurate",
                               handshake.abi_minor, sdk::kAbiMinor, sdk::kSdkVersion));
  }
  if (handshake.struct_size < sizeof(AccuratePluginHandshake)) {
    fail(manifest, fmt::format("handshake in {} is {} bytes, expected at least {} — rebuild the plugin against "
                               "accurate {}",
                               manifest.library.string(), handshake.struct_size, sizeof(AccuratePluginHandshake),
                               sdk::kSdkVersion));
  }
  if (handshake.build_fingerprint == nullptr || std::strcmp(handshake.build_fingerprint, kHostFingerprint) != 0) {
    fail(manifest, fmt::format("built with a different toolchain (plugin: {}, host: {}) — rebuild it with the "
                               "same compiler and Boost",
                               text(handshake.build_fingerprint), kHostFingerprint));
  }
  if (handshake.plugin_name == nullptr || manifest.name != handshake.plugin_name) {
    fail(manifest, fmt::format("{} calls itself '{}' in ACCURATE_PLUGIN — the manifest name and the "
                               "ACCURATE_PLUGIN name must be the same",
                               manifest.library.string(), text(handshake.plugin_name)));
  }
  return handshake;
}

std::unique_ptr<sdk::Plugin> create(const PluginManifest& manifest, const boost::dll::shared_library& library) {
  if (!library.has(kCreateSymbol)) {
    fail(manifest, fmt::format("missing symbol {} in {}", kCreateSymbol, manifest.library.string()));
  }
  Factory& factory = library.get<Factory>(kCreateSymbol);
  sdk::Plugin* raw = nullptr;
  try {
    raw = factory();
  } catch (const std::exception& e) {
    fail(manifest, fmt::format("factory threw: {}", e.what()));
  } catch (...) {
    fail(manifest, "factory threw an exception that is not a std::exception");
  }
  if (raw == nullptr) {
    fail(manifest, "factory returned null");
  }
  return std::unique_ptr<sdk::Plugin>(raw);
}

}  // namespace

std::shared_ptr<LoadedPlugin> loadPlugin(const PluginManifest& manifest) {
  LibraryPtr library = openLibrary(manifest);
  const auto& handshake = checkHandshake(manifest, *library);
  auto loaded = std::make_shared<LoadedPlugin>();
  loaded->manifest = manifest;
  loaded->version = text(handshake.plugin_version);
  loaded->sdk_version = text(handshake.sdk_version);
  loaded->library = library;
  // The unique_ptr's deleter (virtual destructor, plugin code) runs inside the holder, before the library
  // reference that bindToLibrary stores next to it is released.
  loaded->plugin = bindToLibrary(library, std::shared_ptr<sdk::Plugin>(create(manifest, *library)));
  spdlog::debug("plugin '{}' {} loaded from {}", manifest.name, loaded->version, manifest.library.string());
  return loaded;
}

}  // namespace accurate::plugin
