#pragma once
/// @file registry.hpp
/// Finds plugin manifests on the search path and loads plugins by name.

#include "plugin/loader.hpp"
#include "plugin/manifest.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::plugin {

/// The plugins available to this process.
/// Threading: main thread only.
class ACCURATE_API PluginRegistry {
 public:
  /// A registry over defaultSearchPaths() (build tree, install prefix, ACCURATE_PLUGIN_PATH).
  PluginRegistry();
  /// A registry over @p search_paths, searched in order (tests inject their own list).
  explicit PluginRegistry(std::vector<std::filesystem::path> search_paths);

  /// The folders searched, in order.
  const std::vector<std::filesystem::path>& searchPaths() const noexcept { return search_paths_; }

  /// Scans every search folder (not recursively) for `*.plugin.json`, replacing what an earlier call found.
  /// A missing folder is skipped. The first manifest of a name wins; later ones are ignored with a debug log.
  /// An unreadable or invalid manifest is skipped with a warning and listed in problems(). Never throws for a
  /// bad manifest or folder.
  void discover();

  /// The manifests found by discover(), sorted by name.
  std::vector<PluginManifest> available() const;

  /// One line per manifest discover() had to skip (PluginError messages), in discovery order.
  const std::vector<std::string>& problems() const noexcept { return problems_; }

  /// The manifest named @p name, or null when discover() found none.
  const PluginManifest* find(std::string_view name) const noexcept;

  /// Loads the plugins named in @p names, in that order; a name listed twice is loaded once. Throws
  /// PluginError `unknown plugin 'x' (available: a, b, c)` for a name discover() did not find, and the
  /// loader's PluginError when a library is refused (nothing is kept loaded then).
  /// Ownership: the caller keeps the returned plugins alive until every io_context that ran plugin code has been
  /// destroyed (see library_binding.hpp), i.e. until the runtime is gone; then it drops them, after the
  /// Registrations.
  std::vector<std::shared_ptr<LoadedPlugin>> load(const std::vector<std::string>& names) const;

 private:
  std::vector<std::filesystem::path> search_paths_;  ///< folders searched, in order
  std::vector<PluginManifest> manifests_;            ///< one per name, sorted by name
  std::vector<std::string> problems_;                ///< skipped manifests and why
};

}  // namespace accurate::plugin
