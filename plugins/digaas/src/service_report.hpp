#pragma once
/// @file service_report.hpp
/// The Digaas service client's control half, run on the master (or the single process): ping at start, and at
/// test stop the stats job for the test window (digaas.md §3, §6, §11), whose summary and plots become part of
/// the plugin's report section. Not an sdk::LifecycleListener itself: the plugin's listener calls it.

#include "blocking_http.hpp"
#include "settings.hpp"

#include <accurate/sdk/lifecycle.hpp>
#include <accurate/sdk/stats.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::digaas {

class ServiceClient;

/// Standard base64 (RFC 4648, with '=' padding) of @p bytes.
std::string base64Encode(std::string_view bytes);

/// The three Digaas plots, in report order: report key = Digaas plot name.
inline constexpr std::string_view kDigaasPlots[] = {"propagation_by_type", "propagation_by_nameserver", "query"};

/// Converts a Digaas `/stats/{id}/summary` body into report tables (array of {title, columns, rows}): observers by
/// type, observers by nameserver, DNS queries, DNS queries over the threshold; one row per key, sorted; columns
/// key, average, median, min, max, per66, per75, per90, per95, per99 (seconds), success_count, error_count.
/// Missing groups give empty tables; non-numeric statistics become null. Pure function.
boost::json::array summaryTables(const boost::json::object& summary);

/// Talks to the Digaas service at test start and stop and keeps what the report needs.
/// Threading: ping, onTestStart, onTestStop and reportPart are called from one control thread, sequentially;
/// cancel() may be called from any thread at any time.
class ServiceReporter {
 public:
  /// Timeout of the ping (GET /).
  static constexpr std::chrono::milliseconds kPingTimeout{3000};
  /// Timeout of each stats call (POST /stats, GET /stats/{id}, summary, each plot).
  static constexpr std::chrono::milliseconds kCallTimeout{10000};
  /// Time between two GET /stats/{id} while the job is not COMPLETE.
  static constexpr std::chrono::milliseconds kPollPeriod{1000};

  /// @p settings must have a non-empty endpoint. @p client (optional) is the process's observer poster: when the
  /// ping fails it is marked unavailable, so the load does not post (nor warn) again.
  explicit ServiceReporter(std::shared_ptr<const Settings> settings, std::shared_ptr<ServiceClient> client = {});

  /// GET {endpoint}/ and checks the body is JSON with "service": "digaas". On failure logs one warning line and
  /// remembers the reason: onTestStop then skips the stats (status "missing").
  void ping();
  /// Remembers the test's start time (the stats window's start).
  void onTestStart(const sdk::TestStartInfo& info);
  /// Only on the master / the single process: waits `cooldown` (negative = `timeout`) so in-flight observers can
  /// finish, POST /stats {start: floor(test start), end: ceil(last sample time) + 1}, polls GET /stats/{id} every
  /// kPollPeriod until COMPLETE (at most `stats_timeout`), then GET the summary and, when `plots`, the three
  /// plots. Any failure: one warning line (at most one per reporter, including ping's) and status "missing" with
  /// the reason. Returns within about a second after cancel().
  void onTestStop(const sdk::StatsSnapshot& final_snapshot);
  /// Interrupts onTestStop (its wait, its polling and its HTTP call) from any thread, e.g. on a second Ctrl-C;
  /// the report then says "missing" with reason "cancelled". Later calls do nothing.
  void cancel() noexcept;

  /// Keys to merge into the plugin's report section:
  /// `service`: {endpoint, stats_id (int|null), window: [start, end] | null, status: "complete"|"missing",
  /// reason ("" when complete and nothing went wrong), empty_plots: [names of 0-byte plots]};
  /// `tables`: summaryTables() (absent when missing); and one `data:image/png;base64,...` string per fetched
  /// plot under its Digaas name (propagation_by_type, propagation_by_nameserver, query).
  boost::json::object reportPart() const;

  /// True when onTestStop got the summary.
  bool complete() const noexcept { return summary_.has_value(); }
  /// The first failure's reason ("" when none).
  const std::string& reason() const noexcept { return reason_; }

 private:
  /// Remembers @p reason (the first one wins) and logs the one warning line.
  void fail(const std::string& reason);
  /// Sleeps @p duration unless cancel() comes first; returns false when cancelled.
  bool sleepFor(std::chrono::milliseconds duration);
  /// {endpoint}{path}.
  std::string url(std::string_view path) const;
  /// Runs the stats steps; returns "" on success or the failure reason.
  std::string collect(const sdk::StatsSnapshot& final_snapshot);

  std::shared_ptr<const Settings> settings_;      ///< immutable settings
  std::shared_ptr<ServiceClient> client_;         ///< observer poster to mark unavailable (may be null)
  std::string endpoint_;                          ///< endpoint without trailing slashes
  BlockingHttp http_;                             ///< the control calls' client (cancellable)
  std::string reason_;                            ///< why the data is missing / what went wrong ("" = nothing)
  bool warned_ = false;                           ///< the one warning line was logged
  bool ping_failed_ = false;                      ///< ping() failed: skip the stats
  double test_start_ = 0;                         ///< epoch s of the test start (0 = unknown)
  std::optional<std::int64_t> stats_id_;          ///< the stats job's id
  std::optional<std::pair<std::int64_t, std::int64_t>> window_;  ///< the posted [start, end], epoch s
  std::optional<boost::json::object> summary_;    ///< the fetched summary
  std::vector<std::pair<std::string, std::string>> plots_;  ///< (plot name, PNG bytes) fetched, non-empty
  std::vector<std::string> empty_plots_;          ///< plots Digaas returned with a 0-byte body
  std::mutex mutex_;                              ///< guards the wait below
  std::condition_variable wake_;                  ///< notified by cancel()
  std::atomic<bool> cancelled_{false};            ///< cancel() was called
};

}  // namespace accurate::digaas
