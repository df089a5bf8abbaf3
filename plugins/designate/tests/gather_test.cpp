// The gather setup phase against scripted paginated lists: pages followed via links.next, ACTIVE zones and A
// recordsets placed alternately, early stop when the pools are full, retries with backoff, failures naming the
// tenant, the parallel limit.
#include "gather.hpp"

#include "designate_fake_context.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;
using test::FakeContext;
using test::headerOf;
using test::pathOf;
using test::respond;
using test::runToEnd;

Tenant tenant(std::string project) {
  Tenant t;
  t.project_id = std::move(project);
  t.pool = "large";
  return t;
}

/// The value of query parameter @p key in @p target ("" when absent).
std::string queryParam(std::string_view target, std::string_view key) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

/// A Designate-like list page of @p items (sorted by id) for @p target, honouring limit and marker; links.next is
/// absolute (another host, as behind a proxy) and present only when more items follow.
sdk::HttpResponse listPage(std::string_view target, std::string_view key, const std::vector<boost::json::object>& items) {
  const std::string limit_text = queryParam(target, "limit");
  const std::size_t limit = limit_text.empty() ? 20 : std::stoul(limit_text);
  const std::string marker = queryParam(target, "marker");
  std::size_t start = 0;
  if (!marker.empty()) {
    while (start < items.size() && items[start].at("id").as_string() != marker) ++start;
    ++start;
  }
  boost::json::array page;
  for (std::size_t i = start; i < items.size() && page.size() < limit; ++i) page.push_back(items[i]);
  boost::json::object links{{"self", "http://proxy.example" + std::string(pathOf(target))}};
  if (start + page.size() < items.size()) {
    std::string base(pathOf(target).substr(0, pathOf(target).find('?')));
    links["next"] = fmt::format("http://proxy.example{}?limit={}&sort_key=id&marker={}", base, limit,
                                std::string(page.back().as_object().at("id").as_string()));
  }
  boost::json::object body{{std::string(key), page}, {"links", links}, {"metadata", {{"total_count", items.size()}}}};
  return respond(200, boost::json::serialize(body));
}

/// Zones z00..z<n-1> of @p project; every third one (index % 3 == 2) is PENDING.
std::vector<boost::json::object> zones(std::string_view project, int n) {
  std::vector<boost::json::object> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({{"id", fmt::format("{}-z{:02}", project, i)},
                   {"name", fmt::format("z{:02}.{}.test.", i, project)},
                   {"status", i % 3 == 2 ? "PENDING" : "ACTIVE"}});
  }
  return out;
}

/// The recordsets of zone @p zone_id: SOA, NS and @p a_count A recordsets.
std::vector<boost::json::object> recordsets(std::string_view zone_id, int a_count) {
  std::vector<boost::json::object> out;
  out.push_back({{"id", fmt::format("{}-r00", zone_id)}, {"name", "z."}, {"type", "SOA"}, {"status", "ACTIVE"}});
  out.push_back({{"id", fmt::format("{}-r01", zone_id)}, {"name", "z."}, {"type", "NS"}, {"status", "ACTIVE"}});
  for (int i = 0; i < a_count; ++i) {
    out.push_back({{"id", fmt::format("{}-r{:02}", zone_id, i + 2)},
                   {"name", fmt::format("a{}.z.", i)},
                   {"type", "A"},
                   {"status", "ACTIVE"}});
  }
  return out;
}

/// Serves every project's zones (n per project) and every zone's recordsets from the lists above.
test::ScriptedClient::Responder designate(int zones_per_project, int a_per_zone) {
  return [=](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    const std::string path = pathOf(r.target);
    const auto project = headerOf(r.headers, "X-Auth-Project-ID").value_or("noauth-project");
    if (path.starts_with("/v2/zones?")) return listPage(path, "zones", zones(project, zones_per_project));
    const std::string prefix = "/v2/zones/";
    const auto slash = path.find("/recordsets?", prefix.size());
    if (path.starts_with(prefix) && slash != std::string::npos) {
      return listPage(path, "recordsets", recordsets(path.substr(prefix.size(), slash - prefix.size()), a_per_zone));
    }
    return std::nullopt;
  };
}

Settings settingsFor(std::vector<std::string> projects) {
  Settings s;
  for (auto& p : projects) s.large.push_back(tenant(p));
  s.gather.page_size = 4;
  s.gather.attempts = 3;
  s.gather.backoff = 10ms;
  s.pools = {3, 3, 2, 2};
  return s;
}

std::vector<std::string> ids(const std::vector<ZoneRef>& zones) {
  std::vector<std::string> out;
  for (const auto& z : zones) out.push_back(z.id);
  return out;
}

