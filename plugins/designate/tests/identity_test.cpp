// Identity: token request bodies, token responses, the cache decision and DesignateClient's headers, token
// reuse, renewal, 401 retry and failures.
#include "identity.hpp"

#include "designate_fake_context.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <ctime>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;
using test::FakeContext;
using test::on;
using test::respond;
using test::runToEnd;

AuthSettings authFor(AuthMode mode, std::string url = "http://id.example:5000") {
  AuthSettings auth;
  auth.mode = mode;
  auth.identity_url = std::move(url);
  return auth;
}

Tenant passwordTenant(std::string project = "proj-a") {
  Tenant t;
  t.project_id = std::move(project);
  t.username = "alice";
  t.user_domain = "Corp";
  t.password = "s3cret-pw";
  t.pool = "large";
  return t;
}

/// "YYYY-MM-DDTHH:MM:SSZ" of @p when.
std::string iso(system_clock::time_point when) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", fmt::gmtime(system_clock::to_time_t(when)));
}

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" of @p when.
std::string isoMillis(system_clock::time_point when) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(system_clock::to_time_t(when)), millis);
}

/// A Keystone v3 token answer.
sdk::HttpResponse v3Token(std::string token, std::string expires_at) {
  return respond(201, R"({"token": {"expires_at": ")" + expires_at + R"(", "methods": ["password"]}})",
                 {{"X-Subject-Token", std::move(token)}});
}

sdk::HttpResponse v3Token(std::string token, system_clock::time_point expires) {
  return v3Token(std::move(token), iso(expires));
}

system_clock::time_point utc(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

TEST(DesignateIdentity, KeystonePasswordRequestIsAProjectScopedV3PasswordAuth) {
  const sdk::HttpRequest r = tokenRequest(authFor(AuthMode::kKeystonePassword, "http://id.example:5000/"),
                                          passwordTenant());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "http://id.example:5000/v3/auth/tokens");
  EXPECT_EQ(r.name, "/v3/auth/tokens");
  EXPECT_EQ(r.expected_status, std::vector<unsigned>{201});
  EXPECT_TRUE(r.keep_headers);
  EXPECT_TRUE(r.keep_body);
  EXPECT_EQ(test::headerOf(r.headers, "content-type"), "application/json");
  EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"auth": {
      "identity": {"methods": ["password"],
                   "password": {"user": {"name": "alice", "domain": {"name": "Corp"}, "password": "s3cret-pw"}}},
      "scope": {"project": {"id": "proj-a"}}}})"));
  EXPECT_EQ(r.name.find("s3cret"), std::string::npos);
}

TEST(DesignateIdentity, AppCredentialRequestCarriesOnlyIdAndSecret) {
  Tenant t;
  t.project_id = "proj-a";
  t.app_credential_id = "cred-1";
  t.app_credential_secret = "cred-secret";
  const sdk::HttpRequest r = tokenRequest(authFor(AuthMode::kKeystoneAppCredential, "https://id/identity/v3"), t);
  EXPECT_EQ(r.target, "https://id/identity/v3/auth/tokens");  // a base ending in /v3 is not doubled
  EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"auth": {"identity": {
      "methods": ["application_credential"], "application_credential": {"id": "cred-1", "secret": "cred-secret"}}}})"));
}

TEST(DesignateIdentity, RackspaceRequestIsAV2ApiKeyAuth) {
  Tenant t;
  t.project_id = "rax";
  t.username = "rax";
  t.api_key = "key-123";
  const sdk::HttpRequest r = tokenRequest(authFor(AuthMode::kRackspaceApiKey, "https://identity.example"), t);
  EXPECT_EQ(r.target, "https://identity.example/v2.0/tokens");
  EXPECT_EQ(r.name, "/v2.0/tokens");
  EXPECT_EQ(r.expected_status, std::vector<unsigned>{200});
  EXPECT_EQ(boost::json::parse(r.body),
            boost::json::parse(R"({"auth": {"RAX-KSKEY:apiKeyCredentials": {"username": "rax", "apiKey": "key-123"}}})"));
}

