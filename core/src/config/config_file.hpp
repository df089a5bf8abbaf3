#pragma once
/// @file config_file.hpp
/// Reading the JSON config file (comments and trailing commas allowed).

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace accurate::config {

/// Parses @p text, the content of the config file named @p source, which must hold one JSON object.
/// @throws sdk::ConfigError `<source>:<line>:<column>: invalid JSON (<reason>)` for a syntax error, or
///         `<source>: $: expected an object, got ...`.
boost::json::object parseConfigText(std::string_view text, const std::string& source);

/// Reads and parses the config file at @p path (see parseConfigText).
/// @throws sdk::ConfigError `<path>: cannot read the config file (<reason>)`.
boost::json::object readConfigFile(const std::string& path);

}  // namespace accurate::config
