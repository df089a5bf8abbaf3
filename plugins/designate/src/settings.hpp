#pragma once
/// @file settings.hpp
/// The designate plugin's configuration: tenants and their pools, identity, task weights per profile, async
/// polling, pool targets, gather and prepare settings. Parsed once at start-up, read-only afterwards.

#include <boost/json/object.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::designate {

/// The 13 tasks of the original tool, in the order of its weight table.
enum class TaskId : std::size_t {
  kGetDomainById,
  kGetDomainByName,
  kListDomains,
  kImportZone,
  kExportDomain,
  kCreateDomain,
  kModifyDomain,
  kRemoveDomain,
  kListRecords,
  kGetRecord,
  kCreateRecord,
  kModifyRecord,
  kRemoveRecord,
};

/// Number of tasks.
inline constexpr std::size_t kTaskCount = 13;

/// Task names as in the original and in config keys, indexed by TaskId.
inline constexpr std::array<std::string_view, kTaskCount> kTaskNames{
    "get_domain_by_id", "get_domain_by_name", "list_domains", "import_zone",   "export_domain",
    "create_domain",    "modify_domain",      "remove_domain", "list_records", "get_record",
    "create_record",    "modify_record",      "remove_record"};

/// The original's default weights of the `large` profile, indexed by TaskId.
inline constexpr std::array<double, kTaskCount> kDefaultLargeWeights{576, 192, 768, 60,  0,    120, 0,
                                                                    0,   324, 216, 1560, 600, 300};
/// The original's default weights of the `small` profile, indexed by TaskId.
inline constexpr std::array<double, kTaskCount> kDefaultSmallWeights{342, 114, 456,  240,  60,  1980, 600,
                                                                    720, 6984, 4656, 380, 60,  280};

/// Name of task @p id.
inline std::string_view taskName(TaskId id) { return kTaskNames[static_cast<std::size_t>(id)]; }

/// How requests to Designate are authenticated.
enum class AuthMode {
  kNoAuth,                 ///< no token; the project goes in X-Auth-Project-ID
  kKeystonePassword,       ///< Keystone v3 password auth, project-scoped token in X-Auth-Token
  kKeystoneAppCredential,  ///< Keystone v3 application credential (scope implied by the credential)
  kRackspaceApiKey,        ///< the original's identity v2.0 `RAX-KSKEY:apiKeyCredentials`
};

/// One tenant (project) and its credentials. Secrets never appear in logs or reports.
struct Tenant {
  std::string project_id;             ///< project (tenant) id: X-Auth-Project-ID, URL segment, Keystone scope
  std::string username;               ///< user name (Keystone password / Rackspace modes)
  std::string user_domain = "Default";///< Keystone user domain name (password mode)
  std::string password;               ///< secret: Keystone password
  std::string api_key;                ///< secret: Rackspace API key
  std::string app_credential_id;      ///< Keystone application credential id
  std::string app_credential_secret;  ///< secret: Keystone application credential secret
  std::string pool;                   ///< "large" or "small"
};

/// Identity settings shared by all tenants.
struct AuthSettings {
  AuthMode mode = AuthMode::kNoAuth;          ///< how requests are authenticated
  std::string identity_url;                   ///< identity base URL, e.g. "http://127.0.0.1:5000" (token modes)
  bool tenant_in_url = false;                 ///< Designate paths are /v2/{project}/... instead of /v2/...
  bool all_projects = false;                  ///< send X-Auth-All-Projects: true (admin runs)
  std::string sudo_project;                   ///< when set, send X-Auth-Sudo-Project-ID with it (admin runs)
  std::chrono::seconds renew_before{600};     ///< renew a token when it expires within this time
};

/// One weight profile (large or small).
struct Profile {
  std::array<double, kTaskCount> weights{};   ///< relative weight per task, indexed by TaskId
  double class_weight = 0;                    ///< share of the users; defaults to the sum of `weights`
};

/// How many gathered objects each tenant keeps per pool.
struct PoolTargets {
  std::size_t zones_for_get = 10;             ///< zones read, modified, exported, given new recordsets
  std::size_t zones_for_delete = 10;          ///< zones remove_domain may delete
  std::size_t recordsets_for_get = 10;        ///< A recordsets read and modified
  std::size_t recordsets_for_delete = 10;     ///< A recordsets remove_record may delete
};

/// The gather setup phase.
struct GatherSettings {
  std::uint32_t page_size = 100;              ///< `limit` of each list request
  std::uint32_t attempts = 5;                 ///< tries per page on 5xx or transport errors
  std::chrono::milliseconds backoff{500};     ///< first retry delay, doubled per retry
  std::uint32_t parallel = 4;                 ///< tenants gathered at the same time
};

/// `accurate designate prepare`.
struct PrepareSettings {
  std::uint32_t zones = 10;                   ///< zones each tenant must have
  std::uint32_t recordsets = 5;               ///< A recordsets each prepared zone must have
  std::uint32_t parallel = 8;                 ///< requests in flight at once
  boost::json::object quotas;                 ///< when not empty: PATCH /v2/quotas/{project} with it first
  bool wait_active = true;                    ///< wait until every prepared zone is ACTIVE
};

/// The whole `designate` config section.
struct Settings {
  std::vector<Tenant> large;                  ///< tenants of the large profile
  std::vector<Tenant> small;                  ///< tenants of the small profile
  AuthSettings auth;                          ///< identity
  Profile large_profile;                      ///< weights of designate.large
  Profile small_profile;                      ///< weights of designate.small
  std::chrono::milliseconds wait_min{100};    ///< wait between tasks, lower bound
  std::chrono::milliseconds wait_max{1000};   ///< wait between tasks, upper bound
  std::chrono::milliseconds async_interval{3000};   ///< status poll interval after a write
  std::chrono::milliseconds async_timeout{120000};  ///< give up waiting for ACTIVE/COMPLETE/404 after this
  PoolTargets pools;                          ///< per-tenant pool sizes
  GatherSettings gather;                      ///< the gather phase
  PrepareSettings prepare;                    ///< the prepare command
  std::string zone_suffix = "accurate.test."; ///< parent domain of generated zone names (absolute, 1+ labels)
  std::uint32_t recordset_ttl = 3600;         ///< TTL of created A recordsets
  std::uint32_t zone_ttl = 7200;              ///< TTL of created zones
};

/// Parses and validates the `designate` config section. Tenants may be given as objects (keys of Tenant) or,
/// for noauth, as plain project-id strings.
/// @throws sdk::ConfigError naming the JSON path (`$.designate.tenants.small[2].project_id: ...`) and the reason,
/// e.g. a tenant in both pools, an unknown task name, a negative weight, missing credentials for the auth mode,
/// no tenant at all, wait_min > wait_max.
Settings parseSettings(const boost::json::object& section);

}  // namespace accurate::designate
