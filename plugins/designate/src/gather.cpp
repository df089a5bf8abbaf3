#include "gather.hpp"

#include "parallel.hpp"
#include "requests.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/value.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

namespace accurate::designate {
namespace {

/// Longest wait between two attempts at a page.
constexpr std::chrono::milliseconds kMaxBackoff{30000};

std::string stringField(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->get_string());
}

/// True for a zone or recordset the tasks may use: ACTIVE, or an existing one whose update is still propagating
/// (PENDING/UPDATE — e.g. a zone right after recordsets were added to it), never one being created or deleted.
bool usable(const boost::json::object& object) {
  const std::string status = stringField(object, "status");
  return status == "ACTIVE" || (status == "PENDING" && stringField(object, "action") == "UPDATE");
}

/// Alternating placement into a get pool and a delete pool, each with a target.
class Alternator {
 public:
  Alternator(std::size_t get_have, std::size_t get_target, std::size_t delete_have, std::size_t delete_target)
      : get_(get_have), get_target_(get_target), delete_(delete_have), delete_target_(delete_target) {}
  /// True when both pools reached their targets.
  bool full() const noexcept { return get_ >= get_target_ && delete_ >= delete_target_; }
  /// Where the next object goes: true = get pool. Precondition: !full().
  bool nextIntoGet() {
    const bool get_open = get_ < get_target_;
    const bool delete_open = delete_ < delete_target_;
    const bool into_get = get_open && (turn_get_ || !delete_open);
    turn_get_ = !into_get;
    if (into_get) {
      ++get_;
    } else {
      ++delete_;
    }
    return into_get;
  }

 private:
  std::size_t get_;            ///< objects in the get pool
  std::size_t get_target_;     ///< target of the get pool
  std::size_t delete_;         ///< objects in the delete pool
  std::size_t delete_target_;  ///< target of the delete pool
  bool turn_get_ = true;       ///< the next object goes to the get pool when both are open
};

std::string describeBelow(const PoolSizes& sizes, const PoolTargets& targets) {
  std::string out;
  const auto add = [&out](std::size_t have, std::size_t want, std::string_view what) {
    if (have >= want) return;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} of {} {}", have, want, what);
  };
  add(sizes.zones_for_get, targets.zones_for_get, "zones for get");
  add(sizes.zones_for_delete, targets.zones_for_delete, "zones for delete");
  add(sizes.recordsets_for_get, targets.recordsets_for_get, "recordsets for get");
  add(sizes.recordsets_for_delete, targets.recordsets_for_delete, "recordsets for delete");
  return out;
}

/// One job of gatherAll: gathers a tenant and notes its failure instead of throwing.
boost::asio::awaitable<void> gatherOne(sdk::UserContext& ctx, const Settings& settings, DesignateClient& client,
                                       TenantPools& pools, std::vector<std::string>& failures) {
  try {
    (void)co_await gatherTenant(ctx, settings, client, pools);
  } catch (const sdk::Error& e) {
    spdlog::error("designate {}", e.what());
    failures.emplace_back(e.what());
  }
}

}  // namespace

