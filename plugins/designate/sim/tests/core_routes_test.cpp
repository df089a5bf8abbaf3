// Top-level routes, common headers, quotas and limits.
#include "core_test_support.hpp"

#include <set>

namespace accurate::designate_sim::testing {
namespace {

class RoutesTest : public SimFixture {};

TEST_F(RoutesTest, VersionsDocumentUsesTheHostHeader) {
  const SimResponse r = get("/", {{"Host", "dns.example.com:8443"}});
  ASSERT_EQ(r.status, 200u);
  const auto versions = json(r).at("versions").as_array();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions.at(1).at("id"), "v2.0");
  EXPECT_EQ(versions.at(1).at("status"), "CURRENT");
  EXPECT_EQ(versions.at(1).at("links").at(0).at("href"), "http://dns.example.com:8443/v2");
}

TEST_F(RoutesTest, UnknownPathsAre404JsonAndV2RootToo) {
  for (const char* target : {"/v2", "/v2/", "/v2/bogus", "/v1/domains", "/nothing", "/v2/zones/tasks"}) {
    const SimResponse r = get(target);
    EXPECT_EQ(r.status, 404u) << target;
    EXPECT_EQ(errorType(r), "not_found") << target;
    EXPECT_EQ(errorMessage(r), "resource not found") << target;
    EXPECT_EQ(header(r, "Content-Type").value_or(""), "application/json");
  }
}

TEST_F(RoutesTest, UnsupportedMethodsAre405) {
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"HEAD", "/v2/zones"}, {"DELETE", "/v2/zones"}, {"PUT", "/v2/zones/tasks/imports"}, {"POST", "/v2/limits"}}) {
    const SimResponse r = request(method, target);
    EXPECT_EQ(r.status, 405u) << method << " " << target;
    EXPECT_EQ(errorType(r), "method_not_allowed");
  }
}

TEST_F(RoutesTest, HealthcheckIsPlainOk) {
  const SimResponse r = get("/healthcheck");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "OK");
}

TEST_F(RoutesTest, EveryResponseCarriesAUniqueRequestId) {
  std::set<std::string> ids;
  for (const char* target : {"/", "/v2/zones", "/v2/zones/x", "/nothing", "/healthcheck"}) {
    const SimResponse r = get(target);
    const auto id = header(r, "X-Openstack-Request-Id");
    ASSERT_TRUE(id) << target;
    EXPECT_TRUE(id->starts_with("req-")) << *id;
    EXPECT_EQ(id->size(), 40u);
    ids.insert(*id);
    if (r.status >= 400) {
      EXPECT_EQ(str(r, "request_id"), *id);
    }
  }
  EXPECT_EQ(ids.size(), 5u);
}

TEST_F(RoutesTest, IdentityEndpointsAbsentWithoutKeystone) {
  EXPECT_EQ(post("/v3/auth/tokens", "{}").status, 404u);
  EXPECT_EQ(post("/v2.0/tokens", "{}").status, 404u);
}

TEST_F(RoutesTest, QuotasDefaultsPatchAndReset) {
  SimResponse r = get("/v2/quotas");
  ASSERT_EQ(r.status, 200u);
  const auto defaults = json(r);
  EXPECT_EQ(defaults, boost::json::parse(R"({"zones": 10, "zone_recordsets": 500, "zone_records": 500,
                                             "recordset_records": 20, "api_export_size": 1000})"));
  r = patch("/v2/quotas/proj-a", R"({"zones": 100})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json(r).at("zones"), 100);
  EXPECT_EQ(json(r).at("zone_records"), 500);
  EXPECT_EQ(json(get("/v2/quotas/proj-a")).at("zones"), 100);
  EXPECT_EQ(json(get("/v2/quotas", {{"X-Auth-Project-ID", "proj-a"}})).at("zones"), 100);
  EXPECT_EQ(json(get("/v2/limits", {{"X-Auth-Project-ID", "proj-a"}})).at("max_zones"), 100);
  r = del("/v2/quotas/proj-a");
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(json(get("/v2/quotas/proj-a")).at("zones"), 10);
}

TEST_F(RoutesTest, QuotaPatchNeedsAdminAndKnownKeys) {
  SimResponse r = patch("/v2/quotas/proj-a", R"({"zones": 100})", {{"X-Roles", "member"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(errorType(r), "forbidden");
  EXPECT_FALSE(json(r).as_object().contains("message"));
  EXPECT_EQ(get("/v2/quotas/proj-a", {{"X-Roles", "member"}}).status, 200u);
  r = patch("/v2/quotas/proj-a", R"({"bogus": 1})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Provided object is not valid. Got a ValueError error with message Field value bogus is invalid");
  r = patch("/v2/quotas/proj-a", R"({"zones": "many"})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json(get("/v2/quotas/proj-a")).at("zones"), 10);
}

TEST_F(RoutesTest, NegativeQuotaMeansUnlimited) {
  ASSERT_EQ(patch("/v2/quotas/noauth-project", R"({"zones": -1})").status, 200u);
  for (int i = 0; i < 15; ++i) createZone("u" + std::to_string(i) + ".test.");
  EXPECT_EQ(sim_->zoneCount(), 15u);
}

TEST_F(RoutesTest, LimitsDocument) {
  const auto limits = json(get("/v2/limits"));
  EXPECT_EQ(limits, boost::json::parse(R"({"max_zones": 10, "max_zone_recordsets": 500, "max_zone_records": 500,
      "max_recordset_records": 20, "min_ttl": null, "max_zone_name_length": 255, "max_recordset_name_length": 255,
      "max_page_limit": 1000})"));
}

TEST_F(RoutesTest, QuotasFollowTheSimOptions) {
  SimOptions options = fixedOptions();
  options.quotas.zones = 3;
  reset(options);
  EXPECT_EQ(json(get("/v2/quotas")).at("zones"), 3);
}

}  // namespace
}  // namespace accurate::designate_sim::testing
