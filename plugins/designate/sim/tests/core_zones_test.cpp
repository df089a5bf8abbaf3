// Zones: create/get/patch/delete, lifecycle timings, validation and error bodies.
#include "core_test_support.hpp"

namespace accurate::designate_sim::testing {
namespace {

class ZonesTest : public SimFixture {};

TEST_F(ZonesTest, CreateReturns202PendingWithLocationSerialAndTimestamps) {
  const SimResponse r = post("/v2/zones", R"({"name":"example1.test.","email":"admin@example1.test","ttl":3600,
                                             "description":"first"})",
                             {{"X-Auth-Project-ID", "proj-a"}});
  ASSERT_EQ(r.status, 202u) << r.body;
  const auto z = json(r).as_object();
  const std::string id(z.at("id").as_string());
  EXPECT_EQ(header(r, "Location").value_or(""), "http://sim.test:9001/v2/zones/" + id);
  EXPECT_EQ(header(r, "Content-Type").value_or(""), "application/json");
  EXPECT_TRUE(header(r, "X-Openstack-Request-Id").value_or("").starts_with("req-"));
  EXPECT_EQ(z.at("status"), "PENDING");
  EXPECT_EQ(z.at("action"), "CREATE");
  EXPECT_EQ(z.at("version"), 1);
  EXPECT_EQ(z.at("serial"), 1795599773);
  EXPECT_EQ(z.at("project_id"), "proj-a");
  EXPECT_EQ(z.at("pool_id"), "794ccc2c-d751-44fe-b57f-8894c9f5c842");
  EXPECT_EQ(z.at("created_at"), "2026-11-25T09:42:53.000000");
  EXPECT_TRUE(z.at("updated_at").is_null());
  EXPECT_TRUE(z.at("transferred_at").is_null());
  EXPECT_EQ(z.at("description"), "first");
  EXPECT_EQ(z.at("type"), "PRIMARY");
  EXPECT_TRUE(z.at("masters").as_array().empty());
  EXPECT_TRUE(z.at("attributes").as_object().empty());
  EXPECT_EQ(text(z.at("links").at("self")), "http://sim.test:9001/v2/zones/" + id);
}

TEST_F(ZonesTest, DefaultsProjectTtlAndNullDescription) {
  const SimResponse r = post("/v2/zones", R"({"name":"d.test.","email":"a@d.test"})");
  ASSERT_EQ(r.status, 202u);
  const auto z = json(r).as_object();
  EXPECT_EQ(z.at("project_id"), "noauth-project");
  EXPECT_EQ(z.at("ttl"), 3600);
  EXPECT_TRUE(z.at("description").is_null());
}

TEST_F(ZonesTest, BecomesActiveAfterActiveDelayWithVersionBump) {
  const std::string id = createZone("life.test.");
  advance(4999ms);
  EXPECT_EQ(str(get("/v2/zones/" + id), "status"), "PENDING");
  advance(1ms);
  const auto z = json(get("/v2/zones/" + id)).as_object();
  EXPECT_EQ(z.at("status"), "ACTIVE");
  EXPECT_EQ(z.at("action"), "NONE");
  EXPECT_EQ(z.at("version"), 2);
  EXPECT_EQ(z.at("updated_at"), "2026-11-25T09:42:58.000000");
}

TEST_F(ZonesTest, ActiveDelayIsDrawnWithinTheRange) {
  SimOptions options = fixedOptions();
  options.active_delay = {1000ms, 2000ms};
  options.quotas.zones = 100;
  reset(options);
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(createZone("r" + std::to_string(i) + ".test."));
  advance(999ms);
  for (const auto& id : ids) EXPECT_EQ(str(get("/v2/zones/" + id), "status"), "PENDING");
  advance(501ms);
  int active = 0;
  for (const auto& id : ids) active += str(get("/v2/zones/" + id), "status") == "ACTIVE" ? 1 : 0;
  EXPECT_GT(active, 0);
  EXPECT_LT(active, 20);
  advance(500ms);
  for (const auto& id : ids) EXPECT_EQ(str(get("/v2/zones/" + id), "status"), "ACTIVE");
}

