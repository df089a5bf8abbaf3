// Parsing and validation of the `designate` config section (see settings.hpp and docs/designate-config.md).
#include "settings.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>

namespace accurate::designate {
namespace {

using boost::json::object;
using boost::json::value;

constexpr std::string_view kRoot = "$.designate";
/// Longest zone_suffix: leaves room for the generated label (≤ 63) within a 253-character name.
constexpr std::size_t kMaxSuffixLength = 188;
/// Largest TTL Designate accepts (a signed 32-bit integer).
constexpr std::int64_t kMaxTtl = std::numeric_limits<std::int32_t>::max();

[[noreturn]] void refuse(const std::string& where, const std::string& reason) { throw sdk::ConfigError(where, reason); }

std::string at(std::string_view where, std::string_view key) { return fmt::format("{}.{}", where, key); }
std::string at(std::string_view where, std::size_t index) { return fmt::format("{}[{}]", where, index); }

std::string_view modeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kNoAuth: return "noauth";
    case AuthMode::kKeystonePassword: return "keystone_password";
    case AuthMode::kKeystoneAppCredential: return "keystone_app_credential";
    case AuthMode::kRackspaceApiKey: return "rackspace_api_key";
  }
  return "noauth";
}

AuthMode parseMode(const value& input, const std::string& where) {
  const std::string text = sdk::requireString(input, where, false);
  const std::vector<std::string_view> known{"noauth", "keystone_password", "keystone_app_credential",
                                            "rackspace_api_key"};
  if (text == "noauth") return AuthMode::kNoAuth;
  if (text == "keystone_password") return AuthMode::kKeystonePassword;
  if (text == "keystone_app_credential") return AuthMode::kKeystoneAppCredential;
  if (text == "rackspace_api_key") return AuthMode::kRackspaceApiKey;
  const std::string suggestion = sdk::closestMatch(text, known);
  refuse(where, fmt::format("unknown auth mode {}{} (known: noauth, keystone_password, keystone_app_credential, "
                            "rackspace_api_key)",
                            sdk::describeJson(input),
                            suggestion.empty() ? std::string() : fmt::format(", did you mean \"{}\"?", suggestion)));
}

/// A secret string: the offending value is never echoed in the error.
std::string secretString(const value& input, const std::string& where) {
  if (!input.is_string()) refuse(where, "expected a string (value not shown: it is a secret)");
  return std::string(input.get_string());
}

/// A project id: non-empty, printable ASCII without spaces or URL delimiters (it goes into headers and paths).
std::string projectId(const value& input, const std::string& where) {
  const std::string text = sdk::requireString(input, where, false);
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::string_view("/?#%").find(c) != std::string_view::npos) {
      refuse(where, fmt::format("invalid project id {}: use printable characters without spaces, '/', '?', '#', '%'",
                                sdk::describeJson(input)));
    }
  }
  return text;
}

std::string identityUrl(const value& input, const std::string& where) {
  std::string text = sdk::requireString(input, where);
  if (text.empty()) return text;
  if (!text.starts_with("http://") && !text.starts_with("https://")) {
    refuse(where, fmt::format("expected an http:// or https:// URL, got {}", sdk::describeJson(input)));
  }
  const std::size_t host_start = text.find("://") + 3;
  if (host_start >= text.size() || text[host_start] == '/') refuse(where, "the URL has no host");
  while (text.size() > host_start && text.back() == '/') text.pop_back();
  return text;
}

/// Tenant positions, for the duplicate checks.
struct Seen {
  std::string pool;  ///< "large" or "small"
  std::string path;  ///< JSON path of the first occurrence
};

class Parser {
 public:
  explicit Parser(const object& section) : section_(section) {}

  Settings run() {
    sdk::rejectUnknownKeys(section_, kRoot,
                           {"tenants", "large_tenants", "small_tenants", "auth_mode", "identity_url", "tenant_in_url",
                            "all_projects", "sudo_project", "token_renew_before", "weights", "class_weights",
                            "wait_min", "wait_max", "async_interval", "async_timeout", "pools", "gather", "prepare",
                            "zone_suffix", "zone_ttl", "recordset_ttl"});
    parseAuth();
    parseTenants();
    parseWeights();
    parseTimes();
    parsePools();
    parseGather();
    parsePrepare();
    parseZoneData();
    return std::move(out_);
  }

