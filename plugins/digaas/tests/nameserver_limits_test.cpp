// Per-nameserver limits: in-flight slots, the sliding rate window, RAII release, and many threads at once.
#include "nameserver_limits.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace accurate::digaas {
namespace {

using namespace std::chrono_literals;
using Clock = NameserverLimits::Clock;

bool granted(const std::variant<QueryPermit, Clock::duration>& v) { return std::holds_alternative<QueryPermit>(v); }
Clock::duration waitOf(const std::variant<QueryPermit, Clock::duration>& v) { return std::get<Clock::duration>(v); }

TEST(DigaasNameserverLimits, RefusesMoreThanMaxInflightUntilAPermitIsReleased) {
  auto limits = std::make_shared<NameserverLimits>(2, 1000);
  const auto t0 = Clock::now();
  auto a = limits->tryAcquire(t0);
  auto b = limits->tryAcquire(t0);
  ASSERT_TRUE(granted(a));
  ASSERT_TRUE(granted(b));
  EXPECT_EQ(limits->inflight(), 2u);
  const auto c = limits->tryAcquire(t0);
  ASSERT_FALSE(granted(c));
  EXPECT_EQ(waitOf(c), Clock::duration(NameserverLimits::kInflightRetry));
  std::get<QueryPermit>(a).release();
  EXPECT_EQ(limits->inflight(), 1u);
  EXPECT_TRUE(granted(limits->tryAcquire(t0)));  // the temporary permit releases at once
  EXPECT_EQ(limits->inflight(), 1u);
  { QueryPermit moved = std::move(std::get<QueryPermit>(b)); }
  EXPECT_EQ(limits->inflight(), 0u);
}

TEST(DigaasNameserverLimits, AllowsMaxQpsStartsPerSecondAndSaysHowLongToWait) {
  auto limits = std::make_shared<NameserverLimits>(1000, 5);
  EXPECT_EQ(limits->windowCapacity(), 5u);
  EXPECT_EQ(limits->window(), Clock::duration(1s));
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(granted(limits->tryAcquire(t0 + i * 10ms))) << i;
  const auto refused = limits->tryAcquire(t0 + 100ms);
  ASSERT_FALSE(granted(refused));
  EXPECT_EQ(waitOf(refused), Clock::duration(900ms));  // the first start leaves the window at t0 + 1 s
  EXPECT_TRUE(granted(limits->tryAcquire(t0 + 1s)));
  const auto next = limits->tryAcquire(t0 + 1s);
  ASSERT_FALSE(granted(next));
  EXPECT_EQ(waitOf(next), Clock::duration(10ms));
}

TEST(DigaasNameserverLimits, FractionalRatesRoundDownAndSlowRatesSpaceStarts) {
  auto fractional = std::make_shared<NameserverLimits>(10, 2.5);
  EXPECT_EQ(fractional->windowCapacity(), 2u);
  EXPECT_EQ(fractional->window(), Clock::duration(1s));
  auto slow = std::make_shared<NameserverLimits>(10, 0.5);
  EXPECT_EQ(slow->windowCapacity(), 1u);
  EXPECT_EQ(slow->window(), Clock::duration(2s));
  const auto t0 = Clock::now();
  EXPECT_TRUE(granted(slow->tryAcquire(t0)));
  EXPECT_EQ(waitOf(slow->tryAcquire(t0 + 500ms)), Clock::duration(1500ms));
}

TEST(DigaasNameserverLimits, RefusesInvalidLimits) {
  EXPECT_THROW(NameserverLimits(0, 1), sdk::Error);
  EXPECT_THROW(NameserverLimits(1, 0), sdk::Error);
}

TEST(DigaasNameserverLimits, ManyThreadsNeverExceedEitherLimit) {
  constexpr std::uint32_t kInflight = 3;
  constexpr double kQps = 100;
  auto limits = std::make_shared<NameserverLimits>(kInflight, kQps);
  std::atomic<int> in_flight{0};
  std::atomic<int> peak{0};
  std::mutex starts_mutex;
  std::vector<Clock::time_point> starts;
  const auto end = Clock::now() + 1300ms;  // crosses one window boundary
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int attempt = 0; attempt < 100000 && Clock::now() < end; ++attempt) {
        const auto now = Clock::now();
        auto result = limits->tryAcquire(now);
        if (!granted(result)) {
          std::this_thread::sleep_for(std::min<Clock::duration>(waitOf(result), 2ms));
          continue;
        }
        {
          const std::lock_guard lock(starts_mutex);
          starts.push_back(now);
        }
        const int current = ++in_flight;
        int seen = peak.load();
        while (current > seen && !peak.compare_exchange_weak(seen, current)) {
        }
        std::this_thread::sleep_for(200us);
        --in_flight;
        std::get<QueryPermit>(result).release();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(peak.load(), static_cast<int>(kInflight));
  EXPECT_EQ(limits->inflight(), 0u);
  // Starts were tried for 1.3 s: the first window's burst and some of the second, never more than kQps in any
  // window of 1 s (the times were read just before tryAcquire, so allow 1 ms of skew between threads).
  const auto window = static_cast<std::size_t>(kQps);
  EXPECT_GT(starts.size(), window);
  EXPECT_LE(starts.size(), 2 * window);
  std::sort(starts.begin(), starts.end());
  for (std::size_t i = window; i < starts.size(); ++i) {
    EXPECT_GE(starts[i] - starts[i - window], Clock::duration(999ms)) << i;
  }
}

}  // namespace
}  // namespace accurate::digaas
