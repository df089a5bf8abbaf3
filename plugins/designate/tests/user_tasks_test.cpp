// The 13 designate tasks against scripted responses: requests, write and status-check samples, the "- async"
// sample (success, ERROR, timeout), pool updates, skips, over quota, import and export, stopping, user classes.
#include "user_tasks.hpp"

#include "designate_fake_context.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;
using test::FakeContext;
using test::headerOf;
using test::on;
using test::onExact;
using test::respond;
using test::runToEnd;
using test::runUntil;

constexpr std::string_view kStatusCheck = "/v2/zones/ID - status check";

Tenant tenant(std::string project, std::string pool) {
  Tenant t;
  t.project_id = std::move(project);
  t.pool = std::move(pool);
  return t;
}

Settings baseSettings() {
  Settings s;
  s.large = {tenant("proj-a", "large")};
  s.small = {tenant("proj-s", "small")};
  s.large_profile.weights = kDefaultLargeWeights;
  s.small_profile.weights = kDefaultSmallWeights;
  s.large_profile.class_weight = 4716;
  s.small_profile.class_weight = 16932;
  s.async_interval = 20ms;
  s.async_timeout = 2000ms;
  return s;
}

/// Replaces spdlog's default logger with one writing to a string for the lifetime of the object.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  /// Lines logged that contain @p needle.
  int linesWith(std::string_view needle) const {
    std::istringstream in(stream_.str());
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

class DesignateUserTest : public ::testing::Test {
 protected:
  DesignateUserTest()
      : state_(std::make_shared<DesignateState>(baseSettings(), "tok1")),
        ctx_(io_),
        user_(state_, ClassKind::kLarge) {}

  TenantPools& pools() { return *state_->pools.large.front(); }
  /// Runs @p task and everything it spawned to the end.
  void run(boost::asio::awaitable<void> task) { runToEnd(io_, std::move(task)); }
  std::string zoneJson(std::string_view id, std::string_view status, std::string_view action) {
    return fmt::format(R"({{"id": "{}", "name": "z.accurate.test.", "status": "{}", "action": "{}"}})", id, status,
                       action);
  }

  std::shared_ptr<DesignateState> state_;
  boost::asio::io_context io_;
  FakeContext ctx_;
  DesignateUser user_;
};

TEST_F(DesignateUserTest, CreateDomainRecordsTheWriteStatusChecksAndAsyncSuccess) {
  ctx_.client.replyTo(onExact("POST", "/v2/zones"), respond(202, zoneJson("zid-1", "PENDING", "CREATE")));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zid-1"), respond(200, zoneJson("zid-1", "PENDING", "CREATE")));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zid-1"), respond(200, zoneJson("zid-1", "ACTIVE", "NONE")));
  run(user_.createDomain(ctx_));

  ASSERT_EQ(ctx_.client.sent.size(), 3u);
  const auto body = boost::json::parse(ctx_.client.sent[0].body).as_object();
  const std::string name(body.at("name").as_string());
  EXPECT_TRUE(name.ends_with(".accurate.test.")) << name;
  EXPECT_EQ(body.at("email").as_string(), "hostmaster@" + name.substr(0, name.size() - 1));
  EXPECT_EQ(body.at("ttl").as_int64(), 7200);
  EXPECT_EQ(headerOf(ctx_.client.sent[0].headers, "X-Auth-Project-ID"), "proj-a");

  const auto& rec = ctx_.recorder;
  ASSERT_EQ(rec.named("POST", "/v2/zones").size(), 1u);
  EXPECT_EQ(rec.named("POST", "/v2/zones")[0].error, "");
  EXPECT_EQ(rec.named("GET", kStatusCheck).size(), 2u);
  const auto async = rec.named("POST", "/v2/zones - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "");
  EXPECT_GE(async[0].response_time_us, 40000u) << "two intervals of 20 ms at least";
  EXPECT_LT(async[0].response_time_us, 2000000u);
  EXPECT_EQ(rec.failures(), 0u);
  EXPECT_TRUE(rec.exceptions.empty());

  sdk::Rng rng(1);
  const auto joined = pools().takeZoneForDelete(rng);
  ASSERT_TRUE(joined) << "an ACTIVE created zone joins the delete pool";
  EXPECT_EQ(joined->id, "zid-1");
  EXPECT_EQ(joined->name, name);
}

