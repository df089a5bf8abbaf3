#include "auth_test_support.hpp"
#include "throttle.hpp"

#include <gtest/gtest.h>

namespace accurate::auth {
namespace {

using std::chrono::seconds;

TEST(FailureThrottle, LocksAfterMaxFailuresWithinTheWindowAndUnlocksLater) {
  test::ManualClock clock;
  FailureThrottle throttle({3, seconds(60), seconds(30), 100}, clock.reader());
  EXPECT_FALSE(throttle.recordFailure("a"));
  EXPECT_FALSE(throttle.recordFailure("a"));
  EXPECT_FALSE(throttle.lockedFor("a").has_value());
  EXPECT_TRUE(throttle.recordFailure("a"));
  EXPECT_EQ(throttle.lockedFor("a"), seconds(30));
  clock.now += std::chrono::milliseconds(29500);
  EXPECT_EQ(throttle.lockedFor("a"), seconds(1));
  clock.now += std::chrono::milliseconds(500);
  EXPECT_FALSE(throttle.lockedFor("a").has_value());
  // After the lockout the count starts again from zero.
  EXPECT_FALSE(throttle.recordFailure("a"));
}

TEST(FailureThrottle, ForgetsFailuresOlderThanTheWindow) {
  test::ManualClock clock;
  FailureThrottle throttle({3, seconds(60), seconds(30), 100}, clock.reader());
  throttle.recordFailure("a");
  throttle.recordFailure("a");
  clock.now += seconds(61);
  EXPECT_FALSE(throttle.recordFailure("a"));
  EXPECT_FALSE(throttle.lockedFor("a").has_value());
}

TEST(FailureThrottle, KeepsAddressesApart) {
  test::ManualClock clock;
  FailureThrottle throttle({2, seconds(60), seconds(30), 100}, clock.reader());
  throttle.recordFailure("a");
  throttle.recordFailure("a");
  EXPECT_TRUE(throttle.lockedFor("a").has_value());
  EXPECT_FALSE(throttle.lockedFor("b").has_value());
}

TEST(FailureThrottle, FailuresDuringALockoutDoNotExtendIt) {
  test::ManualClock clock;
  FailureThrottle throttle({1, seconds(60), seconds(10), 100}, clock.reader());
  EXPECT_TRUE(throttle.recordFailure("a"));
  clock.now += seconds(5);
  EXPECT_FALSE(throttle.recordFailure("a"));
  EXPECT_EQ(throttle.lockedFor("a"), seconds(5));
}

TEST(FailureThrottle, BoundsTheTableByEvictingTheLeastRecentlySeen) {
  test::ManualClock clock;
  FailureThrottle throttle({2, seconds(60), seconds(30), 3}, clock.reader());
  throttle.recordFailure("a");
  throttle.recordFailure("a");  // locks a
  throttle.recordFailure("b");
  throttle.recordFailure("c");
  EXPECT_EQ(throttle.size(), 3u);
  throttle.recordFailure("d");  // evicts a, the least recently seen
  EXPECT_EQ(throttle.size(), 3u);
  EXPECT_FALSE(throttle.lockedFor("a").has_value());
  throttle.recordFailure("b");  // b is now the most recent, c the oldest
  throttle.recordFailure("e");  // evicts c
  throttle.recordFailure("c");  // c starts from zero again: one failure, not locked
  EXPECT_FALSE(throttle.lockedFor("c").has_value());
  EXPECT_TRUE(throttle.lockedFor("b").has_value()) << "b kept its first failure and reached 2";
  for (int i = 0; i < 1000; ++i) throttle.recordFailure("x" + std::to_string(i));
  EXPECT_EQ(throttle.size(), 3u);
}

TEST(AddressKey, GroupsIpv6ByPrefixAndUnmapsIpv4) {
  EXPECT_EQ(addressKey("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(addressKey("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(addressKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(addressKey("2001:db8:1:2:bbbb::7"), addressKey("[2001:db8:1:2:aaaa::1]"));
  EXPECT_NE(addressKey("2001:db8:1:3::1"), addressKey("2001:db8:1:2::1"));
  EXPECT_EQ(addressKey("not-an-address"), "not-an-address");
  EXPECT_EQ(addressKey(std::string(1000, 'z')).size(), 128u);
}

}  // namespace
}  // namespace accurate::auth
