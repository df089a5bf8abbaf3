#pragma once
/// @file settings.hpp
/// The `auth` config section → ProviderSettings (users and tokens from the section and their files).

#include "provider.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace accurate::auth {

/// Parses and validates the `auth` section, reading users_file and tokens_file. Throws sdk::ConfigError with the
/// JSON path (`$.auth.<key>`) or `<file>:<line>` of the first problem, and when no user and no token is configured.
/// @param warnings receives one line per non-fatal problem (e.g. a users file readable by others).
ProviderSettings parseSettings(const boost::json::object& section, std::vector<std::string>& warnings);

}  // namespace accurate::auth