TEST_F(DesignateUserTest, ZoneEndingInErrorIsAnAsyncFailureWithTheReason) {
  ctx_.client.replyTo(onExact("POST", "/v2/zones"), respond(202, zoneJson("zid-2", "PENDING", "CREATE")));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zid-2"), respond(200, zoneJson("zid-2", "ERROR", "CREATE")));
  run(user_.createDomain(ctx_));
  const auto async = ctx_.recorder.named("POST", "/v2/zones - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "status ERROR (action CREATE)");
  EXPECT_EQ(pools().sizes().zones_for_delete, 0u);
}

TEST_F(DesignateUserTest, ZoneNeverActiveTimesOut) {
  ctx_.client.replyTo(onExact("POST", "/v2/zones"), respond(202, zoneJson("zid-3", "PENDING", "CREATE")));
  ctx_.client.handle([this](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.method == "GET") return respond(200, zoneJson("zid-3", "PENDING", "CREATE"));
    return std::nullopt;
  });
  auto settings = baseSettings();
  settings.async_timeout = 100ms;
  auto state = std::make_shared<DesignateState>(settings, "tok1");
  DesignateUser user(state, ClassKind::kLarge);
  run(user.createDomain(ctx_));
  const auto async = ctx_.recorder.named("POST", "/v2/zones - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "timed out after 0.1 s waiting for ACTIVE (last seen PENDING/CREATE)");
  EXPECT_GE(ctx_.recorder.named("GET", kStatusCheck).size(), 3u);
}

TEST_F(DesignateUserTest, RemoveDomainTreatsTheFinal404AsSuccess) {
  pools().addZoneForDelete({"zdel", "del.accurate.test."});
  ctx_.client.replyTo(onExact("DELETE", "/v2/zones/zdel"), respond(202, zoneJson("zdel", "PENDING", "DELETE")));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zdel"), respond(200, zoneJson("zdel", "PENDING", "DELETE")));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zdel"),
                      respond(404, R"({"code": 404, "type": "zone_not_found", "message": "Could not find Zone"})"));
  run(user_.removeDomain(ctx_));
  const auto checks = ctx_.recorder.named("GET", kStatusCheck);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[1].error, "") << "the expected 404 is not a failure";
  const auto async = ctx_.recorder.named("DELETE", "/v2/zones/ID - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "");
  EXPECT_EQ(ctx_.recorder.failures(), 0u);
  EXPECT_EQ(pools().sizes().zones_for_delete, 0u);
}

TEST_F(DesignateUserTest, EmptyDeletePoolSkipsWithoutRequestCountsEveryTimeAndLogsOnce) {
  CapturedLog log;
  run(user_.removeDomain(ctx_));
  run(user_.removeDomain(ctx_));
  run(user_.removeRecord(ctx_));
  EXPECT_TRUE(ctx_.client.sent.empty());
  EXPECT_EQ(ctx_.recorder.counter("skipped.remove_domain"), 2u);
  EXPECT_EQ(ctx_.recorder.counter("skipped.remove_record"), 1u);
  EXPECT_TRUE(ctx_.recorder.samples.empty());
  EXPECT_EQ(log.linesWith("remove_domain skipped"), 1);
  EXPECT_EQ(log.linesWith("remove_record skipped"), 1);
  EXPECT_EQ(log.linesWith("proj-a"), 2);
}

