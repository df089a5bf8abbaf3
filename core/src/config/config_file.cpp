#include "config/config_file.hpp"

#include <accurate/sdk/config.hpp>

#include <boost/json/parse_options.hpp>
#include <boost/json/stream_parser.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace accurate::config {
namespace {

[[noreturn]] void syntaxError(std::string_view text, std::size_t offset, const std::string& source,
                              const boost::system::error_code& ec) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  throw sdk::ConfigError(fmt::format("{}:{}:{}", source, line, column), fmt::format("invalid JSON ({})", ec.message()));
}

}  // namespace

boost::json::object parseConfigText(std::string_view text, const std::string& source) {
  boost::json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  const std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
  if (ec) syntaxError(text, consumed, source, ec);
  if (consumed < text.size()) {
    // write_some stops after one complete value: anything but blanks and comments after it is an error.
    parser.write(text.data() + consumed, text.size() - consumed, ec);
    if (ec) syntaxError(text, consumed, source, ec);
  }
  parser.finish(ec);
  if (ec) syntaxError(text, text.size(), source, ec);
  boost::json::value root = parser.release();
  if (!root.is_object()) {
    throw sdk::ConfigError(source + ": $", fmt::format("expected an object, got {}", sdk::describeJson(root)));
  }
  return std::move(root.get_object());
}

boost::json::object readConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw sdk::ConfigError(path, "cannot read the config file (it is a directory)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sdk::ConfigError(path, fmt::format("cannot read the config file ({})", std::strerror(errno)));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw sdk::ConfigError(path, "cannot read the config file (read error)");
  return parseConfigText(content.str(), path);
}

}  // namespace accurate::config
