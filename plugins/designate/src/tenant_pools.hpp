#pragma once
/// @file tenant_pools.hpp
/// Per-tenant shared state of a run: the zones and A recordsets the tasks read, modify and delete, filled by the
/// gather phase and by writes that reached ACTIVE, plus the "already logged" flags of skipped tasks.

#include "settings.hpp"

#include <accurate/sdk/random.hpp>
#include <accurate/sdk/task.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::designate {

/// A zone the tasks may use.
struct ZoneRef {
  std::string id;    ///< zone id (UUID)
  std::string name;  ///< absolute zone name, e.g. "a1b2.accurate.test."
};

/// An A recordset the tasks may use.
struct RecordsetRef {
  std::string id;         ///< recordset id (UUID)
  std::string name;       ///< absolute owner name, e.g. "r1.a1b2.accurate.test."
  std::string zone_id;    ///< id of its zone
  std::string zone_name;  ///< name of its zone
};

/// How many entries each pool of a tenant holds.
struct PoolSizes {
  std::size_t zones_for_get = 0;          ///< zones read, modified, exported, given recordsets
  std::size_t zones_for_delete = 0;       ///< zones remove_domain may delete
  std::size_t recordsets_for_get = 0;     ///< recordsets read and modified
  std::size_t recordsets_for_delete = 0;  ///< recordsets remove_record may delete
};

/// The pools of one tenant. Shared by every user of every shard and by the gather phase.
/// Threading: every method may be called from any thread; one small mutex per tenant guards the pools and is
/// held only inside a method (never across a co_await).
class TenantPools {
 public:
  /// Upper bound of each pool: adds beyond it are dropped, so memory stays bounded in long runs.
  static constexpr std::size_t kMaxEntries = 100000;

  /// @p tenant is copied (credentials included; they never leave the process).
  explicit TenantPools(Tenant tenant);
  TenantPools(const TenantPools&) = delete;
  TenantPools& operator=(const TenantPools&) = delete;

  /// The tenant these pools belong to (immutable).
  const Tenant& tenant() const noexcept { return tenant_; }

  /// A random zone of the get pool (it stays in the pool); nullopt when the pool is empty.
  std::optional<ZoneRef> pickZoneForGet(sdk::Rng& rng) const;
  /// Removes and returns a random zone of the delete pool; nullopt when empty.
  std::optional<ZoneRef> takeZoneForDelete(sdk::Rng& rng);
  /// A random recordset of the get pool (it stays); nullopt when empty.
  std::optional<RecordsetRef> pickRecordsetForGet(sdk::Rng& rng) const;
  /// Removes and returns a random recordset of the delete pool; nullopt when empty.
  std::optional<RecordsetRef> takeRecordsetForDelete(sdk::Rng& rng);

  /// Adds @p zone to the get pool; false when the pool is full (kMaxEntries) and the zone was dropped.
  bool addZoneForGet(ZoneRef zone);
  /// Adds @p zone to the delete pool; false when full.
  bool addZoneForDelete(ZoneRef zone);
  /// Adds @p recordset to the get pool; false when full.
  bool addRecordsetForGet(RecordsetRef recordset);
  /// Adds @p recordset to the delete pool; false when full.
  bool addRecordsetForDelete(RecordsetRef recordset);

  /// A copy of the zones of the get pool (the gather phase walks their recordsets).
  std::vector<ZoneRef> zonesForGet() const;
  /// The current pool sizes.
  PoolSizes sizes() const;
  /// Empties every pool and forgets the logged-once flags (a new run's gather phase starts from scratch).
  void clear();
  /// True exactly once per @p task until clear(): the caller logs the first skip of that task for this tenant.
  bool firstSkip(TaskId task);

 private:
  const Tenant tenant_;                              ///< whose pools these are
  mutable std::mutex mutex_;                         ///< guards everything below
  std::vector<ZoneRef> zones_get_;                   ///< zones for reads and modifications
  std::vector<ZoneRef> zones_delete_;                ///< zones remove_domain may delete
  std::vector<RecordsetRef> recordsets_get_;         ///< recordsets for reads and modifications
  std::vector<RecordsetRef> recordsets_delete_;      ///< recordsets remove_record may delete
  std::array<bool, kTaskCount> skip_logged_{};       ///< per task: an empty-pool skip was already logged
};

/// The pools of every tenant, by profile. Built once at configure time; the vectors never change afterwards
/// (only the pools' contents do), so they may be read from any thread.
struct TenantPoolSet {
  std::vector<std::unique_ptr<TenantPools>> large;  ///< one per tenant of the large profile, config order
  std::vector<std::unique_ptr<TenantPools>> small;  ///< one per tenant of the small profile, config order

  /// Builds the pools of @p settings' tenants.
  static TenantPoolSet fromSettings(const Settings& settings);
  /// Every tenant's pools, large first.
  std::vector<TenantPools*> all() const;
};

/// Handles a task that found the pool it needs empty: adds 1 to the counter "skipped.<task>" of @p ctx's stats
/// and logs one warning line the first time this happens for this tenant and task. @p pool names the empty pool
/// in the log line, e.g. "zones for delete". Call on the user's shard.
void noteSkipped(sdk::UserContext& ctx, TenantPools& pools, TaskId task, std::string_view pool);

}  // namespace accurate::designate
