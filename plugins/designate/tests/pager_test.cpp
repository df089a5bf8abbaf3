// Pagination: link conversion, page parsing and the walker's stop rules.
#include "pager.hpp"

#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

namespace accurate::designate {
namespace {

/// A zones page with ids @p first..@p first+count-1 and an optional links.next.
std::string zonesPage(int first, int count, std::string next = {}, int total = 6) {
  std::string items;
  for (int i = 0; i < count; ++i) {
    items += fmt::format(R"({}{{"id": "z{}", "name": "z{}.test."}})", i ? ", " : "", first + i, first + i);
  }
  const std::string links = next.empty() ? R"({"self": "http://127.0.0.1:19001/v2/zones"})"
                                         : fmt::format(R"({{"self": "http://x/v2/zones", "next": "{}"}})", next);
  return fmt::format(R"({{"zones": [{}], "links": {}, "metadata": {{"total_count": {}}}}})", items, links, total);
}

TEST(DesignatePager, TargetOfKeepsPathAndQueryOfAbsoluteUrls) {
  EXPECT_EQ(targetOf("http://127.0.0.1:19001/v2/zones?limit=2&marker=abc"), "/v2/zones?limit=2&marker=abc");
  EXPECT_EQ(targetOf("https://dns.example.com:8443/v2/zones/x/recordsets?marker=m"), "/v2/zones/x/recordsets?marker=m");
  EXPECT_EQ(targetOf("http://host"), "/");
  EXPECT_EQ(targetOf("http://host?limit=1"), "/?limit=1");
  EXPECT_EQ(targetOf("http://host/v2/zones#frag"), "/v2/zones");
  EXPECT_EQ(targetOf("/v2/zones?marker=x"), "/v2/zones?marker=x");
}

TEST(DesignatePager, ParsesItemsNextAndTotalCount) {
  const Page page = parsePage(zonesPage(1, 2, "http://127.0.0.1:19001/v2/zones?limit=2&marker=z2"), "zones");
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].at("id").as_string(), "z1");
  EXPECT_EQ(page.items[1].at("name").as_string(), "z2.test.");
  EXPECT_EQ(page.next, "/v2/zones?limit=2&marker=z2");
  EXPECT_EQ(page.total_count, 6u);
}

TEST(DesignatePager, TreatsLinksAndMetadataAsOptional) {
  const Page page = parsePage(R"({"pools": [{"id": "p"}]})", "pools");
  EXPECT_EQ(page.items.size(), 1u);
  EXPECT_FALSE(page.next);
  EXPECT_FALSE(page.total_count);
  EXPECT_FALSE(parsePage(R"({"zones": [], "links": {"next": null}, "metadata": {}})", "zones").next);
}

TEST(DesignatePager, RefusesMalformedPagesWithAReason) {
  const auto error = [](std::string_view body) {
    try {
      parsePage(body, "zones");
    } catch (const sdk::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(R"({"zones": [)").substr(0, 25), "list page: invalid JSON (");
  EXPECT_EQ(error("[]"), "list page: expected a JSON object");
  EXPECT_EQ(error(R"({"recordsets": []})"), "list page: no \"zones\" list");
  EXPECT_EQ(error(R"({"zones": {}})"), "list page: \"zones\" is not an array");
  EXPECT_EQ(error(R"({"zones": [1]})"), "list page: zones[0] is not an object");
}

TEST(DesignatePager, FollowsNextUntilAPageWithoutNext) {
  PageWalker walker("/v2/zones?sort_key=id&limit=2", "zones");
  ASSERT_EQ(walker.nextTarget(), "/v2/zones?sort_key=id&limit=2");
  EXPECT_EQ(walker.onPage(zonesPage(1, 2, "http://h/v2/zones?limit=2&marker=z2&sort_key=id")).size(), 2u);
  ASSERT_EQ(walker.nextTarget(), "/v2/zones?limit=2&marker=z2&sort_key=id");
  EXPECT_EQ(walker.onPage(zonesPage(3, 2, "http://h/v2/zones?limit=2&marker=z4&sort_key=id")).size(), 2u);
  // A short last page has no next.
  const auto last = walker.onPage(zonesPage(5, 1));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].at("id").as_string(), "z5");
  EXPECT_FALSE(walker.nextTarget());
  EXPECT_EQ(walker.pages(), 3u);
}

