#include "service_client.hpp"

#include <boost/asio/error.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/system/system_error.hpp>

#include <spdlog/spdlog.h>

#include <cstdint>
#include <utility>

namespace accurate::digaas {
namespace {

using Type = sdk::DnsChange::Type;

bool isRecordChange(Type type) noexcept {
  return type == Type::kRecordCreate || type == Type::kRecordUpdate || type == Type::kRecordDelete;
}

/// Seconds as a JSON number: an integer when whole (Digaas stores INT columns), else a float.
boost::json::value seconds(std::chrono::milliseconds duration) {
  if (duration.count() % 1000 == 0) return static_cast<std::int64_t>(duration.count() / 1000);
  return static_cast<double>(duration.count()) / 1000.0;
}

/// "" when @p body is a JSON object with an integer `id`, else why not.
std::string checkCreated(const sdk::HttpResponse& response) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(response.body, ec);
  if (ec || !parsed.is_object()) return "the 201 response is not a JSON object";
  const auto* id = parsed.as_object().if_contains("id");
  if (id == nullptr || !(id->is_int64() || id->is_uint64())) return "the 201 response has no integer \"id\"";
  return {};
}

}  // namespace

std::string_view observerSkipReason(const sdk::DnsChange& change) noexcept {
  if (change.type == Type::kZoneUpdate && !change.serial) return "no_serial";
  if (isRecordChange(change.type) && change.rdatatype.empty()) return "no_rdatatype";
  if ((change.type == Type::kRecordCreate || change.type == Type::kRecordUpdate) && change.rdata.empty()) {
    return "no_rdata";
  }
  return {};
}

std::string observerBody(const sdk::DnsChange& change, std::string_view nameserver_ip, const Settings& settings) {
  if (!observerSkipReason(change).empty()) return {};
  boost::json::object body;
  body["name"] = change.name;
  body["nameserver"] = nameserver_ip;
  body["type"] = changeTypeName(change.type);
  body["start_time"] = change.start_time;  // a double: serialised as a JSON float
  body["timeout"] = seconds(settings.timeout);
  body["interval"] = seconds(settings.interval);
  if (change.type == Type::kZoneUpdate) body["serial"] = static_cast<std::int64_t>(*change.serial);
  if (isRecordChange(change.type)) {
    body["rdata"] = change.rdata.empty() ? kDeletePlaceholderRdata : std::string_view(change.rdata);
    body["rdatatype"] = change.rdatatype;
  }
  return boost::json::serialize(body);
}

ServiceClient::ServiceClient(std::shared_ptr<const Settings> settings) : settings_(std::move(settings)) {
  std::string endpoint = settings_->endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  observers_url_ = endpoint + "/observers";
}

void ServiceClient::observe(const sdk::DnsChange& change, sdk::UserContext& ctx) {
  ctx.spawnBackground("digaas observers", postObservers(ctx, shared_from_this(), change));
}

void ServiceClient::markUnavailable() noexcept {
  failure_logged_.store(true);
  unavailable_.store(true);
}

boost::asio::awaitable<void> postObservers(sdk::UserContext& ctx, std::shared_ptr<ServiceClient> client,
                                           sdk::DnsChange change) {
  const auto& nameservers = client->settings().nameservers;
  const std::uint64_t count = nameservers.size();
  if (const std::string_view reason = observerSkipReason(change); !reason.empty()) {
    ctx.stats().count("digaas.observers_skipped." + std::string(reason), count);
    co_return;
  }
  if (client->unavailable()) {
    ctx.stats().count("digaas.observers_skipped.unavailable", count);
    co_return;
  }
  std::uint64_t done = 0;
  try {
    for (const NameserverAddress& nameserver : nameservers) {
      sdk::HttpRequest request;
      request.method = "POST";
      request.target = client->observersUrl();
      request.headers = {{"Content-Type", "application/json"}};
      request.body = observerBody(change, nameserver.host, client->settings());
      request.expected_status = {201};
      request.validate = checkCreated;
      request.timeout = kObserverPostTimeout;
      request.keep_headers = false;
      request.record = false;
      const sdk::HttpResponse response = co_await ctx.http().send(request);
      ++done;
      if (response.ok()) {
        ctx.stats().count("digaas.observers_posted");
        continue;
      }
      ctx.stats().count("digaas.observer_post_failures");
      if (client->claimFirstFailure()) {
        std::string detail = response.error;
        if (response.status >= 400 && !response.body.empty()) {
          detail += ": " + response.body.substr(0, 200);
        }
        spdlog::warn("digaas: POST {} failed ({}); further observer failures are only counted "
                     "(digaas.observer_post_failures)",
                     client->observersUrl(), detail);
      }
    }
  } catch (const boost::system::system_error& error) {
    if (error.code() == boost::asio::error::operation_aborted) {
      ctx.stats().count("digaas.observers_cancelled", count - done);
    }
    throw;
  }
}

}  // namespace accurate::digaas
