#include "plugin/search_paths.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

#ifndef ACCURATE_PLUGIN_INSTALL_DIR
#define ACCURATE_PLUGIN_INSTALL_DIR "lib/accurate/plugins"
#endif

namespace accurate::plugin {

std::vector<std::filesystem::path> makeSearchPaths(const std::filesystem::path& executable_dir,
                                                   std::string_view install_dir, std::string_view plugin_path) {
  std::vector<std::filesystem::path> paths;
  const auto add = [&paths](const std::filesystem::path& path) {
    auto normal = path.lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path()) {
      normal = normal.parent_path();  // "a/b/" and "a/b" are the same folder
    }
    if (std::find(paths.begin(), paths.end(), normal) == paths.end()) {
      paths.push_back(std::move(normal));
    }
  };
  add(executable_dir / "plugins");
  if (!install_dir.empty()) {
    add(executable_dir / ".." / std::filesystem::path(install_dir));
  }
  while (!plugin_path.empty()) {
    const auto colon = plugin_path.find(':');
    const auto entry = plugin_path.substr(0, colon);
    if (!entry.empty()) {
      add(std::filesystem::path(entry));
    }
    if (colon == std::string_view::npos) {
      break;
    }
    plugin_path.remove_prefix(colon + 1);
  }
  return paths;
}

std::vector<std::filesystem::path> defaultSearchPaths() {
  boost::dll::fs::error_code ec;
  const auto program = boost::dll::program_location(ec);
  std::filesystem::path executable_dir;
  if (ec) {
    spdlog::warn("plugin search: cannot locate the running executable ({}); using the current folder",
                 ec.message());
    executable_dir = std::filesystem::current_path();
  } else {
    executable_dir = std::filesystem::path(program.native()).parent_path();
  }
  const char* env = std::getenv("ACCURATE_PLUGIN_PATH");
  return makeSearchPaths(executable_dir, ACCURATE_PLUGIN_INSTALL_DIR, env != nullptr ? env : "");
}

}  // namespace accurate::plugin
