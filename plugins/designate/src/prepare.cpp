#include "prepare.hpp"

#include "async_poll.hpp"
#include "datagen.hpp"
#include "gather.hpp"
#include "identity.hpp"
#include "pager.hpp"
#include "parallel.hpp"
#include "requests.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <iostream>
#include <map>
#include <utility>

namespace accurate::designate {
namespace {

using SteadyClock = std::chrono::steady_clock;
using boost::asio::awaitable;

constexpr std::string_view kListZonesName = "/v2/zones (prepare)";
constexpr std::string_view kListRecordsetsName = "/v2/zones/ID/recordsets (prepare)";

/// One zone the tenant must have.
struct PrepZone {
  std::uint32_t index = 0;                ///< 1-based number in its name
  std::string name;                       ///< prep<index>.<label>.<suffix>
  std::string id;                         ///< zone id once found or created; "" before
  std::string status;                     ///< last seen status ("PENDING", "ACTIVE", "ERROR", ...)
  std::vector<std::uint32_t> missing_rs;  ///< recordset numbers still to create
  bool error_reported = false;            ///< its ERROR status was reported as a failure
};

/// The work for one tenant.
struct TenantWork {
  const Tenant* tenant = nullptr;        ///< whose zones
  std::string prefix;                    ///< API prefix for the tenant
  std::vector<PrepZone> zones;           ///< the N zones it must have
  std::uint64_t zones_have = 0;          ///< prepared zones that exist (found or created)
  std::uint64_t recordsets_have = 0;     ///< prepared recordsets that exist
  bool failed = false;                   ///< a step failed that later steps depend on (no token, no list)
  std::uint64_t printed_zones = ~0ull;   ///< zones_have when the last progress line was printed
  std::uint64_t printed_rs = ~0ull;      ///< recordsets_have when the last progress line was printed
};

/// A zone and recordset to create: indexes into the work.
struct RecordsetJob {
  std::size_t tenant;      ///< index in the work vector
  std::size_t zone;        ///< index in its zones
  std::uint32_t number;    ///< recordset number
};

std::string lowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string stringField(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return {};
  return std::string(value->get_string());
}

/// "HTTP 409 (expected 202, 413): Duplicate Zone" — the client's error plus Designate's message when present.
std::string describeFailure(const sdk::HttpResponse& response) {
  const std::string message = jsonString(response.body, {"message"});
  if (message.empty() || response.error.find(message) != std::string::npos) return response.error;
  return response.error + ": " + message;
}

std::uint32_t parseCount(std::string_view flag, std::string_view value, std::uint32_t min) {
  std::uint32_t out = 0;
  const auto* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (value.empty() || ec != std::errc() || ptr != end || out < min) {
    throw sdk::ConfigError(std::string(flag), fmt::format("expected an integer >= {}, got \"{}\"", min, value));
  }
  return out;
}

/// Prints the per-tenant progress lines and the failures.
class Progress {
 public:
  Progress(std::ostream& out, std::uint32_t zones, std::uint32_t recordsets)
      : out_(out), zones_(zones), recordsets_(recordsets) {}