TEST(DesignateIdentity, ParsesAV3TokenWithFractionalUtcExpiry) {
  const TokenOutcome out = parseTokenResponse(AuthMode::kKeystonePassword, v3Token("tok-1", "2030-01-02T03:04:05.250000Z"));
  ASSERT_TRUE(out.token) << out.error;
  EXPECT_EQ(out.token->value, "tok-1");
  EXPECT_EQ(out.token->expires_at, utc(2030, 1, 2, 3, 4, 5) + 250ms);
}

TEST(DesignateIdentity, ParsesExpiriesWithOffsetsAndWithoutAZone) {
  EXPECT_EQ(parseTokenResponse(AuthMode::kKeystonePassword, v3Token("t", "2030-01-02T03:04:05-06:00")).token->expires_at,
            utc(2030, 1, 2, 9, 4, 5));
  EXPECT_EQ(parseTokenResponse(AuthMode::kKeystonePassword, v3Token("t", "2030-01-02T03:04:05+0130")).token->expires_at,
            utc(2030, 1, 2, 1, 34, 5));
  EXPECT_EQ(parseTokenResponse(AuthMode::kKeystonePassword, v3Token("t", "2030-01-02T03:04:05.000000")).token->expires_at,
            utc(2030, 1, 2, 3, 4, 5));
}

TEST(DesignateIdentity, ParsesAV2Token) {
  const TokenOutcome out = parseTokenResponse(
      AuthMode::kRackspaceApiKey,
      respond(200, R"({"access": {"token": {"id": "rax-tok", "expires": "2031-05-06T07:08:09.000-05:00"}}})"));
  ASSERT_TRUE(out.token) << out.error;
  EXPECT_EQ(out.token->value, "rax-tok");
  EXPECT_EQ(out.token->expires_at, utc(2031, 5, 6, 12, 8, 9));
}

TEST(DesignateIdentity, ExplainsBadTokenResponsesWithoutSecrets) {
  const auto error = [](AuthMode mode, const sdk::HttpResponse& response) {
    const TokenOutcome out = parseTokenResponse(mode, response);
    EXPECT_FALSE(out.token);
    return out.error;
  };
  EXPECT_EQ(error(AuthMode::kKeystonePassword, respond(201, R"({"token": {"expires_at": "2030-01-01T00:00:00Z"}})")),
            "identity response has no X-Subject-Token header");
  EXPECT_EQ(error(AuthMode::kKeystonePassword, respond(201, "<html>", {{"X-Subject-Token", "tok"}})),
            "identity response is not a JSON object");
  EXPECT_EQ(error(AuthMode::kKeystonePassword, respond(201, R"({"token": {}})", {{"X-Subject-Token", "tok"}})),
            "identity response has no token.expires_at");
  EXPECT_EQ(error(AuthMode::kKeystonePassword, v3Token("tok", "tomorrow")),
            "identity response has an unreadable token.expires_at \"tomorrow\"");
  EXPECT_EQ(error(AuthMode::kKeystonePassword, v3Token("tok", "2030-13-01T00:00:00Z")),
            "identity response has an unreadable token.expires_at \"2030-13-01T00:00:00Z\"");
  EXPECT_EQ(error(AuthMode::kRackspaceApiKey, respond(200, R"({"access": {}})")), "identity response has no access.token.id");
  EXPECT_EQ(error(AuthMode::kKeystonePassword,
                  respond(401, R"({"error": {"code": 401, "title": "Unauthorized",
                                   "message": "The request you have made requires authentication."}})")),
            "identity answered HTTP 401 (expected 201): The request you have made requires authentication.");
  EXPECT_EQ(error(AuthMode::kRackspaceApiKey, respond(500, "oops")), "identity answered HTTP 500 (expected 200)");
  EXPECT_EQ(error(AuthMode::kKeystonePassword, test::transportFailure("connection refused")),
            "identity request failed: connection refused");
}

