// Simulator: the entry points — request identity (noauth headers, Keystone tokens, tenant in URL), fault
// injection, the top-level URL map (versions, healthcheck, identity, /v2) and the DNS lookup.
#include "simulator.hpp"

#include "api.hpp"
#include "dns_view.hpp"
#include "json_writer.hpp"
#include "keystone.hpp"
#include "request.hpp"
#include "store.hpp"
#include "text_util.hpp"

#include <accurate/sdk/random.hpp>

#include <algorithm>
#include <random>

namespace accurate::designate_sim {

namespace {

/// First path segments below /v2 that are Designate collections (anything else there is a project id).
bool isCollection(std::string_view segment) {
  static constexpr std::string_view kCollections[] = {"zones", "recordsets", "quotas", "limits", "pools",
                                                      "tlds", "tsigkeys", "blacklists", "service_statuses",
                                                      "reverse", "reports"};
  return std::find(std::begin(kCollections), std::end(kCollections), segment) != std::end(kCollections);
}

bool hasAdminRole(std::string_view roles) {
  for (const std::string_view role : split(roles, ',')) {
    if (iequals(trim(role), "admin")) return true;
  }
  return false;
}

SimResponse versions(const RequestContext& ctx) {
  JsonWriter w;
  w.beginObject().key("versions").beginArray();
  for (const auto& [id, status] : {std::pair{"v2", "SUPPORTED"}, std::pair{"v2.0", "CURRENT"}}) {
    w.beginObject().key("id").value(id).key("links").beginArray();
    w.beginObject().key("href").value(ctx.base_url + "/v2").key("rel").value("self").endObject();
    w.beginObject().key("href").value("https://docs.openstack.org/api-ref/dns").key("rel").value("help").endObject();
    w.endArray().key("status").value(status).key("updated").value("2022-06-29T00:00:00Z").endObject();
  }
  w.endArray().endObject();
  return jsonResponse(200, std::move(w.str()));
}

}  // namespace

struct Simulator::State {
  explicit State(SimOptions opts)
      : options(std::move(opts)), rng(options.seed), store(options, rng, dns), keystone(options, rng),
        api(store, options) {}

  /// Answers @p request at @p now (throws ApiError for error answers).
  SimResponse route(const SimRequest& request, TimePoint now, const std::string& request_id);
  /// Resolves the identity of a /v2 request and dispatches it.
  SimResponse designate(RequestContext& ctx);

  SimOptions options;       ///< behaviour
  sdk::Rng rng;             ///< the one random source (ids, delays, faults, tokens)
  DnsView dns;              ///< published DNS data
  Store store;              ///< zones, recordsets, tasks, quotas, lifecycle
  Keystone keystone;        ///< identity endpoints and tokens
  Api api;                  ///< v2 resource handlers
  TimePoint last_now{};     ///< latest time seen (time never runs backwards inside)
};

SimResponse Simulator::State::route(const SimRequest& request, TimePoint now, const std::string& request_id) {
  RequestContext ctx;
  ctx.now = now;
  ctx.request_id = request_id;
  parseRequest(request, ctx);
  const auto& segs = ctx.segments;
  const bool get = ctx.method == "GET";
  if (segs.empty()) {
    if (get) return versions(ctx);
    throw methodNotAllowed();
  }
  if (segs.size() == 1 && segs[0] == "healthcheck") {
    if (!get && ctx.method != "HEAD") throw methodNotAllowed();
    SimResponse response;
    response.headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
    response.body = ctx.method == "HEAD" ? "" : "OK";
    return response;
  }
  if (options.keystone && segs.size() == 3 && segs[0] == "v3" && segs[1] == "auth" && segs[2] == "tokens") {
    if (ctx.method != "POST") throw methodNotAllowed();
    return keystone.issueV3(ctx.body, ctx.base_url, now);
  }
  if (options.keystone && segs.size() == 2 && segs[0] == "v2.0" && segs[1] == "tokens") {
    if (ctx.method != "POST") throw methodNotAllowed();
    return keystone.issueV2(ctx.body, ctx.base_url, now);
  }
  if (segs[0] == "v2") return designate(ctx);
  throw notFound();
}

SimResponse Simulator::State::designate(RequestContext& ctx) {
  if (options.error_rate > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng) < options.error_rate) {
    throw ApiError(500, "internal_server_error", "injected fault");
  }
  if (options.keystone) {
    const TokenInfo* token = ctx.token.empty() ? nullptr : keystone.validate(ctx.token, ctx.now);
    if (token == nullptr) {
      SimResponse response =
          identityError(401, "Unauthorized", "The request you have made requires authentication.");
      response.headers.emplace_back("WWW-Authenticate", "Keystone uri=\"" + ctx.base_url + "\"");
      return response;
    }
    ctx.project = token->project_id;
    ctx.admin = true;
  } else {
    ctx.project = ctx.header_project.empty() ? std::string("noauth-project") : std::string(ctx.header_project);
    ctx.admin = ctx.roles.empty() ? true : hasAdminRole(ctx.roles);
  }
  std::span<const std::string> segs(ctx.segments);
  segs = segs.subspan(1);  // below /v2
  ctx.api_base = ctx.base_url + "/v2";
  if (segs.size() >= 2 && !isCollection(segs[0]) && isCollection(segs[1])) {
    ctx.project = segs[0];  // tenant id in the URL
    ctx.api_base += "/" + segs[0];
    segs = segs.subspan(1);
  }
  if (!ctx.sudo_project.empty()) {
    if (!ctx.admin) throw ApiError(403, "forbidden", std::nullopt);
    ctx.project = std::string(ctx.sudo_project);
  }
  if (ctx.all_projects_header) {
    if (!ctx.admin) throw ApiError(403, "forbidden", std::nullopt);
    ctx.all_projects = true;
  }
  return api.route(ctx, segs);
}

Simulator::Simulator(SimOptions options) : state_(std::make_unique<State>(std::move(options))) {}

Simulator::~Simulator() = default;

SimResponse Simulator::handle(const SimRequest& request, TimePoint now) {
  State& s = *state_;
  now = std::max(now, s.last_now);
  s.last_now = now;
  std::string request_id = "req-";
  Uuid::random(s.rng).appendTo(request_id);
  SimResponse response;
  try {
    s.store.advance(now);
    response = s.route(request, now, request_id);
  } catch (const ApiError& error) {
    response = errorResponse(error, request_id);
  } catch (const std::exception& error) {
    response = errorResponse(ApiError(500, "internal_server_error", std::string("internal error: ") + error.what()),
                             request_id);
  } catch (...) {
    response = errorResponse(ApiError(500, "internal_server_error", "internal error"), request_id);
  }
  response.headers.emplace_back("X-Openstack-Request-Id", request_id);
  const auto& latency = s.options.added_latency;
  if (latency.max.count() > 0) {
    const auto lo = std::max<std::int64_t>(0, latency.min.count());
    const auto hi = std::max<std::int64_t>(lo, latency.max.count());
    response.delay = std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(lo, hi)(s.rng));
  }
  return response;
}

DnsAnswer Simulator::lookup(std::string_view qname, std::uint16_t qtype, TimePoint now) {
  State& s = *state_;
  now = std::max(now, s.last_now);
  s.last_now = now;
  try {
    s.store.advance(now);
    return s.dns.lookup(qname, qtype, now);
  } catch (const std::exception&) {
    DnsAnswer refused;  // only allocation failure can get here; answer REFUSED rather than throw
    return refused;
  }
}

std::size_t Simulator::zoneCount() const { return state_->store.zoneCount(); }

}  // namespace accurate::designate_sim
