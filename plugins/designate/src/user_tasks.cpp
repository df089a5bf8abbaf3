#include "user_tasks.hpp"

#include "async_poll.hpp"
#include "pager.hpp"
#include "requests.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <limits>
#include <random>
#include <utility>

namespace accurate::designate {
namespace {

using SteadyClock = std::chrono::steady_clock;
using boost::asio::awaitable;

std::vector<Tenant> allTenants(const Settings& settings) {
  std::vector<Tenant> out = settings.large;
  out.insert(out.end(), settings.small.begin(), settings.small.end());
  return out;
}

/// TTL range of modify_domain and modify_record (the original's random 2400–7200 s).
constexpr std::uint32_t kModifyTtlMin = 2400;
constexpr std::uint32_t kModifyTtlMax = 7200;

/// Records a failed async sample when a write succeeded but its answer cannot be followed (no id).
void recordUnfollowable(sdk::UserContext& ctx, std::string_view method, std::string_view async_name,
                        SteadyClock::time_point start) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
  ctx.stats().record(sdk::Sample{method, async_name, static_cast<std::uint64_t>(us > 0 ? us : 0), 0,
                                 "the write's response has no id"});
}

/// Background part of a write: polls to the final state, records "- async", then runs @p on_success.
awaitable<void> followWrite(std::shared_ptr<DesignateState> state, TenantPools& pools, sdk::UserContext& ctx,
                            AsyncWatch watch, std::function<void()> on_success) {
  const AsyncOutcome outcome = co_await watchAsync(ctx, state->client, pools.tenant(), std::move(watch),
                                                   state->settings.async_interval, state->settings.async_timeout);
  if (outcome.finished && outcome.success && on_success) on_success();
}

/// Background part of import_zone: the import task to COMPLETE (recorded), then the imported zone to ACTIVE
/// (status checks only), after which the zone joins the delete pool.
awaitable<void> followImport(std::shared_ptr<DesignateState> state, TenantPools& pools, sdk::UserContext& ctx,
                             AsyncWatch watch, std::string zone_name) {
  const Settings& settings = state->settings;
  const AsyncOutcome imported = co_await watchAsync(ctx, state->client, pools.tenant(), std::move(watch),
                                                    settings.async_interval, settings.async_timeout);
  if (!imported.finished || !imported.success) co_return;
  std::string zone_id = jsonString(imported.last_body, {"zone_id"});
  if (zone_id.empty()) zone_id = lastSegment(jsonString(imported.last_body, {"links", "zone"}));
  if (zone_id.empty()) co_return;  // COMPLETE without a zone reference: nothing to add to the pool
  const std::string prefix = state->client.prefix(pools.tenant());
  AsyncWatch zone_watch{PollKind::kZone, PollGoal::kReady, requests::zoneStatus(prefix, zone_id, PollGoal::kReady),
                        {}, {}, SteadyClock::now(), false};
  const AsyncOutcome active = co_await watchAsync(ctx, state->client, pools.tenant(), std::move(zone_watch),
                                                  settings.async_interval, settings.async_timeout);
  if (active.finished && active.success) pools.addZoneForDelete({std::move(zone_id), std::move(zone_name)});
}

/// Background part of export_domain: the export task to COMPLETE (recorded), then the zone file download.
awaitable<void> followExport(std::shared_ptr<DesignateState> state, TenantPools& pools, sdk::UserContext& ctx,
                             AsyncWatch watch, std::string export_id, std::string zone_name) {
  const AsyncOutcome exported = co_await watchAsync(ctx, state->client, pools.tenant(), std::move(watch),
                                                    state->settings.async_interval, state->settings.async_timeout);
  if (!exported.finished || !exported.success) co_return;
  const std::string link = jsonString(exported.last_body, {"links", "export"});
  std::string target = link.empty() ? requests::exportTarget(state->client.prefix(pools.tenant()), export_id)
                                    : targetOf(link);
  co_await state->client.send(ctx, pools.tenant(), requests::downloadExport(std::move(target), std::move(zone_name)));
}

/// What sendWrite learnt.
struct WriteResult {
  bool accepted = false;                ///< expected status and an id in the body
  std::string id;                       ///< the id of the written object (or task)
  std::optional<std::uint32_t> serial;  ///< the `serial` of the body (a zone's), when it has one
};

/// The unsigned 32-bit `serial` member of a JSON object body, if any.
std::optional<std::uint32_t> serialOf(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  const auto* object = ec ? nullptr : root.if_object();
  const auto* serial = object ? object->if_contains("serial") : nullptr;
  if (serial == nullptr) return std::nullopt;
  const auto value = serial->to_number<std::int64_t>(ec);
  if (ec || value < 0 || value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

/// Epoch seconds of steady time point @p t (which is in the past).
double epochSeconds(SteadyClock::time_point t) {
  const auto since = SteadyClock::now() - t;
  return std::chrono::duration<double>((std::chrono::system_clock::now() - since).time_since_epoch()).count();
}

/// Tells the other plugins (e.g. digaas) that the API accepted a DNS change whose write started at @p start.
void publishChange(sdk::UserContext& ctx, sdk::DnsChange::Type type, std::string zone, std::string name,
                   SteadyClock::time_point start, std::string rdata = {},
                   std::optional<std::uint32_t> serial = std::nullopt) {
  const bool record = type == sdk::DnsChange::Type::kRecordCreate || type == sdk::DnsChange::Type::kRecordUpdate ||
                      type == sdk::DnsChange::Type::kRecordDelete;
  ctx.publishChange(sdk::DnsChange{type, std::move(zone), std::move(name), record ? "A" : "", std::move(rdata),
                                   serial, epochSeconds(start)});
}

/// Sends @p request (a write) and extracts the id of what it created or changed. On a missing id, records the
/// async failure itself. @p start is set just before the send.
awaitable<WriteResult> sendWrite(sdk::UserContext& ctx, DesignateClient& client, const Tenant& tenant,
                                 sdk::HttpRequest request, SteadyClock::time_point& start) {
  const std::string method = request.method;
  const std::string async_name = asyncName(request.name);
  start = SteadyClock::now();
  const sdk::HttpResponse response = co_await client.send(ctx, tenant, std::move(request));
  WriteResult result;
  if (!response.ok()) co_return result;
  result.id = jsonString(response.body, {"id"});
  if (result.id.empty()) {
    recordUnfollowable(ctx, method, async_name, start);
    co_return result;
  }
  result.accepted = true;
  result.serial = serialOf(response.body);
  co_return result;
}

AsyncWatch makeWatch(PollKind kind, PollGoal goal, sdk::HttpRequest status, const sdk::HttpRequest& write,
                     SteadyClock::time_point start) {
  return AsyncWatch{kind, goal, std::move(status), write.method, asyncName(write.name), start, true};
}

}  // namespace

std::string_view className(ClassKind kind) { return kind == ClassKind::kLarge ? "designate.large" : "designate.small"; }

DesignateState::DesignateState(Settings parsed, std::string run_token)
    : settings(std::move(parsed)),
      tenants(allTenants(settings)),
      client(settings.auth, tenants),
      datagen(std::move(run_token), settings.zone_suffix),
      pools(TenantPoolSet::fromSettings(settings)) {}

DesignateUser::DesignateUser(std::shared_ptr<DesignateState> state, ClassKind kind)
    : state_(std::move(state)), tenants_(&state_->poolsOf(kind)) {}

TenantPools& DesignateUser::pickTenant(sdk::Rng& rng) const {
  std::uniform_int_distribution<std::size_t> index(0, tenants_->size() - 1);
  return *(*tenants_)[index(rng)];
}

awaitable<void> DesignateUser::getDomainById(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto zone = pools.pickZoneForGet(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kGetDomainById, "zones for get");
  co_await state_->client.send(ctx, pools.tenant(),
                               requests::getZone(state_->client.prefix(pools.tenant()), zone->id));
}

awaitable<void> DesignateUser::getDomainByName(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto zone = pools.pickZoneForGet(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kGetDomainByName, "zones for get");
  co_await state_->client.send(ctx, pools.tenant(),
                               requests::findZoneByName(state_->client.prefix(pools.tenant()), zone->name));
}

awaitable<void> DesignateUser::listDomains(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  co_await state_->client.send(ctx, pools.tenant(), requests::listZones(state_->client.prefix(pools.tenant())));
}

awaitable<void> DesignateUser::importZone(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const Tenant& tenant = pools.tenant();
  const DataGen& gen = state_->datagen;
  std::string zone = gen.zoneName(ctx.userId(), ++sequence_, ctx.rng());
  const auto serial = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::string file = DataGen::zoneFile(zone, serial, {{"www", gen.ipv4(ctx.rng())}, {"mail", gen.ipv4(ctx.rng())}});
  const std::string prefix = state_->client.prefix(tenant);
  sdk::HttpRequest write = requests::createImport(prefix, std::move(file));
  const std::string method = write.method;
  const std::string async_name = asyncName(write.name);
  SteadyClock::time_point start;
  const WriteResult result = co_await sendWrite(ctx, state_->client, tenant, std::move(write), start);
  if (!result.accepted) co_return;
  publishChange(ctx, sdk::DnsChange::Type::kZoneCreate, zone, zone, start);
  AsyncWatch watch{PollKind::kImport, PollGoal::kReady, requests::importStatus(prefix, result.id), method, async_name,
                   start, true};
  ctx.spawnBackground("import_zone status poll",
                      followImport(state_, pools, ctx, std::move(watch), std::move(zone)));
}

awaitable<void> DesignateUser::exportDomain(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto zone = pools.pickZoneForGet(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kExportDomain, "zones for get");
  const std::string prefix = state_->client.prefix(pools.tenant());
  sdk::HttpRequest write = requests::createExport(prefix, zone->id);
  AsyncWatch watch = makeWatch(PollKind::kExport, PollGoal::kReady, {}, write, {});
  SteadyClock::time_point start;
  const WriteResult result = co_await sendWrite(ctx, state_->client, pools.tenant(), std::move(write), start);
  if (!result.accepted) co_return;
  watch.status_request = requests::exportStatus(prefix, result.id);
  watch.write_start = start;
  ctx.spawnBackground("export_domain status poll",
                      followExport(state_, pools, ctx, std::move(watch), result.id, zone->name));
}

awaitable<void> DesignateUser::createDomain(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  std::string zone = state_->datagen.zoneName(ctx.userId(), ++sequence_, ctx.rng());
  const std::string prefix = state_->client.prefix(pools.tenant());
  sdk::HttpRequest write = requests::createZone(prefix, zone, DataGen::email(zone), state_->settings.zone_ttl);
  AsyncWatch watch = makeWatch(PollKind::kZone, PollGoal::kReady, {}, write, {});
  const WriteResult result = co_await sendWrite(ctx, state_->client, pools.tenant(), std::move(write),
                                                watch.write_start);
  if (!result.accepted) co_return;
  publishChange(ctx, sdk::DnsChange::Type::kZoneCreate, zone, zone, watch.write_start);
  watch.status_request = requests::zoneStatus(prefix, result.id, PollGoal::kReady);
  ctx.spawnBackground("create_domain status poll",
                      followWrite(state_, pools, ctx, std::move(watch),
                                  [&pools, ref = ZoneRef{result.id, std::move(zone)}]() mutable {
                                    pools.addZoneForDelete(std::move(ref));
                                  }));
}

awaitable<void> DesignateUser::modifyDomain(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto zone = pools.pickZoneForGet(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kModifyDomain, "zones for get");
  const std::string prefix = state_->client.prefix(pools.tenant());
  const std::uint32_t ttl = state_->datagen.ttl(ctx.rng(), kModifyTtlMin, kModifyTtlMax);
  sdk::HttpRequest write = requests::patchZone(prefix, zone->id, DataGen::email(zone->name), ttl);
  AsyncWatch watch =
      makeWatch(PollKind::kZone, PollGoal::kReady, requests::zoneStatus(prefix, zone->id, PollGoal::kReady), write, {});
  const WriteResult result = co_await sendWrite(ctx, state_->client, pools.tenant(), std::move(write),
                                                watch.write_start);
  if (!result.accepted) co_return;
  publishChange(ctx, sdk::DnsChange::Type::kZoneUpdate, zone->name, zone->name, watch.write_start, {}, result.serial);
  ctx.spawnBackground("modify_domain status poll", followWrite(state_, pools, ctx, std::move(watch), {}));
}

awaitable<void> DesignateUser::removeDomain(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  auto zone = pools.takeZoneForDelete(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kRemoveDomain, "zones for delete");
  const std::string prefix = state_->client.prefix(pools.tenant());
  sdk::HttpRequest write = requests::deleteZone(prefix, zone->id);
  AsyncWatch watch =
      makeWatch(PollKind::kZone, PollGoal::kGone, requests::zoneStatus(prefix, zone->id, PollGoal::kGone), write, {});
  watch.write_start = SteadyClock::now();
  const sdk::HttpResponse response = co_await state_->client.send(ctx, pools.tenant(), std::move(write));
  if (!response.ok()) {
    // Not sent or a server fault: the zone most likely still exists, so another delete may try it again.
    if (response.status == 0 || response.status >= 500) pools.addZoneForDelete(std::move(*zone));
    co_return;
  }
  publishChange(ctx, sdk::DnsChange::Type::kZoneDelete, zone->name, zone->name, watch.write_start);
  ctx.spawnBackground("remove_domain status poll", followWrite(state_, pools, ctx, std::move(watch), {}));
}

awaitable<void> DesignateUser::listRecords(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto zone = pools.pickZoneForGet(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kListRecords, "zones for get");
  co_await state_->client.send(ctx, pools.tenant(),
                               requests::listRecordsets(state_->client.prefix(pools.tenant()), zone->id));
}

awaitable<void> DesignateUser::getRecord(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto recordset = pools.pickRecordsetForGet(ctx.rng());
  if (!recordset) co_return noteSkipped(ctx, pools, TaskId::kGetRecord, "recordsets for get");
  co_await state_->client.send(
      ctx, pools.tenant(),
      requests::getRecordset(state_->client.prefix(pools.tenant()), recordset->zone_id, recordset->id));
}

awaitable<void> DesignateUser::createRecord(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto zone = pools.pickZoneForGet(ctx.rng());
  if (!zone) co_return noteSkipped(ctx, pools, TaskId::kCreateRecord, "zones for get");
  const DataGen& gen = state_->datagen;
  const std::string prefix = state_->client.prefix(pools.tenant());
  std::string name = gen.recordName(zone->name, ctx.rng());
  std::string ip = gen.ipv4(ctx.rng());
  sdk::HttpRequest write = requests::createRecordset(prefix, zone->id, name, state_->settings.recordset_ttl, ip);
  AsyncWatch watch = makeWatch(PollKind::kRecordset, PollGoal::kReady, {}, write, {});
  const WriteResult result = co_await sendWrite(ctx, state_->client, pools.tenant(), std::move(write),
                                                watch.write_start);
  if (!result.accepted) co_return;
  publishChange(ctx, sdk::DnsChange::Type::kRecordCreate, zone->name, name, watch.write_start, std::move(ip));
  watch.status_request = requests::recordsetStatus(prefix, zone->id, result.id, PollGoal::kReady);
  RecordsetRef ref{result.id, std::move(name), zone->id, zone->name};
  ctx.spawnBackground("create_record status poll",
                      followWrite(state_, pools, ctx, std::move(watch), [&pools, ref = std::move(ref)]() mutable {
                        pools.addRecordsetForDelete(std::move(ref));
                      }));
}

awaitable<void> DesignateUser::modifyRecord(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  const auto recordset = pools.pickRecordsetForGet(ctx.rng());
  if (!recordset) co_return noteSkipped(ctx, pools, TaskId::kModifyRecord, "recordsets for get");
  const DataGen& gen = state_->datagen;
  const std::string prefix = state_->client.prefix(pools.tenant());
  const std::string ip = gen.ipv4(ctx.rng());
  const std::uint32_t ttl = gen.ttl(ctx.rng(), kModifyTtlMin, kModifyTtlMax);
  sdk::HttpRequest write = requests::updateRecordset(prefix, recordset->zone_id, recordset->id, ip, ttl);
  AsyncWatch watch = makeWatch(PollKind::kRecordset, PollGoal::kReady,
                               requests::recordsetStatus(prefix, recordset->zone_id, recordset->id, PollGoal::kReady),
                               write, {});
  const WriteResult result = co_await sendWrite(ctx, state_->client, pools.tenant(), std::move(write),
                                                watch.write_start);
  if (!result.accepted) co_return;
  publishChange(ctx, sdk::DnsChange::Type::kRecordUpdate, recordset->zone_name, recordset->name, watch.write_start,
                ip);
  ctx.spawnBackground("modify_record status poll", followWrite(state_, pools, ctx, std::move(watch), {}));
}

awaitable<void> DesignateUser::removeRecord(sdk::UserContext& ctx) {
  TenantPools& pools = pickTenant(ctx.rng());
  auto recordset = pools.takeRecordsetForDelete(ctx.rng());
  if (!recordset) co_return noteSkipped(ctx, pools, TaskId::kRemoveRecord, "recordsets for delete");
  const std::string prefix = state_->client.prefix(pools.tenant());
  sdk::HttpRequest write = requests::deleteRecordset(prefix, recordset->zone_id, recordset->id);
  AsyncWatch watch = makeWatch(PollKind::kRecordset, PollGoal::kGone,
                               requests::recordsetStatus(prefix, recordset->zone_id, recordset->id, PollGoal::kGone),
                               write, {});
  watch.write_start = SteadyClock::now();
  const sdk::HttpResponse response = co_await state_->client.send(ctx, pools.tenant(), std::move(write));
  if (!response.ok()) {
    if (response.status == 0 || response.status >= 500) pools.addRecordsetForDelete(std::move(*recordset));
    co_return;
  }
  publishChange(ctx, sdk::DnsChange::Type::kRecordDelete, recordset->zone_name, recordset->name, watch.write_start);
  ctx.spawnBackground("remove_record status poll", followWrite(state_, pools, ctx, std::move(watch), {}));
}

std::optional<sdk::UserClassSpec> makeUserClass(std::shared_ptr<DesignateState> state, ClassKind kind) {
  using TaskMaker = sdk::TaskSpec (*)(std::string, double);
  // Indexed by TaskId, in the order of kTaskNames.
  static constexpr std::array<TaskMaker, kTaskCount> kMakers{
      &sdk::memberTask<&DesignateUser::getDomainById>, &sdk::memberTask<&DesignateUser::getDomainByName>,
      &sdk::memberTask<&DesignateUser::listDomains>,   &sdk::memberTask<&DesignateUser::importZone>,
      &sdk::memberTask<&DesignateUser::exportDomain>,  &sdk::memberTask<&DesignateUser::createDomain>,
      &sdk::memberTask<&DesignateUser::modifyDomain>,  &sdk::memberTask<&DesignateUser::removeDomain>,
      &sdk::memberTask<&DesignateUser::listRecords>,   &sdk::memberTask<&DesignateUser::getRecord>,
      &sdk::memberTask<&DesignateUser::createRecord>,  &sdk::memberTask<&DesignateUser::modifyRecord>,
      &sdk::memberTask<&DesignateUser::removeRecord>};
  const std::string_view name = className(kind);
  if (state->poolsOf(kind).empty()) {
    spdlog::info("designate: no {} tenants configured: user class {} is not registered",
                 kind == ClassKind::kLarge ? "large" : "small", name);
    return std::nullopt;
  }
  const Profile& profile = kind == ClassKind::kLarge ? state->settings.large_profile : state->settings.small_profile;
  sdk::UserClassSpec spec;
  spec.name = std::string(name);
  spec.weight = profile.class_weight;
  spec.wait = sdk::WaitTime::between(state->settings.wait_min, state->settings.wait_max);
  for (std::size_t i = 0; i < kTaskCount; ++i) {
    if (profile.weights[i] > 0) spec.tasks.push_back(kMakers[i](std::string(kTaskNames[i]), profile.weights[i]));
  }
  if (spec.tasks.empty()) {
    spdlog::info("designate: every task weight of {} is 0: the class is not registered", name);
    return std::nullopt;
  }
  spec.make_tasks = [state = std::move(state), kind](sdk::UserContext&) -> std::unique_ptr<sdk::UserTasks> {
    return std::make_unique<DesignateUser>(state, kind);
  };
  return spec;
}

}  // namespace accurate::designate
