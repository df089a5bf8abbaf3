// Parsing and validation of POST /swarm's input.

#include "swarm_request.hpp"

#include <gtest/gtest.h>

namespace accurate::web {
namespace {

using std::chrono::milliseconds;

TEST(RunTime, ParsesSecondsAndLocustSpans) {
  EXPECT_EQ(*parseRunTime("90"), milliseconds(90000));
  EXPECT_EQ(*parseRunTime(" 1.5 "), milliseconds(1500));
  EXPECT_EQ(*parseRunTime("90s"), milliseconds(90000));
  EXPECT_EQ(*parseRunTime("5m"), milliseconds(300000));
  EXPECT_EQ(*parseRunTime("1h30m"), milliseconds(5400000));
  EXPECT_EQ(*parseRunTime("1h30m10s"), milliseconds(5410000));
  EXPECT_EQ(*parseRunTime("2h10s"), milliseconds(7210000));
}

TEST(RunTime, RejectsMalformedZeroAndHugeValues) {
  for (const char* bad : {"", "abc", "5x", "m5", "1m1h", "1h1h", "-5", "5 m", "1.5m", "s", "10ss", "1e3"}) {
    EXPECT_FALSE(parseRunTime(bad).has_value()) << bad;
  }
  EXPECT_EQ(parseRunTime("0").error(), "must be greater than 0");
  EXPECT_EQ(parseRunTime("0s").error(), "must be greater than 0");
  EXPECT_EQ(parseRunTime("9999h").error(), "longer than 30 days");
  EXPECT_FALSE(parseRunTime("99999999999999999999s").has_value());
}

TEST(UrlEncoded, DecodesPlusAndPercentAndKeepsFirstValue) {
  const auto fields = parseUrlEncoded("user_count=5&host=http%3A%2F%2Fa+b&user_count=7&empty=&flag");
  ASSERT_TRUE(fields.has_value());
  EXPECT_EQ(fields->at("user_count"), "5");
  EXPECT_EQ(fields->at("host"), "http://a b");
  EXPECT_EQ(fields->at("empty"), "");
  EXPECT_EQ(fields->at("flag"), "");
}

TEST(UrlEncoded, RejectsBadPercentEscapes) {
  EXPECT_FALSE(parseUrlEncoded("a=%zz").has_value());
  EXPECT_FALSE(parseUrlEncoded("a=%4").has_value());
  EXPECT_FALSE(parseUrlEncoded("a=%").has_value());
}

TEST(SwarmFields, AcceptsAllFields) {
  const auto request = swarmFromFields(
      {{"user_count", "10"}, {"spawn_rate", "2.5"}, {"host", "https://h:8443/x"}, {"run_time", "1m"}});
  ASSERT_TRUE(request.has_value()) << request.error();
  EXPECT_EQ(request->users, 10u);
  EXPECT_DOUBLE_EQ(request->spawn_rate, 2.5);
  EXPECT_EQ(request->host, "https://h:8443/x");
  EXPECT_EQ(request->run_time, milliseconds(60000));
}

TEST(SwarmFields, EmptyOptionalFieldsAreAbsent) {
  const auto request = swarmFromFields({{"user_count", "0"}, {"spawn_rate", "1"}, {"host", ""}, {"run_time", ""}});
  ASSERT_TRUE(request.has_value()) << request.error();
  EXPECT_EQ(request->users, 0u);
  EXPECT_FALSE(request->host.has_value());
  EXPECT_FALSE(request->run_time.has_value());
}

TEST(SwarmFields, ErrorsNameTheField) {
  EXPECT_TRUE(swarmFromFields({{"spawn_rate", "1"}}).error().starts_with("user_count: missing"));
  EXPECT_TRUE(swarmFromFields({{"user_count", "1"}}).error().starts_with("spawn_rate: missing"));
  for (const char* bad : {"-1", "1.5", "abc", "4294967296", "+3", "0x10"}) {
    EXPECT_TRUE(swarmFromFields({{"user_count", bad}, {"spawn_rate", "1"}}).error().starts_with("user_count:"))
        << bad;
  }
  for (const char* bad : {"0", "-1", "abc", "inf", "nan", "1e9"}) {
    EXPECT_TRUE(swarmFromFields({{"user_count", "1"}, {"spawn_rate", bad}}).error().starts_with("spawn_rate:"))
        << bad;
  }
  for (const char* bad : {"ftp://h", "h:80", "http://", "http://a b", "http://<script>", "javascript:alert(1)"}) {
    EXPECT_TRUE(swarmFromFields({{"user_count", "1"}, {"spawn_rate", "1"}, {"host", bad}}).error().starts_with("host:"))
        << bad;
  }
  EXPECT_TRUE(swarmFromFields({{"user_count", "1"}, {"spawn_rate", "1"}, {"run_time", "soon"}})
                  .error()
                  .starts_with("run_time:"));
}

TEST(SwarmJson, AcceptsNumbersStringsAndNulls) {
  auto request = swarmFromJson(R"({"user_count": 3, "spawn_rate": 0.5, "host": null, "run_time": "90s"})");
  ASSERT_TRUE(request.has_value()) << request.error();
  EXPECT_EQ(request->users, 3u);
  EXPECT_DOUBLE_EQ(request->spawn_rate, 0.5);
  EXPECT_FALSE(request->host.has_value());
  EXPECT_EQ(request->run_time, milliseconds(90000));

  request = swarmFromJson(R"({"user_count": "4", "spawn_rate": "2", "run_time": 1.5, "extra": [1]})");
  ASSERT_TRUE(request.has_value()) << request.error();
  EXPECT_EQ(request->users, 4u);
  EXPECT_EQ(request->run_time, milliseconds(1500));

  request = swarmFromJson(R"({"user_count": 2.0, "spawn_rate": 1})");
  ASSERT_TRUE(request.has_value()) << request.error();
  EXPECT_EQ(request->users, 2u);
}

TEST(SwarmJson, RejectsBadJsonAndWrongTypes) {
  EXPECT_TRUE(swarmFromJson("{").error().starts_with("body: invalid JSON"));
  EXPECT_TRUE(swarmFromJson("[1]").error().starts_with("body: must be a JSON object"));
  EXPECT_TRUE(swarmFromJson(R"({"user_count": true, "spawn_rate": 1})").error().starts_with("user_count:"));
  EXPECT_TRUE(swarmFromJson(R"({"user_count": -1, "spawn_rate": 1})").error().starts_with("user_count:"));
  EXPECT_TRUE(swarmFromJson(R"({"user_count": 1.5, "spawn_rate": 1})").error().starts_with("user_count:"));
  EXPECT_TRUE(swarmFromJson(R"({"user_count": 1, "spawn_rate": 0})").error().starts_with("spawn_rate:"));
  EXPECT_TRUE(swarmFromJson(R"({"user_count": 1, "spawn_rate": 1, "host": 5})").error().starts_with("host:"));
  EXPECT_TRUE(swarmFromJson(R"({"spawn_rate": 1})").error().starts_with("user_count: missing"));
}

}  // namespace
}  // namespace accurate::web
