// The per-shard resolver cache (localhost and IP literals only: no network).
#include "http/dns_cache.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace accurate::http {
namespace {

using namespace std::chrono_literals;

TEST(DnsCache, IpLiteralIsDoneWithoutALookup) {
  boost::asio::io_context io;
  DnsCache cache(io);
  const auto entry = cache.lookup("127.0.0.1", 8080);
  ASSERT_FALSE(entry->pending);
  EXPECT_FALSE(entry->error);
  ASSERT_EQ(entry->results.size(), 1u);
  EXPECT_EQ(entry->results.begin()->endpoint().port(), 8080);
}

TEST(DnsCache, ConcurrentLookupsOfOneNameShareOneResolutionAndWakeWaiters) {
  boost::asio::io_context io;
  DnsCache cache(io);
  const auto first = cache.lookup("localhost", 80);
  const auto second = cache.lookup("localhost", 80);
  EXPECT_EQ(first, second);
  ASSERT_TRUE(first->pending);
  WaitTimer waiter(io.get_executor());
  waiter.expires_at(std::chrono::steady_clock::time_point::max());
  bool woken = false;
  first->waiters.push_back(&waiter);
  waiter.async_wait([&](const boost::system::error_code&) { woken = true; });
  const auto start = std::chrono::steady_clock::now();
  while (!woken && std::chrono::steady_clock::now() - start < 5s) io.run_one_for(20ms);
  EXPECT_TRUE(woken);
  EXPECT_FALSE(first->pending);
  EXPECT_FALSE(first->error) << first->error.message();
  EXPECT_FALSE(first->results.empty());
  EXPECT_TRUE(first->waiters.empty());
  EXPECT_EQ(cache.lookup("localhost", 80), first);  // cached
  EXPECT_NE(cache.lookup("localhost", 81), first);  // another port is another entry
}

}  // namespace
}  // namespace accurate::http
