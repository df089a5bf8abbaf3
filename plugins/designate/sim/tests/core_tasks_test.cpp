// Zone import and export tasks, and the zone-file parser behind them.
#include "core/zonefile.hpp"
#include "core_test_support.hpp"

#include <accurate/sdk/random.hpp>

#include <sstream>

namespace accurate::designate_sim::testing {
namespace {

constexpr const char* kZoneFile =
    "$ORIGIN imported.test.\n"
    "$TTL 3600\n"
    "imported.test. IN SOA ns1.imported.test. hostmaster.imported.test. 2024010101 3600 600 86400 3600\n"
    "imported.test. IN NS ns1.designate-real.test.\n"
    "www 300 IN A 192.0.2.50\n"
    "    300 IN A 192.0.2.51 ; same owner\n"
    "alias IN CNAME www\n"
    "mail IN MX 10 mx.imported.test.\n"
    "txt IN TXT \"hello world\"\n";

class TasksTest : public SimFixture {
 protected:
  SimResponse import(const std::string& text, const std::string& type = "text/dns", Headers headers = {}) {
    headers.emplace_back("Content-Type", type);
    return request("POST", "/v2/zones/tasks/imports", text, std::move(headers));
  }
  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
};

TEST_F(TasksTest, ImportCompletesAfterImportDelayAndCreatesTheZone) {
  SimResponse r = import(kZoneFile);
  ASSERT_EQ(r.status, 202u) << r.body;
  const std::string id = str(r, "id");
  EXPECT_EQ(header(r, "Location").value_or(""), "http://sim.test:9001/v2/zones/tasks/imports/" + id);
  EXPECT_EQ(str(r, "status"), "PENDING");
  EXPECT_TRUE(json(r).at("message").is_null());
  EXPECT_TRUE(json(r).at("zone_id").is_null());
  EXPECT_EQ(json(r).at("version"), 1);
  advance(499ms);
  EXPECT_EQ(str(get("/v2/zones/tasks/imports/" + id), "status"), "PENDING");
  advance(1ms);
  r = get("/v2/zones/tasks/imports/" + id);
  const auto task = json(r).as_object();
  EXPECT_EQ(task.at("status"), "COMPLETE");
  EXPECT_EQ(task.at("message"), "imported.test. imported");
  EXPECT_EQ(task.at("version"), 2);
  const std::string zone_id = text(task.at("zone_id"));
  EXPECT_EQ(text(task.at("links").at("zone")), "http://sim.test:9001/v2/zones/" + zone_id);

  const auto zone = json(get("/v2/zones/" + zone_id)).as_object();
  EXPECT_EQ(zone.at("name"), "imported.test.");
  EXPECT_EQ(zone.at("serial"), 2024010101);
  EXPECT_EQ(zone.at("email"), "hostmaster@imported.test");
  EXPECT_EQ(zone.at("status"), "PENDING");
  EXPECT_EQ(zone.at("action"), "CREATE");
  const auto www = json(get("/v2/zones/" + zone_id + "/recordsets?name=www.imported.test.")).at("recordsets").at(0);
  EXPECT_EQ(www.at("status"), "ACTIVE");
  EXPECT_EQ(www.at("ttl"), 300);
  EXPECT_EQ(www.at("records").as_array().size(), 2u);
  const auto ns = json(get("/v2/zones/" + zone_id + "/recordsets?type=NS")).at("recordsets");
  ASSERT_EQ(ns.as_array().size(), 1u);
  EXPECT_EQ(ns.at(0).at("records"), (boost::json::array{"ns1.designate-sim.test."}));
  const auto cname = json(get("/v2/zones/" + zone_id + "/recordsets?type=CNAME")).at("recordsets").at(0);
  EXPECT_EQ(cname.at("records").at(0), "www.imported.test.");
  advance(5s);
  EXPECT_EQ(str(get("/v2/zones/" + zone_id), "status"), "ACTIVE");
}

TEST_F(TasksTest, ImportNeedsTextDns) {
  SimResponse r = import(kZoneFile, "application/json");
  EXPECT_EQ(r.status, 415u);
  EXPECT_EQ(errorType(r), "unsupported_content_type");
  EXPECT_EQ(errorMessage(r), "Content-type must be text/dns");
  r = import(kZoneFile, "text/dns; charset=utf-8");
  EXPECT_EQ(r.status, 202u);
}

TEST_F(TasksTest, ImportErrorsLandInTheMessage) {
  const std::pair<std::string, std::string> cases[] = {
      {"this is not a zone file", "The $ORIGIN statement is required and must be the first statement in the zonefile."},
      {"$ORIGIN nosoa.test.\nwww IN A 192.0.2.1\n", "An SOA record is required."},
      {"$ORIGIN bad.test.\n@ IN SOA ns1 host 1 2 3 4 5\nwww IN A 999.1.1.1\n", "Malformed zonefile."},
      {"", "The $ORIGIN statement is required and must be the first statement in the zonefile."},
  };
  for (const auto& [file, message] : cases) {
    const SimResponse r = import(file);
    ASSERT_EQ(r.status, 202u);
    advance(500ms);
    const auto task = json(get("/v2/zones/tasks/imports/" + str(r, "id"))).as_object();
    EXPECT_EQ(task.at("status"), "ERROR") << file;
    EXPECT_EQ(text(task.at("message")), message) << file;
    EXPECT_TRUE(task.at("zone_id").is_null());
  }
  EXPECT_EQ(sim_->zoneCount(), 0u);
}

TEST_F(TasksTest, ImportOfAnExistingZoneIsADuplicate) {
  createZone("imported.test.");
  const SimResponse r = import(kZoneFile);
  advance(1s);
  const auto task = json(get("/v2/zones/tasks/imports/" + str(r, "id"))).as_object();
  EXPECT_EQ(task.at("status"), "ERROR");
  EXPECT_EQ(task.at("message"), "Duplicate zone.");
}

TEST_F(TasksTest, ImportListDeleteAnd404) {
  const std::string id = str(import(kZoneFile), "id");
  SimResponse r = get("/v2/zones/tasks/imports");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(json(r).at("imports").as_array().size(), 1u);
  EXPECT_EQ(json(r).at("metadata").at("total_count"), 1);
  EXPECT_EQ(json(get("/v2/zones/tasks/imports", {{"X-Auth-Project-ID", "other"}})).at("imports").as_array().size(), 0u);
  r = del("/v2/zones/tasks/imports/" + id);
  EXPECT_EQ(r.status, 204u);
  EXPECT_TRUE(r.body.empty());
  r = get("/v2/zones/tasks/imports/" + id);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "zone_import_not_found");
  EXPECT_EQ(errorMessage(r), "Could not find ZoneImport");
}

TEST_F(TasksTest, ExportIsPendingThenCompleteAndDownloadsAZoneFile) {
  const std::string zone_id = str(import(kZoneFile), "id");
  advance(500ms);
  const std::string imported = text(json(get("/v2/zones/tasks/imports/" + zone_id)).at("zone_id"));
  SimResponse r = request("POST", "/v2/zones/" + imported + "/tasks/export");
  ASSERT_EQ(r.status, 202u) << r.body;
  const std::string id = str(r, "id");
  EXPECT_EQ(str(r, "status"), "PENDING");
  EXPECT_TRUE(json(r).at("location").is_null());
  EXPECT_EQ(header(r, "Location").value_or(""), "http://sim.test:9001/v2/zones/tasks/exports/" + id);
  r = get("/v2/zones/tasks/exports/" + id);
  const auto task = json(r).as_object();
  EXPECT_EQ(task.at("status"), "COMPLETE");
  EXPECT_EQ(task.at("version"), 2);
  EXPECT_EQ(text(task.at("location")), "designate://v2/zones/tasks/exports/" + id + "/export");
  const std::string link = text(task.at("links").at("export"));
  EXPECT_EQ(link, "http://sim.test:9001/v2/zones/tasks/exports/" + id + "/export");

  for (const Headers& accept : {Headers{{"Accept", "text/dns"}}, Headers{{"Accept", "*/*"}}, Headers{}}) {
    r = get("/v2/zones/tasks/exports/" + id + "/export", accept);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(header(r, "Content-Type").value_or(""), "text/dns; charset=UTF-8");
  }
  const auto file = lines(r.body);
  ASSERT_GE(file.size(), 9u);
  EXPECT_EQ(file[0], "$ORIGIN imported.test.");
  EXPECT_EQ(file[1], "$TTL 3600");
  EXPECT_EQ(file[2], "");
  const std::vector<std::string> body(file.begin() + 3, file.end());
  for (const char* expected : {"www.imported.test. 300 IN A 192.0.2.50", "www.imported.test. 300 IN A 192.0.2.51",
                               "alias.imported.test. 3600 IN CNAME www.imported.test.",
                               "mail.imported.test. 3600 IN MX 10 mx.imported.test.",
                               "txt.imported.test. 3600 IN TXT \"hello world\""}) {
    EXPECT_NE(std::find(body.begin(), body.end(), expected), body.end()) << expected << "\n" << r.body;
  }
  EXPECT_EQ(file[file.size() - 3], "imported.test.  IN NS ns1.designate-sim.test.");
  EXPECT_TRUE(file[file.size() - 2].starts_with("imported.test.  IN SOA ns1.designate-sim.test. "
                                                "hostmaster.imported.test. 2024010101 "));
  EXPECT_EQ(file.back(), "");  // trailing blank line

  r = get("/v2/zones/tasks/exports/" + id + "/export", {{"Accept", "application/json"}});
  EXPECT_EQ(r.status, 406u);
  const auto body406 = json(r).as_object();
  EXPECT_EQ(body406.at("code"), 406);
  EXPECT_EQ(body406.at("title"), "Not Acceptable");
  EXPECT_TRUE(body406.at("description").is_null());
}

TEST_F(TasksTest, ExportRoundTripsThroughImport) {
  const std::string zone = createZone("round.test.");
  createA(zone, "www.round.test.", "192.0.2.9");
  const std::string id = str(request("POST", "/v2/zones/" + zone + "/tasks/export"), "id");
  const std::string file = get("/v2/zones/tasks/exports/" + id + "/export").body;
  del("/v2/zones/" + zone);
  advance(5s);
  const std::string task = str(import(file), "id");
  advance(500ms);
  const auto result = json(get("/v2/zones/tasks/imports/" + task));
  EXPECT_EQ(result.at("status"), "COMPLETE") << file << result;
}

TEST_F(TasksTest, ExportErrors) {
  SimResponse r = request("POST", "/v2/zones/e0585f34-393c-4e38-91ac-ac2f20a03267/tasks/export");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "zone_not_found");
  const std::string zone = createZone("exp.test.", "proj-a");
  r = request("POST", "/v2/zones/" + zone + "/tasks/export", "", {{"X-Auth-Project-ID", "proj-b"}});
  EXPECT_EQ(r.status, 404u);
  r = get("/v2/zones/tasks/exports/e0585f34-393c-4e38-91ac-ac2f20a03267");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "zone_export_not_found");
  EXPECT_EQ(errorMessage(r), "Could not find ZoneExport");
  r = get("/v2/zones/tasks/exports/bogus");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_uuid");
}