TEST(DesignateGather, FollowsPagesPlacesActiveZonesAlternatelyAndStopsWhenFull) {
  const Settings settings = settingsFor({"pa"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(designate(500, 3));
  const GatherCounts counts = runToEnd(io, gatherTenant(ctx, settings, client, pools));

  // ACTIVE zones are 0,1,3,4,6,7,...: get takes 0,3,6 and delete 1,4,7 (alternating), found in 2 pages of 4.
  EXPECT_EQ(ids(pools.zonesForGet()), (std::vector<std::string>{"pa-z00", "pa-z03", "pa-z06"}));
  EXPECT_EQ(counts.zone_pages, 2u) << "paging stops once both zone pools are full";
  EXPECT_EQ(counts.sizes.zones_for_get, 3u);
  EXPECT_EQ(counts.sizes.zones_for_delete, 3u);
  sdk::Rng rng(1);
  std::vector<std::string> deletable;
  while (auto z = pools.takeZoneForDelete(rng)) deletable.push_back(z->id);
  std::sort(deletable.begin(), deletable.end());
  EXPECT_EQ(deletable, (std::vector<std::string>{"pa-z01", "pa-z04", "pa-z07"}));

  // Recordsets: the first get-pool zone's three A recordsets, then one of the second zone's.
  EXPECT_EQ(counts.sizes.recordsets_for_get, 2u);
  EXPECT_EQ(counts.sizes.recordsets_for_delete, 2u);
  const auto rs = pools.pickRecordsetForGet(rng);
  ASSERT_TRUE(rs);
  EXPECT_TRUE(rs->zone_id == "pa-z00" || rs->zone_id == "pa-z03") << rs->zone_id;
  EXPECT_FALSE(rs->zone_name.empty());

  // Requests: the first pages use sort_key=id and the page size; follow-ups come from links.next made relative.
  ASSERT_GE(ctx.client.sent.size(), 3u);
  EXPECT_EQ(ctx.client.sent[0].target, "/v2/zones?sort_key=id&limit=4");
  EXPECT_EQ(ctx.client.sent[0].name, "/v2/zones (gather)");
  EXPECT_EQ(ctx.client.sent[1].target, "/v2/zones?limit=4&sort_key=id&marker=pa-z03");
  EXPECT_EQ(ctx.client.sent[2].target, "/v2/zones/pa-z00/recordsets?type=A&sort_key=id&limit=4");
  EXPECT_EQ(ctx.client.sent[2].name, "/v2/zones/ID/recordsets (gather)");
  EXPECT_EQ(ctx.recorder.failures(), 0u);
}

TEST(DesignateGather, WalksToTheEndWhenDataRunsOutAndWarns) {
  const Settings settings = settingsFor({"pb"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(designate(5, 0));  // ACTIVE: 0,1,3,4 — 4 zones for 6 places; no A recordsets
  const GatherCounts counts = runToEnd(io, gatherTenant(ctx, settings, client, pools));
  EXPECT_EQ(counts.zone_pages, 2u);
  EXPECT_EQ(counts.sizes.zones_for_get, 2u);
  EXPECT_EQ(counts.sizes.zones_for_delete, 2u);
  EXPECT_EQ(counts.sizes.recordsets_for_get, 0u);
  EXPECT_EQ(counts.recordset_pages, 2u) << "one page for each get-pool zone";
}

TEST(DesignateGather, GatherReplacesPoolsOfAPreviousRun) {
  const Settings settings = settingsFor({"pc"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  pools.addZoneForDelete({"stale", "stale.test."});
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle(designate(2, 0));
  runToEnd(io, gatherTenant(ctx, settings, client, pools));
  sdk::Rng rng(1);
  const auto z = pools.takeZoneForDelete(rng);
  ASSERT_TRUE(z);
  EXPECT_EQ(z->id, "pc-z01");
  EXPECT_FALSE(pools.takeZoneForDelete(rng));
}

TEST(DesignateGather, TakesActiveAndUpdatingObjectsButNotThoseBeingCreatedOrDeleted) {
  Settings settings = settingsFor({"ph"});
  settings.pools = {10, 10, 10, 10};
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.target.starts_with("/v2/zones?")) {
      return respond(200, R"({"zones": [
          {"id": "z1", "name": "a.test.", "status": "ACTIVE", "action": "NONE"},
          {"id": "z2", "name": "b.test.", "status": "PENDING", "action": "UPDATE"},
          {"id": "z3", "name": "c.test.", "status": "PENDING", "action": "CREATE"},
          {"id": "z4", "name": "d.test.", "status": "PENDING", "action": "DELETE"},
          {"id": "z5", "name": "e.test.", "status": "ERROR", "action": "CREATE"}]})");
    }
    return respond(200, R"({"recordsets": [
        {"id": "r1", "name": "x.a.test.", "type": "A", "status": "PENDING", "action": "UPDATE"},
        {"id": "r2", "name": "y.a.test.", "type": "A", "status": "PENDING", "action": "CREATE"}]})");
  });
  const GatherCounts counts = runToEnd(io, gatherTenant(ctx, settings, client, pools));
  EXPECT_EQ(counts.sizes.zones_for_get, 1u);
  EXPECT_EQ(counts.sizes.zones_for_delete, 1u);
  EXPECT_EQ(ids(pools.zonesForGet()), std::vector<std::string>{"z1"});
  EXPECT_EQ(counts.sizes.recordsets_for_get, 1u) << "the updating r1 of z1's list";
  EXPECT_EQ(counts.sizes.recordsets_for_delete, 0u);
}

