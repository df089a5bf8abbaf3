#pragma once
/// @file service_client.hpp
/// The Digaas service client's load-time half: one `POST {endpoint}/observers` per nameserver for every published
/// DnsChange (digaas.md §3, §11), sent through the publishing user's HTTP client without a stats sample.

#include "settings.hpp"

#include <accurate/sdk/changes.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

namespace accurate::digaas {

/// Why @p change cannot become a Digaas observer, or "" when it can. Digaas rejects (400) a ZONE_UPDATE without
/// `serial` and a RECORD_* without `rdata`/`rdatatype`, so such changes are not posted:
/// "no_serial" (ZONE_UPDATE whose write response carried no serial), "no_rdatatype" (RECORD_* without a type),
/// "no_rdata" (RECORD_CREATE/RECORD_UPDATE without expected data). A RECORD_DELETE without rdata is postable
/// (see observerBody). The reason is the suffix of the counter `digaas.observers_skipped.<reason>`.
std::string_view observerSkipReason(const sdk::DnsChange& change) noexcept;

/// The JSON body of `POST /observers` for @p change watched on @p nameserver_ip (the IP only: Digaas always
/// queries UDP port 53): name, nameserver, type, start_time (a JSON float, epoch seconds), timeout and interval
/// (seconds: an integer when whole, else a float), `serial` (integer) for ZONE_UPDATE, `rdata` + `rdatatype` for
/// RECORD_*. A RECORD_DELETE without rdata sends the placeholder kDeletePlaceholderRdata: Digaas requires the key
/// but ignores its value (it waits until no record of `rdatatype` is left at the name). Returns "" when
/// observerSkipReason(@p change) is not empty. Pure function.
std::string observerBody(const sdk::DnsChange& change, std::string_view nameserver_ip, const Settings& settings);

/// `rdata` sent for a RECORD_DELETE whose change has none (required by Digaas, ignored by its check).
inline constexpr std::string_view kDeletePlaceholderRdata = "0.0.0.0";

/// Budget of one `POST /observers` (connect + request + response).
inline constexpr std::chrono::milliseconds kObserverPostTimeout{5000};

/// Process-wide state of the observer posting, shared by every shard of the process (thread-safe), owned by the
/// plugin's ChangeObserver through a shared_ptr.
class ServiceClient : public std::enable_shared_from_this<ServiceClient> {
 public:
  /// @p settings must have a non-empty endpoint.
  explicit ServiceClient(std::shared_ptr<const Settings> settings);

  /// For ChangeObserver::onChange: starts postObservers(@p ctx, this, @p change) as background work of the
  /// publishing user ("digaas observers") and returns at once. The object must be owned by a shared_ptr.
  /// Threading: any shard thread, concurrently.
  void observe(const sdk::DnsChange& change, sdk::UserContext& ctx);

  /// The parsed settings.
  const Settings& settings() const noexcept { return *settings_; }
  /// The shared settings pointer.
  const std::shared_ptr<const Settings>& sharedSettings() const noexcept { return settings_; }
  /// `{endpoint}/observers` (a trailing slash of the endpoint removed).
  const std::string& observersUrl() const noexcept { return observers_url_; }

  /// Marks the service unreachable (ServiceReporter::ping failed and already warned): later changes are not
  /// posted (counted as `digaas.observers_skipped.unavailable`) and no further warning is logged. Thread-safe.
  void markUnavailable() noexcept;
  /// True after markUnavailable. Thread-safe.
  bool unavailable() const noexcept { return unavailable_.load(std::memory_order_relaxed); }
  /// True for exactly one caller over the object's life (the first failure, which logs its reason); false after
  /// markUnavailable. Thread-safe.
  bool claimFirstFailure() noexcept { return !failure_logged_.exchange(true); }

 private:
  std::shared_ptr<const Settings> settings_;  ///< immutable settings
  std::string observers_url_;                 ///< absolute URL of POST /observers
  std::atomic<bool> failure_logged_{false};   ///< the first failure's warning was logged (or suppressed)
  std::atomic<bool> unavailable_{false};      ///< ping failed: do not post at all
};

/// Posts one observer for @p change per configured nameserver, in order, through ctx.http() (absolute URL,
/// record = false, kObserverPostTimeout, expects 201 and a JSON body with an integer `id`). Counts
/// `digaas.observers_posted` per accepted observer, `digaas.observer_post_failures` per failed one (the first
/// failure of the process is logged as one warning with its reason), `digaas.observers_skipped.<reason>` per
/// nameserver when the change cannot be posted (observerSkipReason) or the service is unavailable. When the run
/// cancels the work, the nameservers not posted yet are counted as `digaas.observers_cancelled` and the
/// cancellation is rethrown. Threading: on @p ctx's shard; @p client is shared.
boost::asio::awaitable<void> postObservers(sdk::UserContext& ctx, std::shared_ptr<ServiceClient> client,
                                           sdk::DnsChange change);

}  // namespace accurate::digaas
