// Every request the designate tasks send: method, target, headers, body, stats name and expected statuses, checked
// as built and as sent through DesignateClient in each auth mode.
#include "requests.hpp"

#include "designate_fake_context.hpp"
#include "identity.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <functional>

namespace accurate::designate {
namespace {

using test::FakeContext;
using test::headerOf;
using test::respond;
using test::runToEnd;

constexpr std::string_view kZone = "11111111-2222-3333-4444-555555555555";
constexpr std::string_view kRecordset = "66666666-7777-8888-9999-000000000000";

/// One task request: how to build it under a prefix and what it must look like.
struct Case {
  std::string task;                                          ///< task (or step) name
  std::function<sdk::HttpRequest(std::string_view)> build;   ///< builds it for a prefix
  std::string method;                                        ///< expected method
  std::string path;                                          ///< expected target after the prefix
  std::string name;                                          ///< expected stats name
  std::vector<unsigned> expected;                            ///< expected success statuses
  std::string content_type;                                  ///< expected Content-Type ("" = none)
  std::string accept;                                        ///< expected Accept ("" = none)
  std::string json_body;                                     ///< expected JSON body ("" = no JSON check)
};

std::vector<Case> cases() {
  const std::string z(kZone);
  const std::string r(kRecordset);
  return {
      {"get_domain_by_id", [](std::string_view p) { return requests::getZone(p, kZone); }, "GET", "/zones/" + z,
       "/v2/zones/ID", {200}, "", "", ""},
      {"get_domain_by_name", [](std::string_view p) { return requests::findZoneByName(p, "a-1.accurate.test."); },
       "GET", "/zones?name=a-1.accurate.test.", "/v2/zones?name=zoneNAME", {200}, "", "", ""},
      {"list_domains", [](std::string_view p) { return requests::listZones(p); }, "GET", "/zones", "/v2/zones",
       {200}, "", "", ""},
      {"import_zone", [](std::string_view p) { return requests::createImport(p, "$ORIGIN x.test.\n"); }, "POST",
       "/zones/tasks/imports", "/v2/zones/tasks/imports", {202, 413}, "text/dns", "", ""},
      {"import_zone status", [](std::string_view p) { return requests::importStatus(p, "imp-1"); }, "GET",
       "/zones/tasks/imports/imp-1", "/v2/zones/tasks/imports/ID - status check", {200}, "", "", ""},
      {"export_domain", [](std::string_view p) { return requests::createExport(p, kZone); }, "POST",
       "/zones/" + z + "/tasks/export", "/v2/zones/ID/tasks/export", {202}, "", "", ""},
      {"export_domain status", [](std::string_view p) { return requests::exportStatus(p, "exp-1"); }, "GET",
       "/zones/tasks/exports/exp-1", "/v2/zones/tasks/exports/ID - status check", {200}, "", "", ""},
      {"export_domain download",
       [](std::string_view p) { return requests::downloadExport(requests::exportTarget(p, "exp-1"), "x.test."); },
       "GET", "/zones/tasks/exports/exp-1/export", "/v2/zones/tasks/exports/ID/export", {200}, "", "text/dns", ""},
      {"create_domain",
       [](std::string_view p) { return requests::createZone(p, "n1.accurate.test.", "hostmaster@n1.accurate.test", 7200); },
       "POST", "/zones", "/v2/zones", {202, 413}, "application/json", "",
       R"({"name": "n1.accurate.test.", "email": "hostmaster@n1.accurate.test", "ttl": 7200})"},
      {"create_domain status", [](std::string_view p) { return requests::zoneStatus(p, kZone, PollGoal::kReady); },
       "GET", "/zones/" + z, "/v2/zones/ID - status check", {200}, "", "", ""},
      {"modify_domain",
       [](std::string_view p) { return requests::patchZone(p, kZone, "hostmaster@n1.accurate.test", 3000); },
       "PATCH", "/zones/" + z, "/v2/zones/ID", {202}, "application/json", "",
       R"({"email": "hostmaster@n1.accurate.test", "ttl": 3000})"},
      {"remove_domain", [](std::string_view p) { return requests::deleteZone(p, kZone); }, "DELETE", "/zones/" + z,
       "/v2/zones/ID", {202}, "", "", ""},
      {"remove_domain status", [](std::string_view p) { return requests::zoneStatus(p, kZone, PollGoal::kGone); },
       "GET", "/zones/" + z, "/v2/zones/ID - status check", {200, 404}, "", "", ""},
      {"list_records", [](std::string_view p) { return requests::listRecordsets(p, kZone); }, "GET",
       "/zones/" + z + "/recordsets", "/v2/zones/ID/recordsets", {200}, "", "", ""},
      {"get_record", [](std::string_view p) { return requests::getRecordset(p, kZone, kRecordset); }, "GET",
       "/zones/" + z + "/recordsets/" + r, "/v2/zones/ID/recordsets/ID", {200}, "", "", ""},
      {"create_record",
       [](std::string_view p) { return requests::createRecordset(p, kZone, "r1.n1.accurate.test.", 3600, "192.0.2.7"); },
       "POST", "/zones/" + z + "/recordsets", "/v2/zones/ID/recordsets", {201, 202, 413}, "application/json", "",
       R"({"name": "r1.n1.accurate.test.", "type": "A", "ttl": 3600, "records": ["192.0.2.7"]})"},
      {"create_record status",
       [](std::string_view p) { return requests::recordsetStatus(p, kZone, kRecordset, PollGoal::kReady); }, "GET",
       "/zones/" + z + "/recordsets/" + r, "/v2/zones/ID/recordsets/ID - status check", {200}, "", "", ""},
      {"modify_record",
       [](std::string_view p) { return requests::updateRecordset(p, kZone, kRecordset, "198.51.100.9", 2400); },
       "PUT", "/zones/" + z + "/recordsets/" + r, "/v2/zones/ID/recordsets/ID", {200, 202, 413},
       "application/json", "", R"({"records": ["198.51.100.9"], "ttl": 2400})"},
      {"remove_record", [](std::string_view p) { return requests::deleteRecordset(p, kZone, kRecordset); }, "DELETE",
       "/zones/" + z + "/recordsets/" + r, "/v2/zones/ID/recordsets/ID", {202}, "", "", ""},
      {"remove_record status",
       [](std::string_view p) { return requests::recordsetStatus(p, kZone, kRecordset, PollGoal::kGone); }, "GET",
       "/zones/" + z + "/recordsets/" + r, "/v2/zones/ID/recordsets/ID - status check", {200, 404}, "", "", ""},
      {"gather zones",
       [](std::string_view p) {
         return requests::listPage(requests::zonesPageTarget(p, 50), std::string(requests::kGatherZonesName));
       },
       "GET", "/zones?sort_key=id&limit=50", "/v2/zones (gather)", {200}, "", "", ""},
      {"gather recordsets",
       [](std::string_view p) {
         return requests::listPage(requests::recordsetsPageTarget(p, kZone, 50),
                                   std::string(requests::kGatherRecordsetsName));
       },
       "GET", "/zones/" + z + "/recordsets?type=A&sort_key=id&limit=50", "/v2/zones/ID/recordsets (gather)", {200},
       "", "", ""},
  };
}

/// An auth configuration and the headers it must produce.
struct Mode {
  std::string label;                                     ///< for messages
  AuthSettings auth;                                     ///< settings under test
  std::string prefix;                                    ///< expected API prefix
  std::vector<std::pair<std::string, std::string>> has;  ///< headers that must be present with these values
  std::vector<std::string> lacks;                        ///< headers that must be absent
};

Tenant tenantA() {
  Tenant t;
  t.project_id = "proj-a";
  t.username = "alice";
  t.password = "pw-secret";
  t.pool = "large";
  return t;
}

std::vector<Mode> modes() {
  std::vector<Mode> out;
  {
    Mode m{"noauth", {}, "/v2", {{"X-Auth-Project-ID", "proj-a"}}, {"X-Auth-Token", "X-Auth-All-Projects"}};
    out.push_back(m);
  }
  {
    Mode m{"tenant in URL", {}, "/v2/proj-a", {{"X-Auth-Project-ID", "proj-a"}}, {"X-Auth-Token"}};
    m.auth.tenant_in_url = true;
    out.push_back(m);
  }
  {
    Mode m{"keystone password", {}, "/v2", {{"X-Auth-Token", "tok-123"}}, {"X-Auth-Project-ID"}};
    m.auth.mode = AuthMode::kKeystonePassword;
    m.auth.identity_url = "http://identity.test:5000";
    out.push_back(m);
  }
  {
    Mode m{"all projects and sudo",
           {},
           "/v2",
           {{"X-Auth-Project-ID", "proj-a"}, {"X-Auth-All-Projects", "true"}, {"X-Auth-Sudo-Project-ID", "proj-z"}},
           {"X-Auth-Token"}};
    m.auth.all_projects = true;
    m.auth.sudo_project = "proj-z";
    out.push_back(m);
  }
  return out;
}

TEST(DesignateRequests, EveryTaskRequestIsBuiltAndSentCorrectlyInEveryAuthMode) {
  const Tenant tenant = tenantA();
  for (const Mode& mode : modes()) {
    DesignateClient client(mode.auth, {tenant});
    ASSERT_EQ(client.prefix(tenant), mode.prefix) << mode.label;
    boost::asio::io_context io;
    FakeContext ctx(io);
    ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
      if (r.target.find("/v3/auth/tokens") != std::string::npos) {
        return respond(201, R"({"token": {"expires_at": "2099-01-01T00:00:00Z"}})", {{"X-Subject-Token", "tok-123"}});
      }
      return respond(r.expected_status.front(), R"({"id": "x", "name": "x.test."})");
    });
    for (const Case& c : cases()) {
      SCOPED_TRACE(mode.label + ": " + c.task);
      const sdk::HttpRequest built = c.build(client.prefix(tenant));
      EXPECT_EQ(built.method, c.method);
      EXPECT_EQ(built.target, mode.prefix + c.path);
      EXPECT_EQ(built.name, c.name);
      EXPECT_EQ(built.expected_status, c.expected);
      const std::size_t before = ctx.client.sent.size();
      const sdk::HttpResponse response = runToEnd(io, client.send(ctx, tenant, built));
      ASSERT_GT(ctx.client.sent.size(), before);
      const sdk::HttpRequest& sent = ctx.client.sent.back();
      EXPECT_EQ(sent.method, c.method);
      EXPECT_EQ(sent.target, mode.prefix + c.path);
      EXPECT_EQ(sent.name, c.name) << "the tenant never appears in a stats name";
      for (const auto& [header, value] : mode.has) EXPECT_EQ(headerOf(sent.headers, header), value) << header;
      for (const auto& header : mode.lacks) EXPECT_FALSE(headerOf(sent.headers, header)) << header;
      EXPECT_EQ(headerOf(sent.headers, "Content-Type").value_or(""), c.content_type);
      EXPECT_EQ(headerOf(sent.headers, "Accept").value_or(""), c.accept);
      if (!c.json_body.empty()) {
        EXPECT_EQ(boost::json::parse(sent.body), boost::json::parse(c.json_body));
      }
      if (c.content_type == "text/dns") {
        EXPECT_EQ(sent.body, "$ORIGIN x.test.\n");
      }
      EXPECT_TRUE(response.ok()) << response.error;
    }
    EXPECT_TRUE(ctx.client.unmatched.empty());
  }
}

