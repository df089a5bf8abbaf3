#pragma once
/// @file observation.hpp
/// Observing one DNS change on one nameserver: a state machine that decides when to query and when to stop
/// (ObservationMachine, no I/O, unit-tested with made-up times and answers), and the coroutines that drive it
/// with real DNS queries (observeChange, and observePropagation which also records the stats sample).
///
/// Timing: the first check starts at once; each next check starts `interval` after the previous one started
/// (or when its answer arrives, if that takes longer); the last check starts before start_time + timeout, and
/// at least one check is always made. Success time = when the first answer showing the change arrived, minus
/// the change's start_time (clamped >= 0). A query that fails (timeout, malformed answer, refused connection)
/// is "not yet"; the last answer or error goes into the final failure message.

#include "conditions.hpp"
#include "nameserver_limits.hpp"
#include "settings.hpp"

#include <accurate/dns/client.hpp>
#include <accurate/sdk/changes.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace accurate::digaas {

/// How an observation ended.
struct ObservationResult {
  bool propagated = false;  ///< the change was seen before the timeout
  double seconds = 0;       ///< success: propagation time (answer time − start_time, >= 0); failure: the timeout
  std::string error;        ///< failure: "not propagated after 120 s (last answer: NXDOMAIN)"; empty on success
  std::string answer;       ///< description of the last answer or query error ("" when none came)
  std::uint32_t queries = 0;///< checks made
};

/// What the driver must do next.
struct ObservationStep {
  /// The possible actions.
  enum class Kind {
    kQuery,      ///< start a check now (call queryStarted, then queryFinished)
    kWait,       ///< sleep until `until`, then ask again
    kSucceeded,  ///< done: the change propagated (see result())
    kFailed,     ///< done: timed out (see result())
  };
  Kind kind = Kind::kQuery;  ///< what to do
  double until = 0;          ///< kWait: epoch seconds to wait for
};

/// The decision logic of one observation. Times are epoch seconds supplied by the caller.
/// Threading: not synchronised; owned by one coroutine.
class ObservationMachine {
 public:
  /// @param change what to look for (a start_time <= 0 is replaced by @p now, as Digaas does)
  /// @param interval time between two check starts; @param timeout how long after start_time to give up
  /// @throws sdk::Error when the change cannot be queried (see questionFor)
  ObservationMachine(sdk::DnsChange change, std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
                     double now);

  /// What to do at @p now (idempotent until queryStarted is called).
  ObservationStep next(double now);
  /// A check started at @p now.
  void queryStarted(double now);
  /// The check's outcome arrived at @p now: a decoded answer, or the query's @p error (response null).
  void queryFinished(double now, const dns::Message* response, const std::string& error);

  /// The question every check asks.
  const dns::Question& question() const noexcept { return question_; }
  /// The change being observed (start_time filled in).
  const sdk::DnsChange& change() const noexcept { return change_; }
  /// start_time + timeout, in epoch seconds.
  double deadline() const noexcept { return deadline_; }
  /// True once next() returned kSucceeded or kFailed, or an answer showed the change.
  bool finished() const noexcept { return state_ != State::kRunning; }
  /// The outcome (meaningful once finished()).
  const ObservationResult& result() const noexcept { return result_; }

 private:
  enum class State { kRunning, kSucceeded, kFailed };

  sdk::DnsChange change_;           ///< the change, start_time set
  dns::Question question_;          ///< what each check asks
  double interval_;                 ///< seconds between check starts
  double timeout_;                  ///< seconds after start_time to give up
  double deadline_;                 ///< start_time + timeout
  double next_check_ = 0;           ///< earliest start of the next check (epoch s; 0 = at once)
  bool in_flight_ = false;          ///< a check was started and has not finished
  State state_ = State::kRunning;   ///< where the observation stands
  std::string last_;                ///< "last answer: ..." / "last query: ..." for the failure message
  ObservationResult result_;        ///< the outcome so far
};

/// Everything one observation needs, by value.
struct ObservationParams {
  sdk::DnsChange change;                      ///< what to look for
  NameserverAddress nameserver;               ///< where to look
  std::chrono::milliseconds interval{1000};   ///< time between check starts
  std::chrono::milliseconds timeout{120000};  ///< give up this long after change.start_time
  std::chrono::milliseconds query_timeout{2000};  ///< one query's budget
  std::shared_ptr<NameserverLimits> limits;   ///< the nameserver's shared limits (never null)
};

/// Observes params.change on params.nameserver until it shows or times out, querying on ctx.executor() with
/// random ids from ctx.rng(), waiting with ctx.sleep (for the next check and for a query permit). Records
/// nothing. @throws what ctx.sleep / dns::query throw on cancellation (operation_aborted), sdk::Error for a change
/// that cannot be queried.
boost::asio::awaitable<ObservationResult> observeChange(sdk::UserContext& ctx, ObservationParams params);

/// The stats entry name of an observation: "<TYPE> @ <nameserver label>", e.g. "ZONE_CREATE @ 127.0.0.1:5353"
/// (the method is "propagation").
std::string propagationEntryName(sdk::DnsChange::Type type, const NameserverAddress& nameserver);

/// The plugin's observation: observeChange with the settings' interval/timeout/query_timeout, then one sample
/// (method "propagation", name propagationEntryName; success: the propagation time; failure: the timeout and
/// ObservationResult::error). Cancelled (the run stopped): counts `propagation.unfinished` once, records nothing
/// else and rethrows. Meant for ctx.spawnBackground; every argument is kept alive by the coroutine itself.
/// @param limits the limits object of @p nameserver, one per nameserver for the whole process.
boost::asio::awaitable<void> observePropagation(sdk::UserContext& ctx, std::shared_ptr<const Settings> settings,
                                                std::shared_ptr<NameserverLimits> limits,
                                                NameserverAddress nameserver, sdk::DnsChange change);

}  // namespace accurate::digaas