TEST(DesignateIdentity, TokenNeedFetchesWhenMissingExpiredOrInTheRenewalWindow) {
  const auto now = utc(2030, 1, 1, 12, 0, 0);
  const auto token = [&](system_clock::duration expires_in) { return Token{"t", now + expires_in, {}}; };
  EXPECT_EQ(tokenNeed(std::nullopt, now, 600s), TokenNeed::kFetch);
  EXPECT_EQ(tokenNeed(token(-1s), now, 600s), TokenNeed::kFetch);
  EXPECT_EQ(tokenNeed(token(0s), now, 0s), TokenNeed::kFetch);
  EXPECT_EQ(tokenNeed(token(599s), now, 600s), TokenNeed::kFetch);
  EXPECT_EQ(tokenNeed(token(601s), now, 600s), TokenNeed::kUseCached);
  EXPECT_EQ(tokenNeed(token(1s), now, 0s), TokenNeed::kUseCached);
}

TEST(DesignateIdentity, ShortLivedTokenIsRenewedOnlyInTheLastTenthOfItsLife) {
  const auto obtained = utc(2030, 1, 1, 12, 0, 0);
  const Token token{"t", obtained + 300s, obtained};  // 5 minute token, renew_before 10 minutes
  EXPECT_EQ(tokenNeed(token, obtained + 1s, 600s), TokenNeed::kUseCached);
  EXPECT_EQ(tokenNeed(token, obtained + 269s, 600s), TokenNeed::kUseCached);
  EXPECT_EQ(tokenNeed(token, obtained + 270s, 600s), TokenNeed::kFetch);
  // A renewal window shorter than the lifetime applies unchanged.
  EXPECT_EQ(tokenNeed(token, obtained + 239s, 60s), TokenNeed::kUseCached);
  EXPECT_EQ(tokenNeed(token, obtained + 240s, 60s), TokenNeed::kFetch);
}

class DesignateClientTest : public ::testing::Test {
 protected:
  sdk::HttpRequest getZones() {
    sdk::HttpRequest r;
    r.target = "/v2/zones";
    r.name = "/v2/zones";
    return r;
  }

  boost::asio::io_context io;
  FakeContext ctx{io};
};

TEST_F(DesignateClientTest, PrefixHasTheProjectOnlyWithTenantInUrl) {
  AuthSettings auth;
  DesignateClient plain(auth, {passwordTenant()});
  EXPECT_EQ(plain.prefix(passwordTenant()), "/v2");
  auth.tenant_in_url = true;
  DesignateClient in_url(auth, {passwordTenant()});
  EXPECT_EQ(in_url.prefix(passwordTenant()), "/v2/proj-a");
}

TEST_F(DesignateClientTest, NoAuthSendsTheProjectHeaderAndAdminHeaders) {
  AuthSettings auth;
  auth.all_projects = true;
  auth.sudo_project = "proj-sudo";
  const Tenant tenant = passwordTenant();
  DesignateClient client(auth, {tenant});
  ctx.client.reply(respond(200, R"({"zones": []})"));
  const sdk::HttpResponse response = runToEnd(io, client.send(ctx, tenant, getZones()));
  EXPECT_TRUE(response.ok()) << response.error;
  ASSERT_EQ(ctx.client.sent.size(), 1u);
  const auto& headers = ctx.client.sent[0].headers;
  EXPECT_EQ(test::headerOf(headers, "X-Auth-Project-ID"), "proj-a");
  EXPECT_EQ(test::headerOf(headers, "X-Auth-All-Projects"), "true");
  EXPECT_EQ(test::headerOf(headers, "X-Auth-Sudo-Project-ID"), "proj-sudo");
  EXPECT_FALSE(test::headerOf(headers, "X-Auth-Token"));
}

TEST_F(DesignateClientTest, FetchesATokenOnceAndReusesIt) {
  const Tenant tenant = passwordTenant();
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {tenant});
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-1", system_clock::now() + 1h));
  ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.target == "/v2/zones") return respond(200, R"({"zones": []})");
    return std::nullopt;
  });
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      const sdk::HttpResponse response = co_await client.send(ctx, tenant, getZones());
      EXPECT_TRUE(response.ok()) << response.error;
    }
  }());
  ASSERT_EQ(ctx.client.sent.size(), 4u);
  EXPECT_EQ(ctx.client.sent[0].target, "http://id.example:5000/v3/auth/tokens");
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(test::headerOf(ctx.client.sent[i].headers, "X-Auth-Token"), "tok-1");
    EXPECT_FALSE(test::headerOf(ctx.client.sent[i].headers, "X-Auth-Project-ID"));
  }
  EXPECT_EQ(ctx.recorder.named("POST", "/v3/auth/tokens").size(), 1u);
  EXPECT_EQ(ctx.recorder.named("GET", "/v2/zones").size(), 3u);
  EXPECT_EQ(ctx.recorder.failures(), 0u);
}

