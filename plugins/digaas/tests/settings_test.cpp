// parseSettings / parseNameserver: defaults, every key, and the error paths and messages.
#include "settings.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>

namespace accurate::digaas {
namespace {

using namespace std::chrono_literals;

Settings parse(std::string_view json) { return parseSettings(boost::json::parse(json).as_object()); }

/// The ConfigError of parsing @p json as "path|message"; fails the test when parsing succeeds.
std::string errorOf(std::string_view json) {
  try {
    parse(json);
  } catch (const sdk::ConfigError& e) {
    return e.path() + "|" + e.what();
  }
  ADD_FAILURE() << "no ConfigError for " << json;
  return {};
}

TEST(DigaasSettings, AppliesDefaultsToAMinimalSection) {
  const Settings s = parse(R"({"nameservers": ["127.0.0.1"]})");
  ASSERT_EQ(s.nameservers.size(), 1u);
  EXPECT_EQ(s.nameservers[0].host, "127.0.0.1");
  EXPECT_EQ(s.nameservers[0].port, 53);
  EXPECT_EQ(s.nameservers[0].label, "127.0.0.1:53");
  EXPECT_TRUE(s.endpoint.empty());
  EXPECT_TRUE(s.poll);
  EXPECT_EQ(s.timeout, 120000ms);
  EXPECT_EQ(s.interval, 1000ms);
  EXPECT_EQ(s.query_timeout, 2000ms);
  EXPECT_EQ(s.max_inflight, 16u);
  EXPECT_DOUBLE_EQ(s.max_qps, 100);
  EXPECT_EQ(s.cooldown, -1ms);
  EXPECT_EQ(s.stats_timeout, 120000ms);
  EXPECT_TRUE(s.plots);
}

TEST(DigaasSettings, ReadsEveryKeyWithDurationsInSeconds) {
  const Settings s = parse(R"({"nameservers": ["127.0.0.1:5353", "[::1]:5300", "::1"],
    "endpoint": "http://digaas.test:8080/", "poll": false, "timeout": 30, "interval": 0.2, "query_timeout": 1.5,
    "max_inflight": 4, "max_qps": 2.5, "cooldown": 0, "stats_timeout": "90s", "plots": false})");
  ASSERT_EQ(s.nameservers.size(), 3u);
  EXPECT_EQ(s.nameservers[0].label, "127.0.0.1:5353");
  EXPECT_EQ(s.nameservers[1].host, "::1");
  EXPECT_EQ(s.nameservers[1].port, 5300);
  EXPECT_EQ(s.nameservers[1].label, "[::1]:5300");
  EXPECT_EQ(s.nameservers[2].label, "[::1]:53");
  EXPECT_EQ(s.endpoint, "http://digaas.test:8080");
  EXPECT_FALSE(s.poll);
  EXPECT_EQ(s.timeout, 30000ms);
  EXPECT_EQ(s.interval, 200ms);
  EXPECT_EQ(s.query_timeout, 1500ms);
  EXPECT_EQ(s.max_inflight, 4u);
  EXPECT_DOUBLE_EQ(s.max_qps, 2.5);
  EXPECT_EQ(s.cooldown, 0ms);
  EXPECT_EQ(s.stats_timeout, 90000ms);
  EXPECT_FALSE(s.plots);
}

TEST(DigaasSettings, RequiresANonEmptyNameserverList) {
  EXPECT_EQ(errorOf(R"({})").substr(0, 21), "$.digaas.nameservers|");
  EXPECT_NE(errorOf(R"({"nameservers": []})").find("at least one nameserver"), std::string::npos);
  EXPECT_EQ(errorOf(R"({"nameservers": "127.0.0.1"})").substr(0, 21), "$.digaas.nameservers|");
}

TEST(DigaasSettings, NamesTheIndexOfABadNameserver) {
  const std::string error = errorOf(R"({"nameservers": ["127.0.0.1", "ns1.example.test"]})");
  EXPECT_EQ(error.substr(0, error.find('|')), "$.digaas.nameservers[1]");
  EXPECT_NE(error.find("is not an IP address"), std::string::npos) << error;
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1:0"]})").find("bad port \"0\""), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1:70000"]})").find("bad port"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1:"]})").find("bad port"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["[::1"]})").find("missing ']'"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["[::1]x"]})").find("expected ':'"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": [""]})").find("$.digaas.nameservers[0]"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": [5]})").find("$.digaas.nameservers[0]"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1:53", "127.0.0.1"]})").find("listed twice"), std::string::npos);
}

TEST(DigaasSettings, RefusesNonPositiveDurationsAndLimits) {
  for (const char* key : {"timeout", "interval", "query_timeout", "stats_timeout"}) {
    for (const char* bad : {"0", "-1", "\"x\""}) {
      const std::string json = std::string(R"({"nameservers": ["127.0.0.1"], ")") + key + "\": " + bad + "}";
      const std::string error = errorOf(json);
      EXPECT_EQ(error.substr(0, error.find('|')), std::string("$.digaas.") + key) << json << " -> " << error;
    }
  }
  EXPECT_EQ(errorOf(R"({"nameservers": ["127.0.0.1"], "cooldown": -2})").substr(0, 18), "$.digaas.cooldown|");
  EXPECT_EQ(errorOf(R"({"nameservers": ["127.0.0.1"], "max_inflight": 0})").substr(0, 22), "$.digaas.max_inflight|");
  EXPECT_EQ(errorOf(R"({"nameservers": ["127.0.0.1"], "max_inflight": 1.5})").substr(0, 22),
            "$.digaas.max_inflight|");
  EXPECT_EQ(errorOf(R"({"nameservers": ["127.0.0.1"], "max_qps": 0})").substr(0, 17), "$.digaas.max_qps|");
  EXPECT_EQ(errorOf(R"({"nameservers": ["127.0.0.1"], "max_qps": 1e9})").substr(0, 17), "$.digaas.max_qps|");
}

TEST(DigaasSettings, RefusesABadEndpointAndUnknownKeys) {
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1"], "endpoint": "digaas:8080"})").find("$.digaas.endpoint"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1"], "endpoint": "http:///x"})").find("no host"), std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1"], "endpoint": "https://digaas:8080"})")
                .find("expected an http:// URL"),
            std::string::npos);
  EXPECT_NE(errorOf(R"({"nameservers": ["127.0.0.1"], "intervall": 1})").find("$.digaas.intervall"),
            std::string::npos);
}

TEST(DigaasSettings, RefusesASectionThatEnablesNothing) {
  const std::string error = errorOf(R"({"nameservers": ["127.0.0.1"], "poll": false})");
  EXPECT_EQ(error.substr(0, error.find('|')), "$.digaas");
  EXPECT_NE(error.find("enables nothing"), std::string::npos);
}

TEST(DigaasNameserver, ParsesEveryAcceptedForm) {
  EXPECT_EQ(parseNameserver("10.0.0.1", "p").label, "10.0.0.1:53");
  EXPECT_EQ(parseNameserver("10.0.0.1:5353", "p").port, 5353);
  EXPECT_EQ(parseNameserver("[2001:db8::1]", "p").label, "[2001:db8::1]:53");
  EXPECT_EQ(parseNameserver("2001:db8::1", "p").host, "2001:db8::1");
  try {
    parseNameserver("localhost:53", "$.x");
    ADD_FAILURE() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.x");
  }
}

}  // namespace
}  // namespace accurate::digaas
