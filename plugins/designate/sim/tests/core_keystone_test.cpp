// Keystone mode: token issue (v3 password, application credential, v2.0 API key), checks and expiry.
#include "core/keystone.hpp"
#include "core_test_support.hpp"

namespace accurate::designate_sim::testing {
namespace {

SimOptions keystoneOptions() {
  SimOptions options = fixedOptions();
  options.keystone = true;
  options.token_ttl = std::chrono::seconds(3600);
  options.users.push_back(KeystoneUser{"alice", "secret", "proj-alice", "cred-1", "cred-secret"});
  options.users.push_back(KeystoneUser{"bob", "hunter2", "proj-bob", "", ""});
  return options;
}

std::string passwordBody(const std::string& user, const std::string& password, const std::string& project) {
  return R"({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": ")" + user +
         R"(", "domain": {"name": "Default"}, "password": ")" + password +
         R"("}}}, "scope": {"project": {"id": ")" + project + R"("}}}})";
}

class KeystoneTest : public SimFixture {
 protected:
  KeystoneTest() : SimFixture(keystoneOptions()) {}
  std::string token(const std::string& user = "alice", const std::string& password = "secret",
                    const std::string& project = "proj-alice") {
    const SimResponse r = post("/v3/auth/tokens", passwordBody(user, password, project));
    EXPECT_EQ(r.status, 201u) << r.body;
    return header(r, "X-Subject-Token").value_or("");
  }
};

TEST_F(KeystoneTest, PasswordAuthIssuesAScopedToken) {
  const SimResponse r = post("/v3/auth/tokens", passwordBody("alice", "secret", "proj-alice"));
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto token = header(r, "X-Subject-Token");
  ASSERT_TRUE(token);
  EXPECT_GE(token->size(), 32u);
  const auto body = json(r).at("token").as_object();
  EXPECT_EQ(body.at("expires_at"), "2026-11-25T10:42:53.000000Z");
  EXPECT_EQ(body.at("project").at("id"), "proj-alice");
  EXPECT_EQ(body.at("user").at("name"), "alice");
  EXPECT_EQ(text(body.at("catalog").at(0).at("endpoints").at(0).at("url")), "http://sim.test:9001");
  EXPECT_NE(token, header(post("/v3/auth/tokens", passwordBody("alice", "secret", "proj-alice")), "X-Subject-Token"));
}

TEST_F(KeystoneTest, WrongCredentialsAre401Json) {
  for (const std::string& body : {passwordBody("alice", "wrong", "proj-alice"), passwordBody("eve", "secret", "p"),
                                  passwordBody("alice", "secret", "proj-bob")}) {
    const SimResponse r = post("/v3/auth/tokens", body);
    EXPECT_EQ(r.status, 401u) << body;
    EXPECT_EQ(json(r).at("error").at("code"), 401);
    EXPECT_FALSE(header(r, "X-Subject-Token"));
  }
  EXPECT_EQ(post("/v3/auth/tokens", "{not json").status, 400u);
  EXPECT_EQ(post("/v3/auth/tokens", R"({"auth": {}})").status, 400u);
}

TEST_F(KeystoneTest, ApplicationCredentialAuth) {
  SimResponse r = post("/v3/auth/tokens", R"({"auth": {"identity": {"methods": ["application_credential"],
      "application_credential": {"id": "cred-1", "secret": "cred-secret"}}}})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(json(r).at("token").at("project").at("id"), "proj-alice");
  r = post("/v3/auth/tokens", R"({"auth": {"identity": {"methods": ["application_credential"],
      "application_credential": {"id": "cred-1", "secret": "nope"}}}})");
  EXPECT_EQ(r.status, 401u);
}

TEST_F(KeystoneTest, RackspaceApiKeyAuth) {
  SimResponse r = post("/v2.0/tokens", R"({"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "bob",
      "apiKey": "hunter2"}}})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto token = json(r).at("access").at("token");
  EXPECT_EQ(token.at("tenant").at("id"), "proj-bob");
  EXPECT_EQ(token.at("expires"), "2026-11-25T10:42:53Z");
  const std::string id = text(token.at("id"));
  r = get("/v2/zones", {{"X-Auth-Token", id}});
  EXPECT_EQ(r.status, 200u);
  r = post("/v2.0/tokens", R"({"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "bob", "apiKey": "x"}}})");
  EXPECT_EQ(r.status, 401u);
}

TEST_F(KeystoneTest, DesignateRoutesNeedAValidToken) {
  SimResponse r = get("/v2/zones");
  EXPECT_EQ(r.status, 401u);
  EXPECT_TRUE(json(r).at("error").is_object());
  EXPECT_TRUE(header(r, "X-Openstack-Request-Id"));
  r = get("/v2/zones", {{"X-Auth-Token", "forged"}});
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(get("/", {}).status, 200u);            // versions need no token
  EXPECT_EQ(get("/healthcheck", {}).status, 200u);
}

TEST_F(KeystoneTest, ProjectComesFromTheToken) {
  const std::string alice = token();
  const SimResponse r = post("/v2/zones", R"({"name":"k.test.","email":"a@k.test"})",
                             {{"X-Auth-Token", alice}, {"X-Auth-Project-ID", "proj-bob"}});
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(str(r, "project_id"), "proj-alice");
  const std::string bob = token("bob", "hunter2", "proj-bob");
  EXPECT_EQ(get("/v2/zones/" + str(r, "id"), {{"X-Auth-Token", bob}}).status, 404u);
  EXPECT_EQ(get("/v2/zones/" + str(r, "id"), {{"X-Auth-Token", alice}}).status, 200u);
  // Tenant in the URL still selects the project.
  EXPECT_EQ(get("/v2/proj-alice/zones/" + str(r, "id"), {{"X-Auth-Token", bob}}).status, 200u);
}

TEST_F(KeystoneTest, TokensExpireAfterTheTtl) {
  const std::string alice = token();
  advance(3599s);
  EXPECT_EQ(get("/v2/zones", {{"X-Auth-Token", alice}}).status, 200u);
  advance(1s);
  EXPECT_EQ(get("/v2/zones", {{"X-Auth-Token", alice}}).status, 401u);
}

TEST(KeystoneTokensTest, ExpiredTokensAreForgotten) {
  const SimOptions options = keystoneOptions();
  sdk::Rng rng(7);
  Keystone keystone(options, rng);
  TimePoint now(std::chrono::seconds(1795599773));
  std::string first;
  for (int i = 0; i < 50; ++i) {
    const SimResponse r = keystone.issueV3(passwordBody("alice", "secret", "proj-alice"), "http://h", now);
    ASSERT_EQ(r.status, 201u);
    if (i == 0) first = r.headers.back().second;
  }
  EXPECT_EQ(keystone.tokenCount(), 50u);
  ASSERT_NE(keystone.validate(first, now), nullptr);
  EXPECT_EQ(keystone.validate(first, now)->project_id, "proj-alice");
  now += std::chrono::seconds(3600);
  EXPECT_EQ(keystone.validate(first, now), nullptr);
  EXPECT_EQ(keystone.tokenCount(), 0u);
  keystone.issueV2(R"({"auth": {"passwordCredentials": {"username": "bob", "password": "hunter2"}}})", "http://h", now);
  EXPECT_EQ(keystone.tokenCount(), 1u);
}

}  // namespace
}  // namespace accurate::designate_sim::testing
