// Route matching and the request-level security checks (pure parts).

#include "router.hpp"
#include "security.hpp"

#include <gtest/gtest.h>

namespace accurate::web {
namespace {

using Captures = std::vector<std::string>;

TEST(MatchRoute, MatchesLiteralsAndPlaceholders) {
  EXPECT_EQ(matchRoute("/", "/"), Captures{});
  EXPECT_EQ(matchRoute("/stats/requests", "/stats/requests"), Captures{});
  EXPECT_FALSE(matchRoute("/stats/requests", "/stats/requests/"));
  EXPECT_FALSE(matchRoute("/stats/requests", "/stats"));
  EXPECT_FALSE(matchRoute("/", "/x"));
  EXPECT_EQ(matchRoute("/reports/{id}", "/reports/abc"), Captures{"abc"});
  EXPECT_FALSE(matchRoute("/reports/{id}", "/reports/"));
  EXPECT_FALSE(matchRoute("/reports/{id}", "/reports/a/b"));
  EXPECT_EQ(matchRoute("/reports/{id}.json", "/reports/abc.json"), Captures{"abc"});
  EXPECT_FALSE(matchRoute("/reports/{id}.json", "/reports/.json"));
  EXPECT_EQ(matchRoute("/reports/{id}/{file}", "/reports/a/stats.csv"), (Captures{"a", "stats.csv"}));
  EXPECT_EQ(matchRoute("/static/{*path}", "/static/js/app.js"), Captures{"js/app.js"});
  EXPECT_FALSE(matchRoute("/static/{*path}", "/static/"));
  EXPECT_FALSE(matchRoute("/static/{*path}", "/static"));
}

TEST(MatchRoute, HandlesVeryLongPathsWithoutRecursion) {
  const std::string path = "/reports/" + std::string(100000, 'a');
  EXPECT_EQ(matchRoute("/reports/{id}", path)->at(0).size(), 100000u);
}

TEST(CrossSite, RefusesCrossSiteFetchAndForeignOrigins) {
  EXPECT_TRUE(isCrossSite("cross-site", "", "127.0.0.1:8089", false));
  EXPECT_TRUE(isCrossSite("", "http://evil.example", "127.0.0.1:8089", false));
  EXPECT_TRUE(isCrossSite("", "http://127.0.0.1:9999", "127.0.0.1:8089", false));
  EXPECT_TRUE(isCrossSite("", "null", "127.0.0.1:8089", false));
  EXPECT_TRUE(isCrossSite("", "https://127.0.0.1:8089", "", false));
}

TEST(CrossSite, AllowsSameOriginAndNonBrowserRequests) {
  EXPECT_FALSE(isCrossSite("", "", "127.0.0.1:8089", false));
  EXPECT_FALSE(isCrossSite("same-origin", "http://127.0.0.1:8089", "127.0.0.1:8089", false));
  EXPECT_FALSE(isCrossSite("", "http://LOCALHOST:8089", "localhost:8089", false));
  EXPECT_FALSE(isCrossSite("", "http://example.com", "example.com:80", false));
  EXPECT_FALSE(isCrossSite("", "https://example.com", "example.com", true));
  EXPECT_FALSE(isCrossSite("none", "", "[::1]:8089", false));
  EXPECT_FALSE(isCrossSite("", "http://[::1]:8089", "[::1]:8089", false));
}

TEST(CrossSite, NormalizesAuthorities) {
  EXPECT_EQ(normalizeAuthority("Example.COM", 80), "example.com:80");
  EXPECT_EQ(normalizeAuthority("[::1]:8089", 80), "[::1]:8089");
  EXPECT_FALSE(normalizeAuthority("", 80));
  EXPECT_FALSE(normalizeAuthority("h:abc", 80));
  EXPECT_FALSE(normalizeAuthority("h:99999", 80));
}

TEST(WebRequestInfo, CopiesMethodPathAddressAndHeaders) {
  httplib::Request request;
  request.method = "GET";
  request.path = "/status";
  request.remote_addr = "127.0.0.1";
  request.headers.emplace("Authorization", "Basic x");
  const sdk::WebRequestInfo info = webRequestInfo(request);
  EXPECT_EQ(info.method, "GET");
  EXPECT_EQ(info.path, "/status");
  EXPECT_EQ(info.remote_addr, "127.0.0.1");
  ASSERT_EQ(info.headers.size(), 1u);
  EXPECT_EQ(info.headers[0].first, "Authorization");
  EXPECT_EQ(info.headers[0].second, "Basic x");
}

}  // namespace
}  // namespace accurate::web