TEST(DesignateRequests, OverQuotaIsReportedWithDesignatesMessage) {
  sdk::HttpResponse response =
      respond(413, R"({"code": 413, "type": "over_quota", "message": "Quota exceeded for zones.", "request_id": "r"})");
  EXPECT_EQ(quotaCheck(response), "over quota: Quota exceeded for zones.");
  response = respond(413, R"({"code": 413, "type": "request_too_large"})");
  EXPECT_EQ(quotaCheck(response), "HTTP 413 request_too_large");
  response = respond(413, "<html>too large</html>");
  EXPECT_EQ(quotaCheck(response), "HTTP 413");
  EXPECT_EQ(quotaCheck(respond(202, "{}")), "");
}

TEST(DesignateRequests, OverQuotaIsAFailureOfTheWriteThroughTheClient) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.reply(respond(413, R"({"code": 413, "type": "over_quota", "message": "Quota exceeded for zones."})"));
  ctx.client.reply(respond(409, R"({"code": 409, "type": "duplicate_zone", "message": "Duplicate Zone"})"));
  DesignateClient client({}, {tenantA()});
  auto first = runToEnd(io, client.send(ctx, tenantA(), requests::createZone("/v2", "a.test.", "h@a.test", 60)));
  auto second = runToEnd(io, client.send(ctx, tenantA(), requests::createZone("/v2", "a.test.", "h@a.test", 60)));
  EXPECT_EQ(first.error, "over quota: Quota exceeded for zones.");
  EXPECT_EQ(second.error, "HTTP 409 (expected 202, 413)");
  ASSERT_EQ(ctx.recorder.named("POST", "/v2/zones").size(), 2u);
  EXPECT_EQ(ctx.recorder.named("POST", "/v2/zones")[0].error, "over quota: Quota exceeded for zones.");
}

