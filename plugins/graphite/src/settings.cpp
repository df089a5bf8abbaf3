#include "settings.hpp"

#include "metric_names.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <array>

namespace accurate::graphite {
namespace {

constexpr std::string_view kSection = "$.graphite";
constexpr std::size_t kMaxQueue = 100'000'000;  // ~8 GB of lines: anything larger is a typo

std::string at(std::string_view key) { return fmt::format("{}.{}", kSection, key); }

}  // namespace

std::string defaultClientId() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) name[0] = '\0';
  const std::string host = name[0] != '\0' ? std::string(name.data()) : std::string("host");
  return sanitizeSegment(fmt::format("{}_{}", host, getpid()));
}

Settings parseSettings(const boost::json::object& section, std::string_view default_client_id) {
  sdk::rejectUnknownKeys(section, kSection,
                         {"host", "port", "prefix", "interval", "compat", "queue", "client_id", "log_lines"});
  Settings s;
  s.client_id = std::string(default_client_id);
  if (const auto* v = section.if_contains("host")) s.host = sdk::requireString(*v, at("host"), false);
  if (const auto* v = section.if_contains("port")) s.port = static_cast<std::uint16_t>(sdk::requireInteger(*v, at("port"), 1, 65535));
  if (const auto* v = section.if_contains("prefix")) {
    s.prefix = sdk::requireString(*v, at("prefix"), false);
    if (s.prefix.front() == '.' || s.prefix.back() == '.' || s.prefix.find("..") != std::string::npos) {
      throw sdk::ConfigError(at("prefix"), fmt::format("empty name part in {} (parts are joined by single dots)",
                                                       sdk::describeJson(*v)));
    }
  }
  if (const auto* v = section.if_contains("interval")) {
    s.interval = sdk::requireDuration(*v, at("interval"));
    if (s.interval.count() <= 0) throw sdk::ConfigError(at("interval"), "expected a positive duration, got 0");
  }
  if (const auto* v = section.if_contains("compat")) s.compat = sdk::requireBool(*v, at("compat"));
  if (const auto* v = section.if_contains("queue")) {
    s.queue = static_cast<std::size_t>(sdk::requireInteger(*v, at("queue"), 1, kMaxQueue));
  }
  if (const auto* v = section.if_contains("client_id")) {
    s.client_id = sanitizeSegment(sdk::requireString(*v, at("client_id"), false));
  }
  if (const auto* v = section.if_contains("log_lines")) s.log_lines = sdk::requireString(*v, at("log_lines"), false);
  return s;
}

}  // namespace accurate::graphite
