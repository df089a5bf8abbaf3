// Per-tenant pools: pick vs take, sizes, the bound, clear, the logged-once flags, thread safety and skip counting.
#include "tenant_pools.hpp"

#include "designate_fake_context.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace accurate::designate {
namespace {

Tenant tenant(std::string project) {
  Tenant t;
  t.project_id = std::move(project);
  t.pool = "large";
  return t;
}

ZoneRef zone(int i) { return {"z" + std::to_string(i), "zone" + std::to_string(i) + ".test."}; }

TEST(TenantPools, EmptyPoolsGiveNothing) {
  TenantPools pools(tenant("p"));
  sdk::Rng rng(1);
  EXPECT_FALSE(pools.pickZoneForGet(rng));
  EXPECT_FALSE(pools.takeZoneForDelete(rng));
  EXPECT_FALSE(pools.pickRecordsetForGet(rng));
  EXPECT_FALSE(pools.takeRecordsetForDelete(rng));
  const PoolSizes sizes = pools.sizes();
  EXPECT_EQ(sizes.zones_for_get + sizes.zones_for_delete + sizes.recordsets_for_get + sizes.recordsets_for_delete, 0u);
}

TEST(TenantPools, PickLeavesTheZoneWhileTakeRemovesIt) {
  TenantPools pools(tenant("p"));
  sdk::Rng rng(2);
  pools.addZoneForGet(zone(1));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pools.pickZoneForGet(rng)->id, "z1");
  EXPECT_EQ(pools.sizes().zones_for_get, 1u);

  for (int i = 0; i < 3; ++i) pools.addZoneForDelete(zone(i));
  std::set<std::string> taken;
  for (int i = 0; i < 3; ++i) taken.insert(pools.takeZoneForDelete(rng)->id);
  EXPECT_EQ(taken, (std::set<std::string>{"z0", "z1", "z2"}));
  EXPECT_FALSE(pools.takeZoneForDelete(rng));
  EXPECT_EQ(pools.sizes().zones_for_delete, 0u);
}

TEST(TenantPools, RecordsetsKeepTheirZone) {
  TenantPools pools(tenant("p"));
  sdk::Rng rng(3);
  pools.addRecordsetForGet({"r1", "a.zone.test.", "z1", "zone.test."});
  pools.addRecordsetForDelete({"r2", "b.zone.test.", "z2", "other.test."});
  const auto got = pools.pickRecordsetForGet(rng);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->zone_id, "z1");
  EXPECT_EQ(got->zone_name, "zone.test.");
  const auto taken = pools.takeRecordsetForDelete(rng);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, "r2");
  EXPECT_EQ(taken->zone_id, "z2");
  EXPECT_EQ(pools.sizes().recordsets_for_get, 1u);
  EXPECT_EQ(pools.sizes().recordsets_for_delete, 0u);
}

TEST(TenantPools, PicksAreSpreadOverThePool) {
  TenantPools pools(tenant("p"));
  sdk::Rng rng(4);
  for (int i = 0; i < 4; ++i) pools.addZoneForGet(zone(i));
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(pools.pickZoneForGet(rng)->id);
  EXPECT_EQ(seen.size(), 4u);
}

TEST(TenantPools, AddsBeyondTheBoundAreDropped) {
  TenantPools pools(tenant("p"));
  for (std::size_t i = 0; i < TenantPools::kMaxEntries; ++i) ASSERT_TRUE(pools.addZoneForDelete({"id", "n."}));
  EXPECT_FALSE(pools.addZoneForDelete({"id", "n."}));
  EXPECT_EQ(pools.sizes().zones_for_delete, TenantPools::kMaxEntries);
}

TEST(TenantPools, FirstSkipIsTrueOncePerTaskUntilClear) {
  TenantPools pools(tenant("p"));
  EXPECT_TRUE(pools.firstSkip(TaskId::kRemoveDomain));
  EXPECT_FALSE(pools.firstSkip(TaskId::kRemoveDomain));
  EXPECT_TRUE(pools.firstSkip(TaskId::kRemoveRecord));
  pools.addZoneForGet(zone(1));
  pools.clear();
  EXPECT_EQ(pools.sizes().zones_for_get, 0u);
  EXPECT_TRUE(pools.firstSkip(TaskId::kRemoveDomain));
}

TEST(TenantPools, NoteSkippedCountsEverySkip) {
  boost::asio::io_context io;
  test::FakeContext ctx(io);
  TenantPools pools(tenant("p"));
  for (int i = 0; i < 3; ++i) noteSkipped(ctx, pools, TaskId::kRemoveDomain, "zones for delete");
  noteSkipped(ctx, pools, TaskId::kGetRecord, "recordsets for get");
  EXPECT_EQ(ctx.recorder.counter("skipped.remove_domain"), 3u);
  EXPECT_EQ(ctx.recorder.counter("skipped.get_record"), 1u);
  EXPECT_TRUE(ctx.recorder.samples.empty());
  EXPECT_FALSE(pools.firstSkip(TaskId::kRemoveDomain)) << "the first skip was logged";
}

TEST(TenantPools, ConcurrentAddsAndTakesLoseNothing) {
  TenantPools pools(tenant("p"));
  constexpr int kPerThread = 2000;
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      sdk::Rng rng(static_cast<std::uint64_t>(t));
      for (int i = 0; i < kPerThread; ++i) {
        pools.addZoneForDelete(zone(i));
        if (pools.takeZoneForDelete(rng)) ++taken;
        (void)pools.sizes();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(static_cast<std::size_t>(taken.load()) + pools.sizes().zones_for_delete, 4u * kPerThread);
}

TEST(TenantPools, PoolSetKeepsTheProfilesApart) {
  Settings settings;
  settings.large = {tenant("a"), tenant("b")};
  settings.small = {tenant("c")};
  const TenantPoolSet set = TenantPoolSet::fromSettings(settings);
  ASSERT_EQ(set.large.size(), 2u);
  ASSERT_EQ(set.small.size(), 1u);
  EXPECT_EQ(set.small[0]->tenant().project_id, "c");
  const auto all = set.all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->tenant().project_id, "a");
  EXPECT_EQ(all[2]->tenant().project_id, "c");
}

}  // namespace
}  // namespace accurate::designate