TEST_F(DesignateUserTest, OverQuotaIsADistinctFailureAndNothingIsPolled) {
  ctx_.client.replyTo(onExact("POST", "/v2/zones"),
                      respond(413, R"({"code": 413, "type": "over_quota", "message": "Quota exceeded for zones."})"));
  run(user_.createDomain(ctx_));
  const auto write = ctx_.recorder.named("POST", "/v2/zones");
  ASSERT_EQ(write.size(), 1u);
  EXPECT_EQ(write[0].error, "over quota: Quota exceeded for zones.");
  EXPECT_EQ(ctx_.client.sent.size(), 1u);
  EXPECT_EQ(ctx_.background_started, 0u);
  EXPECT_TRUE(ctx_.recorder.named("POST", "/v2/zones - async").empty());
}

TEST_F(DesignateUserTest, ExportPollsToCompleteThenDownloadsAndChecksTheZoneFile) {
  pools().addZoneForGet({"zex", "ex.accurate.test."});
  ctx_.client.replyTo(onExact("POST", "/v2/zones/zex/tasks/export"),
                      respond(202, R"({"id": "e1", "status": "PENDING", "zone_id": "zex"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/tasks/exports/e1"),
                      respond(200, R"({"id": "e1", "status": "COMPLETE", "links": {"export":
                                     "http://dns.example:9001/v2/zones/tasks/exports/e1/export"}})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/tasks/exports/e1/export"),
                      respond(200, "$ORIGIN ex.accurate.test.\n$TTL 3600\n", {{"Content-Type", "text/dns"}}));
  run(user_.exportDomain(ctx_));
  ASSERT_EQ(ctx_.client.sent.size(), 3u);
  EXPECT_EQ(ctx_.client.sent[2].target, "/v2/zones/tasks/exports/e1/export") << "links.export made relative";
  EXPECT_EQ(headerOf(ctx_.client.sent[2].headers, "Accept"), "text/dns");
  EXPECT_EQ(ctx_.recorder.named("GET", "/v2/zones/tasks/exports/ID - status check").size(), 1u);
  const auto async = ctx_.recorder.named("POST", "/v2/zones/ID/tasks/export - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "");
  const auto download = ctx_.recorder.named("GET", "/v2/zones/tasks/exports/ID/export");
  ASSERT_EQ(download.size(), 1u);
  EXPECT_EQ(download[0].error, "");
}

TEST_F(DesignateUserTest, ExportOfAnotherZoneFailsTheDownloadCheck) {
  pools().addZoneForGet({"zex", "ex.accurate.test."});
  ctx_.client.replyTo(onExact("POST", "/v2/zones/zex/tasks/export"), respond(202, R"({"id": "e2"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/tasks/exports/e2"), respond(200, R"({"id": "e2", "status": "COMPLETE"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/tasks/exports/e2/export"), respond(200, "$ORIGIN other.test.\n"));
  run(user_.exportDomain(ctx_));
  const auto download = ctx_.recorder.named("GET", "/v2/zones/tasks/exports/ID/export");
  ASSERT_EQ(download.size(), 1u);
  EXPECT_EQ(download[0].error, "export does not name the zone");
}

TEST_F(DesignateUserTest, ImportPostsAZoneFileAndTheActiveImportedZoneJoinsTheDeletePool) {
  ctx_.client.replyTo(onExact("POST", "/v2/zones/tasks/imports"), respond(202, R"({"id": "i1", "status": "PENDING"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/tasks/imports/i1"),
                      respond(200, R"({"id": "i1", "status": "COMPLETE", "zone_id": "zimp",
                                     "links": {"zone": "http://h/v2/zones/zimp"}})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zimp"), respond(200, zoneJson("zimp", "ACTIVE", "NONE")));
  run(user_.importZone(ctx_));
  ASSERT_EQ(ctx_.client.sent.size(), 3u);
  const sdk::HttpRequest& post = ctx_.client.sent[0];
  EXPECT_EQ(headerOf(post.headers, "Content-Type"), "text/dns");
  EXPECT_TRUE(post.body.starts_with("$ORIGIN ")) << post.body;
  const std::string zone = post.body.substr(8, post.body.find('\n') - 8);
  EXPECT_TRUE(zone.ends_with(".accurate.test.")) << zone;
  const auto async = ctx_.recorder.named("POST", "/v2/zones/tasks/imports - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "");
  EXPECT_EQ(ctx_.recorder.named("GET", "/v2/zones/tasks/imports/ID - status check").size(), 1u);
  EXPECT_EQ(ctx_.recorder.named("GET", kStatusCheck).size(), 1u);
  sdk::Rng rng(1);
  const auto joined = pools().takeZoneForDelete(rng);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->id, "zimp");
  EXPECT_EQ(joined->name, zone);
}