TEST(DesignateGather, RetriesServerErrorsWithExponentialBackoff) {
  const Settings settings = settingsFor({"pd"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.reply(respond(503, "busy"));
  ctx.client.reply(test::transportFailure("connection refused"));
  ctx.client.handle(designate(3, 0));
  const GatherCounts counts = runToEnd(io, gatherTenant(ctx, settings, client, pools));
  EXPECT_EQ(counts.sizes.zones_for_get, 1u);
  ASSERT_EQ(ctx.sleeps.size(), 2u);
  EXPECT_EQ(ctx.sleeps[0], std::chrono::microseconds(10000));
  EXPECT_EQ(ctx.sleeps[1], std::chrono::microseconds(20000));
  EXPECT_EQ(ctx.client.sent[0].target, ctx.client.sent[2].target) << "the same page is retried";
}

TEST(DesignateGather, FailureAfterTheAttemptsNamesTheTenantWhileOthersAreGathered) {
  Settings settings = settingsFor({"good", "bad"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools good(settings.large[0]);
  TenantPools bad(settings.large[1]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  int bad_requests = 0;
  ctx.client.handle([&](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (headerOf(r.headers, "X-Auth-Project-ID") != "bad") return std::nullopt;
    ++bad_requests;
    return respond(500, R"({"code": 500})");
  });
  ctx.client.handle(designate(4, 1));
  try {
    runToEnd(io, gatherAll(ctx, settings, client, {&good, &bad}));
    FAIL() << "a tenant that cannot be gathered must fail the phase";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "gather: project bad: GET /v2/zones?sort_key=id&limit=4: HTTP 500 (expected 200) (after 3 attempts)");
  }
  EXPECT_EQ(bad_requests, 3);
  EXPECT_EQ(good.sizes().zones_for_get, 2u);
}

TEST(DesignateGather, ClientErrorsAreNotRetried) {
  const Settings settings = settingsFor({"pf"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle([](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> {
    return respond(403, R"({"code": 403, "type": "forbidden"})");
  });
  try {
    runToEnd(io, gatherTenant(ctx, settings, client, pools));
    FAIL() << "a 403 must fail the tenant";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(std::string(e.what()), "gather: project pf: GET /v2/zones?sort_key=id&limit=4: HTTP 403 (expected 200)");
  }
  EXPECT_EQ(ctx.client.sent.size(), 1u);
}

TEST(DesignateGather, UnparsablePagesAreRetriedThenReported) {
  const Settings settings = settingsFor({"pg"});
  DesignateClient client(settings.auth, settings.large);
  TenantPools pools(settings.large[0]);
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.handle([](const sdk::HttpRequest&) -> std::optional<sdk::HttpResponse> {
    return respond(200, "<html>proxy error</html>");
  });
  EXPECT_THROW(runToEnd(io, gatherTenant(ctx, settings, client, pools)), sdk::Error);
  EXPECT_EQ(ctx.client.sent.size(), 3u);
}

TEST(DesignateGather, TenantsAreGatheredAtMostParallelAtOnce) {
  for (const std::uint32_t parallel : {1u, 3u}) {
    Settings settings = settingsFor({"t1", "t2", "t3"});
    settings.gather.parallel = parallel;
    DesignateClient client(settings.auth, settings.large);
    std::vector<std::unique_ptr<TenantPools>> pools;
    std::vector<TenantPools*> raw;
    for (const auto& t : settings.large) {
      pools.push_back(std::make_unique<TenantPools>(t));
      raw.push_back(pools.back().get());
    }
    boost::asio::io_context io;
    FakeContext ctx(io);
    // Each tenant's first page answers after 30 ms; every other request at once.
    for (const auto& t : settings.large) {
      const std::string project = t.project_id;
      ctx.client.replyTo(
          [project](const sdk::HttpRequest& r) {
            return headerOf(r.headers, "X-Auth-Project-ID") == project && r.target.starts_with("/v2/zones?sort_key");
          },
          listPage("/v2/zones?limit=4", "zones", zones(project, 2)), 30ms);
    }
    ctx.client.handle(designate(2, 0));
    runToEnd(io, gatherAll(ctx, settings, client, raw));
    std::vector<std::string> order;
    for (const auto& r : ctx.client.sent) order.push_back(*headerOf(r.headers, "X-Auth-Project-ID"));
    if (parallel == 1) {
      EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "one tenant after the other";
    } else {
      EXPECT_EQ(std::vector<std::string>(order.begin(), order.begin() + 3),
                (std::vector<std::string>{"t1", "t2", "t3"}))
          << "the three first pages are in flight together";
    }
    for (auto* p : raw) EXPECT_EQ(p->sizes().zones_for_get, 1u);
  }
}

}  // namespace
}  // namespace accurate::designate
