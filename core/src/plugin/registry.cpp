#include "plugin/registry.hpp"

#include "plugin/plugin_error.hpp"
#include "plugin/search_paths.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>

namespace accurate::plugin {
namespace {

constexpr std::string_view kManifestSuffix = ".plugin.json";

bool isManifestName(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.size() > kManifestSuffix.size() && name.ends_with(kManifestSuffix);
}

/// Manifest files directly in @p folder, sorted so discovery does not depend on directory order.
std::vector<std::filesystem::path> manifestsIn(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    spdlog::debug("plugin search: {} is not a folder, skipped", folder.string());
    return files;
  }
  std::filesystem::directory_iterator it(folder, ec);
  if (ec) {
    spdlog::warn("plugin search: cannot list {}: {}", folder.string(), ec.message());
    return files;
  }
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) {
      spdlog::warn("plugin search: error listing {}: {}", folder.string(), ec.message());
      break;
    }
    std::error_code file_ec;
    if (isManifestName(it->path()) && it->is_regular_file(file_ec)) {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

PluginRegistry::PluginRegistry() : PluginRegistry(defaultSearchPaths()) {}

PluginRegistry::PluginRegistry(std::vector<std::filesystem::path> search_paths)
    : search_paths_(std::move(search_paths)) {}

void PluginRegistry::discover() {
  manifests_.clear();
  problems_.clear();
  for (const auto& folder : search_paths_) {
    for (const auto& file : manifestsIn(folder)) {
      PluginManifest manifest;
      try {
        manifest = readManifest(file);
      } catch (const PluginError& e) {
        spdlog::warn("{}", e.what());
        problems_.emplace_back(e.what());
        continue;
      }
      if (const auto* first = find(manifest.name)) {
        spdlog::debug("plugin '{}': {} ignored, {} found first", manifest.name, file.string(),
                      first->file.string());
        continue;
      }
      const auto at = std::lower_bound(manifests_.begin(), manifests_.end(), manifest.name,
                                       [](const PluginManifest& m, const std::string& n) { return m.name < n; });
      manifests_.insert(at, std::move(manifest));
    }
  }
}

std::vector<PluginManifest> PluginRegistry::available() const { return manifests_; }

const PluginManifest* PluginRegistry::find(std::string_view name) const noexcept {
  const auto at = std::lower_bound(manifests_.begin(), manifests_.end(), name,
                                   [](const PluginManifest& m, std::string_view n) { return m.name < n; });
  return at != manifests_.end() && at->name == name ? &*at : nullptr;
}

std::vector<std::shared_ptr<LoadedPlugin>> PluginRegistry::load(const std::vector<std::string>& names) const {
  std::vector<const PluginManifest*> wanted;
  for (const auto& name : names) {
    const auto* manifest = find(name);
    if (manifest == nullptr) {
      std::string list;
      for (const auto& m : manifests_) {
        list += list.empty() ? m.name : ", " + m.name;
      }
      throw PluginError(name, fmt::format("unknown plugin '{}' (available: {})", name, list.empty() ? "none" : list));
    }
    if (std::find(wanted.begin(), wanted.end(), manifest) == wanted.end()) {
      wanted.push_back(manifest);
    }
  }
  std::vector<std::shared_ptr<LoadedPlugin>> loaded;
  loaded.reserve(wanted.size());
  for (const auto* manifest : wanted) {
    loaded.push_back(loadPlugin(*manifest));
  }
  return loaded;
}

}  // namespace accurate::plugin
