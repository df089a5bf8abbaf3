#include <accurate/sdk/config.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <functional>

namespace accurate::sdk {
namespace {

std::string errorOf(const std::function<void()>& check) {
  try {
    check();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(RequireInteger, NamesTheExpectedRangeAndTheValueGiven) {
  EXPECT_EQ(errorOf([] { requireInteger(boost::json::value("ten"), "$.users"); }),
            "$.users: expected a non-negative integer, got \"ten\"");
  EXPECT_EQ(errorOf([] { requireInteger(boost::json::value(-2), "$.users"); }),
            "$.users: expected a non-negative integer, got -2");
  EXPECT_EQ(errorOf([] { requireInteger(boost::json::value(1.5), "$.users"); }),
            "$.users: expected a non-negative integer, got 1.5");
  EXPECT_EQ(errorOf([] { requireInteger(boost::json::value(0), "$.port", 1, 65535); }),
            "$.port: expected an integer between 1 and 65535, got 0");
  EXPECT_EQ(errorOf([] { requireInteger(boost::json::value(5'000'000'000LL), "$.users", 0, 4294967295LL); }),
            "$.users: expected a non-negative integer up to 4294967295, got 5000000000");
  EXPECT_EQ(errorOf([] { requireInteger(boost::json::value(0), "$.threads", 1); }),
            "$.threads: expected a positive integer, got 0");
}

TEST(RequireInteger, AcceptsIntegralDoubles) {
  EXPECT_EQ(requireInteger(boost::json::value(3.0), "$.n"), 3);
  EXPECT_EQ(requireInteger(boost::json::value(-4), "$.n", -10), -4);
}

TEST(RequireNumber, ChecksTheLowerBound) {
  EXPECT_DOUBLE_EQ(requireNumber(boost::json::value(0), "$.w"), 0);
  EXPECT_EQ(errorOf([] { requireNumber(boost::json::value(0), "$.rate", 0, true); }),
            "$.rate: expected a positive number, got 0");
  EXPECT_EQ(errorOf([] { requireNumber(boost::json::value("1"), "$.w"); }),
            "$.w: expected a non-negative number, got \"1\"");
}

TEST(RequireOthers, NameTheTypeExpected) {
  EXPECT_EQ(errorOf([] { requireBool(boost::json::value(1), "$.b"); }), "$.b: expected true or false, got 1");
  EXPECT_EQ(errorOf([] { requireString(boost::json::value(nullptr), "$.s"); }), "$.s: expected a string, got null");
  EXPECT_EQ(errorOf([] { requireString(boost::json::value(""), "$.s", false); }), "$.s: must not be empty");
  EXPECT_EQ(errorOf([] { requireObject(boost::json::value(boost::json::array{1}), "$.o"); }),
            "$.o: expected an object, got [1]");
  EXPECT_EQ(errorOf([] { requireArray(boost::json::value("x"), "$.a"); }), "$.a: expected an array, got \"x\"");
}

TEST(DescribeJson, ShortensLongValues) {
  const std::string text = describeJson(boost::json::value(std::string(100, 'a')));
  EXPECT_EQ(text.size(), 40u);
  EXPECT_TRUE(text.ends_with("..."));
}

TEST(RejectUnknownKeys, SuggestsTheClosestKnownKey) {
  const auto object = boost::json::parse(R"({"name": "a", "wieght": 2})").as_object();
  EXPECT_EQ(errorOf([&] { rejectUnknownKeys(object, "$.http.user_classes[0]", {"name", "weight", "tasks"}); }),
            "$.http.user_classes[0].wieght: unknown key (did you mean \"weight\"?)");
  const auto far = boost::json::parse(R"({"zzzzzz": 1})").as_object();
  EXPECT_EQ(errorOf([&] { rejectUnknownKeys(far, "$", {"name", "weight"}); }), "$.zzzzzz: unknown key");
  EXPECT_NO_THROW(rejectUnknownKeys(object, "$", {"name", "wieght"}));
}

TEST(ClosestMatch, FindsTyposButNotUnrelatedWords) {
  EXPECT_EQ(closestMatch("uzers", {"users", "host"}), "users");
  EXPECT_EQ(closestMatch("usres", {"users", "host"}), "users");
  EXPECT_EQ(closestMatch("spawnrate", {"spawn_rate", "run_time"}), "spawn_rate");
  EXPECT_EQ(closestMatch("RUN_TIME", {"spawn_rate", "run_time"}), "run_time");
  EXPECT_EQ(closestMatch("graphite", {"users", "host", "http"}), "");
}

}  // namespace
}  // namespace accurate::sdk
