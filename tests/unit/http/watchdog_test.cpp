// The shard watchdog and the read buffer pool (no sockets).
#include "http/buffer_pool.hpp"
#include "http/watchdog.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include <sys/mman.h>

namespace accurate::http {
namespace {

using namespace std::chrono_literals;

struct CountingNode : Watchdog::Node {
  int fired = 0;
  CountingNode() {
    on_expire = [](Watchdog::Node& node) { ++static_cast<CountingNode&>(node).fired; };
  }
};

TEST(Watchdog, ExpiresOnlyNodesPastTheirDeadline) {
  boost::asio::io_context io;
  Watchdog watchdog(io, 10ms);
  CountingNode late;
  CountingNode early;
  late.at = Watchdog::Clock::now() + 30ms;
  early.at = Watchdog::Clock::now() + 10s;
  watchdog.arm(late);
  watchdog.arm(early);
  EXPECT_EQ(watchdog.armedCount(), 2u);
  const auto start = Watchdog::Clock::now();
  while (late.fired == 0 && Watchdog::Clock::now() - start < 2s) io.run_one_for(20ms);
  EXPECT_EQ(late.fired, 1);
  EXPECT_TRUE(late.expired);
  EXPECT_EQ(early.fired, 0);
  EXPECT_EQ(watchdog.armedCount(), 1u);
  EXPECT_GE(Watchdog::Clock::now() - start, 25ms);
}

TEST(Watchdog, DisarmedNodeNeverFiresAndTickingStops) {
  boost::asio::io_context io;
  Watchdog watchdog(io, 10ms);
  {
    CountingNode node;
    node.at = Watchdog::Clock::now();
    watchdog.arm(node);
    Watchdog::disarm(node);
    EXPECT_EQ(watchdog.armedCount(), 0u);
  }
  // With nothing armed the timer stops re-arming, so run() returns by itself.
  const auto start = Watchdog::Clock::now();
  io.run_for(1s);
  EXPECT_LT(Watchdog::Clock::now() - start, 500ms);
}

TEST(Watchdog, NodeDestructorDisarms) {
  boost::asio::io_context io;
  Watchdog watchdog(io, 10ms);
  {
    CountingNode node;
    node.at = Watchdog::Clock::now() + 1s;
    watchdog.arm(node);
    EXPECT_EQ(watchdog.armedCount(), 1u);
  }
  EXPECT_EQ(watchdog.armedCount(), 0u);
}

bool resident(const char* buffer) {
  unsigned char pages[BufferPool::kBufferSize / 4096 + 1] = {};
  if (mincore(const_cast<char*>(buffer), BufferPool::kBufferSize, pages) != 0) return false;
  return (pages[0] & 1) != 0;
}

TEST(BufferPool, ReusesTheMostRecentlyReturnedBuffer) {
  BufferPool pool;
  char* first = nullptr;
  {
    BufferPool::Lease lease(pool);
    first = lease.data();
    EXPECT_EQ(lease.size(), BufferPool::kBufferSize);
    EXPECT_EQ(pool.capacity(), BufferPool::kSlabBuffers);
  }
  EXPECT_EQ(pool.freeCount(), BufferPool::kSlabBuffers);
  BufferPool::Lease again(pool);
  EXPECT_EQ(again.data(), first);
}

TEST(BufferPool, GrowKeepsContentAndReturnsThePooledBuffer) {
  BufferPool pool;
  {
    BufferPool::Lease lease(pool);
    char* pooled = lease.data();
    std::memcpy(lease.data(), "abc", 3);
    lease.grow(3 * BufferPool::kBufferSize, 3);
    EXPECT_NE(lease.data(), pooled);
    EXPECT_EQ(lease.size(), 3 * BufferPool::kBufferSize);
    EXPECT_EQ(std::memcmp(lease.data(), "abc", 3), 0);
  }
  EXPECT_EQ(pool.freeCount(), BufferPool::kSlabBuffers);
}

TEST(BufferPool, ReleasesPagesOfColdFreeBuffersAfterABurst) {
  BufferPool pool;
  constexpr std::size_t kBurst = BufferPool::kMaxResidentFree + 40;
  std::vector<std::unique_ptr<BufferPool::Lease>> leases;
  for (std::size_t i = 0; i < kBurst; ++i) {
    leases.push_back(std::make_unique<BufferPool::Lease>(pool));
    std::memset(leases.back()->data(), 'x', BufferPool::kBufferSize);  // make it resident
  }
  const char* coldest = leases.front()->data();
  const char* hottest = leases.back()->data();
  EXPECT_TRUE(resident(coldest));
  for (auto& lease : leases) lease.reset();  // returned first to last
  EXPECT_FALSE(resident(coldest));
  EXPECT_TRUE(resident(hottest));
  BufferPool::Lease reused(pool);
  EXPECT_EQ(reused.data(), hottest);
}

}  // namespace
}  // namespace accurate::http
