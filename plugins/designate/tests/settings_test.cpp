// parseSettings: defaults, every section, and the error paths and messages.
#include "settings.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;

boost::json::object section(std::string_view json) { return boost::json::parse(json).as_object(); }

Settings parse(std::string_view json) { return parseSettings(section(json)); }

/// The ConfigError of parsing @p json as "path|message"; fails the test when parsing succeeds.
std::string errorOf(std::string_view json) {
  try {
    parse(json);
  } catch (const sdk::ConfigError& e) {
    return e.path() + "|" + e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << json;
  return {};
}

TEST(DesignateSettings, AppliesTheOriginalDefaultsToAMinimalSection) {
  const Settings s = parse(R"({"large_tenants": ["proj-a"]})");
  ASSERT_EQ(s.large.size(), 1u);
  EXPECT_EQ(s.large[0].project_id, "proj-a");
  EXPECT_EQ(s.large[0].pool, "large");
  EXPECT_TRUE(s.small.empty());
  EXPECT_EQ(s.auth.mode, AuthMode::kNoAuth);
  EXPECT_FALSE(s.auth.tenant_in_url);
  EXPECT_EQ(s.auth.renew_before, 600s);
  EXPECT_EQ(s.large_profile.weights, kDefaultLargeWeights);
  EXPECT_EQ(s.small_profile.weights, kDefaultSmallWeights);
  EXPECT_DOUBLE_EQ(s.large_profile.class_weight, 4716);
  EXPECT_DOUBLE_EQ(s.small_profile.class_weight, 16872);  // the table's sum (the brief's example says 16932)
  EXPECT_EQ(s.wait_min, 100ms);
  EXPECT_EQ(s.wait_max, 1000ms);
  EXPECT_EQ(s.async_interval, 3000ms);
  EXPECT_EQ(s.async_timeout, 120000ms);
  EXPECT_EQ(s.pools.zones_for_get, 10u);
  EXPECT_EQ(s.gather.page_size, 100u);
  EXPECT_EQ(s.prepare.zones, 10u);
  EXPECT_TRUE(s.prepare.quotas.empty());
  EXPECT_EQ(s.zone_suffix, "accurate.test.");
  EXPECT_EQ(s.zone_ttl, 7200u);
  EXPECT_EQ(s.recordset_ttl, 3600u);
}

TEST(DesignateSettings, ReadsEveryKeyOfAFullSection) {
  const Settings s = parse(R"({
    "tenants": {"large": ["proj-a", {"project_id": "proj-b", "username": "u", "password": "p"}],
                "small": [{"project_id": "proj-c"}]},
    "small_tenants": ["proj-d", "proj-e"],
    "auth_mode": "noauth", "identity_url": "http://127.0.0.1:5000/",
    "tenant_in_url": true, "all_projects": true, "sudo_project": "admin-proj", "token_renew_before": "5m",
    "weights": {"large": {"create_domain": 7, "export_domain": 2.5}, "small": {"list_records": 0}},
    "class_weights": {"large": 3},
    "wait_min": "20ms", "wait_max": 2, "async_interval": "250ms", "async_timeout": "30s",
    "pools": {"zones_for_get": 1, "zones_for_delete": 2, "recordsets_for_get": 3, "recordsets_for_delete": 0},
    "gather": {"page_size": 1000, "attempts": 2, "backoff": "1s", "parallel": 16},
    "prepare": {"zones": 50, "recordsets": 0, "parallel": 2, "quotas": {"zones": 1000, "zone_records": 9000},
                "wait_active": false},
    "zone_suffix": "Load.Example.", "zone_ttl": 600, "recordset_ttl": 60})");
  ASSERT_EQ(s.large.size(), 2u);
  EXPECT_EQ(s.large[1].username, "u");
  EXPECT_EQ(s.large[1].password, "p");
  EXPECT_EQ(s.large[1].user_domain, "Default");
  ASSERT_EQ(s.small.size(), 3u);
  EXPECT_EQ(s.small[0].project_id, "proj-c");
  EXPECT_EQ(s.small[2].project_id, "proj-e");
  EXPECT_EQ(s.small[2].pool, "small");
  EXPECT_EQ(s.auth.identity_url, "http://127.0.0.1:5000");
  EXPECT_TRUE(s.auth.tenant_in_url);
  EXPECT_TRUE(s.auth.all_projects);
  EXPECT_EQ(s.auth.sudo_project, "admin-proj");
  EXPECT_EQ(s.auth.renew_before, 300s);
  EXPECT_DOUBLE_EQ(s.large_profile.weights[static_cast<std::size_t>(TaskId::kCreateDomain)], 7);
  EXPECT_DOUBLE_EQ(s.large_profile.weights[static_cast<std::size_t>(TaskId::kExportDomain)], 2.5);
  EXPECT_DOUBLE_EQ(s.large_profile.weights[static_cast<std::size_t>(TaskId::kListDomains)], 768);
  EXPECT_DOUBLE_EQ(s.small_profile.weights[static_cast<std::size_t>(TaskId::kListRecords)], 0);
  EXPECT_DOUBLE_EQ(s.large_profile.class_weight, 3);
  EXPECT_DOUBLE_EQ(s.small_profile.class_weight, 16872 - 6984);  // default: the (overridden) profile's sum
  EXPECT_EQ(s.wait_min, 20ms);
  EXPECT_EQ(s.wait_max, 2000ms);
  EXPECT_EQ(s.async_interval, 250ms);
  EXPECT_EQ(s.async_timeout, 30000ms);
  EXPECT_EQ(s.pools.recordsets_for_get, 3u);
  EXPECT_EQ(s.pools.recordsets_for_delete, 0u);
  EXPECT_EQ(s.gather.page_size, 1000u);
  EXPECT_EQ(s.gather.attempts, 2u);
  EXPECT_EQ(s.gather.backoff, 1000ms);
  EXPECT_EQ(s.gather.parallel, 16u);
  EXPECT_EQ(s.prepare.zones, 50u);
  EXPECT_EQ(s.prepare.recordsets, 0u);
  EXPECT_FALSE(s.prepare.wait_active);
  EXPECT_EQ(s.prepare.quotas.at("zones").as_int64(), 1000);
  EXPECT_EQ(s.prepare.quotas.at("zone_records").as_int64(), 9000);
  EXPECT_EQ(s.zone_suffix, "load.example.");
  EXPECT_EQ(s.zone_ttl, 600u);
  EXPECT_EQ(s.recordset_ttl, 60u);
}

