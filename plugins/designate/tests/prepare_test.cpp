// `designate prepare` against a small stateful fake Designate: creates what is missing, waits for ACTIVE, raises
// quotas, is idempotent, reports failures; plus argument parsing and the prepared names.
#include "prepare.hpp"

#include "designate_fake_context.hpp"
#include "requests.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;
using test::FakeContext;
using test::headerOf;
using test::pathOf;
using test::respond;
using test::runToEnd;

/// A minimal stateful Designate (noauth): zones per project with A recordsets, paginated lists, quotas. A new zone
/// is PENDING until it has been listed once. Zones beyond `zone_quota` get a 413 over_quota.
class FakeDesignate {
 public:
  struct Zone {
    std::string id;                                  ///< id
    std::string name;                                ///< name
    std::string status = "PENDING";                  ///< PENDING until listed once
    std::vector<std::pair<std::string, std::string>> recordsets;  ///< (id, name) of A recordsets
  };

  std::optional<sdk::HttpResponse> operator()(const sdk::HttpRequest& r) {
    const std::string path = pathOf(r.target);
    const std::string project = headerOf(r.headers, "X-Auth-Project-ID").value_or("noauth-project");
    auto& zones = projects[project];
    if (r.method == "PATCH" && path.starts_with("/v2/quotas/")) {
      quota_patches.push_back(path.substr(11) + " " + r.body);
      const auto body = boost::json::parse(r.body).as_object();
      if (const auto* z = body.if_contains("zones")) zone_quota = static_cast<std::size_t>(z->as_int64());
      return respond(200, R"({"zones": 1000})");
    }
    if (r.method == "GET" && path.starts_with("/v2/zones?")) {
      boost::json::array items;
      std::vector<Zone*> sorted;
      for (auto& [id, zone] : zones) sorted.push_back(&zone);
      for (Zone* zone : sorted) {
        items.push_back({{"id", zone->id}, {"name", zone->name}, {"status", zone->status}});
        zone->status = "ACTIVE";  // seen once: ACTIVE from the next listing on
      }
      return page(path, "zones", items);
    }
    if (r.method == "POST" && path == "/v2/zones") {
      ++zone_posts;
      const auto body = boost::json::parse(r.body).as_object();
      const std::string name(body.at("name").as_string());
      for (const auto& [id, zone] : zones) {
        if (zone.name == name) return respond(409, R"({"code": 409, "type": "duplicate_zone", "message": "Duplicate Zone"})");
      }
      if (zones.size() >= zone_quota) {
        return respond(413, R"({"code": 413, "type": "over_quota", "message": "Quota exceeded for zones."})");
      }
      const std::string id = fmt::format("{}-{:04}", project, next_id++);
      zones[id] = Zone{id, name, "PENDING", {}};
      return respond(202, fmt::format(R"({{"id": "{}", "name": "{}", "status": "PENDING"}})", id, name));
    }
    if (path.starts_with("/v2/zones/") && path.find("/recordsets") != std::string::npos) {
      const std::string zone_id = path.substr(10, path.find('/', 10) - 10);
      const auto found = zones.find(zone_id);
      if (found == zones.end()) return respond(404, R"({"code": 404, "type": "zone_not_found"})");
      Zone& zone = found->second;
      if (r.method == "GET") {
        boost::json::array items;
        items.push_back({{"id", zone_id + "-soa"}, {"name", zone.name}, {"type", "SOA"}, {"status", "ACTIVE"}});
        for (const auto& [id, name] : zone.recordsets) {
          items.push_back({{"id", id}, {"name", name}, {"type", "A"}, {"status", "ACTIVE"}});
        }
        return page(path, "recordsets", items);
      }
      if (r.method == "POST") {
        ++recordset_posts;
        const auto body = boost::json::parse(r.body).as_object();
        const std::string name(body.at("name").as_string());
        for (const auto& rs : zone.recordsets) {
          if (rs.second == name) return respond(409, R"({"code": 409, "type": "duplicate_recordset"})");
        }
        const std::string id = fmt::format("{}-rs{:04}", zone_id, next_id++);
        zone.recordsets.emplace_back(id, name);
        zone.status = "PENDING";  // like Designate: PENDING/UPDATE until the new records are ACTIVE
        return respond(202, fmt::format(R"({{"id": "{}", "status": "PENDING"}})", id));
      }
    }
    return std::nullopt;
  }