boost::asio::awaitable<std::vector<boost::json::object>> fetchPage(sdk::UserContext& ctx, DesignateClient& client,
                                                                   const Tenant& tenant, PageWalker& walker,
                                                                   std::string_view name,
                                                                   const GatherSettings& settings) {
  const std::string target = *walker.nextTarget();
  const std::uint32_t attempts = std::max<std::uint32_t>(settings.attempts, 1);
  std::chrono::milliseconds backoff = settings.backoff;
  std::string last_error;
  for (std::uint32_t attempt = 1; attempt <= attempts; ++attempt) {
    const sdk::HttpResponse response =
        co_await client.send(ctx, tenant, requests::listPage(target, std::string(name)));
    if (response.ok()) {
      try {
        co_return walker.onPage(response.body);
      } catch (const sdk::Error& e) {
        last_error = e.what();
      }
    } else {
      last_error = response.error;
      const bool transient = response.status == 0 || response.status >= 500;
      if (!transient) throw sdk::Error(fmt::format("GET {}: {}", target, last_error));
    }
    if (attempt == attempts) break;
    if (ctx.stopping()) throw sdk::Error(fmt::format("GET {}: {} (the run is stopping)", target, last_error));
    spdlog::debug("designate gather: project {}: GET {}: {}; retrying in {} ms", tenant.project_id, target,
                  last_error, backoff.count());
    co_await ctx.sleep(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  throw sdk::Error(fmt::format("GET {}: {} (after {} attempts)", target, last_error, attempts));
}

namespace {

/// Fills the zone pools from the tenant's usable zones, alternately into get and delete, until both targets are met
/// or the pages run out. Returns the number of pages fetched.
boost::asio::awaitable<std::size_t> gatherZones(sdk::UserContext& ctx, const Settings& settings,
                                                DesignateClient& client, TenantPools& pools) {
  const Tenant& tenant = pools.tenant();
  Alternator zones(0, settings.pools.zones_for_get, 0, settings.pools.zones_for_delete);
  PageWalker walker(requests::zonesPageTarget(client.prefix(tenant), settings.gather.page_size), "zones");
  std::size_t pages = 0;
  while (!zones.full() && walker.nextTarget()) {
    const auto items = co_await fetchPage(ctx, client, tenant, walker, requests::kGatherZonesName, settings.gather);
    ++pages;
    for (const boost::json::object& zone : items) {
      if (zones.full()) break;
      if (!usable(zone)) continue;
      ZoneRef ref{stringField(zone, "id"), stringField(zone, "name")};
      if (ref.id.empty() || ref.name.empty()) continue;
      if (zones.nextIntoGet()) {
        pools.addZoneForGet(std::move(ref));
      } else {
        pools.addZoneForDelete(std::move(ref));
      }
    }
  }
  co_return pages;
}

/// Adds the usable A recordsets of @p zone to the recordset pools through @p placement until it is full or the
/// pages run out. Returns the number of pages fetched.
boost::asio::awaitable<std::size_t> gatherRecordsetsOf(sdk::UserContext& ctx, const Settings& settings,
                                                       DesignateClient& client, TenantPools& pools,
                                                       const ZoneRef& zone, Alternator& placement) {
  const Tenant& tenant = pools.tenant();
  PageWalker walker(requests::recordsetsPageTarget(client.prefix(tenant), zone.id, settings.gather.page_size),
                    "recordsets");
  std::size_t pages = 0;
  while (!placement.full() && walker.nextTarget()) {
    const auto items =
        co_await fetchPage(ctx, client, tenant, walker, requests::kGatherRecordsetsName, settings.gather);
    ++pages;
    for (const boost::json::object& recordset : items) {
      if (placement.full()) break;
      if (stringField(recordset, "type") != "A" || !usable(recordset)) continue;
      RecordsetRef ref{stringField(recordset, "id"), stringField(recordset, "name"), zone.id, zone.name};
      if (ref.id.empty()) continue;
      if (placement.nextIntoGet()) {
        pools.addRecordsetForGet(std::move(ref));
      } else {
        pools.addRecordsetForDelete(std::move(ref));
      }
    }
  }
  co_return pages;
}

/// Both walks of gatherTenant, without the error wrapping.
boost::asio::awaitable<GatherCounts> walkTenant(sdk::UserContext& ctx, const Settings& settings,
                                                DesignateClient& client, TenantPools& pools) {
  GatherCounts counts;
  counts.zone_pages = co_await gatherZones(ctx, settings, client, pools);
  Alternator placement(0, settings.pools.recordsets_for_get, 0, settings.pools.recordsets_for_delete);
  const std::vector<ZoneRef> zones = pools.zonesForGet();
  for (const ZoneRef& zone : zones) {
    if (placement.full()) break;
    counts.recordset_pages += co_await gatherRecordsetsOf(ctx, settings, client, pools, zone, placement);
  }
  counts.sizes = pools.sizes();
  co_return counts;
}

}  // namespace

boost::asio::awaitable<GatherCounts> gatherTenant(sdk::UserContext& ctx, const Settings& settings,
                                                  DesignateClient& client, TenantPools& pools) {
  const Tenant& tenant = pools.tenant();
  pools.clear();
  GatherCounts counts;
  std::string failure;
  try {
    counts = co_await walkTenant(ctx, settings, client, pools);
  } catch (const sdk::Error& e) {
    failure = e.what();
  }
  if (!failure.empty()) throw sdk::Error(fmt::format("gather: project {}: {}", tenant.project_id, failure));
  const PoolSizes& s = counts.sizes;
  spdlog::info(
      "designate gather: project {}: zones {} for get, {} for delete; A recordsets {} for get, {} for delete "
      "({} zone pages, {} recordset pages)",
      tenant.project_id, s.zones_for_get, s.zones_for_delete, s.recordsets_for_get, s.recordsets_for_delete,
      counts.zone_pages, counts.recordset_pages);
  const std::string below = describeBelow(s, settings.pools);
  if (!below.empty()) {
    spdlog::warn("designate gather: project {}: pools below target: {} (create test data with `accurate designate "
                 "prepare`)",
                 tenant.project_id, below);
  }
  co_return counts;
}

boost::asio::awaitable<void> gatherAll(sdk::UserContext& ctx, const Settings& settings, DesignateClient& client,
                                       std::vector<TenantPools*> tenants) {
  const std::vector<std::string> token_failures = co_await client.warmUp(ctx);
  if (!token_failures.empty()) {
    throw sdk::Error(fmt::format("gather: cannot authenticate: {}", fmt::join(token_failures, "; ")));
  }
  std::vector<std::string> failures;
  co_await runBounded(ctx.executor(), settings.gather.parallel, tenants.size(), [&](std::size_t index) {
    return gatherOne(ctx, settings, client, *tenants[index], failures);
  });
  if (!failures.empty()) throw sdk::Error(fmt::format("{}", fmt::join(failures, "; ")));
}

}  // namespace accurate::designate
