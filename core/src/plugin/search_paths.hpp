#pragma once
/// @file search_paths.hpp
/// Where the host looks for plugin manifests.

#include <accurate/sdk/version.hpp>

#include <filesystem>
#include <string_view>
#include <vector>

namespace accurate::plugin {

/// The search list, in order: `<executable_dir>/plugins` (the build tree), `<executable_dir>/../<install_dir>`
/// (the install prefix, @p install_dir being relative like "lib/accurate/plugins"), then each non-empty entry
/// of @p plugin_path (the colon-separated ACCURATE_PLUGIN_PATH). Paths are lexically normalised and a path
/// listed twice is kept once, at its first position. Pure: touches neither the file system nor the
/// environment.
ACCURATE_API std::vector<std::filesystem::path> makeSearchPaths(const std::filesystem::path& executable_dir,
                                                               std::string_view install_dir,
                                                               std::string_view plugin_path);

/// makeSearchPaths for this process: the folder of the running executable (boost::dll::program_location()),
/// the ACCURATE_PLUGIN_INSTALL_DIR the core was compiled with, and the ACCURATE_PLUGIN_PATH environment
/// variable. Threading: reads the environment; call from the main thread.
ACCURATE_API std::vector<std::filesystem::path> defaultSearchPaths();

}  // namespace accurate::plugin