  std::map<std::string, std::map<std::string, Zone>> projects;  ///< project → zone id → zone
  std::vector<std::string> quota_patches;                       ///< "<project> <body>" per PATCH
  std::size_t zone_quota = 1000;                                ///< zones per project
  int zone_posts = 0;                                           ///< POST /v2/zones seen
  int recordset_posts = 0;                                      ///< recordset POSTs seen

 private:
  /// A page of @p items honouring limit and marker, with links.next when more follow.
  static sdk::HttpResponse page(std::string_view target, std::string_view key, const boost::json::array& items) {
    std::size_t limit = 20;
    std::string marker;
    if (const auto q = target.find("limit="); q != std::string_view::npos) limit = std::stoul(std::string(target.substr(q + 6)));
    if (const auto m = target.find("marker="); m != std::string_view::npos) {
      marker = std::string(target.substr(m + 7, target.find('&', m) - m - 7));
    }
    std::size_t start = 0;
    if (!marker.empty()) {
      while (start < items.size() && items[start].as_object().at("id").as_string() != marker) ++start;
      ++start;
    }
    boost::json::array out;
    for (std::size_t i = start; i < items.size() && out.size() < limit; ++i) out.push_back(items[i]);
    boost::json::object links;
    if (start + out.size() < items.size()) {
      const std::string base(target.substr(0, target.find('?')));
      links["next"] = fmt::format("http://h{}?limit={}&marker={}", base, limit,
                                  std::string(out.back().as_object().at("id").as_string()));
    }
    return respond(200, boost::json::serialize(boost::json::object{{std::string(key), out}, {"links", links}}));
  }

  int next_id = 0;
};

Settings prepareSettings() {
  Settings s;
  Tenant a;
  a.project_id = "Proj_A";
  a.pool = "large";
  Tenant b;
  b.project_id = "proj-b";
  b.pool = "small";
  s.large = {a};
  s.small = {b};
  s.prepare.zones = 3;
  s.prepare.recordsets = 2;
  s.prepare.parallel = 2;
  s.gather.page_size = 2;
  s.async_interval = 10ms;
  s.async_timeout = 2000ms;
  return s;
}

