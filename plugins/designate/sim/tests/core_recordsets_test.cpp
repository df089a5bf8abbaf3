// Recordsets: lifecycle, status codes 201/202/200, managed records, validation and quotas.
#include "core_test_support.hpp"

namespace accurate::designate_sim::testing {
namespace {

class RecordsetsTest : public SimFixture {
 protected:
  std::string zone_id_ = createZone("alpha.page.test.");
  std::string rsPath(const std::string& id = {}) const {
    return "/v2/zones/" + zone_id_ + "/recordsets" + (id.empty() ? "" : "/" + id);
  }
  boost::json::object zone() { return json(get("/v2/zones/" + zone_id_)).as_object(); }
};

TEST_F(RecordsetsTest, CreateIs202PendingAndTurnsTheZonePendingUpdateWithANewSerial) {
  advance(6s);
  ASSERT_EQ(zone().at("status"), "ACTIVE");
  const SimResponse r = post(rsPath(), R"({"name":"host00.alpha.page.test.","type":"A","ttl":300,
                                          "records":["192.0.2.100"],"description":"rs0"})");
  ASSERT_EQ(r.status, 202u) << r.body;
  const auto rs = json(r).as_object();
  const std::string id(rs.at("id").as_string());
  EXPECT_EQ(header(r, "Location").value_or(""), "http://sim.test:9001" + rsPath(id));
  EXPECT_EQ(rs.at("status"), "PENDING");
  EXPECT_EQ(rs.at("action"), "CREATE");
  EXPECT_EQ(rs.at("version"), 1);
  EXPECT_EQ(rs.at("zone_name"), "alpha.page.test.");
  EXPECT_EQ(text(rs.at("zone_id")), zone_id_);
  EXPECT_EQ(rs.at("project_id"), "noauth-project");
  EXPECT_EQ(rs.at("ttl"), 300);
  EXPECT_EQ(rs.at("records"), (boost::json::array{"192.0.2.100"}));
  EXPECT_EQ(rs.at("description"), "rs0");
  EXPECT_TRUE(rs.at("updated_at").is_null());
  EXPECT_EQ(text(rs.at("links").at("self")), "http://sim.test:9001" + rsPath(id));

  const auto z = zone();
  EXPECT_EQ(z.at("status"), "PENDING");
  EXPECT_EQ(z.at("action"), "UPDATE");
  EXPECT_EQ(z.at("serial"), 1795599773 + 6);
  EXPECT_EQ(z.at("version"), 3);

