#include "plugin/manifest.hpp"

#include "plugin/plugin_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

namespace accurate::plugin {
namespace {

namespace json = boost::json;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& reason) {
  throw PluginError({}, fmt::format("manifest {}: {}", file.string(), reason));
}

/// Line and column (both from 1) of byte @p offset in @p text.
std::pair<std::size_t, std::size_t> lineAndColumn(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const auto before = text.substr(0, offset);
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const auto last_newline = before.rfind('\n');
  const std::size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return {line, column};
}

json::value parseJson(std::string_view text, const std::filesystem::path& file) {
  json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) {
    parser.finish(ec);
  }
  if (ec) {
    const auto [line, column] = lineAndColumn(text, ec ? consumed : text.size());
    fail(file, fmt::format("invalid JSON at line {}, column {}: {}", line, column, ec.message()));
  }
  return parser.release();
}

const json::value& required(const json::object& object, std::string_view key, const std::filesystem::path& file) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) {
    fail(file, fmt::format("missing \"{}\"", key));
  }
  return *value;
}

std::string requiredString(const json::object& object, std::string_view key, const std::filesystem::path& file) {
  const auto& value = required(object, key, file);
  if (!value.is_string()) {
    fail(file, fmt::format("\"{}\" must be a string", key));
  }
  return std::string(value.get_string());
}

std::uint32_t abiNumber(const json::object& abi, std::string_view key, const std::filesystem::path& file) {
  const auto* value = abi.if_contains(key);
  if (value == nullptr) {
    fail(file, fmt::format("missing \"abi.{}\"", key));
  }
  if (value->is_uint64() && value->get_uint64() <= std::numeric_limits<std::uint32_t>::max()) {
    return static_cast<std::uint32_t>(value->get_uint64());
  }
  if (value->is_int64() && value->get_int64() >= 0 &&
      value->get_int64() <= std::numeric_limits<std::uint32_t>::max()) {
    return static_cast<std::uint32_t>(value->get_int64());
  }
  fail(file, fmt::format("\"abi.{}\" must be a non-negative integer", key));
}

std::string knownKinds() {
  std::string out;
  for (const auto kind : kProvidesKinds) {
    if (!out.empty()) {
      out += ", ";
    }
    out += kind;
  }
  return out;
}

}  // namespace

bool isValidPluginName(std::string_view name) noexcept {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  const auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(name.front())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_or_digit(c) || c == '_' || c == '-'; });
}

PluginManifest parseManifest(std::string_view text, const std::filesystem::path& file) {
  const json::value root = parseJson(text, file);
  if (!root.is_object()) {
    fail(file, "the top level must be a JSON object");
  }
  const auto& object = root.get_object();

  PluginManifest manifest;
  manifest.file = file;
  manifest.name = requiredString(object, "name", file);
  if (!isValidPluginName(manifest.name)) {
    fail(file, fmt::format("invalid plugin name '{}' (use 1-64 lower-case letters, digits, '_' or '-', "
                           "starting with a letter or digit)",
                           manifest.name));
  }
  manifest.version = requiredString(object, "version", file);
  if (manifest.version.empty()) {
    fail(file, "\"version\" must not be empty");
  }
  if (const auto* description = object.if_contains("description")) {
    if (!description->is_string()) {
      fail(file, "\"description\" must be a string");
    }
    manifest.description = std::string(description->get_string());
  }

  const std::filesystem::path library(requiredString(object, "library", file));
  if (library.empty()) {
    fail(file, "\"library\" must not be empty");
  }
  if (library.is_absolute()) {
    fail(file, fmt::format("\"library\" must be relative to the manifest's folder, not {}", library.string()));
  }
  manifest.library = (file.parent_path() / library).lexically_normal();

  const auto& abi = required(object, "abi", file);
  if (!abi.is_object()) {
    fail(file, "\"abi\" must be an object {\"major\": N, \"minor\": N}");
  }
  manifest.abi_major = abiNumber(abi.get_object(), "major", file);
  manifest.abi_minor = abiNumber(abi.get_object(), "minor", file);

  const auto& provides = required(object, "provides", file);
  if (!provides.is_array()) {
    fail(file, "\"provides\" must be an array of strings");
  }
  for (const auto& kind : provides.get_array()) {
    if (!kind.is_string()) {
      fail(file, "\"provides\" must be an array of strings");
    }
    const std::string_view name = kind.get_string();
    if (std::find(std::begin(kProvidesKinds), std::end(kProvidesKinds), name) == std::end(kProvidesKinds)) {
      fail(file, fmt::format("unknown kind '{}' in \"provides\" (known: {})", name, knownKinds()));
    }
    if (std::find(manifest.provides.begin(), manifest.provides.end(), name) == manifest.provides.end()) {
      manifest.provides.emplace_back(name);
    }
  }
  return manifest;
}

PluginManifest readManifest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fail(file, "cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    fail(file, "cannot be read");
  }
  return parseManifest(text.str(), file);
}

}  // namespace accurate::plugin