TEST(DesignateSettings, AcceptsACommaSeparatedTenantString) {
  const Settings s = parse(R"({"small_tenants": "a, b,c"})");
  ASSERT_EQ(s.small.size(), 3u);
  EXPECT_EQ(s.small[1].project_id, "b");
}

TEST(DesignateSettings, RefusesASectionWithoutTenants) {
  EXPECT_EQ(errorOf("{}").substr(0, 20), "$.designate.tenants|");
  EXPECT_NE(errorOf(R"({"tenants": {"large": []}, "large_tenants": []})").find("no tenant"), std::string::npos);
}

TEST(DesignateSettings, NamesATenantThatIsInBothPools) {
  const std::string error = errorOf(R"({"tenants": {"large": ["proj-a"]}, "small_tenants": ["proj-b", "proj-a"]})");
  EXPECT_EQ(error.substr(0, error.find('|')), "$.designate.small_tenants[1]");
  EXPECT_NE(error.find("\"proj-a\" is in both pools"), std::string::npos) << error;
  EXPECT_NE(error.find("$.designate.tenants.large[0]"), std::string::npos) << error;
}

TEST(DesignateSettings, RefusesATenantListedTwiceInOnePool) {
  const std::string error = errorOf(R"({"tenants": {"small": ["x", {"project_id": "x"}]}})");
  EXPECT_EQ(error.substr(0, error.find('|')), "$.designate.tenants.small[1]");
  EXPECT_NE(error.find("listed twice in the small pool"), std::string::npos) << error;
}

TEST(DesignateSettings, RefusesUnknownKeysAtEveryLevelWithASuggestion) {
  EXPECT_EQ(errorOf(R"({"large_tenants": ["a"], "wait_mni": "1s"})"),
            "$.designate.wait_mni|$.designate.wait_mni: unknown key (did you mean \"wait_min\"?)");
  EXPECT_EQ(errorOf(R"({"large_tenants": ["a"], "weights": {"large": {"creat_domain": 1}}})"),
            "$.designate.weights.large.creat_domain|$.designate.weights.large.creat_domain: unknown key (did you "
            "mean \"create_domain\"?)");
  EXPECT_NE(errorOf(R"({"tenants": {"large": [{"project_id": "a", "pasword": "x"}]}})")
                .find("$.designate.tenants.large[0].pasword|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"tenants": {"huge": ["a"]}})").find("$.designate.tenants.huge|"), std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "pools": {"zones": 1}})").find("$.designate.pools.zones|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "gather": {"pages": 1}})").find("$.designate.gather.pages|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "prepare": {"quotas": {"zone": 5}}})")
                .find("$.designate.prepare.quotas.zone|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "class_weights": {"medium": 1}})")
                .find("$.designate.class_weights.medium|"),
            std::string::npos);
}

