#include "settings.hpp"

#include "secret_file.hpp"

#include <accurate/sdk/errors.hpp>

#include <set>

namespace accurate::auth {
namespace {

constexpr const char* kSection = "$.auth";

std::string pathOf(std::string_view key) { return std::string(kSection) + "." + std::string(key); }

/// An integer in [min, max] at @p key, or @p fallback when absent.
long long integerAt(const boost::json::object& section, std::string_view key, long long fallback, long long min,
                    long long max) {
  const auto* value = section.if_contains(key);
  if (value == nullptr) return fallback;
  long long number = 0;
  if (value->is_int64()) {
    number = value->get_int64();
  } else if (value->is_uint64()) {  // only above INT64_MAX: out of range
    number = max + 1;
  } else if (value->is_string()) {  // from the environment or a string option
    try {
      std::size_t used = 0;
      number = std::stoll(std::string(value->get_string()), &used);
      if (used != value->get_string().size()) throw std::invalid_argument("trailing characters");
    } catch (const std::exception&) {
      throw sdk::ConfigError(pathOf(key), "must be an integer");
    }
  } else {
    throw sdk::ConfigError(pathOf(key), "must be an integer");
  }
  if (number < min || number > max) {
    throw sdk::ConfigError(pathOf(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return number;
}

/// A non-empty string at @p key, or "" when absent.
std::string fileAt(const boost::json::object& section, std::string_view key) {
  const auto* value = section.if_contains(key);
  if (value == nullptr || value->is_null()) return "";
  if (!value->is_string() || value->get_string().empty()) {
    throw sdk::ConfigError(pathOf(key), "must be a non-empty file path");
  }
  return std::string(value->get_string());
}

std::string realmAt(const boost::json::object& section) {
  const auto* value = section.if_contains("realm");
  if (value == nullptr) return "accurate";
  if (!value->is_string()) throw sdk::ConfigError(pathOf("realm"), "must be a string");
  const std::string realm(value->get_string());
  if (realm.empty() || realm.size() > 64) throw sdk::ConfigError(pathOf("realm"), "must be 1 to 64 characters");
  for (const char c : realm) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      throw sdk::ConfigError(pathOf("realm"), "must be printable ASCII without '\"' or '\\'");
    }
  }
  return realm;
}

void warnIfShared(const std::string& file, std::vector<std::string>& warnings) {
  if (readableByOthers(file)) {
    warnings.push_back("auth: " + file + " is readable by other users; run chmod 600 " + file);
  }
}

}  // namespace

ProviderSettings parseSettings(const boost::json::object& section, std::vector<std::string>& warnings) {
  static const std::set<std::string, std::less<>> kKeys = {
      "realm",         "users",          "users_file",      "tokens",
      "tokens_file",   "max_failures",   "failure_window_seconds", "lockout_seconds",
      "max_tracked_addresses", "cache_seconds", "max_concurrent_verifications"};
  for (const auto& field : section) {
    if (!kKeys.contains(field.key())) {
      throw sdk::ConfigError(pathOf(field.key()), "unknown key (see docs/auth.md for the auth section)");
    }
  }
  ProviderSettings settings;
  settings.realm = realmAt(section);

  if (const auto* users = section.if_contains("users")) {
    if (!users->is_object()) throw sdk::ConfigError(pathOf("users"), "must be an object {\"name\": \"<argon2id hash>\"}");
    for (const auto& [name, hash] : users->get_object()) {
      const std::string at = pathOf("users") + "." + std::string(name);
      if (const auto problem = userNameProblem(name); !problem.empty()) throw sdk::ConfigError(at, problem);
      if (!hash.is_string()) throw sdk::ConfigError(at, "must be an argon2id hash string");
      if (const auto problem = hashProblem(hash.get_string()); !problem.empty()) throw sdk::ConfigError(at, problem);
      settings.users.emplace(std::string(name), std::string(hash.get_string()));
    }
  }
  if (const std::string file = fileAt(section, "users_file"); !file.empty()) {
    for (auto& [name, hash] : readUsersFile(file)) {
      if (settings.users.contains(name)) {
        throw sdk::ConfigError(pathOf("users_file"),
                               "user '" + name + "' is defined both in " + pathOf("users") + " and in " + file);
      }
      settings.users.emplace(name, std::move(hash));
    }
    warnIfShared(file, warnings);
  }

  if (const auto* tokens = section.if_contains("tokens")) settings.tokens = parseTokensConfig(*tokens, pathOf("tokens"));
  if (const std::string file = fileAt(section, "tokens_file"); !file.empty()) {
    for (auto& record : readTokensFile(file)) {
      for (const auto& existing : settings.tokens) {
        if (existing.name == record.name) {
          throw sdk::ConfigError(pathOf("tokens_file"), "token '" + record.name + "' is defined both in " +
                                                            pathOf("tokens") + " and in " + file);
        }
      }
      settings.tokens.push_back(std::move(record));
    }
    warnIfShared(file, warnings);
  }

  if (settings.users.empty() && settings.tokens.empty()) {
    throw sdk::ConfigError("", "auth: no users or tokens configured (see docs/auth.md)");
  }

  settings.throttle.max_failures = static_cast<unsigned>(integerAt(section, "max_failures", 5, 1, 1000));
  settings.throttle.window = std::chrono::seconds(integerAt(section, "failure_window_seconds", 60, 1, 86400));
  settings.throttle.lockout = std::chrono::seconds(integerAt(section, "lockout_seconds", 60, 1, 86400));
  settings.throttle.max_addresses =
      static_cast<std::size_t>(integerAt(section, "max_tracked_addresses", 10000, 1, 1000000));
  settings.cache_ttl = std::chrono::seconds(integerAt(section, "cache_seconds", 600, 0, 86400));
  settings.max_concurrent_verifications =
      static_cast<unsigned>(integerAt(section, "max_concurrent_verifications", 2, 1, 64));
  return settings;
}

}  // namespace accurate::auth