  advance(5s);
  const auto settled = json(get(rsPath(id))).as_object();
  EXPECT_EQ(settled.at("status"), "ACTIVE");
  EXPECT_EQ(settled.at("action"), "NONE");
  EXPECT_EQ(settled.at("version"), 1);  // not bumped by the ACTIVE flip
  EXPECT_EQ(zone().at("status"), "ACTIVE");
}

TEST_F(RecordsetsTest, CreateWithoutRecordsIs201ActiveAndLeavesTheZoneAlone) {
  advance(6s);
  const SimResponse r = post(rsPath(), R"({"name":"empty.alpha.page.test.","type":"A"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(str(r, "status"), "ACTIVE");
  EXPECT_EQ(str(r, "action"), "NONE");
  EXPECT_TRUE(json(r).at("ttl").is_null());
  EXPECT_EQ(zone().at("status"), "ACTIVE");
}

TEST_F(RecordsetsTest, PutIs202PendingUpdateOr200WhenRecordsBecomeEmpty) {
  const std::string id = createA(zone_id_, "www.alpha.page.test.", "192.0.2.1");
  advance(6s);
  SimResponse r = put(rsPath(id), R"({"description": "only the description"})");
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(str(r, "status"), "PENDING");
  EXPECT_EQ(str(r, "action"), "UPDATE");
  EXPECT_EQ(json(r).at("version"), 2);
  EXPECT_EQ(str(r, "updated_at"), "2026-11-25T09:42:59.000000");
  r = put(rsPath(id), R"({"records": ["192.0.2.7", "192.0.2.8"], "ttl": 600})");
  EXPECT_EQ(r.status, 202u);
  EXPECT_EQ(json(r).at("records").as_array().size(), 2u);
  EXPECT_EQ(json(r).at("version"), 3);
  r = put(rsPath(id), R"({"records": []})");
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(str(r, "status"), "ACTIVE");
  EXPECT_EQ(str(r, "action"), "NONE");
}

TEST_F(RecordsetsTest, PatchIs405) {
  const std::string id = createA(zone_id_, "p.alpha.page.test.", "192.0.2.1");
  const SimResponse r = patch(rsPath(id), R"({"ttl": 5})");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(errorType(r), "method_not_allowed");
}

TEST_F(RecordsetsTest, DeleteIs202PendingDeleteAndTheRecordsetIsGoneAtOnce) {
  const std::string id = createA(zone_id_, "gone.alpha.page.test.", "192.0.2.1");
  advance(6s);
  const std::int64_t serial = zone().at("serial").as_int64();
  SimResponse r = del(rsPath(id));
  ASSERT_EQ(r.status, 202u);
  EXPECT_EQ(str(r, "status"), "PENDING");
  EXPECT_EQ(str(r, "action"), "DELETE");
  EXPECT_EQ(json(r).at("version"), 2);
  r = get(rsPath(id));
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "recordset_not_found");
  EXPECT_EQ(errorMessage(r), "Could not find RecordSet");
  const auto z = zone();
  EXPECT_EQ(z.at("status"), "PENDING");
  EXPECT_EQ(z.at("action"), "UPDATE");
  EXPECT_GT(z.at("serial").as_int64(), serial);
}

TEST_F(RecordsetsTest, SoaAndNsAreCreatedListedAndManaged) {
  const auto list = json(get(rsPath())).as_object();
  const auto& items = list.at("recordsets").as_array();
  ASSERT_EQ(items.size(), 2u);
  std::string soa_id;
  std::string ns_id;
  for (const auto& item : items) {
    EXPECT_TRUE(item.at("ttl").is_null());
    if (item.at("type") == "SOA") {
      soa_id = text(item.at("id"));
      const std::string soa = text(item.at("records").at(0));
      EXPECT_TRUE(soa.starts_with("ns1.designate-sim.test. admin.alpha.page.test. 1795599773 35")) << soa;
      EXPECT_TRUE(soa.ends_with(" 600 86400 3600")) << soa;
    } else {
      ns_id = text(item.at("id"));
      EXPECT_EQ(item.at("records"), (boost::json::array{"ns1.designate-sim.test."}));
    }
  }
  SimResponse r = put(rsPath(soa_id), R"({"records": ["x"]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Managed records may not be updated");
  r = del(rsPath(soa_id));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Deleting a SOA recordset is not allowed");
  r = del(rsPath(ns_id));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Managed records may not be deleted");
  r = post(rsPath(), R"({"name":"alpha.page.test.","type":"SOA","records":[]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Creating a SOA recordset is not allowed");
}

TEST_F(RecordsetsTest, SoaRecordFollowsTheSerial) {
  createA(zone_id_, "s.alpha.page.test.", "192.0.2.1");
  const std::int64_t serial = zone().at("serial").as_int64();
  const auto list = json(get(rsPath() + "?type=SOA")).as_object();
  const std::string soa(list.at("recordsets").at(0).at("records").at(0).as_string());
  EXPECT_NE(soa.find(" " + std::to_string(serial) + " "), std::string::npos) << soa;
}

TEST_F(RecordsetsTest, NameMustBeAbsoluteAndInsideTheZone) {
  SimResponse r = post(rsPath(), R"({"name":"rel","type":"A","records":["192.0.2.1"]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_object");
  EXPECT_EQ(errorMessage(r),
            "Provided object is not valid. Got a ValueError error with message Host name rel does not end with a dot");
  r = post(rsPath(), R"({"name":"www.other.test.","type":"A","records":["192.0.2.1"]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_recordset_location");
  EXPECT_EQ(errorMessage(r), "RecordSet is not contained within it's parent zone");
}

TEST_F(RecordsetsTest, DuplicateNameAndTypeIs409) {
  createA(zone_id_, "dup.alpha.page.test.", "192.0.2.1");
  const SimResponse r = post(rsPath(), R"({"name":"DUP.alpha.page.test.","type":"A","records":["192.0.2.2"]})");
  EXPECT_EQ(r.status, 409u);
  EXPECT_EQ(errorType(r), "duplicate_recordset");
  EXPECT_EQ(errorMessage(r), "Duplicate RecordSet");
}

TEST_F(RecordsetsTest, InvalidARecordGivesFormatErrorShape) {
  const SimResponse r = post(rsPath(), R"({"name":"bad.alpha.page.test.","type":"A","records":["999.0.2.1"]})");
  ASSERT_EQ(r.status, 400u);
  const auto body = json(r).as_object();
  EXPECT_EQ(body.at("type"), "invalid_object");
  const auto& error = body.at("errors").at("errors").at(0).as_object();
  EXPECT_EQ(error.at("path"), (boost::json::array{"records", 0}));
  EXPECT_EQ(error.at("message"), "'999.0.2.1' is not a 'A' Record");
  EXPECT_EQ(error.at("validator"), "format");
  EXPECT_EQ(error.at("validator_value"), (boost::json::array{"A"}));
}

TEST_F(RecordsetsTest, UnknownTypeAndUnquotedTxtAreRejected) {
  SimResponse r = post(rsPath(), R"({"name":"t.alpha.page.test.","type":"BOGUS","records":["x"]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json(r).at("errors").at("errors").at(0).at("message"), "'BOGUS' is not a valid record type");
  r = post(rsPath(), R"({"name":"t.alpha.page.test.","type":"TXT","records":["hello world"]})");
  EXPECT_EQ(r.status, 400u);
  r = post(rsPath(), R"({"name":"t.alpha.page.test.","type":"TXT","records":["\"hello world\""]})");
  EXPECT_EQ(r.status, 202u) << r.body;
}

