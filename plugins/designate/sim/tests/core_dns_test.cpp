// The DNS view: visibility after propagation, answers, NXDOMAIN/no data, deletes, pruning.
#include "core/dns_view.hpp"
#include "core_test_support.hpp"

namespace accurate::designate_sim::testing {
namespace {

constexpr std::uint16_t kA = 1;
constexpr std::uint16_t kNs = 2;
constexpr std::uint16_t kSoa = 6;
constexpr std::uint16_t kAaaa = 28;
constexpr std::uint16_t kAny = 255;

class DnsTest : public SimFixture {
 protected:
  DnsAnswer lookup(const std::string& name, std::uint16_t type) { return sim_->lookup(name, type, now_); }
  static std::vector<std::string> data(const std::vector<DnsRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.data);
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(DnsTest, NewZoneIsVisibleAfterThePropagationDelay) {
  createZone("dns.test.", "noauth-project", 7200);
  advance(299ms);
  DnsAnswer a = lookup("dns.test.", kSoa);
  EXPECT_EQ(a.rcode, DnsAnswer::Rcode::kRefused);
  EXPECT_FALSE(a.authoritative);
  advance(1ms);
  a = lookup("DNS.test", kSoa);  // any case, relative
  EXPECT_EQ(a.rcode, DnsAnswer::Rcode::kNoError);
  EXPECT_TRUE(a.authoritative);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].name, "dns.test.");
  EXPECT_EQ(a.answers[0].type, kSoa);
  EXPECT_EQ(a.answers[0].ttl, 7200u);
  EXPECT_TRUE(a.answers[0].data.starts_with("ns1.designate-sim.test. admin.dns.test. 1795599773 "))
      << a.answers[0].data;
  a = lookup("dns.test.", kNs);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].data, "ns1.designate-sim.test.");
}

TEST_F(DnsTest, RecordsAppearAndChangeOnlyAfterPropagation) {
  const std::string zone = createZone("rec.test.");
  const std::string id = createA(zone, "www.rec.test.", "192.0.2.1");
  advance(300ms);
  DnsAnswer a = lookup("www.rec.test.", kA);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].data, "192.0.2.1");
  EXPECT_EQ(a.answers[0].ttl, 3600u);  // recordset TTL null → zone TTL
  const std::int64_t serial = json(get("/v2/zones/" + zone)).at("serial").as_int64();
  advance(1s);
  ASSERT_EQ(put("/v2/zones/" + zone + "/recordsets/" + id, R"({"records": ["192.0.2.2", "192.0.2.3"], "ttl": 60})")
                .status,
            202u);
  advance(299ms);
  EXPECT_EQ(data(lookup("www.rec.test.", kA).answers), (std::vector<std::string>{"192.0.2.1"}));
  advance(1ms);
  a = lookup("www.rec.test.", kA);
  EXPECT_EQ(data(a.answers), (std::vector<std::string>{"192.0.2.2", "192.0.2.3"}));
  EXPECT_EQ(a.answers[0].ttl, 60u);
  const DnsAnswer soa = lookup("rec.test.", kSoa);
  EXPECT_NE(soa.answers.at(0).data.find(" " + std::to_string(serial + 1) + " "), std::string::npos)
      << soa.answers[0].data;
}

TEST_F(DnsTest, NxDomainAndNoDataCarryTheSoa) {
  const std::string zone = createZone("neg.test.");
  createA(zone, "www.deep.neg.test.", "192.0.2.1");
  advance(1s);
  DnsAnswer a = lookup("missing.neg.test.", kA);
  EXPECT_EQ(a.rcode, DnsAnswer::Rcode::kNxDomain);
  EXPECT_TRUE(a.authoritative);
  EXPECT_TRUE(a.answers.empty());
  ASSERT_EQ(a.authority.size(), 1u);
  EXPECT_EQ(a.authority[0].type, kSoa);
  a = lookup("www.deep.neg.test.", kAaaa);
  EXPECT_EQ(a.rcode, DnsAnswer::Rcode::kNoError);
  EXPECT_TRUE(a.answers.empty());
  EXPECT_EQ(a.authority.size(), 1u);
  a = lookup("deep.neg.test.", kA);  // empty non-terminal
  EXPECT_EQ(a.rcode, DnsAnswer::Rcode::kNoError);
  EXPECT_TRUE(a.answers.empty());
  a = lookup("www.other.test.", kA);
  EXPECT_EQ(a.rcode, DnsAnswer::Rcode::kRefused);
  a = lookup("neg.test.", kAny);
  EXPECT_EQ(a.answers.size(), 2u);  // SOA + NS
}

TEST_F(DnsTest, DeletedRecordsetBecomesNxDomainAfterPropagation) {
  const std::string zone = createZone("rm.test.");
  const std::string id = createA(zone, "www.rm.test.", "192.0.2.1");
  advance(1s);
  ASSERT_EQ(del("/v2/zones/" + zone + "/recordsets/" + id).status, 202u);
  advance(299ms);
  EXPECT_EQ(lookup("www.rm.test.", kA).answers.size(), 1u);
  advance(1ms);
  EXPECT_EQ(lookup("www.rm.test.", kA).rcode, DnsAnswer::Rcode::kNxDomain);
}

