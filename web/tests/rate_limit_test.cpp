#include "rate_limit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace accurate::web {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};  ///< the time the limiter sees
};

TEST(RateLimiter, AllowsABurstThenTheSustainedRatePerAddress) {
  FakeClock clock;
  RateLimiter limiter(10, 5, [&clock] { return clock.now; });
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("10.0.0.1")) << i;
  EXPECT_FALSE(limiter.allow("10.0.0.1")) << "the burst is spent";
  EXPECT_TRUE(limiter.allow("10.0.0.2")) << "another address has its own bucket";
  clock.now += 100ms;  // 10/s: one token back
  EXPECT_TRUE(limiter.allow("10.0.0.1"));
  EXPECT_FALSE(limiter.allow("10.0.0.1"));
  clock.now += 10s;  // refills up to the burst, not beyond
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow("10.0.0.1")) << i;
  EXPECT_FALSE(limiter.allow("10.0.0.1"));
}

TEST(RateLimiter, ForgetsTheOldestAddressBeyondTheBound) {
  FakeClock clock;
  RateLimiter limiter(1, 1, [&clock] { return clock.now; });
  EXPECT_TRUE(limiter.allow("first"));
  EXPECT_FALSE(limiter.allow("first"));
  for (std::size_t i = 0; i < kMaxTrackedClients; ++i) {
    clock.now += 1us;
    limiter.allow("addr" + std::to_string(i));
  }
  // "first" was the least recently seen and was forgotten: it starts over with a full bucket.
  EXPECT_TRUE(limiter.allow("first"));
}

}  // namespace
}  // namespace accurate::web