TEST_F(TasksTest, ExportListAndDelete) {
  const std::string zone = createZone("el.test.");
  const std::string id = str(request("POST", "/v2/zones/" + zone + "/tasks/export"), "id");
  SimResponse r = get("/v2/zones/tasks/exports?status=COMPLETE");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(json(r).at("exports").as_array().size(), 1u);
  EXPECT_EQ(json(r).at("metadata").at("total_count"), 1);
  EXPECT_EQ(del("/v2/zones/tasks/exports/" + id).status, 204u);
  EXPECT_EQ(get("/v2/zones/tasks/exports/" + id).status, 404u);
}

TEST_F(TasksTest, ExportOfATooLargeZoneEndsInError) {
  ASSERT_EQ(patch("/v2/quotas/noauth-project", R"({"api_export_size": 2})").status, 200u);
  const std::string zone = createZone("big.test.");
  createA(zone, "www.big.test.", "192.0.2.1");
  const std::string id = str(request("POST", "/v2/zones/" + zone + "/tasks/export"), "id");
  const auto task = json(get("/v2/zones/tasks/exports/" + id)).as_object();
  EXPECT_EQ(task.at("status"), "ERROR");
  EXPECT_EQ(task.at("message"), "Zone is too large to export");
  EXPECT_TRUE(task.at("location").is_null());
}