TEST_F(DesignateUserTest, ImportErrorIsAnAsyncFailureWithDesignatesMessage) {
  ctx_.client.replyTo(onExact("POST", "/v2/zones/tasks/imports"), respond(202, R"({"id": "i2", "status": "PENDING"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/tasks/imports/i2"),
                      respond(200, R"({"id": "i2", "status": "ERROR", "message": "Duplicate zone."})"));
  run(user_.importZone(ctx_));
  const auto async = ctx_.recorder.named("POST", "/v2/zones/tasks/imports - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "status ERROR: Duplicate zone.");
  EXPECT_EQ(pools().sizes().zones_for_delete, 0u);
}

TEST_F(DesignateUserTest, CreateRecordAccepts201AndTheActiveRecordsetJoinsTheDeletePool) {
  pools().addZoneForGet({"zr", "rz.accurate.test."});
  ctx_.client.replyTo(onExact("POST", "/v2/zones/zr/recordsets"), respond(201, R"({"id": "rs1", "status": "PENDING"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zr/recordsets/rs1"), respond(200, R"({"id": "rs1", "status": "ACTIVE"})"));
  run(user_.createRecord(ctx_));
  const auto body = boost::json::parse(ctx_.client.sent[0].body).as_object();
  EXPECT_EQ(body.at("type").as_string(), "A");
  EXPECT_EQ(body.at("ttl").as_int64(), 3600);
  EXPECT_TRUE(std::string(body.at("name").as_string()).ends_with(".rz.accurate.test."));
  EXPECT_EQ(body.at("records").as_array().size(), 1u);
  const auto async = ctx_.recorder.named("POST", "/v2/zones/ID/recordsets - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "");
  EXPECT_EQ(ctx_.recorder.named("GET", "/v2/zones/ID/recordsets/ID - status check").size(), 1u);
  sdk::Rng rng(1);
  const auto joined = pools().takeRecordsetForDelete(rng);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->id, "rs1");
  EXPECT_EQ(joined->zone_id, "zr");
  EXPECT_EQ(joined->zone_name, "rz.accurate.test.");
  EXPECT_EQ(joined->name, std::string(body.at("name").as_string()));
}

TEST_F(DesignateUserTest, ModifyTasksSendARandomTtlInTheOriginalRange) {
  pools().addZoneForGet({"zm", "m.accurate.test."});
  pools().addRecordsetForGet({"rsm", "r.m.accurate.test.", "zm", "m.accurate.test."});
  ctx_.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.method == "PATCH" || r.method == "PUT") return respond(202, R"({"id": "x", "status": "PENDING"})");
    return respond(200, R"({"id": "x", "status": "ACTIVE"})");
  });
  for (int i = 0; i < 5; ++i) {
    run(user_.modifyDomain(ctx_));
    run(user_.modifyRecord(ctx_));
  }
  int patches = 0;
  int puts = 0;
  for (const auto& sent : ctx_.client.sent) {
    if (sent.method != "PATCH" && sent.method != "PUT") continue;
    const auto body = boost::json::parse(sent.body).as_object();
    const auto ttl = body.at("ttl").as_int64();
    EXPECT_GE(ttl, 2400);
    EXPECT_LE(ttl, 7200);
    if (sent.method == "PATCH") {
      ++patches;
      EXPECT_EQ(sent.target, "/v2/zones/zm");
      EXPECT_EQ(body.at("email").as_string(), "hostmaster@m.accurate.test");
    } else {
      ++puts;
      EXPECT_EQ(sent.target, "/v2/zones/zm/recordsets/rsm");
      EXPECT_EQ(body.at("records").as_array().size(), 1u);
    }
  }
  EXPECT_EQ(patches, 5);
  EXPECT_EQ(puts, 5);
  EXPECT_EQ(ctx_.recorder.named("PATCH", "/v2/zones/ID - async").size(), 5u);
  EXPECT_EQ(ctx_.recorder.named("PUT", "/v2/zones/ID/recordsets/ID - async").size(), 5u);
  EXPECT_EQ(ctx_.recorder.failures(), 0u);
}