TEST(DesignatePager, StopsOnTheEmptyPageAfterAnExactlyFullLastPage) {
  // Designate sets next whenever a page is full, also on the exact last page.
  PageWalker walker("/v2/zones?limit=2", "zones");
  walker.onPage(zonesPage(1, 2, "http://h/v2/zones?limit=2&marker=z2", 4));
  walker.onPage(zonesPage(3, 2, "http://h/v2/zones?limit=2&marker=z4", 4));
  ASSERT_EQ(walker.nextTarget(), "/v2/zones?limit=2&marker=z4");
  EXPECT_TRUE(walker.onPage(R"({"zones": [], "links": {"self": "http://h/v2/zones?limit=2&marker=z4"},
                                "metadata": {"total_count": 4}})")
                  .empty());
  EXPECT_FALSE(walker.nextTarget());
  EXPECT_EQ(walker.pages(), 3u);
}

TEST(DesignatePager, StopsOnAnEmptyPageEvenIfItHasANext) {
  PageWalker walker("/v2/zones", "zones");
  walker.onPage(R"({"zones": [], "links": {"next": "http://h/v2/zones?marker=q"}})");
  EXPECT_FALSE(walker.nextTarget());
}

TEST(DesignatePager, StopsWhenNextRepeatsAFetchedTarget) {
  PageWalker walker("/v2/zones?limit=2", "zones");
  walker.onPage(zonesPage(1, 2, "http://h/v2/zones?limit=2&marker=z2"));
  // A broken server points back to a page already read.
  walker.onPage(zonesPage(3, 2, "http://other-host:1/v2/zones?limit=2"));
  EXPECT_FALSE(walker.nextTarget());
  EXPECT_EQ(walker.pages(), 2u);
}

TEST(DesignatePager, StopsAfterMaxPages) {
  PageWalker walker("/v2/zones?limit=1", "zones", 3);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(walker.nextTarget()) << i;
    walker.onPage(zonesPage(i, 1, fmt::format("http://h/v2/zones?limit=1&marker=z{}", i)));
  }
  EXPECT_FALSE(walker.nextTarget());
  EXPECT_EQ(walker.pages(), 3u);
}

TEST(DesignatePager, AMalformedPageLeavesTheWalkerReadyToRetry) {
  PageWalker walker("/v2/zones?limit=2", "zones");
  walker.onPage(zonesPage(1, 2, "http://h/v2/zones?limit=2&marker=z2"));
  EXPECT_THROW(walker.onPage("<html>502 Bad Gateway</html>"), sdk::Error);
  EXPECT_EQ(walker.nextTarget(), "/v2/zones?limit=2&marker=z2");
  EXPECT_EQ(walker.pages(), 1u);
  EXPECT_EQ(walker.onPage(zonesPage(3, 1)).size(), 1u);
  EXPECT_FALSE(walker.nextTarget());
  EXPECT_EQ(walker.pages(), 2u);
}

TEST(DesignatePager, RefusesAPageAfterTheWalkEnded) {
  PageWalker walker("/v2/zones", "zones");
  walker.onPage(zonesPage(1, 1));
  EXPECT_THROW(walker.onPage(zonesPage(1, 1)), sdk::Error);
}

TEST(DesignatePager, WalksThousandsOfPagesWithoutRepeating) {
  PageWalker walker("/v2/zones?limit=1", "zones");
  std::size_t items = 0;
  for (int i = 1; i <= 5000 && walker.nextTarget(); ++i) {
    items += walker.onPage(zonesPage(i, 1, i < 5000 ? fmt::format("http://h/v2/zones?limit=1&marker=z{}", i) : "")).size();
  }
  EXPECT_EQ(items, 5000u);
  EXPECT_FALSE(walker.nextTarget());
}

}  // namespace
}  // namespace accurate::designate
