// Parsing and validation of the `digaas` config section (see settings.hpp).
#include "settings.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace accurate::digaas {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::string_view kRoot = "$.digaas";
/// Largest max_qps: the limiter keeps one timestamp per allowed start in its window.
constexpr double kMaxQps = 1'000'000;
/// Largest max_inflight (a sanity bound: more concurrent queries than any nameserver needs).
constexpr std::int64_t kMaxInflight = 1'000'000;

[[noreturn]] void refuse(const std::string& where, const std::string& reason) { throw sdk::ConfigError(where, reason); }

std::string at(std::string_view key) { return fmt::format("{}.{}", kRoot, key); }

/// A duration in seconds (a JSON number, or a string such as "1.5s"), strictly positive (or >= 0).
std::chrono::milliseconds duration(const value& input, const std::string& where, bool allow_zero) {
  const std::chrono::milliseconds parsed = sdk::requireDuration(input, where);
  if (parsed.count() < 0 || (!allow_zero && parsed.count() == 0)) {
    refuse(where, fmt::format("expected a {} number of seconds (at least 0.001), got {}",
                              allow_zero ? "non-negative" : "positive", sdk::describeJson(input)));
  }
  return parsed;
}

std::string endpointUrl(const value& input, const std::string& where) {
  std::string text = sdk::requireString(input, where);
  if (text.empty()) return text;
  if (!text.starts_with("http://")) {  // Digaas serves plain HTTP; the control client speaks nothing else
    refuse(where, fmt::format("expected an http:// URL, got {}", sdk::describeJson(input)));
  }
  const std::size_t host_start = text.find("://") + 3;
  if (host_start >= text.size() || text[host_start] == '/') refuse(where, "the URL has no host");
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      refuse(where, fmt::format("the URL {} contains spaces or non-ASCII bytes", sdk::describeJson(input)));
    }
  }
  while (text.size() > host_start && text.back() == '/') text.pop_back();
  return text;
}

std::uint16_t parsePort(std::string_view text, std::string_view whole, const std::string& path) {
  unsigned port = 0;
  const auto [end, errc] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || errc != std::errc() || end != text.data() + text.size() || port == 0 || port > 65535) {
    refuse(path, fmt::format("bad port \"{}\" in nameserver \"{}\" (expected 1-65535)", text, whole));
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

NameserverAddress parseNameserver(std::string_view text, const std::string& path) {
  if (text.empty()) refuse(path, "empty nameserver (expected an IP address with an optional port, e.g. 127.0.0.1:53)");
  NameserverAddress out;
  std::string_view host = text;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) refuse(path, fmt::format("nameserver \"{}\": missing ']'", text));
    host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') refuse(path, fmt::format("nameserver \"{}\": expected ':' and a port after ']'", text));
      out.port = parsePort(rest.substr(1), text, path);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // IPv4 (or a name) with a port
    const std::size_t colon = text.find(':');
    host = text.substr(0, colon);
    out.port = parsePort(text.substr(colon + 1), text, path);
  }
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  if (error) {
    refuse(path, fmt::format("nameserver \"{}\": \"{}\" is not an IP address (host names are not resolved; "
                             "use e.g. 127.0.0.1:5353 or [::1]:53)",
                             text, host));
  }
  out.host = std::string(host);
  out.label = address.is_v6() ? fmt::format("[{}]:{}", out.host, out.port) : fmt::format("{}:{}", out.host, out.port);
  return out;
}

Settings parseSettings(const object& section) {
  sdk::rejectUnknownKeys(section, kRoot,
                         {"nameservers", "endpoint", "poll", "timeout", "interval", "query_timeout", "max_inflight",
                          "max_qps", "cooldown", "stats_timeout", "plots"});
  Settings out;
  const value* nameservers = section.if_contains("nameservers");
  if (nameservers == nullptr) {
    refuse(at("nameservers"), "required: the nameservers to watch, e.g. [\"127.0.0.1:5353\"] (--digaas-nameservers)");
  }
  const std::string list_path = at("nameservers");
  const auto& list = sdk::requireArray(*nameservers, list_path);
  if (list.empty()) refuse(list_path, "expected at least one nameserver");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", list_path, i);
    const std::string text = sdk::requireString(list[i], item_path, false);
    NameserverAddress address = parseNameserver(text, item_path);
    for (const auto& earlier : out.nameservers) {
      if (earlier.label == address.label) refuse(item_path, fmt::format("nameserver {} is listed twice", address.label));
    }
    out.nameservers.push_back(std::move(address));
  }
  if (const value* v = section.if_contains("endpoint")) out.endpoint = endpointUrl(*v, at("endpoint"));
  if (const value* v = section.if_contains("poll")) out.poll = sdk::requireBool(*v, at("poll"));
  if (const value* v = section.if_contains("timeout")) out.timeout = duration(*v, at("timeout"), false);
  if (const value* v = section.if_contains("interval")) out.interval = duration(*v, at("interval"), false);
  if (const value* v = section.if_contains("query_timeout")) {
    out.query_timeout = duration(*v, at("query_timeout"), false);
  }
  if (const value* v = section.if_contains("max_inflight")) {
    out.max_inflight = static_cast<std::uint32_t>(sdk::requireInteger(*v, at("max_inflight"), 1, kMaxInflight));
  }
  if (const value* v = section.if_contains("max_qps")) {
    out.max_qps = sdk::requireNumber(*v, at("max_qps"), 0, true);
    if (out.max_qps > kMaxQps) refuse(at("max_qps"), fmt::format("at most {:.0f} queries per second", kMaxQps));
  }
  if (const value* v = section.if_contains("cooldown")) out.cooldown = duration(*v, at("cooldown"), true);
  if (const value* v = section.if_contains("stats_timeout")) {
    out.stats_timeout = duration(*v, at("stats_timeout"), false);
  }
  if (const value* v = section.if_contains("plots")) out.plots = sdk::requireBool(*v, at("plots"));
  if (!out.poll && out.endpoint.empty()) {
    refuse(std::string(kRoot), "enables nothing: poll is false and no endpoint is set (set --digaas-endpoint or "
                               "leave --digaas-poll on)");
  }
  return out;
}

}  // namespace accurate::digaas
