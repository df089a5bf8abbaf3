#pragma once
/// @file settings.hpp
/// The `graphite` config section (file < environment < CLI), parsed and validated once at configure time.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace accurate::graphite {

/// Everything the plugin reads from its section. Immutable after parsing.
struct Settings {
  std::string host = "127.0.0.1";             ///< `host`: Carbon's host name or IP address
  std::uint16_t port = 2003;                  ///< `port`: Carbon's plaintext (line receiver) TCP port
  std::string prefix = "accurate";            ///< `prefix`: first name segment(s), sanitised part by part
  std::chrono::milliseconds interval{1000};   ///< `interval` (s): at most one point per interval-aligned slot
  bool compat = false;                        ///< `compat`: send the original tool's metric names instead
  std::size_t queue = 100000;                 ///< `queue`: most lines waiting to be sent (oldest dropped beyond)
  std::string client_id;                      ///< `client_id`: last segment of compat names, sanitised
  std::string log_lines;                      ///< `log_lines`: file receiving every line once it is written to
                                              ///< Carbon (testing aid); empty = none
};

/// `<hostname>_<pid>`, sanitised to one metric name segment: the default `client_id`.
std::string defaultClientId();

/// Parses the plugin's section (unknown keys refused). Throws sdk::ConfigError with the JSON path
/// (e.g. `$.graphite.port`) and the reason for a bad value. @p default_client_id fills `client_id` when absent.
Settings parseSettings(const boost::json::object& section, std::string_view default_client_id);

}  // namespace accurate::graphite