TEST_F(DesignateUserTest, RemoveRecordTakesFromTheDeletePoolAndEndsOn404) {
  pools().addRecordsetForDelete({"rsd", "d.z.accurate.test.", "zz", "z.accurate.test."});
  ctx_.client.replyTo(onExact("DELETE", "/v2/zones/zz/recordsets/rsd"), respond(202, R"({"id": "rsd"})"));
  ctx_.client.replyTo(onExact("GET", "/v2/zones/zz/recordsets/rsd"), respond(404, R"({"code": 404})"));
  run(user_.removeRecord(ctx_));
  const auto async = ctx_.recorder.named("DELETE", "/v2/zones/ID/recordsets/ID - async");
  ASSERT_EQ(async.size(), 1u);
  EXPECT_EQ(async[0].error, "");
  EXPECT_EQ(pools().sizes().recordsets_for_delete, 0u);
}

TEST_F(DesignateUserTest, EveryAcceptedWritePublishesItsDnsChangeWithTheWritesStartTime) {
  pools().addZoneForGet({"zm", "m.accurate.test."});
  pools().addZoneForDelete({"zd", "d.accurate.test."});
  pools().addRecordsetForGet({"rsm", "r.m.accurate.test.", "zm", "m.accurate.test."});
  pools().addRecordsetForDelete({"rsd", "x.m.accurate.test.", "zm", "m.accurate.test."});
  ctx_.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.method == "PATCH") return respond(202, R"({"id": "zm", "status": "PENDING", "serial": 1795599774})");
    if (r.method == "GET" && r.target.find("recordsets/rsd") != std::string::npos) return respond(404, "{}");
    if (r.method == "GET" && r.target == "/v2/zones/zd") return respond(404, "{}");
    if (r.method != "GET") return respond(r.method == "POST" && r.target.ends_with("recordsets") ? 201 : 202,
                                          R"({"id": "new", "status": "PENDING"})");
    return respond(200, R"({"id": "x", "status": "ACTIVE"})");
  });
  const double before = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  run(user_.createDomain(ctx_));
  run(user_.modifyDomain(ctx_));
  run(user_.removeDomain(ctx_));
  run(user_.createRecord(ctx_));
  run(user_.modifyRecord(ctx_));
  run(user_.removeRecord(ctx_));
  const double after = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

  using T = sdk::DnsChange::Type;
  const auto& changes = ctx_.changes;
  ASSERT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes[0].type, T::kZoneCreate);
  EXPECT_EQ(changes[0].name, changes[0].zone);
  EXPECT_TRUE(changes[0].name.ends_with(".accurate.test.")) << changes[0].name;
  EXPECT_EQ(changes[1].type, T::kZoneUpdate);
  EXPECT_EQ(changes[1].name, "m.accurate.test.");
  EXPECT_EQ(changes[1].serial, std::optional<std::uint32_t>(1795599774u)) << "the serial of the PATCH response";
  EXPECT_EQ(changes[2].type, T::kZoneDelete);
  EXPECT_EQ(changes[2].name, "d.accurate.test.");
  EXPECT_EQ(changes[3].type, T::kRecordCreate);
  EXPECT_EQ(changes[3].zone, "m.accurate.test.");
  EXPECT_TRUE(changes[3].name.ends_with(".m.accurate.test.")) << changes[3].name;
  EXPECT_EQ(changes[3].rdatatype, "A");
  EXPECT_EQ(changes[4].type, T::kRecordUpdate);
  EXPECT_EQ(changes[4].name, "r.m.accurate.test.");
  EXPECT_EQ(changes[5].type, T::kRecordDelete);
  // The delete pool holds x.m and the recordset created above: either may be removed.
  EXPECT_TRUE(changes[5].name == "x.m.accurate.test." || changes[5].name == changes[3].name) << changes[5].name;
  EXPECT_EQ(changes[5].rdata, "") << "a recordset delete removes every A record at the name";
  for (const auto& sent : ctx_.client.sent) {
    if (sent.method == "POST" && sent.target.ends_with("/recordsets")) {
      EXPECT_EQ(boost::json::parse(sent.body).at("records").at(0).as_string(), changes[3].rdata);
    }
    if (sent.method == "PUT") {
      EXPECT_EQ(boost::json::parse(sent.body).at("records").at(0).as_string(), changes[4].rdata);
    }
  }
  for (const auto& change : changes) {
    EXPECT_GE(change.start_time, before - 0.01);
    EXPECT_LE(change.start_time, after + 0.01);
  }
}