TEST_F(RecordsetsTest, TooManyRecordsIs413) {
  std::string records;
  for (int i = 0; i < 21; ++i) records += (i ? ",\"192.0.2." : "\"192.0.2.") + std::to_string(i + 1) + "\"";
  const SimResponse r = post(rsPath(), R"({"name":"many.alpha.page.test.","type":"A","records":[)" + records + "]}");
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(errorType(r), "over_quota");
  EXPECT_EQ(errorMessage(r), "Quota exceeded for recordset_records.");
}

TEST_F(RecordsetsTest, ZoneRecordsetsQuotaCountsManagedRecordsets) {
  ASSERT_EQ(patch("/v2/quotas/noauth-project", R"({"zone_recordsets": 3})").status, 200u);
  createA(zone_id_, "one.alpha.page.test.", "192.0.2.1");
  const SimResponse r = post(rsPath(), R"({"name":"two.alpha.page.test.","type":"A","records":["192.0.2.2"]})");
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(errorMessage(r), "Quota exceeded for zone_recordsets.");
}

TEST_F(RecordsetsTest, ZoneRecordsQuotaExcludesManagedRecords) {
  ASSERT_EQ(patch("/v2/quotas/noauth-project", R"({"zone_records": 2})").status, 200u);
  EXPECT_EQ(post(rsPath(), R"({"name":"a.alpha.page.test.","type":"A","records":["192.0.2.1","192.0.2.2"]})").status,
            202u);
  const SimResponse r = post(rsPath(), R"({"name":"b.alpha.page.test.","type":"A","records":["192.0.2.3"]})");
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(errorMessage(r), "Quota exceeded for zone_records.");
}

TEST_F(RecordsetsTest, CnameRules) {
  createA(zone_id_, "host.alpha.page.test.", "192.0.2.1");
  SimResponse r = post(rsPath(), R"({"name":"host.alpha.page.test.","type":"CNAME","records":["x.alpha.page.test."]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "CNAME recordsets may not share a name with any other records");
  r = post(rsPath(), R"({"name":"alpha.page.test.","type":"CNAME","records":["x.alpha.page.test."]})");
  EXPECT_EQ(errorMessage(r), "CNAME recordsets may not be created at the zone apex");
  r = post(rsPath(), R"({"name":"c.alpha.page.test.","type":"CNAME","records":["x.alpha.page.test."]})");
  EXPECT_EQ(r.status, 202u);
  r = post(rsPath(), R"({"name":"c.alpha.page.test.","type":"A","records":["192.0.2.9"]})");
  EXPECT_EQ(errorType(r), "invalid_recordset_location");
}

TEST_F(RecordsetsTest, PutRejectsNameAndTypeKeys) {
  const std::string id = createA(zone_id_, "k.alpha.page.test.", "192.0.2.1");
  const SimResponse r = put(rsPath(id), R"({"name": "other.alpha.page.test."})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Provided object does not match schema. Keys ['name'] are not valid for recordset");
}

TEST_F(RecordsetsTest, LookupsAcrossZonesAndProjects) {
  const std::string id = createA(zone_id_, "x.alpha.page.test.", "192.0.2.1");
  const std::string other_zone = createZone("beta.page.test.");
  SimResponse r = get("/v2/zones/" + other_zone + "/recordsets/" + id);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "recordset_not_found");
  r = get(rsPath(id), {{"X-Auth-Project-ID", "someone-else"}});
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(errorType(r), "zone_not_found");
  r = get(rsPath("nope"));
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "Invalid UUID recordset_id: nope");
  r = get("/v2/recordsets/" + id);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(str(r, "name"), "x.alpha.page.test.");
}

TEST_F(RecordsetsTest, RecordsetInChildZoneBelongsThere) {
  createZone("child.alpha.page.test.");
  const SimResponse r = post(rsPath(), R"({"name":"www.child.alpha.page.test.","type":"A","records":["192.0.2.1"]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorMessage(r), "RecordSet belongs in a child zone: child.alpha.page.test.");
}

}  // namespace
}  // namespace accurate::designate_sim::testing