TEST_F(ZonesTest, PatchBumpsSerialVersionAndGoesPendingUpdate) {
  const std::string id = createZone("patch.test.");
  advance(6s);
  const SimResponse r = patch("/v2/zones/" + id, R"({"ttl": 7200, "email": "new@patch.test", "description": "d"})");
  ASSERT_EQ(r.status, 202u) << r.body;
  const auto z = json(r).as_object();
  EXPECT_EQ(z.at("status"), "PENDING");
  EXPECT_EQ(z.at("action"), "UPDATE");
  EXPECT_EQ(z.at("version"), 3);
  EXPECT_EQ(z.at("ttl"), 7200);
  EXPECT_EQ(z.at("email"), "new@patch.test");
  EXPECT_EQ(z.at("serial"), 1795599773 + 6);
  advance(5s);
  const auto after = json(get("/v2/zones/" + id)).as_object();
  EXPECT_EQ(after.at("status"), "ACTIVE");
  EXPECT_EQ(after.at("version"), 4);
}

TEST_F(ZonesTest, EmptyPatchStillBumpsSerialPastTheClock) {
  const std::string id = createZone("empty.test.");
  const auto first = json(patch("/v2/zones/" + id, "{}")).as_object();
  const auto second = json(patch("/v2/zones/" + id, "{}")).as_object();
  EXPECT_EQ(first.at("serial"), 1795599774);  // max(now, serial + 1) runs ahead of the clock
  EXPECT_EQ(second.at("serial"), 1795599775);
  EXPECT_EQ(second.at("status"), "PENDING");
}

TEST_F(ZonesTest, PatchRejectsNameAndUnknownKeys) {
  const std::string id = createZone("keys.test.");
  SimResponse r = patch("/v2/zones/" + id, R"({"name": "other.test."})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_object");
  EXPECT_EQ(errorMessage(r), "Provided object does not match schema. Keys ['name'] are not valid for zone");
  r = post("/v2/zones", R"({"name": "x.test.", "email": "a@x.test", "bogus": 1})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Provided object does not match schema. Keys ['bogus'] are not valid for zone");
}

TEST_F(ZonesTest, PutOnZoneIs405WithoutMessage) {
  const std::string id = createZone("put.test.");
  const SimResponse r = put("/v2/zones/" + id, "{}");
  EXPECT_EQ(r.status, 405u);
  const auto body = json(r).as_object();
  EXPECT_EQ(body.at("type"), "method_not_allowed");
  EXPECT_EQ(body.at("code"), 405);
  EXPECT_FALSE(body.contains("message"));
  EXPECT_TRUE(body.contains("request_id"));
}

TEST_F(ZonesTest, DeleteKeepsZoneVisibleUntilDeleteDelayThen404) {
  const std::string id = createZone("del.test.");
  advance(6s);
  SimResponse r = del("/v2/zones/" + id);
  ASSERT_EQ(r.status, 202u);
  EXPECT_EQ(str(r, "status"), "PENDING");
  EXPECT_EQ(str(r, "action"), "DELETE");
  EXPECT_EQ(json(r).at("version"), 3);
  advance(4999ms);
  r = get("/v2/zones/" + id);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(str(r, "action"), "DELETE");
  r = del("/v2/zones/" + id);  // deleting again: 202, unchanged
  EXPECT_EQ(r.status, 202u);
  EXPECT_EQ(json(r).at("version"), 3);
  advance(1ms);
  r = get("/v2/zones/" + id);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "zone_not_found");
  EXPECT_EQ(errorMessage(r), "Could not find Zone");
  EXPECT_EQ(sim_->zoneCount(), 0u);
}