TEST(DesignateSettings, RefusesNegativeWeights) {
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "weights": {"large": {"get_record": -1}}})")
                .find("$.designate.weights.large.get_record|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "class_weights": {"large": -2}})").find("$.designate.class_weights.large|"),
            std::string::npos);
}

TEST(DesignateSettings, RefusesAClassWithTenantsButOnlyZeroTaskWeights) {
  const std::string error = errorOf(R"({"large_tenants": ["a"], "class_weights": {"large": 5},
    "weights": {"large": {"get_domain_by_id": 0, "get_domain_by_name": 0, "list_domains": 0, "import_zone": 0,
      "create_domain": 0, "list_records": 0, "get_record": 0, "create_record": 0, "modify_record": 0,
      "remove_record": 0}}})");
  EXPECT_EQ(error.substr(0, error.find('|')), "$.designate.weights.large");
}

TEST(DesignateSettings, RefusesWhenNoClassWithTenantsHasWeight) {
  EXPECT_EQ(errorOf(R"({"large_tenants": ["a"], "class_weights": {"large": 0, "small": 5}})").substr(0, 26),
            "$.designate.class_weights|");
}

TEST(DesignateSettings, RefusesWaitMinAboveWaitMax) {
  const std::string error = errorOf(R"({"large_tenants": ["a"], "wait_min": "2s", "wait_max": "1s"})");
  EXPECT_EQ(error, "$.designate.wait_max|$.designate.wait_max: wait_min (2s) is larger than wait_max (1s)");
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "wait_min": "3s"})").find("$.designate.wait_min|"), std::string::npos);
}

TEST(DesignateSettings, RefusesAZeroAsyncIntervalOrOneAboveTheTimeout) {
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "async_interval": 0})").find("$.designate.async_interval|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "async_interval": "10s", "async_timeout": "5s"})")
                .find("$.designate.async_timeout|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "async_interval": "5x"})").find("cannot parse duration"),
            std::string::npos);
}

TEST(DesignateSettings, RefusesBadZoneSuffixes) {
  for (const char* bad : {R"("accurate.test")", R"(".")", R"("a..test.")", R"("-a.test.")", R"("a_b.test.")", R"("")"}) {
    const std::string error = errorOf(std::string(R"({"large_tenants": ["a"], "zone_suffix": )") + bad + "}");
    EXPECT_EQ(error.substr(0, error.find('|')), "$.designate.zone_suffix") << bad;
  }
  const std::string long_label(64, 'a');
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "zone_suffix": ")" + long_label + R"(.test."})").find("longer than 63"),
            std::string::npos);
}

TEST(DesignateSettings, RefusesOutOfRangeNumbers) {
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "gather": {"page_size": 0}})").find("$.designate.gather.page_size|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "gather": {"page_size": 1001}})").find("$.designate.gather.page_size|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "zone_ttl": 0})").find("$.designate.zone_ttl|"), std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "pools": {"zones_for_get": -1}})")
                .find("$.designate.pools.zones_for_get|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "prepare": {"parallel": 0}})").find("$.designate.prepare.parallel|"),
            std::string::npos);
}

TEST(DesignateSettings, RefusesBadTenantEntries) {
  EXPECT_NE(errorOf(R"({"large_tenants": [3]})").find("$.designate.large_tenants[0]|"), std::string::npos);
  EXPECT_NE(errorOf(R"({"tenants": {"large": [true]}})").find("$.designate.tenants.large[0]|"), std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["has space"]})").find("invalid project id"), std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a/b"]})").find("invalid project id"), std::string::npos);
  EXPECT_NE(errorOf(R"({"tenants": {"large": [{"username": "u"}]}})").find("$.designate.tenants.large[0].project_id|"),
            std::string::npos);
}

