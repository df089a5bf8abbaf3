// URL parsing, encoding helpers and request serialisation (no sockets).
#include "http/request_writer.hpp"
#include "http/url.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/http.hpp>

#include <gtest/gtest.h>

namespace accurate::http {
namespace {

TEST(Url, ParsesHostPortAndPath) {
  UrlView url;
  ASSERT_EQ(parseUrl("https://api.example.com:8443/v2/zones?x=1#frag", url), nullptr);
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.host, "api.example.com");
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.path, "/v2/zones?x=1");
}

TEST(Url, UsesDefaultPortsPerScheme) {
  UrlView url;
  ASSERT_EQ(parseUrl("HTTP://h", url), nullptr);
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.path, "");
  ASSERT_EQ(parseUrl("https://h/", url), nullptr);
  EXPECT_EQ(url.port, 443);
}

TEST(Url, ParsesBracketedIpv6Literal) {
  UrlView url;
  ASSERT_EQ(parseUrl("http://[::1]:9000/x", url), nullptr);
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 9000);
  EXPECT_EQ(Origin::fromUrl(url).host_header, "[::1]:9000");
}

TEST(Url, RejectsBadUrlsWithAReason) {
  UrlView url;
  EXPECT_STREQ(parseUrl("ftp://h/", url), "unsupported scheme (use http:// or https://)");
  EXPECT_STREQ(parseUrl("h:80/x", url), "missing scheme (use http:// or https://)");
  EXPECT_STREQ(parseUrl("http:///x", url), "missing host");
  EXPECT_STREQ(parseUrl("http://h:0/", url), "port out of range (1-65535)");
  EXPECT_STREQ(parseUrl("http://h:70000/", url), "port out of range (1-65535)");
  EXPECT_STREQ(parseUrl("http://h:8o/", url), "port is not a number");
  EXPECT_STREQ(parseUrl("http://u:p@h/", url), "user info in the URL is not supported");
  EXPECT_STREQ(parseUrl("http://h st/", url), "invalid character in host");
}

TEST(Url, HostHeaderOmitsDefaultPort) {
  UrlView url;
  ASSERT_EQ(parseUrl("http://h:80", url), nullptr);
  EXPECT_EQ(Origin::fromUrl(url).host_header, "h");
  ASSERT_EQ(parseUrl("http://h:8080", url), nullptr);
  EXPECT_EQ(Origin::fromUrl(url).host_header, "h:8080");
}

TEST(BaseUrl, KeepsPathPrefixWithoutTrailingSlash) {
  const BaseUrl base = parseBaseUrl("http://h:8080/api/");
  EXPECT_EQ(base.origin.host, "h");
  EXPECT_EQ(base.origin.port, 8080);
  EXPECT_EQ(base.prefix, "/api");
  EXPECT_EQ(parseBaseUrl("http://h").prefix, "");
}

TEST(BaseUrl, ThrowsConfigErrorNamingTheUrlAndReason) {
  try {
    parseBaseUrl("ftp://example.org");
    FAIL() << "no exception";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "host");
    EXPECT_NE(std::string(e.what()).find("'ftp://example.org'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("unsupported scheme"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parseBaseUrl("http://h/x?y=1"), sdk::ConfigError);
  EXPECT_THROW(parseBaseUrl(""), sdk::ConfigError);
}

TEST(UrlEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(sdk::urlEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(sdk::urlEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(sdk::urlEncode(""), "");
}

TEST(QueryString, JoinsEncodedPairs) {
  EXPECT_EQ(sdk::queryString({}), "");
  EXPECT_EQ(sdk::queryString({{"name", "x y.com."}, {"limit", "5"}}), "?name=x%20y.com.&limit=5");
}

TEST(HttpResponse, HeaderLookupIsCaseInsensitive) {
  sdk::HttpResponse response;
  response.headers = {{"Content-Type", "application/json"}, {"X-Id", "1"}, {"x-id", "2"}};
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("X-ID"), "1");
  EXPECT_EQ(response.header("missing"), "");
}

TEST(RequestWriter, JoinsPrefixAndTarget) {
  auto target = [](std::string_view prefix, std::string_view path) {
    std::string out;
    appendTarget(out, prefix, path);
    return out;
  };
  EXPECT_EQ(target("/api", "/v2/zones"), "/api/v2/zones");
  EXPECT_EQ(target("/api", "v2/zones"), "/api/v2/zones");
  EXPECT_EQ(target("/api", "?x=1"), "/api?x=1");
  EXPECT_EQ(target("", "?x=1"), "/?x=1");
  EXPECT_EQ(target("", ""), "/");
  EXPECT_EQ(target("/api", ""), "/api");
}

TEST(RequestWriter, WritesRequestLineHostHeadersLengthAndBody) {
  UrlView url;
  ASSERT_EQ(parseUrl("http://h:8080", url), nullptr);
  const Origin origin = Origin::fromUrl(url);
  sdk::HttpRequest request;
  request.method = "POST";
  request.target = "/zones";
  request.headers = {{"X-Auth-Token", "t"}, {"Content-Length", "999"}};
  request.body = "{}";
  std::string out = "stale bytes";
  writeRequest(out, request, origin, "/api", request.target);
  EXPECT_EQ(out, "POST /api/zones HTTP/1.1\r\nHost: h:8080\r\nX-Auth-Token: t\r\nContent-Length: 2\r\n\r\n{}");
}

TEST(RequestWriter, KeepsCallersHostAndSendsZeroLengthForEmptyPost) {
  UrlView url;
  ASSERT_EQ(parseUrl("http://h", url), nullptr);
  sdk::HttpRequest request;
  request.method = "POST";
  request.headers = {{"host", "virtual.example"}};
  std::string out;
  writeRequest(out, request, Origin::fromUrl(url), "", "/x");
  EXPECT_EQ(out, "POST /x HTTP/1.1\r\nhost: virtual.example\r\nContent-Length: 0\r\n\r\n");
  request.method = "GET";
  writeRequest(out, request, Origin::fromUrl(url), "", "/x");
  EXPECT_EQ(out, "GET /x HTTP/1.1\r\nhost: virtual.example\r\n\r\n");
}

}  // namespace
}  // namespace accurate::http
