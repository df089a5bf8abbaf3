#include "tenant_pools.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <utility>

namespace accurate::designate {
namespace {

template <typename T>
std::optional<T> pickFrom(const std::vector<T>& pool, sdk::Rng& rng) {
  if (pool.empty()) return std::nullopt;
  std::uniform_int_distribution<std::size_t> index(0, pool.size() - 1);
  return pool[index(rng)];
}

template <typename T>
std::optional<T> takeFrom(std::vector<T>& pool, sdk::Rng& rng) {
  if (pool.empty()) return std::nullopt;
  std::uniform_int_distribution<std::size_t> index(0, pool.size() - 1);
  const std::size_t i = index(rng);
  T taken = std::move(pool[i]);
  if (i + 1 != pool.size()) pool[i] = std::move(pool.back());
  pool.pop_back();
  return taken;
}

template <typename T>
bool addTo(std::vector<T>& pool, T&& value) {
  if (pool.size() >= TenantPools::kMaxEntries) return false;
  pool.push_back(std::move(value));
  return true;
}

}  // namespace

TenantPools::TenantPools(Tenant tenant) : tenant_(std::move(tenant)) {}

std::optional<ZoneRef> TenantPools::pickZoneForGet(sdk::Rng& rng) const {
  const std::lock_guard lock(mutex_);
  return pickFrom(zones_get_, rng);
}

std::optional<ZoneRef> TenantPools::takeZoneForDelete(sdk::Rng& rng) {
  const std::lock_guard lock(mutex_);
  return takeFrom(zones_delete_, rng);
}

std::optional<RecordsetRef> TenantPools::pickRecordsetForGet(sdk::Rng& rng) const {
  const std::lock_guard lock(mutex_);
  return pickFrom(recordsets_get_, rng);
}

std::optional<RecordsetRef> TenantPools::takeRecordsetForDelete(sdk::Rng& rng) {
  const std::lock_guard lock(mutex_);
  return takeFrom(recordsets_delete_, rng);
}

bool TenantPools::addZoneForGet(ZoneRef zone) {
  const std::lock_guard lock(mutex_);
  return addTo(zones_get_, std::move(zone));
}

bool TenantPools::addZoneForDelete(ZoneRef zone) {
  const std::lock_guard lock(mutex_);
  return addTo(zones_delete_, std::move(zone));
}

bool TenantPools::addRecordsetForGet(RecordsetRef recordset) {
  const std::lock_guard lock(mutex_);
  return addTo(recordsets_get_, std::move(recordset));
}

bool TenantPools::addRecordsetForDelete(RecordsetRef recordset) {
  const std::lock_guard lock(mutex_);
  return addTo(recordsets_delete_, std::move(recordset));
}

std::vector<ZoneRef> TenantPools::zonesForGet() const {
  const std::lock_guard lock(mutex_);
  return zones_get_;
}

PoolSizes TenantPools::sizes() const {
  const std::lock_guard lock(mutex_);
  return {zones_get_.size(), zones_delete_.size(), recordsets_get_.size(), recordsets_delete_.size()};
}

void TenantPools::clear() {
  const std::lock_guard lock(mutex_);
  zones_get_.clear();
  zones_delete_.clear();
  recordsets_get_.clear();
  recordsets_delete_.clear();
  skip_logged_.fill(false);
}

bool TenantPools::firstSkip(TaskId task) {
  const std::lock_guard lock(mutex_);
  bool& logged = skip_logged_[static_cast<std::size_t>(task)];
  if (logged) return false;
  logged = true;
  return true;
}

TenantPoolSet TenantPoolSet::fromSettings(const Settings& settings) {
  TenantPoolSet set;
  for (const Tenant& tenant : settings.large) set.large.push_back(std::make_unique<TenantPools>(tenant));
  for (const Tenant& tenant : settings.small) set.small.push_back(std::make_unique<TenantPools>(tenant));
  return set;
}

std::vector<TenantPools*> TenantPoolSet::all() const {
  std::vector<TenantPools*> out;
  out.reserve(large.size() + small.size());
  for (const auto& pools : large) out.push_back(pools.get());
  for (const auto& pools : small) out.push_back(pools.get());
  return out;
}

void noteSkipped(sdk::UserContext& ctx, TenantPools& pools, TaskId task, std::string_view pool) {
  const std::string_view name = taskName(task);
  std::string counter;
  counter.reserve(8 + name.size());
  counter.append("skipped.").append(name);
  ctx.stats().count(counter);
  if (pools.firstSkip(task)) {
    spdlog::warn("designate: project {}: {} skipped: no {} left (counted as {}; logged once per project and task)",
                 pools.tenant().project_id, name, pool, counter);
  }
}

}  // namespace accurate::designate