 private:
  const value* find(std::string_view key) const { return section_.if_contains(key); }
  std::string path(std::string_view key) const { return at(kRoot, key); }

  void parseAuth() {
    AuthSettings& auth = out_.auth;
    if (const value* v = find("auth_mode")) auth.mode = parseMode(*v, path("auth_mode"));
    if (const value* v = find("identity_url")) auth.identity_url = identityUrl(*v, path("identity_url"));
    if (auth.mode != AuthMode::kNoAuth && auth.identity_url.empty()) {
      refuse(path("identity_url"), fmt::format("required with auth_mode {} (e.g. \"http://127.0.0.1:5000\"; "
                                               "--designate-identity-url)",
                                               modeName(auth.mode)));
    }
    if (const value* v = find("tenant_in_url")) auth.tenant_in_url = sdk::requireBool(*v, path("tenant_in_url"));
    if (const value* v = find("all_projects")) auth.all_projects = sdk::requireBool(*v, path("all_projects"));
    if (const value* v = find("sudo_project")) {
      auth.sudo_project = v->is_string() && v->get_string().empty() ? std::string()
                                                                     : projectId(*v, path("sudo_project"));
    }
    if (const value* v = find("token_renew_before")) {
      auth.renew_before = std::chrono::duration_cast<std::chrono::seconds>(
          sdk::requireDuration(*v, path("token_renew_before")));
    }
  }