TEST(ZoneFileParserTest, ParsesParenthesesRelativeNamesAndTtlUnits) {
  const auto result = parseZoneFile(
      "; leading comment\n"
      "$ORIGIN Example.TEST.\n"
      "$TTL 1h\n"
      "@ 2h IN SOA ns1 admin ( 7 ; serial\n"
      "   1h 10m 1w 5m )\n"
      "sub.zone IN A 192.0.2.1\n"
      "other.example.test. IN AAAA 2001:db8::1\n"
      "$ORIGIN deep.example.test.\n"
      "x IN CNAME y\n");
  ASSERT_TRUE(result.zone) << result.error;
  const ParsedZone& zone = *result.zone;
  EXPECT_EQ(zone.origin, "Example.TEST.");
  EXPECT_EQ(zone.serial, 7);
  EXPECT_EQ(zone.soa_ttl, 7200);
  EXPECT_EQ(zone.soa_rname, "admin.example.test.");
  ASSERT_EQ(zone.records.size(), 3u);
  EXPECT_EQ(zone.records[0].name, "sub.zone.example.test.");
  EXPECT_EQ(zone.records[0].ttl, 3600);
  EXPECT_EQ(zone.records[1].type, "AAAA");
  EXPECT_EQ(zone.records[2].name, "x.deep.example.test.");
  EXPECT_EQ(zone.records[2].data, "y.deep.example.test.");
}