TEST(DesignatePrepare, CreatesWhatIsMissingAndASecondRunCreatesNothing) {
  const Settings settings = prepareSettings();
  FakeDesignate fake;
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(std::ref(fake));

  std::ostringstream first_out;
  const PrepareTotals first = runToEnd(io, runPrepare(ctx, settings, first_out));
  EXPECT_EQ(first.failures, 0u) << first_out.str();
  EXPECT_EQ(first.zones_wanted, 6u);
  EXPECT_EQ(first.zones_created, 6u);
  EXPECT_EQ(first.recordsets_wanted, 12u);
  EXPECT_EQ(first.recordsets_created, 12u);
  EXPECT_EQ(fake.projects["Proj_A"].size(), 3u);
  std::vector<std::string> names;
  for (const auto& [id, zone] : fake.projects["Proj_A"]) names.push_back(zone.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"prep1.proj-a.accurate.test.", "prep2.proj-a.accurate.test.",
                                             "prep3.proj-a.accurate.test."}));
  const auto& one = fake.projects["Proj_A"].begin()->second;
  ASSERT_EQ(one.recordsets.size(), 2u);
  EXPECT_EQ(one.recordsets[0].second.substr(0, 3), "r1.");
  EXPECT_NE(first_out.str().find("prepare: Proj_A: zones 3/3, recordsets 6/6"), std::string::npos) << first_out.str();
  EXPECT_NE(first_out.str().find("prepare: done: zones 6/6 (6 created), recordsets 12/12 (12 created), 0 failures"),
            std::string::npos)
      << first_out.str();
  EXPECT_TRUE(ctx.client.unmatched.empty());
  for (const auto& [project, zones] : fake.projects) {
    for (const auto& [id, zone] : zones) EXPECT_EQ(zone.status, "ACTIVE") << "prepare waits until the zones settle";
  }

  const int zone_posts = fake.zone_posts;
  const int recordset_posts = fake.recordset_posts;
  std::ostringstream second_out;
  const PrepareTotals second = runToEnd(io, runPrepare(ctx, settings, second_out));
  EXPECT_EQ(second.failures, 0u) << second_out.str();
  EXPECT_EQ(second.zones_found, 6u);
  EXPECT_EQ(second.zones_created, 0u);
  EXPECT_EQ(second.recordsets_found, 12u);
  EXPECT_EQ(second.recordsets_created, 0u);
  EXPECT_EQ(fake.zone_posts, zone_posts) << "idempotent: nothing is created again";
  EXPECT_EQ(fake.recordset_posts, recordset_posts);
  EXPECT_NE(second_out.str().find("(0 created), recordsets 12/12 (0 created)"), std::string::npos) << second_out.str();
}

TEST(DesignatePrepare, CompletesAPartialPreparation) {
  Settings settings = prepareSettings();
  settings.small.clear();
  FakeDesignate fake;
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(std::ref(fake));
  settings.prepare.zones = 1;
  settings.prepare.recordsets = 1;
  std::ostringstream out;
  (void)runToEnd(io, runPrepare(ctx, settings, out));
  settings.prepare.zones = 2;
  settings.prepare.recordsets = 3;
  const PrepareTotals totals = runToEnd(io, runPrepare(ctx, settings, out));
  EXPECT_EQ(totals.zones_found, 1u);
  EXPECT_EQ(totals.zones_created, 1u);
  EXPECT_EQ(totals.recordsets_found, 1u);
  EXPECT_EQ(totals.recordsets_created, 5u);
  EXPECT_EQ(totals.failures, 0u) << out.str();
}

TEST(DesignatePrepare, RaisesQuotasFirstAndReportsOverQuotaFailures) {
  Settings settings = prepareSettings();
  settings.small.clear();
  settings.prepare.recordsets = 0;
  FakeDesignate fake;
  fake.zone_quota = 1;
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(std::ref(fake));
  std::ostringstream out;
  const PrepareTotals without = runToEnd(io, runPrepare(ctx, settings, out));
  EXPECT_EQ(without.zones_created, 1u);
  EXPECT_EQ(without.failures, 2u);
  EXPECT_NE(out.str().find("prepare: Proj_A: error: cannot create zone prep"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("over quota: Quota exceeded for zones."), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("prepare: FAILED:"), std::string::npos) << out.str();

  ASSERT_TRUE(applyPrepareArgs(settings.prepare, {"--quota-zones", "50"}));
  const PrepareTotals with = runToEnd(io, runPrepare(ctx, settings, out));
  EXPECT_EQ(fake.quota_patches, (std::vector<std::string>{R"(Proj_A {"zones":50})"}));
  EXPECT_EQ(with.failures, 0u) << out.str();
  EXPECT_EQ(with.zones_created, 2u);
}

TEST(DesignatePrepare, NoWaitSkipsTheActiveWait) {
  Settings settings = prepareSettings();
  settings.small.clear();
  settings.prepare.zones = 1;
  settings.prepare.recordsets = 1;
  ASSERT_TRUE(applyPrepareArgs(settings.prepare, {"--no-wait"}));
  FakeDesignate fake;
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(std::ref(fake));
  std::ostringstream out;
  const PrepareTotals totals = runToEnd(io, runPrepare(ctx, settings, out));
  EXPECT_EQ(totals.failures, 0u) << out.str();
  EXPECT_EQ(totals.recordsets_created, 1u);
  EXPECT_TRUE(ctx.sleeps.empty()) << "no polling";
}

TEST(DesignatePrepare, ZonesThatNeverBecomeActiveFailAfterTheTimeout) {
  Settings settings = prepareSettings();
  settings.small.clear();
  settings.prepare.zones = 1;
  settings.async_timeout = 60ms;
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.method == "POST") return respond(202, R"({"id": "z1", "status": "PENDING"})");
    if (r.target.find("marker") != std::string::npos) return respond(200, R"({"zones": []})");
    return respond(200, R"({"zones": [{"id": "z1", "name": "prep1.proj-a.accurate.test.", "status": "PENDING"}]})");
  });
  std::ostringstream out;
  const PrepareTotals totals = runToEnd(io, runPrepare(ctx, settings, out));
  EXPECT_EQ(totals.failures, 1u);
  EXPECT_NE(out.str().find("zone prep1.proj-a.accurate.test. is not ACTIVE after 60ms (status PENDING)"),
            std::string::npos)
      << out.str();
  EXPECT_EQ(totals.recordsets_created, 0u);
}