TEST_F(ZonesTest, DeletingZoneRejectsUpdatesAndDuplicateCreate) {
  const std::string id = createZone("going.test.");
  del("/v2/zones/" + id);
  SimResponse r = patch("/v2/zones/" + id, R"({"ttl": 60})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "bad_request");
  EXPECT_EQ(errorMessage(r), "Can not update a deleting zone");
  r = post("/v2/zones/" + id + "/recordsets", R"({"name":"a.going.test.","type":"A","records":["192.0.2.1"]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Can not update a deleting zone");
  r = post("/v2/zones", R"({"name":"going.test.","email":"a@going.test"})");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(errorType(r), "duplicate_zone");
  advance(5s);
  EXPECT_EQ(post("/v2/zones", R"({"name":"going.test.","email":"a@going.test"})").status, 202u);
}

TEST_F(ZonesTest, ZoneErrorRateEndsCreatesInErrorKeepingTheAction) {
  SimOptions options = fixedOptions();
  options.zone_error_rate = 1.0;
  reset(options);
  const std::string id = createZone("broken.test.");
  advance(5s);
  const auto z = json(get("/v2/zones/" + id)).as_object();
  EXPECT_EQ(z.at("status"), "ERROR");
  EXPECT_EQ(z.at("action"), "CREATE");
  EXPECT_EQ(z.at("version"), 2);
}

TEST_F(ZonesTest, ValidationErrorsUseDesignateMessages) {
  struct Case {
    const char* body;
    const char* type;
    const char* message;
  };
  const Case cases[] = {
      {R"({"name":"noperiod.test","email":"a@b.test"})", "invalid_object",
       "Provided object is not valid. Got a ValueError error with message Domain noperiod.test does not end with a "
       "dot"},
      {R"({"name":"x.test.","email":"hostmaster@x.test."})", "invalid_object",
       "Provided object is not valid. Got a ValueError error with message Email hostmaster@x.test. is invalid"},
      {R"({"name":"x.test.","email":"a@x.test","ttl":-5})", "invalid_object",
       "Provided object is not valid. Got a ValueError error with message Value must be >= 0 for field ttl"},
      {R"({"name":"x.test.","email":"a@x.test","ttl":99999999999999999999})", "invalid_object",
       "Provided object is not valid. Got a ValueError error with message Value must be <= 2147483647 for field ttl"},
      {R"({"name":"x.test.","email":"a@x.test","ttl":"abc"})", "invalid_object",
       "Provided object is not valid. Got a ValueError error with message invalid literal for int() with base 10: "
       "'abc'"},
      {R"({"name":"test.","email":"a@x.test"})", "invalid_zone_name", "More than one label is required"},
      {R"({"name":"bad_-.test.","email":"a@x.test"})", "invalid_object",
       "Provided object is not valid. Got a ValueError error with message Domain bad_-.test. is invalid"},
  };
  for (const Case& c : cases) {
    const SimResponse r = post("/v2/zones", c.body);
    EXPECT_EQ(r.status, 400u) << c.body;
    EXPECT_EQ(errorType(r), c.type) << c.body;
    EXPECT_EQ(errorMessage(r), c.message) << c.body;
    EXPECT_TRUE(json(r).as_object().contains("request_id"));
  }
  EXPECT_EQ(sim_->zoneCount(), 0u);
}

TEST_F(ZonesTest, MissingEmailGivesSchemaErrorsShape) {
  const SimResponse r = post("/v2/zones", R"({"name":"x.test."})");
  ASSERT_EQ(r.status, 400u);
  const auto body = json(r).as_object();
  EXPECT_EQ(body.at("type"), "invalid_object");
  EXPECT_FALSE(body.contains("message"));
  const auto& error = body.at("errors").at("errors").as_array().at(0).as_object();
  EXPECT_EQ(error.at("path"), (boost::json::array{"type", "email"}));
  EXPECT_EQ(error.at("message"), "'email' is a required property");
  EXPECT_EQ(error.at("validator"), "required");
  EXPECT_EQ(error.at("validator_value"), "email");
}

TEST_F(ZonesTest, MalformedJsonAndWrongContentType) {
  SimResponse r = post("/v2/zones", R"({"name": "x.test." "email": "a@x.test"})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_json");
  EXPECT_NE(errorMessage(r).find("line 1 column"), std::string::npos) << errorMessage(r);
  r = post("/v2/zones", "");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Expecting value: line 1 column 1 (char 0)");
  r = request("POST", "/v2/zones", R"({"name":"x.test.","email":"a@x.test"})", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415u);
  EXPECT_EQ(errorType(r), "unsupported_content_type");
  EXPECT_EQ(errorMessage(r), "Content-type must be application/json");
  r = request("POST", "/v2/zones", R"({"name":"x.test.","email":"a@x.test"})");
  EXPECT_EQ(r.status, 415u);
  r = request("POST", "/v2/zones", R"({"name":"y.test.","email":"a@y.test"})",
              {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(r.status, 202u);
}

TEST_F(ZonesTest, BadUuidIs400AndUnknownIs404) {
  SimResponse r = get("/v2/zones/not-a-uuid");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_uuid");
  EXPECT_EQ(errorMessage(r), "Invalid UUID zone_id: not-a-uuid");
  r = get("/v2/zones/e0585f34-393c-4e38-91ac-ac2f20a03267");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "zone_not_found");
}

TEST_F(ZonesTest, OtherProjectsZoneIs404UnlessAllProjects) {
  const std::string id = createZone("mine.test.", "proj-a");
  EXPECT_EQ(get("/v2/zones/" + id, {{"X-Auth-Project-ID", "proj-b"}}).status, 404u);
  EXPECT_EQ(get("/v2/zones/" + id, {{"X-Auth-Project-ID", "proj-a"}}).status, 200u);
  EXPECT_EQ(get("/v2/zones/" + id, {{"X-Auth-Project-ID", "proj-b"}, {"X-Auth-All-Projects", "true"}}).status, 200u);
  EXPECT_EQ(get("/v2/zones/" + id + "?all_projects=true", {{"X-Auth-Project-ID", "proj-b"}}).status, 200u);
  const SimResponse r =
      get("/v2/zones/" + id, {{"X-Auth-Project-ID", "proj-b"}, {"X-Roles", "member"}, {"X-Auth-All-Projects", "true"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(errorType(r), "forbidden");
  EXPECT_FALSE(json(r).as_object().contains("message"));
}

TEST_F(ZonesTest, DuplicateAndCrossProjectConflicts) {
  createZone("dup.test.", "proj-a");
  SimResponse r = post("/v2/zones", R"({"name":"DUP.test.","email":"a@dup.test"})", {{"X-Auth-Project-ID", "proj-a"}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(errorMessage(r), "Duplicate Zone");
  r = post("/v2/zones", R"({"name":"dup.test.","email":"a@dup.test"})", {{"X-Auth-Project-ID", "proj-b"}});
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(errorMessage(r), "Zone already exists, owned by a different tenant");
  r = post("/v2/zones", R"({"name":"sub.dup.test.","email":"a@dup.test"})", {{"X-Auth-Project-ID", "proj-b"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(errorType(r), "illegal_child");
  EXPECT_EQ(post("/v2/zones", R"({"name":"sub.dup.test.","email":"a@dup.test"})", {{"X-Auth-Project-ID", "proj-a"}})
                .status,
            202u);
  r = post("/v2/zones", R"({"name":"test2.dup.test.","email":"a@dup.test"})", {{"X-Auth-Project-ID", "proj-a"}});
  EXPECT_EQ(r.status, 202u);
  r = post("/v2/zones", R"({"name":"x.sub.dup.test.","email":"a@dup.test"})", {{"X-Auth-Project-ID", "proj-a"}});
  EXPECT_EQ(r.status, 202u);
}

TEST_F(ZonesTest, ParentOfAnotherProjectsZoneIsIllegal) {
  createZone("leaf.parent.test.", "proj-a");
  const SimResponse r =
      post("/v2/zones", R"({"name":"parent.test.","email":"a@parent.test"})", {{"X-Auth-Project-ID", "proj-b"}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(errorType(r), "illegal_parent");
}

TEST_F(ZonesTest, QuotaCountsPendingDeletesUntilPurged) {
  const SimResponse q = patch("/v2/quotas/proj-q", R"({"zones": 1})");
  ASSERT_EQ(q.status, 200u) << q.body;
  const std::string id = createZone("q1.test.", "proj-q");
  SimResponse r = post("/v2/zones", R"({"name":"q2.test.","email":"a@q2.test"})", {{"X-Auth-Project-ID", "proj-q"}});
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(errorType(r), "over_quota");
  EXPECT_EQ(errorMessage(r), "Quota exceeded for zones.");
  del("/v2/zones/" + id, {{"X-Auth-Project-ID", "proj-q"}});
  r = post("/v2/zones", R"({"name":"q2.test.","email":"a@q2.test"})", {{"X-Auth-Project-ID", "proj-q"}});
  EXPECT_EQ(r.status, 413u);
  advance(5s);
  r = post("/v2/zones", R"({"name":"q2.test.","email":"a@q2.test"})", {{"X-Auth-Project-ID", "proj-q"}});
  EXPECT_EQ(r.status, 202u);
}

TEST_F(ZonesTest, DefaultQuotaIsTenZones) {
  for (int i = 0; i < 10; ++i) createZone("z" + std::to_string(i) + ".quota.test.");
  const SimResponse r = post("/v2/zones", R"({"name":"z10.quota.test.","email":"a@q.test"})");
  EXPECT_EQ(r.status, 413u);
}

TEST_F(ZonesTest, SudoCreatesInTheSudoProjectForAdminsOnly) {
  SimResponse r = post("/v2/zones", R"({"name":"sudo.test.","email":"a@sudo.test"})",
                       {{"X-Auth-Project-ID", "proj-x"}, {"X-Auth-Sudo-Project-ID", "proj-sudo"}});
  ASSERT_EQ(r.status, 202u);
  EXPECT_EQ(str(r, "project_id"), "proj-sudo");
  r = post("/v2/zones", R"({"name":"sudo2.test.","email":"a@sudo.test"})",
           {{"X-Auth-Project-ID", "proj-x"}, {"X-Roles", "member"}, {"X-Auth-Sudo-Project-ID", "proj-sudo"}});
  EXPECT_EQ(r.status, 403u);
}

TEST_F(ZonesTest, MemberRoleCanManageOwnZones) {
  const SimResponse r = post("/v2/zones", R"({"name":"member.test.","email":"a@m.test"})",
                             {{"X-Auth-Project-ID", "proj-m"}, {"X-Roles", "member"}});
  EXPECT_EQ(r.status, 202u);
  EXPECT_EQ(get("/v2/zones/" + str(r, "id"), {{"X-Auth-Project-ID", "proj-m"}, {"X-Roles", "reader"}}).status, 200u);
}

TEST_F(ZonesTest, NameKeepsCaseAndLinksFollowHostHeader) {
  const SimResponse r = post("/v2/zones", R"({"name":"UPPER.page.test.","email":"a@page.test"})",
                             {{"Host", "dns.example.com:8443"}});
  ASSERT_EQ(r.status, 202u);
  EXPECT_EQ(str(r, "name"), "UPPER.page.test.");
  EXPECT_TRUE(header(r, "Location").value_or("").starts_with("http://dns.example.com:8443/v2/zones/"));
}

TEST_F(ZonesTest, TenantInUrlSelectsTheProjectAndKeepsThePrefixInLinks) {
  const SimResponse r = post("/v2/proj-url/zones", R"({"name":"url.test.","email":"a@url.test"})");
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(str(r, "project_id"), "proj-url");
  const std::string id = str(r, "id");
  EXPECT_EQ(text(json(r).at("links").at("self")), "http://sim.test:9001/v2/proj-url/zones/" + id);
  EXPECT_EQ(get("/v2/proj-url/zones/" + id).status, 200u);
  EXPECT_EQ(get("/v2/zones/" + id).status, 404u);  // default project
  EXPECT_EQ(get("/v2/zones/" + id, {{"X-Auth-Project-ID", "proj-url"}}).status, 200u);
}

TEST_F(ZonesTest, NameserversListsThePoolNameserver) {
  const std::string id = createZone("ns.test.");
  const auto body = json(get("/v2/zones/" + id + "/nameservers"));
  EXPECT_EQ(body.at("nameservers").at(0).at("hostname"), "ns1.designate-sim.test.");
}

}  // namespace
}  // namespace accurate::designate_sim::testing
