#pragma once
/// @file async_poll.hpp
/// The I/O driver of PollMachine: sends the status checks of one asynchronous write (sleeping with
/// UserContext::sleep between them), and records the "<write> - async" sample when the write reached its final
/// state. Runs inside a user's background coroutine (or inline in the prepare command).

#include "identity.hpp"
#include "poller.hpp"
#include "settings.hpp"

#include <accurate/sdk/http.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace accurate::designate {

/// One asynchronous write to watch.
struct AsyncWatch {
  PollKind kind = PollKind::kZone;                      ///< what was written
  PollGoal goal = PollGoal::kReady;                     ///< ACTIVE/COMPLETE, or 404 after a DELETE
  sdk::HttpRequest status_request;                      ///< the status check (requests::zoneStatus, ...)
  std::string write_method;                             ///< method of the write: the async sample's method
  std::string async_name;                               ///< the async sample's name, e.g. "/v2/zones - async"
  std::chrono::steady_clock::time_point write_start{};  ///< when the write request was sent
  bool record = true;                                   ///< record the async sample when done
};

/// How a watch ended.
struct AsyncOutcome {
  bool finished = false;                  ///< false when the run stopped first (then nothing was recorded)
  bool success = false;                   ///< reached the goal
  std::string reason;                     ///< failure reason when finished && !success
  std::chrono::microseconds elapsed{0};   ///< from the write's start to the final observation
  std::string last_body;                  ///< body of the last status check (import/export task fields)
};

/// Polls @p watch's status check through @p client for @p tenant every @p interval until the goal, an ERROR or
/// @p timeout (PollMachine decides), then records `{write_method, async_name, elapsed, error=reason}` unless
/// watch.record is false. Returns early, recording nothing, when the run is stopping.
/// @p ctx, @p client and @p tenant must outlive the returned awaitable. Run on the user's shard.
boost::asio::awaitable<AsyncOutcome> watchAsync(sdk::UserContext& ctx, DesignateClient& client, const Tenant& tenant,
                                                AsyncWatch watch, std::chrono::milliseconds interval,
                                                std::chrono::milliseconds timeout);

/// Sleeps until @p deadline with ctx.sleep in slices of at most 250 ms, so a stopping run ends the wait quickly.
/// Returns false when the run is stopping (at once or during the wait), true when the deadline passed.
boost::asio::awaitable<bool> sleepUntil(sdk::UserContext& ctx, std::chrono::steady_clock::time_point deadline);

}  // namespace accurate::designate
