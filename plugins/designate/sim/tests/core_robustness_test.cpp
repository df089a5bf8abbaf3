// Malformed input never throws and always gets a well-formed answer.
#include "core_test_support.hpp"

#include <accurate/sdk/random.hpp>

namespace accurate::designate_sim::testing {
namespace {

class RobustnessTest : public SimFixture {
 protected:
  /// Checks the invariants of every answer.
  static void checkAnswer(const SimResponse& r, const std::string& what) {
    EXPECT_GE(r.status, 200u) << what;
    EXPECT_LT(r.status, 600u) << what;
    EXPECT_NE(r.status, 500u) << what << " " << r.body;
    EXPECT_TRUE(header(r, "X-Openstack-Request-Id")) << what;
    if (header(r, "Content-Type").value_or("") == "application/json") {
      boost::system::error_code ec;
      boost::json::parse(r.body, ec);
      EXPECT_FALSE(ec) << what << " " << r.body;
    }
  }
};

TEST_F(RobustnessTest, MalformedZoneBodiesGet400) {
  const char* bodies[] = {
      "[]", "5", "\"text\"", "{", "{\"name\":", R"({"name": 5, "email": "a@b.test"})",
      R"({"name": null, "email": "a@b.test"})", R"({"name": "x.test.", "email": 7})",
      R"({"name": "x.test.", "email": "a@x.test", "ttl": 1e400})", R"({"name": "x.test.", "email": "a@x.test", "ttl": true})",
      R"({"name": "x.test.", "email": "a@x.test", "ttl": 3.5e30})", R"({"name": "x.test.", "email": "a@x.test", "ttl": [1]})",
      R"({"name": "x.test.", "email": "a@x.test", "description": 5})", R"({"name": "x.test.", "email": "noat"})",
      R"({"name": "x.test.", "email": "a@@x.test"})", R"({"name": "x.test.", "email": "a@x.test", "type": "WEIRD"})",
      R"({"name": "x.test.", "email": "a@x.test", "attributes": [1]})", R"({"name": "..", "email": "a@x.test"})",
      R"({"name": ".", "email": "a@x.test"})", R"({"name": "", "email": "a@x.test"})",
      R"({"name": "a..test.", "email": "a@x.test"})", R"({"name": "\u0000.test.", "email": "a@x.test"})",
      R"({"name": "x.test.", "email": "a@x.test", "description": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})",
  };
  for (const char* body : bodies) {
    const SimResponse r = post("/v2/zones", body);
    checkAnswer(r, body);
    EXPECT_EQ(r.status, 400u) << body << " -> " << r.body;
  }
  EXPECT_EQ(sim_->zoneCount(), 0u);
  std::string deep(5000, '[');
  checkAnswer(post("/v2/zones", deep), "deep nesting");
  std::string long_name;
  for (int i = 0; i < 40; ++i) long_name += "abcdefgh.";
  checkAnswer(post("/v2/zones", R"({"name": ")" + long_name + R"(", "email": "a@x.test"})"), "long name");
}

TEST_F(RobustnessTest, MalformedRecordsetBodiesGet400) {
  const std::string zone = createZone("rob.test.");
  const char* bodies[] = {
      R"({"name": "a.rob.test.", "type": "A", "records": "192.0.2.1"})",
      R"({"name": "a.rob.test.", "type": "A", "records": [1, 2]})",
      R"({"name": "a.rob.test.", "type": "A", "records": ["192.0.2.1", "192.0.2.1"]})",
      R"({"name": "a.rob.test.", "type": 1, "records": []})",
      R"({"name": "a.rob.test.", "records": []})",
      R"({"type": "A", "records": []})",
      R"({"name": "a.rob.test.", "type": "A", "ttl": -1})",
      R"({"name": "a.rob.test.", "type": "A", "ttl": "x"})",
      R"({"name": "a.rob.test.", "type": "AAAA", "records": ["not:an:ipv6::::::x"]})",
      R"({"name": "a.rob.test.", "type": "MX", "records": ["mail.rob.test."]})",
      R"({"name": "a.rob.test.", "type": "CNAME", "records": ["relative"]})",
      R"({"name": "a.rob.test.", "type": "A", "records": ["01.2.3.4"]})",
      R"({"name": "a.rob.test.", "type": "A", "records": ["1.2.3"]})",
  };
  for (const char* body : bodies) {
    const SimResponse r = post("/v2/zones/" + zone + "/recordsets", body);
    checkAnswer(r, body);
    EXPECT_EQ(r.status, 400u) << body << " -> " << r.body;
  }
}

TEST_F(RobustnessTest, RandomRequestsNeverThrowOrFailInternally) {
  sdk::Rng rng(2024);
  const std::string zone = createZone("fuzz.test.");
  const std::string rs = createA(zone, "www.fuzz.test.", "192.0.2.1");
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "", "G\r\nET"};
  const std::vector<std::string> targets = {
      "/v2/zones", "/v2/zones/" + zone, "/v2/zones/" + zone + "/recordsets", "/v2/zones/" + zone + "/recordsets/" + rs,
      "/v2/zones/tasks/imports", "/v2/zones/tasks/exports", "/v2/zones/" + zone + "/tasks/export", "/v2/quotas",
      "/v2/quotas/x", "/v2/limits", "/v2/recordsets", "/", "", "?", "/v2/zones?limit=%zz&marker=%", "//v2//zones//",
      "/v2/zones?sort_key=name&sort_dir=desc&name=*", "http://host/v2/zones", "/v2/%2e%2e/zones", "/v2/p/zones/tasks",
      "/v2/zones?limit=99999999999999999999999", "/v2/zones/" + zone + "/recordsets?sort_key=records&data=*"};
  const std::vector<std::string> bodies = {"", "{}", "null", "[]", "{\"ttl\": 1}", "{\"records\": []}",
                                           "{\"zones\": 5}", "$ORIGIN x.test.\n", std::string(1, '\0'), "\xff\xfe"};
  const std::vector<std::string> types = {"application/json", "text/dns", "", "application/json; charset=x"};
  for (int i = 0; i < 3000; ++i) {
    SimRequest r;
    r.method = methods[rng() % methods.size()];
    r.target = targets[rng() % targets.size()];
    r.body = bodies[rng() % bodies.size()];
    r.headers.emplace_back("Content-Type", types[rng() % types.size()]);
    if (rng() % 4 == 0) r.headers.emplace_back("X-Auth-All-Projects", "true");
    if (rng() % 5 == 0) r.headers.emplace_back("X-Roles", "member");
    if (rng() % 7 == 0) r.headers.emplace_back("Accept", "application/json");
    now_ += std::chrono::milliseconds(rng() % 200);
    SimResponse response;
    ASSERT_NO_THROW(response = sim_->handle(r, now_)) << r.method << " " << r.target;
    checkAnswer(response, r.method + " " + r.target + " " + r.body);
    if (rng() % 10 == 0) {
      ASSERT_NO_THROW(sim_->lookup(std::string(rng() % 3, '.') + "www.fuzz.test", static_cast<std::uint16_t>(rng()), now_));
    }
  }
}

TEST_F(RobustnessTest, TimeGoingBackwardsIsClampedNotBroken) {
  const std::string zone = createZone("clock.test.");
  advance(6s);
  EXPECT_EQ(str(get("/v2/zones/" + zone), "status"), "ACTIVE");
  now_ -= std::chrono::seconds(100);
  EXPECT_EQ(str(get("/v2/zones/" + zone), "status"), "ACTIVE");
  EXPECT_EQ(patch("/v2/zones/" + zone, "{}").status, 202u);
}

}  // namespace
}  // namespace accurate::designate_sim::testing