  void parseTenants() {
    if (const value* v = find("tenants")) {
      const std::string where = path("tenants");
      const object& pools = sdk::requireObject(*v, where);
      sdk::rejectUnknownKeys(pools, where, {"large", "small"});
      for (const std::string_view pool : {"large", "small"}) {
        const value* list = pools.if_contains(pool);
        if (list == nullptr) continue;
        const std::string list_path = at(where, pool);
        const auto& items = sdk::requireArray(*list, list_path);
        for (std::size_t i = 0; i < items.size(); ++i) {
          addTenant(tenantFrom(items[i], at(list_path, i)), pool, at(list_path, i));
        }
      }
    }
    for (const std::string_view pool : {"large", "small"}) {
      const std::string key = fmt::format("{}_tenants", pool);
      const value* list = find(key);
      if (list == nullptr) continue;
      const std::string list_path = path(key);
      if (list->is_string()) {  // tolerated: a comma-separated string as on the command line
        std::string_view rest = list->get_string();
        std::size_t index = 0;
        while (!rest.empty()) {
          const std::size_t comma = rest.find(',');
          std::string_view item = rest.substr(0, comma);
          while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
          while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
          if (!item.empty()) {
            addTenant(tenantFrom(value(item), at(list_path, index)), pool, at(list_path, index));
          }
          ++index;
          if (comma == std::string_view::npos) break;
          rest.remove_prefix(comma + 1);
        }
        continue;
      }
      const auto& items = sdk::requireArray(*list, list_path);
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].is_string()) {
          refuse(at(list_path, i), fmt::format("expected a project id string, got {}", sdk::describeJson(items[i])));
        }
        addTenant(tenantFrom(items[i], at(list_path, i)), pool, at(list_path, i));
      }
    }
    if (out_.large.empty() && out_.small.empty()) {
      refuse(path("tenants"), "no tenant: give tenants.large / tenants.small, large_tenants / small_tenants, or "
                              "--designate-large-tenants / --designate-small-tenants");
    }
  }

  Tenant tenantFrom(const value& input, const std::string& where) {
    Tenant tenant;
    if (input.is_string()) {
      tenant.project_id = projectId(input, where);
    } else if (input.is_object()) {
      const object& fields = input.get_object();
      sdk::rejectUnknownKeys(fields, where,
                             {"project_id", "username", "user_domain", "password", "api_key", "app_credential_id",
                              "app_credential_secret"});
      if (const value* v = fields.if_contains("project_id")) tenant.project_id = projectId(*v, at(where, "project_id"));
      if (const value* v = fields.if_contains("username")) {
        tenant.username = sdk::requireString(*v, at(where, "username"));
      }
      if (const value* v = fields.if_contains("user_domain")) {
        tenant.user_domain = sdk::requireString(*v, at(where, "user_domain"), false);
      }
      if (const value* v = fields.if_contains("password")) tenant.password = secretString(*v, at(where, "password"));
      if (const value* v = fields.if_contains("api_key")) tenant.api_key = secretString(*v, at(where, "api_key"));
      if (const value* v = fields.if_contains("app_credential_id")) {
        tenant.app_credential_id = sdk::requireString(*v, at(where, "app_credential_id"));
      }
      if (const value* v = fields.if_contains("app_credential_secret")) {
        tenant.app_credential_secret = secretString(*v, at(where, "app_credential_secret"));
      }
    } else {
      refuse(where, fmt::format("expected a project id string or an object with project_id and credentials, got {}",
                                sdk::describeJson(input)));
    }
    checkCredentials(tenant, where, input.is_string());
    return tenant;
  }

  void checkCredentials(Tenant& tenant, const std::string& where, bool plain) {
    const AuthMode mode = out_.auth.mode;
    const auto need = [&](bool present, std::string_view key, std::string_view what) {
      if (present) return;
      if (plain) {
        refuse(where, fmt::format("auth_mode {} needs {} for every tenant: give this tenant as an object under "
                                  "tenants.large / tenants.small",
                                  modeName(mode), what));
      }
      refuse(at(where, key), fmt::format("required with auth_mode {}", modeName(mode)));
    };
    switch (mode) {
      case AuthMode::kNoAuth:
        need(!tenant.project_id.empty(), "project_id", "a project_id");
        break;
      case AuthMode::kKeystonePassword:
        need(!tenant.project_id.empty(), "project_id", "project_id, username and password");
        need(!tenant.username.empty(), "username", "project_id, username and password");
        need(!tenant.password.empty(), "password", "project_id, username and password");
        break;
      case AuthMode::kKeystoneAppCredential:
        need(!tenant.project_id.empty(), "project_id", "project_id, app_credential_id and app_credential_secret");
        need(!tenant.app_credential_id.empty(), "app_credential_id",
             "project_id, app_credential_id and app_credential_secret");
        need(!tenant.app_credential_secret.empty(), "app_credential_secret",
             "project_id, app_credential_id and app_credential_secret");
        break;
      case AuthMode::kRackspaceApiKey:
        need(!tenant.username.empty(), "username", "username and api_key");
        need(!tenant.api_key.empty(), "api_key", "username and api_key");
        if (tenant.project_id.empty()) {
          // The tenant id is only known from the token; the URL needs the real one.
          if (out_.auth.tenant_in_url) need(false, "project_id", "project_id (tenant_in_url is set)");
          tenant.project_id = tenant.username;
        }
        break;
    }
  }

  void addTenant(Tenant tenant, std::string_view pool, const std::string& where) {
    const auto found = seen_.find(tenant.project_id);
    if (found != seen_.end()) {
      if (found->second.pool != pool) {
        refuse(where, fmt::format("tenant \"{}\" is in both pools (also at {}); a tenant may be large or small, "
                                  "not both",
                                  tenant.project_id, found->second.path));
      }
      refuse(where, fmt::format("tenant \"{}\" is listed twice in the {} pool (first at {})", tenant.project_id, pool,
                                found->second.path));
    }
    seen_.emplace(tenant.project_id, Seen{std::string(pool), where});
    tenant.pool = std::string(pool);
    (pool == "large" ? out_.large : out_.small).push_back(std::move(tenant));
  }

  void parseWeights() {
    out_.large_profile.weights = kDefaultLargeWeights;
    out_.small_profile.weights = kDefaultSmallWeights;
    const std::vector<std::string_view> task_names(kTaskNames.begin(), kTaskNames.end());
    if (const value* v = find("weights")) {
      const std::string where = path("weights");
      const object& profiles = sdk::requireObject(*v, where);
      sdk::rejectUnknownKeys(profiles, where, {"large", "small"});
      for (const std::string_view pool : {"large", "small"}) {
        const value* p = profiles.if_contains(pool);
        if (p == nullptr) continue;
        const std::string profile_path = at(where, pool);
        const object& weights = sdk::requireObject(*p, profile_path);
        sdk::rejectUnknownKeys(weights, profile_path, task_names);
        Profile& profile = pool == "large" ? out_.large_profile : out_.small_profile;
        for (std::size_t i = 0; i < kTaskCount; ++i) {
          if (const value* w = weights.if_contains(kTaskNames[i])) {
            profile.weights[i] = sdk::requireNumber(*w, at(profile_path, kTaskNames[i]));
          }
        }
      }
    }
    for (Profile* profile : {&out_.large_profile, &out_.small_profile}) {
      profile->class_weight = 0;
      for (const double w : profile->weights) profile->class_weight += w;
    }
    if (const value* v = find("class_weights")) {
      const std::string where = path("class_weights");
      const object& classes = sdk::requireObject(*v, where);
      sdk::rejectUnknownKeys(classes, where, {"large", "small"});
      if (const value* w = classes.if_contains("large")) {
        out_.large_profile.class_weight = sdk::requireNumber(*w, at(where, "large"));
      }
      if (const value* w = classes.if_contains("small")) {
        out_.small_profile.class_weight = sdk::requireNumber(*w, at(where, "small"));
      }
    }
    checkProfile("large", out_.large_profile, !out_.large.empty());
    checkProfile("small", out_.small_profile, !out_.small.empty());
    const double active = (out_.large.empty() ? 0 : out_.large_profile.class_weight) +
                          (out_.small.empty() ? 0 : out_.small_profile.class_weight);
    if (active <= 0) {
      refuse(path("class_weights"), "every user class that has tenants has weight 0: no user could run");
    }
  }

  void checkProfile(std::string_view pool, const Profile& profile, bool has_tenants) {
    double sum = 0;
    for (const double w : profile.weights) sum += w;
    if (has_tenants && sum <= 0 && profile.class_weight > 0) {
      refuse(at(path("weights"), pool),
             fmt::format("every task weight of the {} profile is 0 but its class weight is {}", pool,
                         profile.class_weight));
    }
  }

  void parseTimes() {
    if (const value* v = find("wait_min")) out_.wait_min = sdk::requireDuration(*v, path("wait_min"));
    if (const value* v = find("wait_max")) out_.wait_max = sdk::requireDuration(*v, path("wait_max"));
    if (out_.wait_min > out_.wait_max) {
      refuse(path(find("wait_max") ? "wait_max" : "wait_min"),
             fmt::format("wait_min ({}) is larger than wait_max ({})", sdk::formatDuration(out_.wait_min),
                         sdk::formatDuration(out_.wait_max)));
    }
    if (const value* v = find("async_interval")) out_.async_interval = sdk::requireDuration(*v, path("async_interval"));
    if (const value* v = find("async_timeout")) out_.async_timeout = sdk::requireDuration(*v, path("async_timeout"));
    if (out_.async_interval.count() <= 0) refuse(path("async_interval"), "must be greater than 0");
    if (out_.async_interval > out_.async_timeout) {
      refuse(path(find("async_timeout") ? "async_timeout" : "async_interval"),
             fmt::format("async_interval ({}) is larger than async_timeout ({})",
                         sdk::formatDuration(out_.async_interval), sdk::formatDuration(out_.async_timeout)));
    }
  }

  std::size_t count(const object& parent, std::string_view key, const std::string& where, std::size_t fallback,
                    std::int64_t min, std::int64_t max) {
    const value* v = parent.if_contains(key);
    if (v == nullptr) return fallback;
    return static_cast<std::size_t>(sdk::requireInteger(*v, at(where, key), min, max));
  }

  void parsePools() {
    const value* v = find("pools");
    if (v == nullptr) return;
    const std::string where = path("pools");
    const object& pools = sdk::requireObject(*v, where);
    sdk::rejectUnknownKeys(pools, where, {"zones_for_get", "zones_for_delete", "recordsets_for_get",
                                          "recordsets_for_delete"});
    PoolTargets& p = out_.pools;
    constexpr std::int64_t kMax = 1000000;
    p.zones_for_get = count(pools, "zones_for_get", where, p.zones_for_get, 0, kMax);
    p.zones_for_delete = count(pools, "zones_for_delete", where, p.zones_for_delete, 0, kMax);
    p.recordsets_for_get = count(pools, "recordsets_for_get", where, p.recordsets_for_get, 0, kMax);
    p.recordsets_for_delete = count(pools, "recordsets_for_delete", where, p.recordsets_for_delete, 0, kMax);
  }

  void parseGather() {
    const value* v = find("gather");
    if (v == nullptr) return;
    const std::string where = path("gather");
    const object& gather = sdk::requireObject(*v, where);
    sdk::rejectUnknownKeys(gather, where, {"page_size", "attempts", "backoff", "parallel"});
    GatherSettings& g = out_.gather;
    g.page_size = static_cast<std::uint32_t>(count(gather, "page_size", where, g.page_size, 1, 1000));
    g.attempts = static_cast<std::uint32_t>(count(gather, "attempts", where, g.attempts, 1, 100));
    g.parallel = static_cast<std::uint32_t>(count(gather, "parallel", where, g.parallel, 1, 1000));
    if (const value* b = gather.if_contains("backoff")) g.backoff = sdk::requireDuration(*b, at(where, "backoff"));
  }

  void parsePrepare() {
    const value* v = find("prepare");
    if (v == nullptr) return;
    const std::string where = path("prepare");
    const object& prepare = sdk::requireObject(*v, where);
    sdk::rejectUnknownKeys(prepare, where, {"zones", "recordsets", "parallel", "quotas", "wait_active"});
    PrepareSettings& p = out_.prepare;
    p.zones = static_cast<std::uint32_t>(count(prepare, "zones", where, p.zones, 0, 1000000));
    p.recordsets = static_cast<std::uint32_t>(count(prepare, "recordsets", where, p.recordsets, 0, 100000));
    p.parallel = static_cast<std::uint32_t>(count(prepare, "parallel", where, p.parallel, 1, 1000));
    if (const value* w = prepare.if_contains("wait_active")) {
      p.wait_active = sdk::requireBool(*w, at(where, "wait_active"));
    }
    if (const value* q = prepare.if_contains("quotas")) {
      const std::string quotas_path = at(where, "quotas");
      const object& quotas = sdk::requireObject(*q, quotas_path);
      sdk::rejectUnknownKeys(quotas, quotas_path,
                             {"zones", "zone_recordsets", "zone_records", "recordset_records", "api_export_size"});
      for (const auto& entry : quotas) {
        p.quotas[entry.key()] = sdk::requireInteger(entry.value(), at(quotas_path, entry.key()), 0, kMaxTtl);
      }
    }
  }

  void parseZoneData() {
    if (const value* v = find("zone_suffix")) {
      const std::string where = path("zone_suffix");
      std::string suffix = sdk::requireString(*v, where, false);
      std::transform(suffix.begin(), suffix.end(), suffix.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (const std::string problem = zoneSuffixProblem(suffix); !problem.empty()) {
        refuse(where, fmt::format("{} {}", sdk::describeJson(*v), problem));
      }
      out_.zone_suffix = std::move(suffix);
    }
    if (const value* v = find("zone_ttl")) {
      out_.zone_ttl = static_cast<std::uint32_t>(sdk::requireInteger(*v, path("zone_ttl"), 1, kMaxTtl));
    }
    if (const value* v = find("recordset_ttl")) {
      out_.recordset_ttl = static_cast<std::uint32_t>(sdk::requireInteger(*v, path("recordset_ttl"), 1, kMaxTtl));
    }
  }

  static std::string zoneSuffixProblem(std::string_view suffix) {
    if (suffix.back() != '.') return "is not absolute: it must end with a dot, e.g. \"accurate.test.\"";
    if (suffix == ".") return "is the root: give at least one label, e.g. \"accurate.test.\"";
    if (suffix.size() > kMaxSuffixLength) return fmt::format("is longer than {} characters", kMaxSuffixLength);
    std::string_view rest = suffix.substr(0, suffix.size() - 1);
    while (true) {
      const std::size_t dot = rest.find('.');
      const std::string_view label = rest.substr(0, dot);
      if (label.empty()) return "has an empty label";
      if (label.size() > 63) return "has a label longer than 63 characters";
      if (label.front() == '-' || label.back() == '-') return "has a label starting or ending with '-'";
      for (const char c : label) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
          return fmt::format("has an invalid character '{}' (use letters, digits and '-')", c);
        }
      }
      if (dot == std::string_view::npos) break;
      rest.remove_prefix(dot + 1);
    }
    return {};
  }

  const object& section_;
  Settings out_;
  std::map<std::string, Seen, std::less<>> seen_;  ///< project id → first occurrence
};

}  // namespace

Settings parseSettings(const boost::json::object& section) { return Parser(section).run(); }

}  // namespace accurate::designate