TEST(DesignatePrepare, ArgumentsOverrideTheSettings) {
  PrepareSettings prep;
  ASSERT_TRUE(applyPrepareArgs(prep, {"--zones", "7", "--recordsets=4", "--parallel", "3",
                                      "--quota-zone-recordsets=900", "--no-wait"}));
  EXPECT_EQ(prep.zones, 7u);
  EXPECT_EQ(prep.recordsets, 4u);
  EXPECT_EQ(prep.parallel, 3u);
  EXPECT_EQ(prep.quotas.at("zone_recordsets").as_uint64(), 900u);
  EXPECT_FALSE(prep.wait_active);
  EXPECT_FALSE(applyPrepareArgs(prep, {"--help"}));
  EXPECT_FALSE(prepareUsage().empty());
}

TEST(DesignatePrepare, BadArgumentsNameTheFlag) {
  PrepareSettings prep;
  const auto message = [&](std::vector<std::string> args) {
    try {
      applyPrepareArgs(prep, args);
    } catch (const sdk::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message({"--zones", "x"}).find("--zones"), std::string::npos);
  EXPECT_NE(message({"--zones", "x"}).find("\"x\""), std::string::npos);
  EXPECT_NE(message({"--parallel=0"}).find("--parallel"), std::string::npos);
  EXPECT_NE(message({"--zones"}).find("expects a value"), std::string::npos);
  EXPECT_NE(message({"--bogus"}).find("unknown argument"), std::string::npos);
  EXPECT_NE(message({"-z", "1"}).find("-z"), std::string::npos);
}

TEST(DesignatePrepare, PreparedNamesAreValidDnsNames) {
  EXPECT_EQ(projectLabel("Proj_A"), "proj-a");
  EXPECT_EQ(projectLabel("0123abcd"), "0123abcd");
  EXPECT_EQ(projectLabel("--x__y--"), "x-y");
  EXPECT_EQ(projectLabel("___"), "project");
  EXPECT_EQ(projectLabel(std::string(80, 'a')).size(), 40u);
  EXPECT_EQ(preparedZoneName("Proj_A", 3, "accurate.test."), "prep3.proj-a.accurate.test.");
  EXPECT_EQ(preparedRecordName(2, "prep3.proj-a.accurate.test."), "r2.prep3.proj-a.accurate.test.");
}

TEST(DesignatePrepare, CommandIsNamedDesignatePrepare) {
  const sdk::CommandSpec spec = prepareCommand();
  EXPECT_EQ(spec.name, "designate prepare");
  EXPECT_FALSE(spec.help.empty());
  ASSERT_TRUE(spec.run);
}

}  // namespace
}  // namespace accurate::designate
