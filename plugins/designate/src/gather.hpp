#pragma once
/// @file gather.hpp
/// The "designate gather" setup phase: before the load, walk each tenant's zones and A recordsets (paginated,
/// sort_key=id, following links.next) and fill its pools, alternating between get and delete, until the targets
/// of Settings::pools are met or the data runs out.

#include "identity.hpp"
#include "pager.hpp"
#include "settings.hpp"
#include "tenant_pools.hpp"

#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string_view>
#include <vector>

namespace accurate::designate {

/// What the walk of one tenant found.
struct GatherCounts {
  PoolSizes sizes;                  ///< pool sizes after the walk
  std::size_t zone_pages = 0;       ///< zone list pages fetched
  std::size_t recordset_pages = 0;  ///< recordset list pages fetched (over all zones)
};

/// Fetches the page PageWalker @p walker points at (GET, stats name @p name) for @p tenant and returns its items.
/// A 5xx, a transport error or an unparsable page is retried up to settings.attempts times in all, waiting
/// settings.backoff, doubled per retry (at most 30 s). @throws sdk::Error "GET <target>: <reason>" when the
/// attempts are used up, at once for another status (e.g. "HTTP 403 (expected 200)"), or when the run stops.
boost::asio::awaitable<std::vector<boost::json::object>> fetchPage(sdk::UserContext& ctx, DesignateClient& client,
                                                                   const Tenant& tenant, PageWalker& walker,
                                                                   std::string_view name,
                                                                   const GatherSettings& settings);

/// Empties @p pools, then refills them from the tenant's usable zones — ACTIVE, or PENDING with action UPDATE —
/// (alternately into get and delete; paging stops when both targets are met) and the usable A recordsets of its
/// get-pool zones (alternately, likewise).
/// Logs what it found and warns when a pool stays below its target.
/// @throws sdk::Error "gather: project <id>: <reason>".
boost::asio::awaitable<GatherCounts> gatherTenant(sdk::UserContext& ctx, const Settings& settings,
                                                  DesignateClient& client, TenantPools& pools);

/// The setup phase: DesignateClient::warmUp (token modes), then gatherTenant for every tenant in @p tenants, at
/// most settings.gather.parallel at once on ctx's executor.
/// @throws sdk::Error naming every tenant that could not be authenticated or gathered (joined with "; ").
/// All references must outlive the returned awaitable.
boost::asio::awaitable<void> gatherAll(sdk::UserContext& ctx, const Settings& settings, DesignateClient& client,
                                       std::vector<TenantPools*> tenants);

}  // namespace accurate::designate
