#pragma once
/// @file option_table.hpp
/// The single table of core options: every flag, environment variable, config-file key, type, default and
/// help line comes from here (CLI, environment, file loader, --help and docs/configuration.md agree on it).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace accurate::config {

/// How an option's value is read and checked.
enum class OptionKind {
  kString,      ///< any string
  kUrl,         ///< "" or an http:// or https:// URL
  kInteger,     ///< integer within [min, max]
  kNumber,      ///< number >= min (> min when exclusive_min)
  kBoolean,     ///< true/false (CLI/env also: 1/0, yes/no, on/off)
  kDuration,    ///< "30s", "5m", "1h30m", "250ms"; a bare number is seconds
  kStringList,  ///< comma-separated on the CLI and in the environment, a JSON array of strings in the file
  kLogLevel,    ///< trace, debug, info, warn, error, critical or off
  kShape,       ///< load shape: JSON array of {duration, users, spawn_rate} (file only)
};

/// One core option.
struct CoreOption {
  std::string_view flag;         ///< long flag without dashes, e.g. "run-time"
  char short_flag;               ///< short flag, e.g. 't'; '\0' when none
  std::string_view key;          ///< key in the config file, e.g. "run_time"; "" when not a file key (config)
  OptionKind kind;               ///< value type and checks
  bool command_line;             ///< settable from the CLI and the environment (false: config file only)
  bool optional;                 ///< may be unset (JSON null), e.g. run_time = run until stopped
  std::int64_t min;              ///< kInteger lower bound; kNumber lower bound
  std::int64_t max;              ///< kInteger upper bound
  bool exclusive_min;            ///< kNumber: value must be greater than min
  std::string_view default_json; ///< default as JSON text; "" when unset or computed (threads)
  std::string_view arg;          ///< argument name for --help, e.g. "DURATION"; "" for booleans
  std::string_view help;         ///< one help line
};

/// Every core option, in --help order.
std::span<const CoreOption> coreOptions();

/// The option with long flag @p flag, or nullptr.
const CoreOption* findOptionByFlag(std::string_view flag);

/// The option with config-file key @p key, or nullptr.
const CoreOption* findOptionByKey(std::string_view key);

/// Environment variable of a flag: "ACCURATE_" + flag in upper case with dashes as underscores.
std::string envVarName(std::string_view flag);

/// Human-readable default of @p option for --help and docs, e.g. "30s", "number of cores", "none".
std::string defaultText(const CoreOption& option);

}  // namespace accurate::config
