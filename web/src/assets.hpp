#pragma once
/// @file assets.hpp
/// The front end's static files, embedded into the binary at build time (web/cmake/EmbedAssets.cmake): every
/// file under web/static/ as /static/<relative path>, and uPlot's dist files as /static/vendor/<file>.

#include <cstddef>
#include <span>
#include <string_view>

namespace accurate::web {

/// One embedded file.
struct EmbeddedAsset {
  std::string_view path;          ///< URL path, e.g. "/static/app.js"
  std::string_view content_type;  ///< Content-Type to serve it with
  const unsigned char* data;      ///< the file's bytes (static storage)
  std::size_t size;               ///< number of bytes

  /// The bytes as a string view.
  std::string_view body() const noexcept { return {reinterpret_cast<const char*>(data), size}; }
};

/// Every embedded file (generated at build time; may be empty). Static storage; any thread.
std::span<const EmbeddedAsset> embeddedAssets() noexcept;

/// The embedded file served at exactly @p url_path (e.g. "/static/index.html"), or nullptr. Any thread.
const EmbeddedAsset* findAsset(std::string_view url_path) noexcept;

}  // namespace accurate::web