TEST_F(DnsTest, DeletedZoneIsRefusedAfterPropagationEvenBeforeThePurge) {
  const std::string zone = createZone("bye.test.");
  advance(1s);
  ASSERT_EQ(del("/v2/zones/" + zone).status, 202u);
  advance(299ms);
  EXPECT_EQ(lookup("bye.test.", kSoa).rcode, DnsAnswer::Rcode::kNoError);
  advance(1ms);
  EXPECT_EQ(lookup("bye.test.", kSoa).rcode, DnsAnswer::Rcode::kRefused);
  EXPECT_EQ(get("/v2/zones/" + zone).status, 200u);  // the API still shows PENDING/DELETE
}

TEST_F(DnsTest, ZoneErrorsAreNeverServed) {
  SimOptions options = fixedOptions();
  options.zone_error_rate = 1.0;
  reset(options);
  createZone("err.test.");
  advance(10s);
  EXPECT_EQ(lookup("err.test.", kSoa).rcode, DnsAnswer::Rcode::kRefused);
}

TEST_F(DnsTest, ChildZoneAnswersForItsNames) {
  const std::string parent = createZone("parent.test.");
  const std::string child = createZone("child.parent.test.");
  createA(child, "www.child.parent.test.", "192.0.2.8");
  advance(1s);
  const DnsAnswer a = lookup("www.child.parent.test.", kA);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].data, "192.0.2.8");
  EXPECT_EQ(lookup("child.parent.test.", kSoa).answers.at(0).name, "child.parent.test.");
  (void)parent;
}

TEST_F(DnsTest, WildcardAndCnameAnswers) {
  const std::string zone = createZone("wild.test.");
  ASSERT_EQ(post("/v2/zones/" + zone + "/recordsets", R"({"name":"*.wild.test.","type":"A","records":["192.0.2.5"]})")
                .status,
            202u);
  ASSERT_EQ(post("/v2/zones/" + zone + "/recordsets",
                 R"({"name":"alias.wild.test.","type":"CNAME","records":["target.example."]})")
                .status,
            202u);
  advance(1s);
  DnsAnswer a = lookup("anything.wild.test.", kA);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].name, "anything.wild.test.");
  a = lookup("alias.wild.test.", kA);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].type, 5);
}

TEST_F(DnsTest, ImportedZoneIsServedAfterImportAndPropagation) {
  request("POST", "/v2/zones/tasks/imports",
          "$ORIGIN imp.test.\n@ 600 IN SOA ns1 host 2024010101 1 2 3 4\nwww IN A 192.0.2.44\n",
          {{"Content-Type", "text/dns"}});
  advance(799ms);
  EXPECT_EQ(lookup("www.imp.test.", kA).rcode, DnsAnswer::Rcode::kRefused);
  advance(1ms);
  const DnsAnswer a = lookup("www.imp.test.", kA);
  ASSERT_EQ(a.answers.size(), 1u);
  EXPECT_EQ(a.answers[0].data, "192.0.2.44");
  EXPECT_NE(lookup("imp.test.", kSoa).answers.at(0).data.find(" 2024010101 "), std::string::npos);
}

TEST(DnsViewTest, PruningKeepsOnlyTheNewestVisibleVersion) {
  DnsView view;
  const TimePoint t0(std::chrono::seconds(1000));
  for (int i = 0; i < 100; ++i) {
    auto content = std::make_shared<DnsZoneContent>();
    content->apex = "p.test.";
    content->soa = DnsRecord{"p.test.", kSoa, 60, "ns. r. " + std::to_string(i) + " 1 2 3 4"};
    content->records.push_back(content->soa);
    view.publish("p.test.", content, t0 + std::chrono::milliseconds(10 * i));
  }
  EXPECT_EQ(view.versionCount(), 100u);
  view.prune(t0 + std::chrono::milliseconds(495));
  EXPECT_EQ(view.versionCount(), 51u);  // version 49 (visible) and the 50 not yet visible
  const DnsAnswer a = view.lookup("p.test.", kSoa, t0 + std::chrono::milliseconds(495));
  EXPECT_EQ(a.answers.at(0).data, "ns. r. 49 1 2 3 4");
  view.prune(t0 + std::chrono::seconds(10));
  EXPECT_EQ(view.versionCount(), 1u);
  view.publish("p.test.", nullptr, t0 + std::chrono::seconds(11));
  view.prune(t0 + std::chrono::seconds(11));
  EXPECT_EQ(view.versionCount(), 0u);
  EXPECT_EQ(view.lookup("p.test.", kSoa, t0 + std::chrono::seconds(11)).rcode, DnsAnswer::Rcode::kRefused);
}

TEST_F(DnsTest, ManyChangesKeepTheViewBounded) {
  const std::string zone = createZone("busy.test.");
  const std::string id = createA(zone, "www.busy.test.", "192.0.2.1");
  for (int i = 0; i < 500; ++i) {
    advance(100ms);
    put("/v2/zones/" + zone + "/recordsets/" + id, R"({"records": ["192.0.2.)" + std::to_string(i % 250 + 1) + "\"]}");
  }
  advance(1s);
  const DnsAnswer a = lookup("www.busy.test.", kA);
  EXPECT_EQ(data(a.answers), (std::vector<std::string>{"192.0.2." + std::to_string(499 % 250 + 1)}));
}

}  // namespace
}  // namespace accurate::designate_sim::testing
