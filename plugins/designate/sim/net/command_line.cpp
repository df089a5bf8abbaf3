#include "net/command_line.hpp"

#include <accurate/dns/message.hpp>
#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

// --keystone-user values contain no list separator: a repeated flag is the only way to give several.
#define CXXOPTS_VECTOR_DELIMITER '\0'
#include <cxxopts.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

namespace accurate::designate_sim {
namespace {

using std::chrono::milliseconds;

cxxopts::Options buildOptions() {
  cxxopts::Options options("designate-sim",
                           "A Designate v2 API + Keystone + authoritative DNS simulator "
                           "(see docs/designate-simulator.md)");
  const auto text = [](const char* fallback) { return cxxopts::value<std::string>()->default_value(fallback); };
  // clang-format off
  options.add_options()
    ("listen", "address of the API and DNS servers", text("127.0.0.1"))
    ("port", "HTTP port of the API and identity endpoints (0 = ephemeral)", text("0"))
    ("dns-port", "DNS port, UDP and TCP (0 = ephemeral)", text("0"))
    ("port-file", "write {\"http_port\": N, \"dns_port\": M} here once listening", cxxopts::value<std::string>())
    ("active-delay", "zone/recordset PENDING -> ACTIVE delay, A..B", text("5s..5.5s"))
    ("zone-delete-delay", "zone DELETE -> 404 delay, A..B", text("5s..5.5s"))
    ("import-delay", "zone import PENDING -> COMPLETE delay, A..B", text("300ms..700ms"))
    ("propagation-delay", "API change -> visible in DNS", text("300ms"))
    ("error-rate", "fraction of API requests answered 500", text("0"))
    ("latency", "added latency per API response, A..B", text("0ms..0ms"))
    ("zone-error-rate", "fraction of zone creates/updates ending in ERROR", text("0"))
    ("quota-zones", "default zones quota per project", text("10"))
    ("quota-zone-recordsets", "default recordsets quota per zone", text("500"))
    ("quota-zone-records", "default records quota per zone", text("500"))
    ("quota-recordset-records", "default records quota per recordset", text("20"))
    ("keystone", "require X-Auth-Token from the built-in identity endpoint")
    ("keystone-user", "NAME:PASSWORD:PROJECT[:APPCRED_ID:APPCRED_SECRET] (repeatable)",
     cxxopts::value<std::vector<std::string>>())
    ("token-ttl", "lifetime of issued tokens", text("1h"))
    ("nameserver", "the pool's nameserver (NS records, SOA mname)", text("ns1.designate-sim.test."))
    ("seed", "random seed (ids, delays, faults)", text("1"))
    ("h,help", "print this help");
  // clang-format on
  return options;
}

[[noreturn]] void refuse(std::string_view flag, const std::string& reason) {
  throw sdk::ConfigError("--" + std::string(flag), reason);
}

template <class T>
T parseInteger(std::string_view flag, const std::string& text, T min, T max) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    refuse(flag, fmt::format("expected an integer between {} and {}, got \"{}\"", min, max, text));
  }
  return value;
}

double parseFraction(std::string_view flag, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value) || value < 0 ||
      value > 1) {
    refuse(flag, fmt::format("expected a number between 0 and 1, got \"{}\"", text));
  }
  return value;
}

milliseconds parseDuration(std::string_view flag, std::string_view text) {
  return sdk::parseDuration(text, "--" + std::string(flag));  // throws ConfigError "--flag: cannot parse ..."
}

DelayRange parseRange(std::string_view flag, const std::string& text) {
  const auto dots = text.find("..");
  DelayRange range;
  if (dots == std::string::npos) {
    range.min = range.max = parseDuration(flag, text);
  } else {
    range.min = parseDuration(flag, std::string_view(text).substr(0, dots));
    range.max = parseDuration(flag, std::string_view(text).substr(dots + 2));
  }
  if (range.max < range.min) {
    refuse(flag, fmt::format("the range \"{}\" ends before it starts (use A..B with A <= B)", text));
  }
  return range;
}

std::vector<std::string> splitColons(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) return parts;
    start = colon + 1;
  }
}

KeystoneUser parseUser(const std::string& text) {
  const auto parts = splitColons(text);
  const bool sizes_ok = parts.size() == 3 || parts.size() == 5;
  bool empty_part = false;
  for (const auto& part : parts) empty_part = empty_part || part.empty();
  if (!sizes_ok || empty_part) {
    // The value holds a password: never echo it.
    refuse("keystone-user", "expected NAME:PASSWORD:PROJECT or NAME:PASSWORD:PROJECT:APPCRED_ID:APPCRED_SECRET "
                            "with no empty part (" + std::to_string(parts.size()) + " parts given)");
  }
  KeystoneUser user;
  user.name = parts[0];
  user.password = parts[1];
  user.project_id = parts[2];
  if (parts.size() == 5) {
    user.app_credential_id = parts[3];
    user.app_credential_secret = parts[4];
  }
  return user;
}

