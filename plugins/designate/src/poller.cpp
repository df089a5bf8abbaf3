// The status-polling state machine of Designate's asynchronous writes (see poller.hpp).
#include "poller.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

namespace accurate::designate {
namespace {

using std::chrono::steady_clock;

bool isTask(PollKind kind) { return kind == PollKind::kImport || kind == PollKind::kExport; }

std::string_view kindName(PollKind kind) {
  switch (kind) {
    case PollKind::kZone: return "zone";
    case PollKind::kRecordset: return "recordset";
    case PollKind::kImport: return "import task";
    case PollKind::kExport: return "export task";
  }
  return "object";
}

std::string_view readyStatus(PollKind kind) { return isTask(kind) ? "COMPLETE" : "ACTIVE"; }

bool isSuccessStatus(unsigned http_status) { return http_status >= 200 && http_status < 300; }

std::chrono::microseconds since(steady_clock::time_point start, steady_clock::time_point now) {
  if (now <= start) return std::chrono::microseconds(0);
  return std::chrono::duration_cast<std::chrono::microseconds>(now - start);
}

/// "120", "0.5", "2.25": the timeout in seconds without useless decimals.
std::string seconds(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0) return fmt::format("{}", timeout.count() / 1000);
  return fmt::format("{:g}", static_cast<double>(timeout.count()) / 1000.0);
}

/// What an observation showed, for the timeout reason.
std::string describe(const PollObservation& seen) {
  if (seen.http_status == 0) return seen.transport_error.empty() ? std::string("no response") : seen.transport_error;
  if (!isSuccessStatus(seen.http_status)) return fmt::format("HTTP {}", seen.http_status);
  if (seen.status.empty()) return fmt::format("HTTP {} without a status", seen.http_status);
  if (seen.action.empty()) return seen.status;
  return fmt::format("{}/{}", seen.status, seen.action);
}

}  // namespace

PollMachine::PollMachine(PollKind kind, PollGoal goal, steady_clock::time_point write_start,
                         std::chrono::milliseconds interval, std::chrono::milliseconds timeout)
    : kind_(kind), goal_(goal), write_start_(write_start), interval_(interval), timeout_(timeout),
      last_seen_("no status check yet") {}

PollStep PollMachine::start() {
  PollStep step;
  const steady_clock::time_point first = write_start_ + interval_;
  if (first > write_start_ + timeout_) {
    step.kind = PollStep::Kind::kDone;
    step.success = false;
    step.reason = fmt::format("timed out after {} s waiting for {} (last seen {})", seconds(timeout_),
                              goal_ == PollGoal::kGone ? std::string_view("404") : readyStatus(kind_), last_seen_);
    step.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(timeout_);
    return step;
  }
  step.kind = PollStep::Kind::kPollAt;
  step.poll_at = first;
  return step;
}

PollStep PollMachine::onObservation(const PollObservation& observation, steady_clock::time_point now) {
  last_seen_ = describe(observation);
  PollStep step;
  const auto finish = [&](bool success, std::string reason) {
    step.kind = PollStep::Kind::kDone;
    step.success = success;
    step.reason = std::move(reason);
    step.elapsed = since(write_start_, now);
    return step;
  };
  const bool body_ok = isSuccessStatus(observation.http_status);
  if (body_ok && observation.status == "ERROR") {
    std::string reason = "status ERROR";
    if (!observation.action.empty()) reason += fmt::format(" (action {})", observation.action);
    if (!observation.message.empty()) reason += fmt::format(": {}", observation.message);
    return finish(false, std::move(reason));
  }
  if (goal_ == PollGoal::kReady) {
    if (body_ok && observation.status == readyStatus(kind_)) return finish(true, {});
    if (observation.http_status == 404) {
      return finish(false, fmt::format("{} disappeared (HTTP 404)", kindName(kind_)));
    }
  } else if (observation.http_status == 404) {
    return finish(true, {});
  }
  const steady_clock::time_point next = now + interval_;
  if (next > write_start_ + timeout_) {
    return finish(false, fmt::format("timed out after {} s waiting for {} (last seen {})", seconds(timeout_),
                                     goal_ == PollGoal::kGone ? std::string_view("404") : readyStatus(kind_),
                                     last_seen_));
  }
  step.kind = PollStep::Kind::kPollAt;
  step.poll_at = next;
  return step;
}

PollObservation observe(unsigned http_status, std::string_view body, std::string_view transport_error) {
  PollObservation seen;
  seen.http_status = http_status;
  if (http_status == 0) {
    seen.transport_error = std::string(transport_error);
    return seen;
  }
  if (body.empty()) return seen;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  if (ec || !root.is_object()) return seen;
  const auto field = [&](std::string_view key) {
    const auto* v = root.get_object().if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  seen.status = field("status");
  seen.action = field("action");
  seen.message = field("message");
  return seen;
}

}  // namespace accurate::designate