TEST(ZoneFileParserTest, RejectsRecordsOutsideTheZoneAndUnbalancedSyntax) {
  for (const char* text : {"$ORIGIN a.test.\n@ IN SOA ns1 h 1 2 3 4 5\nwww.b.test. IN A 192.0.2.1\n",
                           "$ORIGIN a.test.\n@ IN SOA ns1 h ( 1 2 3 4 5\n",
                           "$ORIGIN a.test.\n@ IN SOA ns1 h 1 2 3 4 5\nx IN TXT \"open\n",
                           "$ORIGIN a.test.\n$INCLUDE other\n", "$ORIGIN a.test.\n@ IN SOA ns1 h 1 2 3 4 5\nx IN FOO 1\n"}) {
    const auto result = parseZoneFile(text);
    EXPECT_FALSE(result.zone) << text;
    EXPECT_EQ(result.error, "Malformed zonefile.") << text;
  }
}

TEST(ZoneFileParserTest, GarbageNeverThrows) {
  sdk::Rng rng(42);
  const std::string alphabet = "$ORIGIN TTL SOA IN A NS ();\"\\\n\t @.abc0123456789*-_\x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string text = round % 2 == 0 ? "$ORIGIN fuzz.test.\n" : "";
    const std::size_t length = rng() % 300;
    for (std::size_t i = 0; i < length; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    EXPECT_NO_THROW({
      const auto result = parseZoneFile(text);
      EXPECT_TRUE(result.zone.has_value() || !result.error.empty());
    });
  }
}

}  // namespace
}  // namespace accurate::designate_sim::testing
