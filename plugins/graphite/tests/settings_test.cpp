#include "settings.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace accurate::graphite {
namespace {

Settings parse(const char* json) { return parseSettings(boost::json::parse(json).as_object(), "myhost_42"); }

std::string pathOfError(const char* json) {
  try {
    parse(json);
  } catch (const sdk::ConfigError& e) {
    return e.path();
  }
  return "(no error)";
}

TEST(GraphiteSettings, DefaultsMatchTheDocumentedOnes) {
  const Settings s = parse("{}");
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 2003);
  EXPECT_EQ(s.prefix, "accurate");
  EXPECT_EQ(s.interval, std::chrono::seconds(1));
  EXPECT_FALSE(s.compat);
  EXPECT_EQ(s.queue, 100000u);
  EXPECT_EQ(s.client_id, "myhost_42");
  EXPECT_TRUE(s.log_lines.empty());
}

TEST(GraphiteSettings, ReadsEveryKey) {
  const Settings s = parse(R"({"host": "carbon.example", "port": 2103, "prefix": "lt.dns", "interval": "5s",
                               "compat": true, "queue": 10, "client_id": "node 1", "log_lines": "/tmp/x"})");
  EXPECT_EQ(s.host, "carbon.example");
  EXPECT_EQ(s.port, 2103);
  EXPECT_EQ(s.prefix, "lt.dns");
  EXPECT_EQ(s.interval, std::chrono::seconds(5));
  EXPECT_TRUE(s.compat);
  EXPECT_EQ(s.queue, 10u);
  EXPECT_EQ(s.client_id, "node_1");
  EXPECT_EQ(s.log_lines, "/tmp/x");
}

TEST(GraphiteSettings, IntervalAcceptsNumbersOfSecondsAndDurationText) {
  EXPECT_EQ(parse(R"({"interval": 2.5})").interval, std::chrono::milliseconds(2500));
  EXPECT_EQ(parse(R"({"interval": "10"})").interval, std::chrono::seconds(10));
}

TEST(GraphiteSettings, RefusesBadValuesNamingTheirJsonPath) {
  EXPECT_EQ(pathOfError(R"({"port": 0})"), "$.graphite.port");
  EXPECT_EQ(pathOfError(R"({"port": 70000})"), "$.graphite.port");
  EXPECT_EQ(pathOfError(R"({"port": "x"})"), "$.graphite.port");
  EXPECT_EQ(pathOfError(R"({"host": ""})"), "$.graphite.host");
  EXPECT_EQ(pathOfError(R"({"interval": 0})"), "$.graphite.interval");
  EXPECT_EQ(pathOfError(R"({"interval": "soon"})"), "$.graphite.interval");
  EXPECT_EQ(pathOfError(R"({"queue": 0})"), "$.graphite.queue");
  EXPECT_EQ(pathOfError(R"({"compat": "maybe"})"), "$.graphite.compat");
  EXPECT_EQ(pathOfError(R"({"prefix": "a..b"})"), "$.graphite.prefix");
  EXPECT_EQ(pathOfError(R"({"prefix": ".a"})"), "$.graphite.prefix");
  EXPECT_EQ(pathOfError(R"({"client_id": ""})"), "$.graphite.client_id");
}

TEST(GraphiteSettings, RefusesUnknownKeysWithASuggestion) {
  try {
    parse(R"({"prot": 2003})");
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.graphite.prot");
    EXPECT_NE(std::string(e.what()).find("port"), std::string::npos) << e.what();
  }
}

TEST(GraphiteSettings, DefaultClientIdIsOneSanitisedSegment) {
  const std::string id = defaultClientId();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"), std::string::npos);
  EXPECT_NE(id.find('_'), std::string::npos);
}

}  // namespace
}  // namespace accurate::graphite