TEST(DesignateSettings, UnknownAuthModeSuggestsTheClosest) {
  const std::string error = errorOf(R"({"large_tenants": ["a"], "auth_mode": "keystone_pasword"})");
  EXPECT_EQ(error.substr(0, error.find('|')), "$.designate.auth_mode");
  EXPECT_NE(error.find("did you mean \"keystone_password\""), std::string::npos) << error;
}

TEST(DesignateSettings, TokenModesNeedAnHttpIdentityUrl) {
  EXPECT_NE(errorOf(R"({"auth_mode": "keystone_password",
                        "tenants": {"large": [{"project_id": "p", "username": "u", "password": "x"}]}})")
                .find("$.designate.identity_url|"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "identity_url": "ftp://x"})").find("http:// or https://"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"large_tenants": ["a"], "identity_url": "http:///v3"})").find("no host"), std::string::npos);
}

TEST(DesignateSettings, KeystonePasswordNeedsProjectUserAndPassword) {
  const std::string base = R"({"auth_mode": "keystone_password", "identity_url": "https://id.example:5000",
                               "tenants": {"small": [)";
  const Settings s = parse(base + R"({"project_id": "p", "username": "u", "password": "x", "user_domain": "corp"}]}})");
  EXPECT_EQ(s.auth.mode, AuthMode::kKeystonePassword);
  EXPECT_EQ(s.small[0].user_domain, "corp");
  EXPECT_NE(errorOf(base + R"({"project_id": "p", "username": "u"}]}})").find("$.designate.tenants.small[0].password|"),
            std::string::npos);
  EXPECT_NE(errorOf(base + R"({"project_id": "p", "password": "x"}]}})").find("$.designate.tenants.small[0].username|"),
            std::string::npos);
  EXPECT_NE(errorOf(base + R"({"username": "u", "password": "x"}]}})").find("$.designate.tenants.small[0].project_id|"),
            std::string::npos);
  // A plain project id cannot carry credentials.
  const std::string plain = errorOf(R"({"auth_mode": "keystone_password", "identity_url": "http://h:5000",
                                        "large_tenants": ["p"]})");
  EXPECT_EQ(plain.substr(0, plain.find('|')), "$.designate.large_tenants[0]");
  EXPECT_NE(plain.find("give this tenant as an object"), std::string::npos) << plain;
}

TEST(DesignateSettings, KeystoneAppCredentialNeedsIdSecretAndProject) {
  const std::string base = R"({"auth_mode": "keystone_app_credential", "identity_url": "http://h:5000",
                               "tenants": {"large": [)";
  const Settings s = parse(base + R"({"project_id": "p", "app_credential_id": "id1", "app_credential_secret": "s"}]}})");
  EXPECT_EQ(s.large[0].app_credential_id, "id1");
  EXPECT_NE(errorOf(base + R"({"project_id": "p", "app_credential_id": "id1"}]}})")
                .find("$.designate.tenants.large[0].app_credential_secret|"),
            std::string::npos);
  EXPECT_NE(errorOf(base + R"({"app_credential_id": "id1", "app_credential_secret": "s"}]}})")
                .find("$.designate.tenants.large[0].project_id|"),
            std::string::npos);
}

TEST(DesignateSettings, RackspaceNeedsUserAndApiKeyAndDefaultsTheProjectToTheUser) {
  const std::string base = R"({"auth_mode": "rackspace_api_key", "identity_url": "https://identity.api.rackspacecloud.com",
                               "tenants": {"large": [)";
  const Settings s = parse(base + R"({"username": "rax", "api_key": "k"}]}})");
  EXPECT_EQ(s.large[0].project_id, "rax");
  EXPECT_NE(errorOf(base + R"({"username": "rax"}]}})").find("$.designate.tenants.large[0].api_key|"),
            std::string::npos);
  // With the tenant in the URL the real tenant id is needed.
  EXPECT_NE(errorOf(R"({"auth_mode": "rackspace_api_key", "identity_url": "https://i", "tenant_in_url": true,
                        "tenants": {"large": [{"username": "rax", "api_key": "k"}]}})")
                .find("$.designate.tenants.large[0].project_id|"),
            std::string::npos);
}

TEST(DesignateSettings, NeverEchoesASecretInAnError) {
  const std::string error = errorOf(R"({"tenants": {"large": [{"project_id": "p", "password": 31337}]}})");
  EXPECT_NE(error.find("$.designate.tenants.large[0].password|"), std::string::npos);
  EXPECT_EQ(error.find("31337"), std::string::npos) << error;
}

}  // namespace
}  // namespace accurate::designate
