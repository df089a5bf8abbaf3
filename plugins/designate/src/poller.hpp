#pragma once
/// @file poller.hpp
/// The "write, then poll until done" flow of Designate's asynchronous writes as a state machine without I/O:
/// the driver (user_tasks.cpp) sends the status-check GETs and feeds what it saw; the machine says when to poll
/// next and when the operation finished, successfully or not, and how long it took.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace accurate::designate {

/// What was written.
enum class PollKind {
  kZone,       ///< GET /v2/zones/{id}: status PENDING → ACTIVE | ERROR
  kRecordset,  ///< GET /v2/zones/{zid}/recordsets/{id}
  kImport,     ///< GET /v2/zones/tasks/imports/{id}: PENDING → COMPLETE | ERROR
  kExport,     ///< GET /v2/zones/tasks/exports/{id}: PENDING → COMPLETE | ERROR
};

/// What ends the wait successfully.
enum class PollGoal {
  kReady,  ///< ACTIVE (zones, recordsets) or COMPLETE (import/export tasks)
  kGone,   ///< HTTP 404 (after a DELETE)
};

/// What one status-check GET showed.
struct PollObservation {
  unsigned http_status = 0;    ///< HTTP status; 0 when the request failed in transport
  std::string status;          ///< the body's "status" field ("" when absent or unparsable)
  std::string action;          ///< the body's "action" field ("" when absent)
  std::string message;         ///< the body's "message" field (import/export errors; "" when absent)
  std::string transport_error; ///< the client's error text when http_status is 0
};

/// The machine's instruction to its driver.
struct PollStep {
  /// What to do.
  enum class Kind {
    kPollAt,  ///< send the next status check at `poll_at`
    kDone,    ///< finished: record `<name> - async` with `elapsed`, a failure when !success
  };
  Kind kind = Kind::kPollAt;                         ///< what to do
  std::chrono::steady_clock::time_point poll_at{};   ///< when to poll (kPollAt)
  bool success = false;                              ///< kDone: reached the goal
  std::string reason;                                ///< kDone and !success: one-line failure reason
  std::chrono::microseconds elapsed{0};              ///< kDone: from the write's start to the final observation
};

/// Polls one asynchronous write. Rules:
/// - the first poll is one interval after the write started; then every interval after the previous poll;
/// - goal kReady: ACTIVE/COMPLETE → success; ERROR → failure "status ERROR (action X)" (plus the message for
///   import/export tasks); a 404 → failure "<kind> disappeared (HTTP 404)"; any other status (PENDING, a 5xx,
///   a transport error) → poll again;
/// - goal kGone: 404 → success; ERROR → failure; anything else → poll again;
/// - when a poll would start after write_start + timeout, finish instead with the failure
///   "timed out after <N> s waiting for <ACTIVE|COMPLETE|404> (last seen <status, HTTP code or error>)".
/// Threading: one owner.
class PollMachine {
 public:
  PollMachine(PollKind kind, PollGoal goal, std::chrono::steady_clock::time_point write_start,
              std::chrono::milliseconds interval, std::chrono::milliseconds timeout);
  /// The first step (always kPollAt unless the timeout is shorter than the interval).
  PollStep start();
  /// Feeds the result of the status check that completed at @p now; returns the next step.
  PollStep onObservation(const PollObservation& observation, std::chrono::steady_clock::time_point now);

 private:
  PollKind kind_;                                     ///< what is polled
  PollGoal goal_;                                     ///< success condition
  std::chrono::steady_clock::time_point write_start_; ///< when the write request was sent
  std::chrono::milliseconds interval_;                ///< between polls
  std::chrono::milliseconds timeout_;                 ///< overall limit from write_start_
  std::string last_seen_;                             ///< description of the latest observation
};

/// Reads the status/action/message fields of a status-check response into an observation.
PollObservation observe(unsigned http_status, std::string_view body, std::string_view transport_error);

}  // namespace accurate::designate