TEST_F(DesignateClientTest, ReusesAShortLivedTokenInsteadOfFetchingForEveryRequest) {
  const Tenant tenant = passwordTenant();
  AuthSettings auth = authFor(AuthMode::kKeystonePassword);
  auth.renew_before = 600s;  // longer than the token's 5 minute life: renewal only in its last 30 s
  DesignateClient client(auth, {tenant});
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-short", system_clock::now() + 5min));
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-unused", system_clock::now() + 1h));
  ctx.client.handle([](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> { return respond(200, "{}"); });
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) co_await client.send(ctx, tenant, getZones());
  }());
  ASSERT_EQ(ctx.client.sent.size(), 4u);
  EXPECT_EQ(test::headerOf(ctx.client.sent[3].headers, "X-Auth-Token"), "tok-short");
  EXPECT_EQ(ctx.client.pending(), 1u);
}

TEST_F(DesignateClientTest, RefetchesAnExpiredToken) {
  const Tenant tenant = passwordTenant();
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {tenant});
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-old", system_clock::now() - 1s));
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-new", system_clock::now() + 1h));
  ctx.client.handle([](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> { return respond(200, "{}"); });
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    co_await client.send(ctx, tenant, getZones());
    co_await client.send(ctx, tenant, getZones());
  }());
  ASSERT_EQ(ctx.client.sent.size(), 4u);
  EXPECT_EQ(test::headerOf(ctx.client.sent[1].headers, "X-Auth-Token"), "tok-old");
  EXPECT_EQ(test::headerOf(ctx.client.sent[3].headers, "X-Auth-Token"), "tok-new");
}

TEST_F(DesignateClientTest, RenewsATokenOnceItEntersTheRenewalWindow) {
  const Tenant tenant = passwordTenant();
  AuthSettings auth = authFor(AuthMode::kKeystonePassword);
  auth.renew_before = 1s;
  DesignateClient client(auth, {tenant});
  // Lives 1.3 s with a 1 s window: renewal starts about 0.3 s after it was obtained.
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-old", isoMillis(system_clock::now() + 1300ms)));
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-new", system_clock::now() + 1h));
  ctx.client.handle([](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> { return respond(200, "{}"); });
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    co_await client.send(ctx, tenant, getZones());
    co_await ctx.sleep(450ms);
    co_await client.send(ctx, tenant, getZones());
  }());
  ASSERT_EQ(ctx.client.sent.size(), 4u);
  EXPECT_EQ(test::headerOf(ctx.client.sent[1].headers, "X-Auth-Token"), "tok-old");
  EXPECT_EQ(test::headerOf(ctx.client.sent[3].headers, "X-Auth-Token"), "tok-new");
}

TEST_F(DesignateClientTest, RetriesOnceWithAFreshTokenAfterA401) {
  const Tenant tenant = passwordTenant();
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {tenant});
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-1", system_clock::now() + 1h));
  ctx.client.replyTo(on("GET", "/v2/zones"), respond(401, R"({"code": 401, "type": "unauthorized"})"));
  ctx.client.replyTo(on("POST", "/v3/auth/tokens"), v3Token("tok-2", system_clock::now() + 1h));
  ctx.client.replyTo(on("GET", "/v2/zones"), respond(200, R"({"zones": []})"));
  const sdk::HttpResponse response = runToEnd(io, client.send(ctx, tenant, getZones()));
  EXPECT_EQ(response.status, 200u);
  ASSERT_EQ(ctx.client.sent.size(), 4u);
  EXPECT_EQ(test::headerOf(ctx.client.sent[1].headers, "X-Auth-Token"), "tok-1");
  EXPECT_EQ(test::headerOf(ctx.client.sent[3].headers, "X-Auth-Token"), "tok-2");
  EXPECT_EQ(ctx.client.pending(), 0u);
}

