#include <accurate/sdk/config.hpp>

#include <gtest/gtest.h>

namespace accurate::sdk {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, ReadsEveryUnitAndCombination) {
  EXPECT_EQ(parseDuration("30s", "x"), milliseconds(30'000));
  EXPECT_EQ(parseDuration("5m", "x"), milliseconds(300'000));
  EXPECT_EQ(parseDuration("1h30m", "x"), milliseconds(5'400'000));
  EXPECT_EQ(parseDuration("250ms", "x"), milliseconds(250));
  EXPECT_EQ(parseDuration("1m30s500ms", "x"), milliseconds(90'500));
  EXPECT_EQ(parseDuration("1.5s", "x"), milliseconds(1'500));
  EXPECT_EQ(parseDuration(" 2h ", "x"), milliseconds(7'200'000));
}

TEST(ParseDuration, TreatsABareNumberAsSeconds) {
  EXPECT_EQ(parseDuration("45", "x"), milliseconds(45'000));
  EXPECT_EQ(parseDuration("0.25", "x"), milliseconds(250));
  EXPECT_EQ(parseDuration("0", "x"), milliseconds(0));
}

TEST(ParseDuration, RefusesMalformedTextNamingWhereItCameFrom) {
  for (const char* bad : {"5x", "", "s", "-5s", "1h30", "5 m", "1e3s", "1..2s", "ms5"}) {
    try {
      parseDuration(bad, "--run-time");
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()),
                std::string("--run-time: cannot parse duration \"") + bad + "\" (use e.g. 30s, 5m, 1h30m)");
      EXPECT_EQ(e.path(), "--run-time");
    }
  }
}

TEST(ParseDuration, RefusesAbsurdlyLongDurations) {
  EXPECT_THROW(parseDuration("99999999999h", "x"), ConfigError);
}

TEST(FormatDuration, WritesWhatParseDurationReadsBack) {
  EXPECT_EQ(formatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(formatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(formatDuration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(formatDuration(milliseconds(90'500)), "1m30s500ms");
  for (const long long ms : {1LL, 999LL, 1000LL, 61'001LL, 3'600'000LL, 86'400'123LL}) {
    EXPECT_EQ(parseDuration(formatDuration(milliseconds(ms)), "x"), milliseconds(ms));
  }
}

TEST(RequireDuration, AcceptsStringsAndNumbersOfSeconds) {
  EXPECT_EQ(requireDuration(boost::json::value("2m"), "$.a"), milliseconds(120'000));
  EXPECT_EQ(requireDuration(boost::json::value(3), "$.a"), milliseconds(3'000));
  EXPECT_EQ(requireDuration(boost::json::value(0.1), "$.a"), milliseconds(100));
}

TEST(RequireDuration, RefusesOtherJsonTypes) {
  try {
    requireDuration(boost::json::value(true), "$.wait");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "$.wait: expected a duration such as \"30s\" or a number of seconds, got true");
  }
  try {
    requireDuration(boost::json::value(-1), "$.wait");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "$.wait: expected a non-negative number, got -1");
  }
}

}  // namespace
}  // namespace accurate::sdk
