// Lists: pagination links, limits, markers, sorting, filters and totals.
#include "core_test_support.hpp"

#include <algorithm>
#include <set>

namespace accurate::designate_sim::testing {
namespace {

class ListsTest : public SimFixture {
 protected:
  ListsTest() : SimFixture(manyZones()) {}
  static SimOptions manyZones() {
    SimOptions options = fixedOptions();
    options.quotas.zones = 5000;
    return options;
  }
  /// The ids of a list answer's items under @p key.
  static std::vector<std::string> ids(const SimResponse& r, const char* key = "zones") {
    std::vector<std::string> out;
    const boost::json::value body = json(r);
    for (const auto& item : body.at(key).as_array()) out.push_back(text(item.at("id")));
    return out;
  }
  static std::optional<std::string> next(const SimResponse& r) {
    const auto body = json(r);
    const auto& links = body.at("links").as_object();
    if (!links.contains("next")) return std::nullopt;
    return text(links.at("next"));
  }
  /// The path and query of a link ("http://sim.test:9001" removed).
  static std::string relative(const std::string& link) { return link.substr(std::string("http://sim.test:9001").size()); }
  static std::int64_t total(const SimResponse& r) { return json(r).at("metadata").at("total_count").as_int64(); }
};

TEST_F(ListsTest, DefaultPageIs20WithNextLinkAndTotal) {
  std::vector<std::string> created;
  for (int i = 0; i < 25; ++i) {
    created.push_back(createZone("z" + std::to_string(i) + ".list.test."));
    advance(1s);
  }
  const SimResponse first = get("/v2/zones");
  ASSERT_EQ(first.status, 200u);
  const auto page = ids(first);
  ASSERT_EQ(page.size(), 20u);
  EXPECT_TRUE(std::equal(page.begin(), page.end(), created.begin()));  // created_at order
  EXPECT_EQ(total(first), 25);
  EXPECT_EQ(text(json(first).at("links").at("self")), "http://sim.test:9001/v2/zones");
  EXPECT_EQ(next(first).value_or(""), "http://sim.test:9001/v2/zones?marker=" + created[19]);
  const SimResponse second = get(relative(*next(first)));
  EXPECT_EQ(ids(second).size(), 5u);
  EXPECT_FALSE(next(second));
  EXPECT_EQ(total(second), 25);
}

TEST_F(ListsTest, NextIsPresentOnTheExactLastPageAndTheFollowUpIsEmpty) {
  for (int i = 0; i < 6; ++i) createZone("e" + std::to_string(i) + ".list.test.");
  SimResponse r = get("/v2/zones?limit=2");
  int pages = 0;
  std::set<std::string> seen;
  while (true) {
    ASSERT_EQ(r.status, 200u) << r.body;
    for (const auto& id : ids(r)) seen.insert(id);
    ++pages;
    const auto link = next(r);
    if (!link) break;
    ASSERT_LT(pages, 10);
    r = get(relative(*link));
  }
  EXPECT_EQ(pages, 4);  // 2 + 2 + 2 + an empty page
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_TRUE(json(r).at("zones").as_array().empty());
  EXPECT_EQ(total(r), 6);
  EXPECT_TRUE(text(json(r).at("links").at("self")).starts_with("http://sim.test:9001/v2/zones?limit=2&marker="));
}

TEST_F(ListsTest, NextReencodesAllParamsAndReplacesTheMarker) {
  for (int i = 0; i < 3; ++i) createZone("p" + std::to_string(i) + ".page.test.");
  SimResponse r = get("/v2/zones?marker=&name=*page*&limit=1&sort_dir=asc");
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string first = ids(r).at(0);
  EXPECT_EQ(next(r).value_or(""),
            "http://sim.test:9001/v2/zones?name=%2Apage%2A&limit=1&sort_dir=asc&marker=" + first);
  r = get(relative(*next(r)));
  const std::string second = ids(r).at(0);
  EXPECT_NE(first, second);
  EXPECT_EQ(next(r).value_or(""),
            "http://sim.test:9001/v2/zones?name=%2Apage%2A&limit=1&sort_dir=asc&marker=" + second);
}

TEST_F(ListsTest, LimitMaxAnd1001AreAcceptedOthersRejected) {
  createZone("l.test.");
  EXPECT_EQ(get("/v2/zones?limit=max").status, 200u);
  EXPECT_EQ(get("/v2/zones?limit=1001").status, 200u);
  for (const char* bad : {"0", "-1", "abc", ""}) {
    const SimResponse r = get(std::string("/v2/zones?limit=") + bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(errorType(r), "invalid_limit");
    EXPECT_EQ(errorMessage(r), "limit should be an integer between 1 and 1000");
  }
}

TEST_F(ListsTest, MarkerErrors) {
  createZone("m.test.");
  SimResponse r = get("/v2/zones?marker=not-a-uuid");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_marker");
  EXPECT_FALSE(json(r).as_object().contains("message"));
  r = get("/v2/zones?marker=e0585f34-393c-4e38-91ac-ac2f20a03267");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "marker_not_found");
  EXPECT_EQ(errorMessage(r), "Marker None could not be found");
}

TEST_F(ListsTest, SortKeyAndDirErrors) {
  SimResponse r = get("/v2/zones?sort_key=bogus");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "invalid_sort_key");
  EXPECT_EQ(errorMessage(r),
            "sort key must be one of ['created_at', 'id', 'updated_at', 'name', 'tenant_id', 'serial', 'ttl', "
            "'status']");
  r = get("/v2/zones?sort_dir=up");
  EXPECT_EQ(errorType(r), "invalid_sort_dir");
  EXPECT_EQ(errorMessage(r), "Unknown sort direction, must be 'desc' or 'asc'");
  r = get("/v2/zones/" + createZone("s.test.") + "/recordsets?sort_key=serial");
  EXPECT_EQ(errorMessage(r),
            "sort key must be one of ['created_at', 'id', 'updated_at', 'zone_id', 'tenant_id', 'name', 'type', "
            "'ttl', 'records']");
}

TEST_F(ListsTest, TiesInCreatedAtAreOrderedById) {
  std::vector<std::string> created;
  for (int i = 0; i < 8; ++i) created.push_back(createZone("tie" + std::to_string(i) + ".test."));
  std::vector<std::string> expected = created;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids(get("/v2/zones")), expected);
  std::reverse(expected.begin(), expected.end());
  EXPECT_EQ(ids(get("/v2/zones?sort_dir=desc")), expected);
}