TEST_F(DesignateClientTest, GivesUpAfterASecond401) {
  const Tenant tenant = passwordTenant();
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {tenant});
  ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.method == "POST") return v3Token("tok", system_clock::now() + 1h);
    return respond(401, "{}");
  });
  const sdk::HttpResponse response = runToEnd(io, client.send(ctx, tenant, getZones()));
  EXPECT_EQ(response.status, 401u);
  EXPECT_EQ(ctx.client.sent.size(), 4u);  // token, request, token, request
  EXPECT_EQ(ctx.recorder.named("GET", "/v2/zones").size(), 2u);
}

TEST_F(DesignateClientTest, RecordsAFailureWithoutSendingWhenNoTokenCanBeHad) {
  const Tenant tenant = passwordTenant();
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {tenant});
  ctx.client.reply(respond(401, R"({"error": {"code": 401, "message": "Invalid credentials."}})"));
  const sdk::HttpResponse response = runToEnd(io, client.send(ctx, tenant, getZones()));
  EXPECT_EQ(response.status, 0u);
  EXPECT_EQ(response.error,
            "no token for project proj-a: identity answered HTTP 401 (expected 201): Invalid credentials.");
  ASSERT_EQ(ctx.client.sent.size(), 1u);  // only the token request
  const auto failed = ctx.recorder.named("GET", "/v2/zones");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].error, response.error);
  const auto token_samples = ctx.recorder.named("POST", "/v3/auth/tokens");
  ASSERT_EQ(token_samples.size(), 1u);
  EXPECT_EQ(token_samples[0].error, "HTTP 401 (expected 201)");
  for (const auto& sample : ctx.recorder.samples) EXPECT_EQ(sample.error.find("s3cret"), std::string::npos);
}

TEST_F(DesignateClientTest, A201WithoutATokenIsAFailedTokenRequest) {
  const Tenant tenant = passwordTenant();
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {tenant});
  ctx.client.reply(respond(201, R"({"token": {"expires_at": "2099-01-01T00:00:00Z"}})"));
  const sdk::HttpResponse response = runToEnd(io, client.send(ctx, tenant, getZones()));
  EXPECT_EQ(response.error, "no token for project proj-a: identity response has no X-Subject-Token header");
  const auto token_samples = ctx.recorder.named("POST", "/v3/auth/tokens");
  ASSERT_EQ(token_samples.size(), 1u);
  EXPECT_EQ(token_samples[0].error, "identity response has no X-Subject-Token header");
}

TEST_F(DesignateClientTest, WarmUpFetchesEveryTenantAndNamesTheFailures) {
  const Tenant a = passwordTenant("proj-a");
  const Tenant b = passwordTenant("proj-b");
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {a, b});
  ctx.client.reply(v3Token("tok-a", system_clock::now() + 1h));
  ctx.client.reply(respond(503, ""));
  const std::vector<std::string> failures = runToEnd(io, client.warmUp(ctx));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0], "project proj-b: identity answered HTTP 503 (expected 201)");
  // proj-a's token is cached: a request needs no new token.
  ctx.client.reply(respond(200, "{}"));
  runToEnd(io, client.send(ctx, a, getZones()));
  EXPECT_EQ(test::headerOf(ctx.client.sent.back().headers, "X-Auth-Token"), "tok-a");
  EXPECT_EQ(ctx.client.sent.size(), 3u);
}

TEST_F(DesignateClientTest, WarmUpDoesNothingInNoAuth) {
  DesignateClient client(AuthSettings{}, {passwordTenant()});
  EXPECT_TRUE(runToEnd(io, client.warmUp(ctx)).empty());
  EXPECT_TRUE(ctx.client.sent.empty());
}

TEST_F(DesignateClientTest, RefusesAnUnknownTenant) {
  DesignateClient client(authFor(AuthMode::kKeystonePassword), {passwordTenant("proj-a")});
  EXPECT_THROW(runToEnd(io, client.send(ctx, passwordTenant("proj-zzz"), getZones())), sdk::Error);
}

TEST_F(DesignateClientTest, RefusesDuplicateTenants) {
  EXPECT_THROW(DesignateClient(AuthSettings{}, {passwordTenant("x"), passwordTenant("x")}), sdk::Error);
}

}  // namespace
}  // namespace accurate::designate
