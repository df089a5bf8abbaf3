#pragma once
/// @file user_tasks.hpp
/// The simulated Designate user: the 13 tasks of the original tool as members of one sdk::UserTasks subclass,
/// the state every user of a run shares, and the two user classes designate.large / designate.small.

#include "datagen.hpp"
#include "identity.hpp"
#include "settings.hpp"
#include "tenant_pools.hpp"

#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::designate {

/// The two weight profiles / user classes.
enum class ClassKind {
  kLarge,  ///< designate.large: tenants of the large pool, the large profile's weights
  kSmall,  ///< designate.small
};

/// "designate.large" or "designate.small".
std::string_view className(ClassKind kind);

/// What all users, the gather phase and the plugin share for one configuration. Created once at configure time and
/// held by shared_ptr in the user class specs and the setup phase.
/// Threading: settings, tenants and datagen are immutable; client and pools are thread-safe.
struct DesignateState {
  /// Builds the client over @p settings' tenants and an empty pool per tenant.
  DesignateState(Settings settings, std::string run_token);
  DesignateState(const DesignateState&) = delete;
  DesignateState& operator=(const DesignateState&) = delete;

  const Settings settings;           ///< the parsed `designate` section
  const std::vector<Tenant> tenants; ///< every tenant, large then small (the client keeps pointers into it)
  DesignateClient client;            ///< auth headers, token cache, sending
  const DataGen datagen;             ///< names, addresses, zone files
  TenantPoolSet pools;               ///< per-tenant pools, by profile

  /// The tenants' pools of one class.
  const std::vector<std::unique_ptr<TenantPools>>& poolsOf(ClassKind kind) const {
    return kind == ClassKind::kLarge ? pools.large : pools.small;
  }
};

/// One simulated user of designate.large or designate.small. Each task picks a random tenant of its class, then
/// what it needs from that tenant's pools (skipping, counted, when the pool is empty). Writes are followed by a
/// background status poller that records "<write> - async".
/// Threading: one instance per user, used only on that user's shard.
class DesignateUser final : public sdk::UserTasks {
 public:
  /// @p state must not be null.
  DesignateUser(std::shared_ptr<DesignateState> state, ClassKind kind);

  /// GET /v2/zones/{id} of a zone of the get pool.
  boost::asio::awaitable<void> getDomainById(sdk::UserContext& ctx);
  /// GET /v2/zones?name={name} of a zone of the get pool.
  boost::asio::awaitable<void> getDomainByName(sdk::UserContext& ctx);
  /// GET /v2/zones.
  boost::asio::awaitable<void> listDomains(sdk::UserContext& ctx);
  /// POST a generated zone file to /v2/zones/tasks/imports, poll the import until COMPLETE ("- async"), then the
  /// imported zone until ACTIVE (status checks only); the zone then joins the delete pool.
  boost::asio::awaitable<void> importZone(sdk::UserContext& ctx);
  /// POST /v2/zones/{id}/tasks/export for a zone of the get pool, poll until COMPLETE ("- async"), then download
  /// the zone file (Accept: text/dns) and check that it names the zone.
  boost::asio::awaitable<void> exportDomain(sdk::UserContext& ctx);
  /// POST /v2/zones with a fresh name, poll until ACTIVE; the zone then joins the delete pool.
  boost::asio::awaitable<void> createDomain(sdk::UserContext& ctx);
  /// PATCH /v2/zones/{id} {email, ttl 2400–7200} of a zone of the get pool, poll until ACTIVE.
  boost::asio::awaitable<void> modifyDomain(sdk::UserContext& ctx);
  /// DELETE /v2/zones/{id} of a zone taken from the delete pool, poll until 404.
  boost::asio::awaitable<void> removeDomain(sdk::UserContext& ctx);
  /// GET /v2/zones/{id}/recordsets of a zone of the get pool.
  boost::asio::awaitable<void> listRecords(sdk::UserContext& ctx);
  /// GET /v2/zones/{zid}/recordsets/{id} of a recordset of the get pool.
  boost::asio::awaitable<void> getRecord(sdk::UserContext& ctx);
  /// POST an A recordset (random address) into a zone of the get pool, poll until ACTIVE; it then joins the
  /// recordset delete pool.
  boost::asio::awaitable<void> createRecord(sdk::UserContext& ctx);
  /// PUT {records: [random address], ttl 2400–7200} on a recordset of the get pool, poll until ACTIVE.
  boost::asio::awaitable<void> modifyRecord(sdk::UserContext& ctx);
  /// DELETE a recordset taken from the delete pool, poll until 404.
  boost::asio::awaitable<void> removeRecord(sdk::UserContext& ctx);

 private:
  /// A random tenant of this user's class (the class is registered only when it has one).
  TenantPools& pickTenant(sdk::Rng& rng) const;

  std::shared_ptr<DesignateState> state_;                   ///< shared run state
  const std::vector<std::unique_ptr<TenantPools>>* tenants_;///< the class's tenants (in state_->pools)
  std::uint64_t sequence_ = 0;                              ///< zones named by this user so far
};

/// The spec of user class @p kind: weight = the profile's class_weight, wait between(wait_min, wait_max), one task
/// per positive weight. nullopt (after logging one line) when the class has no tenant or no task with a weight.
std::optional<sdk::UserClassSpec> makeUserClass(std::shared_ptr<DesignateState> state, ClassKind kind);

}  // namespace accurate::designate