std::string parseNameserver(const std::string& text) {
  std::string name = text;
  if (!name.empty() && name.back() != '.') name.push_back('.');
  try {
    dns::nameToWire(name);
  } catch (const sdk::Error& e) {
    refuse("nameserver", e.what());
  }
  if (name == ".") refuse("nameserver", "the root is not a nameserver name");
  return name;
}

}  // namespace

SimCommandLine parseCommandLine(int argc, const char* const* argv) {
  auto options = buildOptions();
  cxxopts::ParseResult result;
  try {
    result = options.parse(argc, argv);
  } catch (const cxxopts::exceptions::exception& e) {
    throw sdk::ConfigError("", std::string(e.what()) + " (see --help)");
  }
  if (!result.unmatched().empty()) {
    throw sdk::ConfigError("", "unexpected argument \"" + result.unmatched().front() + "\" (see --help)");
  }
  SimCommandLine out;
  if (result.count("help") != 0) {
    out.help = true;
    return out;
  }
  const auto text = [&](const char* flag) { return result[flag].as<std::string>(); };

  boost::system::error_code ec;
  out.listen = boost::asio::ip::make_address(text("listen"), ec);
  if (ec) refuse("listen", fmt::format("expected an IP address, got \"{}\"", text("listen")));
  out.http_port = parseInteger<std::uint16_t>("port", text("port"), 0, 65535);
  out.dns_port = parseInteger<std::uint16_t>("dns-port", text("dns-port"), 0, 65535);
  if (result.count("port-file") != 0) {
    out.port_file = text("port-file");
    if (out.port_file.empty()) refuse("port-file", "expected a file path, got an empty one");
  }

  SimOptions& sim = out.options;
  sim.active_delay = parseRange("active-delay", text("active-delay"));
  sim.zone_delete_delay = parseRange("zone-delete-delay", text("zone-delete-delay"));
  sim.import_delay = parseRange("import-delay", text("import-delay"));
  sim.propagation_delay = parseDuration("propagation-delay", text("propagation-delay"));
  sim.error_rate = parseFraction("error-rate", text("error-rate"));
  sim.added_latency = parseRange("latency", text("latency"));
  sim.zone_error_rate = parseFraction("zone-error-rate", text("zone-error-rate"));
  constexpr std::int64_t kMaxQuota = std::numeric_limits<std::int32_t>::max();
  sim.quotas.zones = parseInteger<std::int64_t>("quota-zones", text("quota-zones"), 0, kMaxQuota);
  sim.quotas.zone_recordsets =
      parseInteger<std::int64_t>("quota-zone-recordsets", text("quota-zone-recordsets"), 0, kMaxQuota);
  sim.quotas.zone_records = parseInteger<std::int64_t>("quota-zone-records", text("quota-zone-records"), 0, kMaxQuota);
  sim.quotas.recordset_records =
      parseInteger<std::int64_t>("quota-recordset-records", text("quota-recordset-records"), 0, kMaxQuota);
  sim.keystone = result.count("keystone") != 0;
  if (result.count("keystone-user") != 0) {
    for (const auto& value : result["keystone-user"].as<std::vector<std::string>>()) {
      sim.users.push_back(parseUser(value));
    }
  }
  if (sim.keystone && sim.users.empty()) {
    refuse("keystone", "needs at least one --keystone-user NAME:PASSWORD:PROJECT (nobody could get a token)");
  }
  const auto ttl = parseDuration("token-ttl", text("token-ttl"));
  if (ttl < std::chrono::seconds(1)) {
    refuse("token-ttl", fmt::format("expected at least 1s, got \"{}\"", text("token-ttl")));
  }
  sim.token_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
  sim.nameserver = parseNameserver(text("nameserver"));
  sim.seed = parseInteger<std::uint64_t>("seed", text("seed"), 0, std::numeric_limits<std::uint64_t>::max());
  return out;
}

std::string commandLineHelp() { return buildOptions().help(); }

std::string readyLine(const boost::asio::ip::address& address, std::uint16_t http_port, std::uint16_t dns_port) {
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return fmt::format("designate-sim: API http://{}:{}  DNS {}:{} (udp+tcp)", host, http_port, host, dns_port);
}

void writePortFile(const std::string& path, std::uint16_t http_port, std::uint16_t dns_port) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  const std::string content = fmt::format("{{\"http_port\": {}, \"dns_port\": {}}}\n", http_port, dns_port);
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) {
    throw sdk::Error("port file " + path + ": cannot create " + temporary + ": " + std::strerror(errno));
  }
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw sdk::Error("port file " + path + ": cannot write " + temporary + ": " + std::strerror(error));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw sdk::Error("port file " + path + ": cannot rename " + temporary + ": " + std::strerror(error));
  }
}

}  // namespace accurate::designate_sim