  /// Prints the tenants whose counts changed, at most once a second unless @p force.
  void print(std::vector<TenantWork>& work, bool force) {
    const auto now = SteadyClock::now();
    if (!force && now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    for (TenantWork& w : work) {
      if (w.zones_have == w.printed_zones && w.recordsets_have == w.printed_rs) continue;
      w.printed_zones = w.zones_have;
      w.printed_rs = w.recordsets_have;
      out_ << fmt::format("prepare: {}: zones {}/{}, recordsets {}/{}\n", w.tenant->project_id, w.zones_have, zones_,
                          w.recordsets_have, std::uint64_t{zones_} * recordsets_);
    }
    out_.flush();
  }
  /// Prints one failure line for @p work's tenant.
  void failure(const TenantWork& work, std::string_view what) {
    out_ << fmt::format("prepare: {}: error: {}\n", work.tenant->project_id, what);
    out_.flush();
  }

 private:
  std::ostream& out_;                        ///< where lines go
  std::uint32_t zones_;                      ///< N
  std::uint32_t recordsets_;                 ///< M
  SteadyClock::time_point last_{};           ///< when lines were last printed
};

/// True when recordsets may be created in @p zone now.
bool zoneUsable(const PrepZone& zone, bool wait_active) {
  if (zone.id.empty()) return false;
  return wait_active ? zone.status == "ACTIVE" : zone.status != "ERROR";
}

/// True while a zone of @p w was created or found but is neither ACTIVE nor ERROR yet.
bool waitingForActive(const TenantWork& w) {
  return !w.failed && std::any_of(w.zones.begin(), w.zones.end(), [](const PrepZone& z) {
           return !z.id.empty() && z.status != "ACTIVE" && z.status != "ERROR";
         });
}

/// One run of the command: the steps as member coroutines (jobs of runBounded) over shared bookkeeping.
/// Threading: everything runs on ctx's executor (one thread), so the counters need no locks.
class PrepareRun {
 public:
  PrepareRun(sdk::UserContext& ctx, const Settings& settings, std::ostream& out)
      : ctx_(ctx),
        settings_(settings),
        prep_(settings.prepare),
        tenants_(allTenants(settings)),
        client_(settings.auth, tenants_),
        progress_(out, prep_.zones, prep_.recordsets),
        out_(out) {
    work_.resize(tenants_.size());
    for (std::size_t t = 0; t < tenants_.size(); ++t) {
      TenantWork& w = work_[t];
      w.tenant = &tenants_[t];
      w.prefix = client_.prefix(tenants_[t]);
      for (std::uint32_t i = 1; i <= prep_.zones; ++i) {
        w.zones.push_back(PrepZone{i, preparedZoneName(tenants_[t].project_id, i, settings.zone_suffix), {}, {}, {}, false});
      }
    }
    totals_.zones_wanted = std::uint64_t{prep_.zones} * tenants_.size();
    totals_.recordsets_wanted = totals_.zones_wanted * prep_.recordsets;
  }

  /// Runs every step and prints the summary.
  awaitable<PrepareTotals> run() {
    out_ << fmt::format("prepare: {} tenants: {} zones with {} A recordsets each, {} requests at once{}\n",
                        tenants_.size(), prep_.zones, prep_.recordsets, prep_.parallel,
                        prep_.quotas.empty() ? "" : ", quotas first");
    const auto executor = ctx_.executor();
    // 0. Tokens (token modes).
    const std::vector<std::string> token_failures = co_await client_.warmUp(ctx_);
    for (const std::string& line : token_failures) {
      for (TenantWork& w : work_) {
        if (line.starts_with("project " + w.tenant->project_id + ":")) w.failed = true;
      }
      ++totals_.failures;
      out_ << "prepare: error: no token for " << line << '\n';
    }
    // 1. Quotas, then the prepared zones that exist.
    co_await runBounded(executor, prep_.parallel, work_.size(), [this](std::size_t t) { return startTenant(t); });
    for (const TenantWork& w : work_) totals_.zones_found += w.zones_have;
    progress_.print(work_, true);
    // 2. The missing zones.
    for (std::size_t t = 0; t < work_.size(); ++t) {
      if (work_[t].failed) continue;
      for (std::size_t z = 0; z < work_[t].zones.size(); ++z) {
        if (work_[t].zones[z].id.empty()) zone_jobs_.emplace_back(t, z);
      }
    }
    co_await runBounded(executor, prep_.parallel, zone_jobs_.size(), [this](std::size_t j) { return createZone(j); });
    progress_.print(work_, true);
    // 3. Every prepared zone ACTIVE (or ERROR) within async_timeout.
    if (prep_.wait_active) co_await waitActive();
    // 4. The prepared recordsets that exist, per usable zone.
    for (std::size_t t = 0; t < work_.size(); ++t) {
      if (work_[t].failed || prep_.recordsets == 0) continue;
      for (std::size_t z = 0; z < work_[t].zones.size(); ++z) {
        if (zoneUsable(work_[t].zones[z], prep_.wait_active)) usable_.emplace_back(t, z);
      }
    }
    co_await runBounded(executor, prep_.parallel, usable_.size(), [this](std::size_t i) { return scanZone(i); });
    progress_.print(work_, true);
    // 5. The missing recordsets.
    for (const auto& [t, z] : usable_) {
      for (std::uint32_t j : work_[t].zones[z].missing_rs) rs_jobs_.push_back(RecordsetJob{t, z, j});
    }
    co_await runBounded(executor, prep_.parallel, rs_jobs_.size(), [this](std::size_t i) { return createRecordset(i); });
    progress_.print(work_, true);
    // 6. Zones that got recordsets are PENDING until those are ACTIVE: wait again, so that the gather phase of a
    //    run started right afterwards finds them ACTIVE.
    if (prep_.wait_active && totals_.recordsets_created > 0) co_await waitActive();
    out_ << fmt::format("prepare: {}: zones {}/{} ({} created), recordsets {}/{} ({} created), {} failure{}\n",
                        totals_.failures == 0 ? "done" : "FAILED", totals_.zones_found + totals_.zones_created,
                        totals_.zones_wanted, totals_.zones_created,
                        totals_.recordsets_found + totals_.recordsets_created, totals_.recordsets_wanted,
                        totals_.recordsets_created, totals_.failures, totals_.failures == 1 ? "" : "s");
    out_.flush();
    co_return totals_;
  }

