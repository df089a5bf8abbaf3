#pragma once
/// @file settings.hpp
/// The `digaas` config section (file < environment < CLI), parsed and validated once at configure time.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace accurate::digaas {

/// A nameserver to watch, "host:port" (port 53 when omitted; IPv6 as "[::1]:5353").
struct NameserverAddress {
  std::string host;          ///< IP literal as written, e.g. "127.0.0.1" or "::1"
  std::uint16_t port = 53;   ///< UDP/TCP port
  std::string label;         ///< "host:port" as shown in stats entries, e.g. "127.0.0.1:5353" or "[::1]:53"
};

/// Everything the plugin reads from its section. Immutable after parsing; shared by all shards.
struct Settings {
  std::vector<NameserverAddress> nameservers;   ///< `nameservers`: where changes must appear (at least one)
  std::string endpoint;                         ///< `endpoint`: Digaas service base URL (http://); empty = none
  bool poll = true;                             ///< `poll`: run the built-in DNS propagation poller
  std::chrono::milliseconds timeout{120000};    ///< `timeout` (s): give up on a change this long after its write
  std::chrono::milliseconds interval{1000};     ///< `interval` (s): time between two checks of one change
  std::chrono::milliseconds query_timeout{2000};///< `query_timeout` (s): one DNS query's budget (UDP+TCP)
  std::uint32_t max_inflight = 16;              ///< `max_inflight`: concurrent DNS queries per nameserver
  double max_qps = 100;                         ///< `max_qps`: DNS queries per second per nameserver
  std::chrono::milliseconds cooldown{-1};       ///< `cooldown` (s): service: wait after the test before asking
                                                ///< for stats; negative = use `timeout`
  std::chrono::milliseconds stats_timeout{120000}; ///< `stats_timeout` (s): service: how long to wait for a
                                                   ///< stats job to be COMPLETE
  bool plots = true;                            ///< `plots`: service: download the three plots into the report
};

/// Parses the plugin's section. Throws sdk::ConfigError with the JSON path ("$.digaas.nameservers[1]") and the
/// reason for a bad value, a missing `nameservers`, or a section that enables nothing (poll false, no endpoint).
Settings parseSettings(const boost::json::object& section);

/// Parses "host:port" / "host" / "[v6]:port" (IP literals only). Throws sdk::ConfigError at @p path.
NameserverAddress parseNameserver(std::string_view text, const std::string& path);

}  // namespace accurate::digaas