TEST(DesignateRequests, ExportDownloadMustNameTheZone) {
  const sdk::HttpRequest request = requests::downloadExport("/v2/zones/tasks/exports/e/export", "Ex.Test.");
  ASSERT_TRUE(request.validate);
  EXPECT_EQ(request.validate(respond(200, "$ORIGIN ex.test.\n$TTL 3600\n")), "");
  EXPECT_EQ(request.validate(respond(200, "$ORIGIN other.test.\n")), "export does not name the zone");
}

TEST(DesignateRequests, ReadsDoNotKeepBodiesWhileWritesAndChecksDo) {
  EXPECT_FALSE(requests::getZone("/v2", kZone).keep_body);
  EXPECT_FALSE(requests::listZones("/v2").keep_body);
  EXPECT_FALSE(requests::getRecordset("/v2", kZone, kRecordset).keep_body);
  EXPECT_TRUE(requests::createZone("/v2", "a.", "b", 1).keep_body);
  EXPECT_TRUE(requests::zoneStatus("/v2", kZone, PollGoal::kReady).keep_body);
  EXPECT_TRUE(requests::listPage("/v2/zones", "x").keep_body);
}

TEST(DesignateRequests, QuotaPatchTargetsTheAdminApi) {
  boost::json::object quotas{{"zones", 100}};
  const sdk::HttpRequest r = requests::setQuotas("proj a", quotas);
  EXPECT_EQ(r.method, "PATCH");
  EXPECT_EQ(r.target, "/v2/quotas/proj%20a");
  EXPECT_EQ(r.name, "/v2/quotas/ID");
  EXPECT_EQ(boost::json::parse(r.body), boost::json::parse(R"({"zones": 100})"));
  EXPECT_EQ(headerOf(r.headers, "Content-Type"), "application/json");
}

TEST(DesignateRequests, JsonHelpersReadNestedStringsAndUrlSegments) {
  EXPECT_EQ(jsonString(R"({"links": {"export": "http://h/v2/x/export"}})", {"links", "export"}), "http://h/v2/x/export");
  EXPECT_EQ(jsonString(R"({"id": 5})", {"id"}), "");
  EXPECT_EQ(jsonString("not json", {"id"}), "");
  EXPECT_EQ(lastSegment("http://h:1/v2/zones/abc?x=1"), "abc");
  EXPECT_EQ(lastSegment("/v2/zones/abc/"), "abc");
  EXPECT_EQ(asyncName("/v2/zones"), "/v2/zones - async");
}

}  // namespace
}  // namespace accurate::designate