 private:
  static std::vector<Tenant> allTenants(const Settings& settings) {
    std::vector<Tenant> out = settings.large;
    out.insert(out.end(), settings.small.begin(), settings.small.end());
    return out;
  }

  void fail(TenantWork& w, std::string_view what) {
    ++totals_.failures;
    progress_.failure(w, what);
  }

  /// Step 1 for tenant @p t: quotas, then the scan of its zones.
  awaitable<void> startTenant(std::size_t t) {
    TenantWork& w = work_[t];
    if (w.failed) co_return;
    if (!prep_.quotas.empty()) {
      const auto response =
          co_await client_.send(ctx_, *w.tenant, requests::setQuotas(w.tenant->project_id, prep_.quotas));
      if (!response.ok()) fail(w, "cannot set quotas: " + describeFailure(response));
    }
    co_await scanZonesOf(w);
  }

  /// Walks every page of the tenant's zones and records id and status of the prepared ones. On failure the tenant
  /// is marked failed.
  awaitable<void> scanZonesOf(TenantWork& w) {
    std::map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < w.zones.size(); ++i) by_name.emplace(lowerCase(w.zones[i].name), i);
    PageWalker walker(requests::zonesPageTarget(w.prefix, settings_.gather.page_size), "zones");
    try {
      while (walker.nextTarget()) {
        const auto items = co_await fetchPage(ctx_, client_, *w.tenant, walker, kListZonesName, settings_.gather);
        for (const boost::json::object& item : items) {
          const auto found = by_name.find(lowerCase(stringField(item, "name")));
          if (found == by_name.end()) continue;
          PrepZone& zone = w.zones[found->second];
          zone.id = stringField(item, "id");
          zone.status = stringField(item, "status");
        }
      }
    } catch (const sdk::Error& e) {
      w.failed = true;
      fail(w, std::string("cannot list zones: ") + e.what());
      co_return;
    }
    w.zones_have = static_cast<std::uint64_t>(
        std::count_if(w.zones.begin(), w.zones.end(), [](const PrepZone& z) { return !z.id.empty(); }));
  }

  /// Step 2, job @p j: creates one missing zone.
  awaitable<void> createZone(std::size_t j) {
    TenantWork& w = work_[zone_jobs_[j].first];
    PrepZone& zone = w.zones[zone_jobs_[j].second];
    const auto response = co_await client_.send(
        ctx_, *w.tenant, requests::createZone(w.prefix, zone.name, DataGen::email(zone.name), settings_.zone_ttl));
    const std::string id = response.ok() ? jsonString(response.body, {"id"}) : std::string();
    if (id.empty()) {
      fail(w, fmt::format("cannot create zone {}: {}", zone.name,
                          response.ok() ? std::string("no id in the response") : describeFailure(response)));
      co_return;
    }
    zone.id = id;
    zone.status = jsonString(response.body, {"status"});
    ++w.zones_have;
    ++totals_.zones_created;
    progress_.print(work_, false);
  }

