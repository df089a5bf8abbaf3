#include "config/config.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace accurate::config {

sdk::RunSettings Config::runSettings() const {
  sdk::RunSettings settings;
  settings.host = host;
  settings.users = users;
  settings.spawn_rate = spawn_rate;
  settings.run_time = run_time;
  settings.stop_timeout = stop_timeout;
  settings.connect_timeout = connect_timeout;
  settings.request_timeout = request_timeout;
  settings.insecure = insecure;
  settings.threads = threads;
  settings.role = role;
  settings.reports_dir = reports_dir;
  return settings;
}

boost::json::value Config::redacted() const { return redactSecrets(effective); }

const boost::json::object& Config::pluginSection(std::string_view name) const {
  if (const auto* section = plugin_sections.if_contains(name); section && section->is_object()) {
    return section->get_object();
  }
  throw sdk::Error("no config section for plugin \"" + std::string(name) + "\": it is not loaded");
}

bool isSecretKey(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  constexpr std::array<std::string_view, 6> kMarkers{"password", "secret", "token", "api_key", "apikey", "credential"};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view marker) { return lower.find(marker) != std::string::npos; });
}

boost::json::value redactSecrets(const boost::json::value& value) {
  if (value.is_object()) {
    boost::json::object out;
    for (const auto& entry : value.get_object()) {
      out[entry.key()] = isSecretKey(entry.key()) ? boost::json::value("***") : redactSecrets(entry.value());
    }
    return out;
  }
  if (value.is_array()) {
    boost::json::array out;
    for (const auto& item : value.get_array()) out.push_back(redactSecrets(item));
    return out;
  }
  // Password hashes (crypt(3) / libsodium strings such as "$argon2id$...", "$y$...") are secrets whatever their
  // key is called: e.g. the auth plugin's `users` object maps user names to hashes.
  if (value.is_string() && looksLikePasswordHash(value.get_string())) return "***";
  return value;
}

bool looksLikePasswordHash(std::string_view text) {
  constexpr std::array<std::string_view, 6> kPrefixes{"$argon2", "$y$", "$7$", "$2b$", "$6$", "$5$"};
  return std::any_of(kPrefixes.begin(), kPrefixes.end(), [&](std::string_view p) { return text.starts_with(p); });
}

void requireHost(const Config& config) {
  if (config.host.empty()) {
    throw sdk::ConfigError("$.host", "required: give --host (-H), ACCURATE_HOST or \"host\" in the config file");
  }
}

}  // namespace accurate::config