TEST_F(DesignateUserTest, ARefusedWritePublishesNoChange) {
  pools().addZoneForDelete({"zdel", "del.accurate.test."});
  ctx_.client.replyTo(onExact("DELETE", "/v2/zones/zdel"), respond(503, "unavailable"));
  ctx_.client.replyTo(onExact("POST", "/v2/zones"), respond(400, R"({"code": 400})"));
  run(user_.removeDomain(ctx_));
  run(user_.createDomain(ctx_));
  EXPECT_TRUE(ctx_.changes.empty());
}

TEST_F(DesignateUserTest, FailedDeleteFromAServerFaultPutsTheZoneBack) {
  pools().addZoneForDelete({"zdel", "del.accurate.test."});
  ctx_.client.replyTo(onExact("DELETE", "/v2/zones/zdel"), respond(503, "unavailable"));
  run(user_.removeDomain(ctx_));
  EXPECT_EQ(ctx_.recorder.named("DELETE", "/v2/zones/ID")[0].error, "HTTP 503 (expected 202)");
  EXPECT_EQ(pools().sizes().zones_for_delete, 1u);
  EXPECT_EQ(ctx_.background_started, 0u);
}

TEST_F(DesignateUserTest, ReadsUseTheGetPools) {
  pools().addZoneForGet({"zg", "g.accurate.test."});
  pools().addRecordsetForGet({"rg", "r.g.accurate.test.", "zg", "g.accurate.test."});
  ctx_.client.handle([](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> { return respond(200, "{}"); });
  run(user_.getDomainById(ctx_));
  run(user_.getDomainByName(ctx_));
  run(user_.listDomains(ctx_));
  run(user_.listRecords(ctx_));
  run(user_.getRecord(ctx_));
  ASSERT_EQ(ctx_.client.sent.size(), 5u);
  EXPECT_EQ(ctx_.client.sent[0].target, "/v2/zones/zg");
  EXPECT_EQ(ctx_.client.sent[1].target, "/v2/zones?name=g.accurate.test.");
  EXPECT_EQ(ctx_.client.sent[2].target, "/v2/zones");
  EXPECT_EQ(ctx_.client.sent[3].target, "/v2/zones/zg/recordsets");
  EXPECT_EQ(ctx_.client.sent[4].target, "/v2/zones/zg/recordsets/rg");
  EXPECT_EQ(ctx_.recorder.failures(), 0u);
}

TEST_F(DesignateUserTest, ReadsWithEmptyPoolsAreSkipped) {
  run(user_.getDomainById(ctx_));
  run(user_.getRecord(ctx_));
  run(user_.exportDomain(ctx_));
  EXPECT_TRUE(ctx_.client.sent.empty());
  EXPECT_EQ(ctx_.recorder.counter("skipped.get_domain_by_id"), 1u);
  EXPECT_EQ(ctx_.recorder.counter("skipped.get_record"), 1u);
  EXPECT_EQ(ctx_.recorder.counter("skipped.export_domain"), 1u);
}

TEST_F(DesignateUserTest, PollerEndsQuicklyWithoutAnAsyncSampleWhenTheRunStops) {
  auto settings = baseSettings();
  settings.async_interval = 3000ms;
  settings.async_timeout = 120000ms;
  auto state = std::make_shared<DesignateState>(settings, "tok1");
  DesignateUser user(state, ClassKind::kLarge);
  ctx_.client.replyTo(onExact("POST", "/v2/zones"), respond(202, zoneJson("zs", "PENDING", "CREATE")));
  ctx_.client.handle([this](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> {
    return respond(200, zoneJson("zs", "PENDING", "CREATE"));
  });
  bool task_done = false;
  boost::asio::co_spawn(io_, user.createDomain(ctx_), [&](std::exception_ptr) { task_done = true; });
  ASSERT_TRUE(runUntil(io_, [&] { return task_done && ctx_.backgroundRunning() == 1; }, 2000ms));
  const auto stop_at = std::chrono::steady_clock::now();
  ctx_.stop = true;
  ASSERT_TRUE(runUntil(io_, [&] { return ctx_.backgroundRunning() == 0; }, 2000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, 1000ms);
  EXPECT_TRUE(ctx_.recorder.named("POST", "/v2/zones - async").empty());
  EXPECT_TRUE(ctx_.recorder.exceptions.empty());
}

TEST(DesignateUserClasses, ClassesCarryTheProfileWeightsAndLeaveZeroWeightTasksOut) {
  auto state = std::make_shared<DesignateState>(baseSettings(), "tok1");
  const auto large = makeUserClass(state, ClassKind::kLarge);
  ASSERT_TRUE(large);
  EXPECT_EQ(large->name, "designate.large");
  EXPECT_EQ(large->weight, 4716);
  EXPECT_EQ(large->wait.kind, sdk::WaitTime::Kind::kBetween);
  EXPECT_EQ(large->wait.min, std::chrono::microseconds(100000));
  EXPECT_EQ(large->wait.max, std::chrono::microseconds(1000000));
  std::vector<std::string> names;
  for (const auto& task : large->tasks) names.push_back(task.name);
  EXPECT_EQ(names.size(), 10u) << "export_domain, modify_domain and remove_domain weigh 0 in the large profile";
  EXPECT_EQ(std::count(names.begin(), names.end(), "remove_domain"), 0);
  EXPECT_EQ(large->tasks.front().name, "get_domain_by_id");
  EXPECT_EQ(large->tasks.front().weight, 576);

  const auto small = makeUserClass(state, ClassKind::kSmall);
  ASSERT_TRUE(small);
  EXPECT_EQ(small->tasks.size(), 13u);

  boost::asio::io_context io;
  FakeContext ctx(io);
  const auto tasks = small->make_tasks(ctx);
  ASSERT_NE(dynamic_cast<DesignateUser*>(tasks.get()), nullptr);
  // A task body runs through the TaskSpec: list_domains of the small class's tenant.
  ctx.client.reply(respond(200, "{}"));
  const auto& list = *std::find_if(small->tasks.begin(), small->tasks.end(),
                                   [](const sdk::TaskSpec& t) { return t.name == "list_domains"; });
  runToEnd(io, list.run(*tasks, ctx));
  ASSERT_EQ(ctx.client.sent.size(), 1u);
  EXPECT_EQ(headerOf(ctx.client.sent[0].headers, "X-Auth-Project-ID"), "proj-s");
}

TEST(DesignateUserClasses, ClassWithoutTenantsOrWeightsIsNotRegistered) {
  auto settings = baseSettings();
  settings.small.clear();
  settings.large_profile.weights.fill(0);
  auto state = std::make_shared<DesignateState>(settings, "tok1");
  EXPECT_FALSE(makeUserClass(state, ClassKind::kSmall));
  EXPECT_FALSE(makeUserClass(state, ClassKind::kLarge));
}

}  // namespace
}  // namespace accurate::designate