  /// Step 3: re-lists the tenants with pending zones every async_interval until none is left or async_timeout.
  awaitable<void> waitActive() {
    const auto deadline = SteadyClock::now() + settings_.async_timeout;
    while (std::any_of(work_.begin(), work_.end(), waitingForActive)) {
      if (SteadyClock::now() >= deadline) {
        for (TenantWork& w : work_) {
          for (PrepZone& z : w.zones) {
            if (w.failed || z.id.empty() || z.status == "ACTIVE" || z.status == "ERROR") continue;
            fail(w, fmt::format("zone {} is not ACTIVE after {} (status {})", z.name,
                                sdk::formatDuration(settings_.async_timeout), z.status.empty() ? "?" : z.status));
            z.status = "TIMEOUT";
          }
        }
        break;
      }
      if (!co_await sleepUntil(ctx_, std::min(deadline, SteadyClock::now() + settings_.async_interval))) break;
      waiting_.clear();
      for (std::size_t t = 0; t < work_.size(); ++t) {
        if (waitingForActive(work_[t])) waiting_.push_back(t);
      }
      co_await runBounded(ctx_.executor(), prep_.parallel, waiting_.size(),
                          [this](std::size_t i) { return scanZonesOf(work_[waiting_[i]]); });
    }
    for (TenantWork& w : work_) {
      for (PrepZone& z : w.zones) {
        if (w.failed || z.status != "ERROR" || z.error_reported) continue;
        z.error_reported = true;
        fail(w, fmt::format("zone {} is in status ERROR", z.name));
      }
    }
  }

  /// Step 4, job @p i: lists a usable zone's A recordsets and notes which prepared ones are missing.
  awaitable<void> scanZone(std::size_t i) {
    TenantWork& w = work_[usable_[i].first];
    PrepZone& zone = w.zones[usable_[i].second];
    std::vector<bool> present(prep_.recordsets + 1, false);
    std::map<std::string, std::uint32_t> by_name;
    for (std::uint32_t j = 1; j <= prep_.recordsets; ++j) by_name.emplace(lowerCase(preparedRecordName(j, zone.name)), j);
    PageWalker walker(requests::recordsetsPageTarget(w.prefix, zone.id, settings_.gather.page_size), "recordsets");
    try {
      while (walker.nextTarget()) {
        const auto items =
            co_await fetchPage(ctx_, client_, *w.tenant, walker, kListRecordsetsName, settings_.gather);
        for (const boost::json::object& item : items) {
          if (stringField(item, "type") != "A") continue;
          const auto found = by_name.find(lowerCase(stringField(item, "name")));
          if (found != by_name.end()) present[found->second] = true;
        }
      }
    } catch (const sdk::Error& e) {
      fail(w, fmt::format("cannot list the recordsets of {}: {}", zone.name, e.what()));
      co_return;
    }
    for (std::uint32_t j = 1; j <= prep_.recordsets; ++j) {
      if (present[j]) {
        ++w.recordsets_have;
        ++totals_.recordsets_found;
      } else {
        zone.missing_rs.push_back(j);
      }
    }
  }

  /// Step 5, job @p i: creates one missing recordset.
  awaitable<void> createRecordset(std::size_t i) {
    const RecordsetJob& job = rs_jobs_[i];
    TenantWork& w = work_[job.tenant];
    PrepZone& zone = w.zones[job.zone];
    const std::string name = preparedRecordName(job.number, zone.name);
    // Documentation addresses (TEST-NET-1), one per recordset number.
    const std::string ip = fmt::format("192.0.2.{}", (job.number - 1) % 254 + 1);
    const auto response = co_await client_.send(
        ctx_, *w.tenant, requests::createRecordset(w.prefix, zone.id, name, settings_.recordset_ttl, ip));
    if (!response.ok()) {
      fail(w, fmt::format("cannot create recordset {}: {}", name, describeFailure(response)));
      co_return;
    }
    ++w.recordsets_have;
    ++totals_.recordsets_created;
    zone.status = "PENDING";  // Designate shows the zone PENDING/UPDATE until its new records are ACTIVE
    progress_.print(work_, false);
  }