TEST_F(ListsTest, SortByNameSerialAndTtlPagesWithMarkers) {
  createZone("c.sort.test.", "noauth-project", 300);
  createZone("a.sort.test.", "noauth-project", 100);
  createZone("b.sort.test.", "noauth-project", 200);
  std::vector<std::string> names;
  std::string target = "/v2/zones?sort_key=name&limit=1";
  for (int i = 0; i < 5 && !target.empty(); ++i) {
    const SimResponse r = get(target);
    const boost::json::value body = json(r);
    for (const auto& z : body.at("zones").as_array()) names.push_back(text(z.at("name")));
    target = next(r) ? relative(*next(r)) : "";
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a.sort.test.", "b.sort.test.", "c.sort.test."}));
  const auto by_ttl = json(get("/v2/zones?sort_key=ttl&sort_dir=desc")).at("zones").as_array();
  EXPECT_EQ(by_ttl.at(0).at("ttl"), 300);
  EXPECT_EQ(by_ttl.at(2).at("ttl"), 100);
}

TEST_F(ListsTest, PagesThroughMoreThan1000ZonesWithoutLossOrDuplicates) {
  std::set<std::string> created;
  for (int i = 0; i < 1234; ++i) {
    created.insert(createZone("bulk" + std::to_string(i) + ".test."));
    if (i % 100 == 0) advance(1s);
  }
  for (const char* first : {"/v2/zones?limit=100&sort_key=id", "/v2/zones?limit=max", "/v2/zones?sort_dir=desc"}) {
    std::set<std::string> seen;
    std::size_t count = 0;
    std::string target = first;
    for (int pages = 0; !target.empty(); ++pages) {
      ASSERT_LT(pages, 100);
      const SimResponse r = get(target);
      ASSERT_EQ(r.status, 200u);
      EXPECT_EQ(total(r), 1234);
      for (const auto& id : ids(r)) {
        seen.insert(id);
        ++count;
      }
      target = next(r) ? relative(*next(r)) : "";
    }
    EXPECT_EQ(count, 1234u) << first;
    EXPECT_EQ(seen, created) << first;
  }
}

TEST_F(ListsTest, ZoneFilters) {
  createZone("alpha.page.test.", "noauth-project", 300);
  createZone("bravo.page.test.", "noauth-project", 600);
  createZone("other.test.", "noauth-project", 300);
  EXPECT_EQ(ids(get("/v2/zones?name=alpha.page.test.")).size(), 1u);
  EXPECT_EQ(ids(get("/v2/zones?name=ALPHA.page.test.")).size(), 1u);
  EXPECT_EQ(ids(get("/v2/zones?name=alpha.page.test")).size(), 0u);
  SimResponse r = get("/v2/zones?name=*page*");
  EXPECT_EQ(ids(r).size(), 2u);
  EXPECT_EQ(total(r), 2);
  EXPECT_EQ(ids(get("/v2/zones?ttl=300")).size(), 2u);
  EXPECT_EQ(ids(get("/v2/zones?status=PENDING")).size(), 3u);
  EXPECT_EQ(ids(get("/v2/zones?status=ACTIVE")).size(), 0u);
  EXPECT_EQ(ids(get("/v2/zones?email=admin@other.test")).size(), 1u);
  EXPECT_EQ(ids(get("/v2/zones?description=*")).size(), 0u);  // null descriptions never match
  r = get("/v2/zones?foo=bar");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(errorType(r), "bad_request");
  EXPECT_EQ(errorMessage(r), "Invalid filters foo");
  advance(5s);
  EXPECT_EQ(ids(get("/v2/zones?status=active")).size(), 3u);
}

TEST_F(ListsTest, ListsAreScopedToTheProjectUnlessAllProjects) {
  createZone("a.scope.test.", "proj-a");
  createZone("b.scope.test.", "proj-b");
  EXPECT_EQ(ids(get("/v2/zones", {{"X-Auth-Project-ID", "proj-a"}})).size(), 1u);
  EXPECT_EQ(ids(get("/v2/zones", {{"X-Auth-Project-ID", "proj-c"}})).size(), 0u);
  EXPECT_EQ(ids(get("/v2/zones?name=b.scope.test.", {{"X-Auth-Project-ID", "proj-a"}})).size(), 0u);
  EXPECT_EQ(ids(get("/v2/zones", {{"X-Auth-All-Projects", "true"}})).size(), 2u);
  const SimResponse r = get("/v2/zones?all_projects=true&limit=1");
  EXPECT_EQ(ids(r).size(), 1u);
  // The middleware pops all_projects, so the links do not carry it (Designate's gotcha).
  EXPECT_EQ(next(r).value_or("").find("all_projects"), std::string::npos);
  EXPECT_EQ(text(json(r).at("links").at("self")), "http://sim.test:9001/v2/zones?limit=1");
}

TEST_F(ListsTest, TrailingSlashIsTolerated) {
  createZone("slash.test.");
  const SimResponse r = get("/v2/zones/?limit=1");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(ids(r).size(), 1u);
  EXPECT_EQ(text(json(r).at("links").at("self")), "http://sim.test:9001/v2/zones?limit=1");
}

TEST_F(ListsTest, RecordsetListFiltersAndHiddenCounts) {
  const std::string zone = createZone("rs.list.test.");
  createA(zone, "www.rs.list.test.", "192.0.2.77");
  createA(zone, "mail.rs.list.test.", "192.0.2.78");
  const std::string base = "/v2/zones/" + zone + "/recordsets";
  SimResponse r = get(base);
  EXPECT_EQ(total(r), 4);
  EXPECT_EQ(ids(r, "recordsets").size(), 4u);
  EXPECT_EQ(ids(get(base + "?type=A"), "recordsets").size(), 2u);
  EXPECT_EQ(ids(get(base + "?data=192.0.2.77"), "recordsets").size(), 1u);
  EXPECT_EQ(ids(get(base + "?name=www.rs.list.test."), "recordsets").size(), 1u);
  EXPECT_EQ(ids(get(base + "?name=*.rs.list.test."), "recordsets").size(), 2u);
  EXPECT_EQ(ids(get(base + "?status=PENDING&type=A"), "recordsets").size(), 2u);
  r = get(base, {{"OpenStack-DNS-Hide-Counts", "true"}});
  EXPECT_TRUE(json(r).at("metadata").as_object().empty());
  r = get(base + "?limit=3");
  ASSERT_TRUE(next(r));
  EXPECT_EQ(ids(get(relative(*next(r))), "recordsets").size(), 1u);
  EXPECT_EQ(get(base + "?zone_id=x").status, 400u);  // not a per-zone filter
}

TEST_F(ListsTest, CrossZoneRecordsetSearch) {
  const std::string z1 = createZone("one.cross.test.");
  const std::string z2 = createZone("two.cross.test.");
  createA(z1, "b.one.cross.test.", "192.0.2.1");
  createA(z2, "a.two.cross.test.", "192.0.2.2");
  createZone("three.cross.test.", "proj-other");
  SimResponse r = get("/v2/recordsets?type=A&sort_key=name");
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto items = json(r).at("recordsets").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items.at(0).at("name"), "a.two.cross.test.");
  EXPECT_EQ(total(get("/v2/recordsets")), 6);
  EXPECT_EQ(total(get("/v2/recordsets", {{"X-Auth-All-Projects", "true"}})), 8);
  EXPECT_EQ(total(get("/v2/recordsets?zone_id=" + z1)), 3);
}

}  // namespace
}  // namespace accurate::designate_sim::testing
