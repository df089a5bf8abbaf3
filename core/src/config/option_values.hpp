#pragma once
/// @file option_values.hpp
/// Reading one option value from the command line, the environment or the config file, checking it, and
/// turning it into its normalised JSON form (durations as "1h30m", lists as arrays, unset as null).

#include "config/option_table.hpp"

#include <accurate/sdk/host.hpp>

#include <boost/json/value.hpp>

#include <string_view>

namespace accurate::config {

/// Normalised value of core option @p option from CLI or environment text @p text.
/// @param where names the source in errors, e.g. "--run-time" or "environment ACCURATE_RUN_TIME".
/// @throws sdk::ConfigError `<where>: <reason>`.
boost::json::value valueFromText(const CoreOption& option, std::string_view text, std::string_view where);

/// Normalised value of core option @p option from config-file value @p value (JSON null unsets an optional
/// option). @param where e.g. "config.jsonc: $.users". @throws sdk::ConfigError `<where>: <reason>`.
boost::json::value valueFromJson(const CoreOption& option, const boost::json::value& value, std::string_view where);

/// JSON value of a plugin option of type @p type from CLI or environment text @p text.
/// @throws sdk::ConfigError `<where>: <reason>`.
boost::json::value pluginValueFromText(sdk::OptionSpec::Type type, std::string_view text, std::string_view where);

/// Splits a comma-separated list, trimming blanks and dropping empty items.
boost::json::array splitList(std::string_view text);

}  // namespace accurate::config