  sdk::UserContext& ctx_;                                   ///< the command's context
  const Settings& settings_;                                ///< the plugin section
  const PrepareSettings& prep_;                             ///< settings_.prepare (with the command's flags)
  const std::vector<Tenant> tenants_;                       ///< every tenant, large then small
  DesignateClient client_;                                  ///< auth and sending
  Progress progress_;                                       ///< progress and failure lines
  std::ostream& out_;                                       ///< where lines go
  PrepareTotals totals_;                                    ///< the outcome
  std::vector<TenantWork> work_;                            ///< per tenant, same order as tenants_
  std::vector<std::pair<std::size_t, std::size_t>> zone_jobs_;  ///< (tenant, zone) to create
  std::vector<std::size_t> waiting_;                        ///< tenants re-listed in this round of step 3
  std::vector<std::pair<std::size_t, std::size_t>> usable_; ///< (tenant, zone) that may get recordsets
  std::vector<RecordsetJob> rs_jobs_;                       ///< recordsets to create
};

/// The command's body: runs the preparation and maps the outcome to the exit code.
awaitable<int> prepareBody(sdk::UserContext& ctx, const Settings& settings) {
  const PrepareTotals totals = co_await runPrepare(ctx, settings, std::cout);
  co_return totals.failures == 0 ? 0 : 1;
}

}  // namespace

std::string projectLabel(std::string_view project_id) {
  std::string out;
  for (char c : project_id) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out.push_back(static_cast<char>(std::tolower(u)));
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  if (out.size() > 40) out.resize(40);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? std::string("project") : out;
}

std::string preparedZoneName(std::string_view project_id, std::uint32_t index, std::string_view zone_suffix) {
  return fmt::format("prep{}.{}.{}", index, projectLabel(project_id), zone_suffix);
}

std::string preparedRecordName(std::uint32_t index, std::string_view zone) { return fmt::format("r{}.{}", index, zone); }

std::string prepareUsage() {
  return "usage: accurate designate prepare [accurate options: --plugins designate -H URL -f FILE ...]\n"
         "           [-- [--zones N] [--recordsets M] [--parallel P] [--quota-zones Q] [--quota-zone-recordsets R]\n"
         "               [--no-wait]]\n"
         "Ensures every tenant of the designate config has N zones prep<i>.<project>.<zone_suffix> with M A\n"
         "recordsets r<j>.<zone> each (defaults from designate.prepare); creates only what is missing.\n"
         "  --zones N                  zones per tenant\n"
         "  --recordsets M             A recordsets per zone\n"
         "  --parallel P               requests in flight at once\n"
         "  --quota-zones Q            first PATCH /v2/quotas/<project> {\"zones\": Q} (admin)\n"
         "  --quota-zone-recordsets R  likewise {\"zone_recordsets\": R}\n"
         "  --no-wait                  do not wait for the zones to become ACTIVE\n";
}

bool applyPrepareArgs(PrepareSettings& settings, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") return false;
    if (arg == "--") continue;  // the separator after the core's options
    if (arg == "--no-wait") {
      settings.wait_active = false;
      continue;
    }
    const auto eq = arg.find('=');
    const std::string flag(arg.substr(0, eq));
    const bool known = flag == "--zones" || flag == "--recordsets" || flag == "--parallel" ||
                       flag == "--quota-zones" || flag == "--quota-zone-recordsets";
    if (!known) throw sdk::ConfigError(std::string(arg), "unknown argument of `designate prepare` (see --help)");
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      throw sdk::ConfigError(flag, "expects a value");
    }
    if (flag == "--zones") {
      settings.zones = parseCount(flag, value, 0);
    } else if (flag == "--recordsets") {
      settings.recordsets = parseCount(flag, value, 0);
    } else if (flag == "--parallel") {
      settings.parallel = parseCount(flag, value, 1);
    } else if (flag == "--quota-zones") {
      settings.quotas["zones"] = parseCount(flag, value, 0);
    } else {
      settings.quotas["zone_recordsets"] = parseCount(flag, value, 0);
    }
  }
  return true;
}

awaitable<PrepareTotals> runPrepare(sdk::UserContext& ctx, const Settings& settings, std::ostream& out) {
  PrepareRun run(ctx, settings, out);
  co_return co_await run.run();
}

sdk::CommandSpec prepareCommand() {
  sdk::CommandSpec spec;
  spec.name = "designate prepare";
  spec.help = "Create the zones and A recordsets the designate tasks use (idempotent; see --help)";
  spec.run = [](const sdk::CommandContext& command) -> int {
    Settings settings = parseSettings(*command.config);
    if (!applyPrepareArgs(settings.prepare, command.args)) {
      std::cout << prepareUsage();
      return 0;
    }
    return command.run([&settings](sdk::UserContext& ctx) { return prepareBody(ctx, settings); });
  };
  return spec;
}

}  // namespace accurate::designate
