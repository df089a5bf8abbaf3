// The asynchronous-write poll machine: schedule, every outcome and its reason, elapsed time; observe().
#include "poller.hpp"

#include <gtest/gtest.h>

namespace accurate::designate {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Clock::time_point t0 = Clock::time_point{} + 1000s;

PollObservation seen(unsigned http, std::string status = {}, std::string action = {}, std::string message = {}) {
  PollObservation o;
  o.http_status = http;
  o.status = std::move(status);
  o.action = std::move(action);
  o.message = std::move(message);
  return o;
}

PollObservation transport(std::string error) {
  PollObservation o;
  o.transport_error = std::move(error);
  return o;
}

PollMachine machine(PollKind kind, PollGoal goal, std::chrono::milliseconds interval = 3s,
                    std::chrono::milliseconds timeout = 120s) {
  return PollMachine(kind, goal, t0, interval, timeout);
}

void expectPollAt(const PollStep& step, Clock::time_point when) {
  EXPECT_EQ(step.kind, PollStep::Kind::kPollAt);
  EXPECT_EQ(step.poll_at, when);
}

void expectSuccess(const PollStep& step, std::chrono::microseconds elapsed) {
  EXPECT_EQ(step.kind, PollStep::Kind::kDone);
  EXPECT_TRUE(step.success) << step.reason;
  EXPECT_EQ(step.reason, "");
  EXPECT_EQ(step.elapsed, elapsed);
}

void expectFailure(const PollStep& step, const std::string& reason, std::chrono::microseconds elapsed) {
  EXPECT_EQ(step.kind, PollStep::Kind::kDone);
  EXPECT_FALSE(step.success);
  EXPECT_EQ(step.reason, reason);
  EXPECT_EQ(step.elapsed, elapsed);
}

TEST(DesignatePoller, FirstPollIsOneIntervalAfterTheWriteStarted) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady);
  expectPollAt(m.start(), t0 + 3s);
}

TEST(DesignatePoller, ZoneBecomingActiveSucceedsWithTimeFromTheWriteStart) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady);
  m.start();
  expectPollAt(m.onObservation(seen(200, "PENDING", "CREATE"), t0 + 3100ms), t0 + 6100ms);
  expectSuccess(m.onObservation(seen(200, "ACTIVE", "NONE"), t0 + 6200ms), 6200ms);
}

TEST(DesignatePoller, RecordsetAcceptsAnyTwoHundredStatus) {
  PollMachine m = machine(PollKind::kRecordset, PollGoal::kReady);
  m.start();
  expectSuccess(m.onObservation(seen(202, "ACTIVE", "NONE"), t0 + 3s), 3s);
}

TEST(DesignatePoller, ImportAndExportTasksNeedComplete) {
  for (const PollKind kind : {PollKind::kImport, PollKind::kExport}) {
    PollMachine m = machine(kind, PollGoal::kReady, 500ms, 10s);
    expectPollAt(m.start(), t0 + 500ms);
    expectPollAt(m.onObservation(seen(200, "PENDING"), t0 + 510ms), t0 + 1010ms);
    expectPollAt(m.onObservation(seen(200, "ACTIVE"), t0 + 1020ms), t0 + 1520ms);  // not a task status
    expectSuccess(m.onObservation(seen(200, "COMPLETE"), t0 + 1530ms), 1530ms);
  }
}

TEST(DesignatePoller, ZoneErrorFailsWithItsAction) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady);
  m.start();
  expectFailure(m.onObservation(seen(200, "ERROR", "CREATE"), t0 + 3s), "status ERROR (action CREATE)", 3s);
}

TEST(DesignatePoller, ImportErrorFailsWithItsMessage) {
  PollMachine m = machine(PollKind::kImport, PollGoal::kReady);
  m.start();
  expectFailure(m.onObservation(seen(200, "ERROR", "", "Duplicate zone."), t0 + 3s), "status ERROR: Duplicate zone.",
                3s);
}

TEST(DesignatePoller, ErrorAlsoFailsAWaitForDeletion) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kGone);
  m.start();
  expectFailure(m.onObservation(seen(200, "ERROR", "DELETE"), t0 + 3s), "status ERROR (action DELETE)", 3s);
}

TEST(DesignatePoller, NotFoundIsSuccessWhenWaitingForDeletion) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kGone);
  m.start();
  expectPollAt(m.onObservation(seen(200, "PENDING", "DELETE"), t0 + 3s), t0 + 6s);
  expectSuccess(m.onObservation(seen(404), t0 + 6050ms), 6050ms);
}

TEST(DesignatePoller, NotFoundIsAFailureWhenWaitingForReady) {
  PollMachine zone = machine(PollKind::kZone, PollGoal::kReady);
  zone.start();
  expectFailure(zone.onObservation(seen(404), t0 + 3s), "zone disappeared (HTTP 404)", 3s);
  PollMachine recordset = machine(PollKind::kRecordset, PollGoal::kReady);
  recordset.start();
  expectFailure(recordset.onObservation(seen(404), t0 + 3s), "recordset disappeared (HTTP 404)", 3s);
  PollMachine export_task = machine(PollKind::kExport, PollGoal::kReady);
  export_task.start();
  expectFailure(export_task.onObservation(seen(404), t0 + 3s), "export task disappeared (HTTP 404)", 3s);
}

TEST(DesignatePoller, ServerAndTransportErrorsKeepPolling) {
  PollMachine m = machine(PollKind::kRecordset, PollGoal::kReady);
  m.start();
  expectPollAt(m.onObservation(seen(503), t0 + 3s), t0 + 6s);
  expectPollAt(m.onObservation(transport("timeout after 5000 ms"), t0 + 6s), t0 + 9s);
  expectPollAt(m.onObservation(seen(200), t0 + 9s), t0 + 12s);  // a 200 without a readable status
  expectSuccess(m.onObservation(seen(200, "ACTIVE", "NONE"), t0 + 12s), 12s);
}

TEST(DesignatePoller, ServerErrorsKeepPollingForDeletionToo) {
  PollMachine m = machine(PollKind::kRecordset, PollGoal::kGone);
  m.start();
  expectPollAt(m.onObservation(seen(500), t0 + 3s), t0 + 6s);
  expectPollAt(m.onObservation(transport("connection refused"), t0 + 6s), t0 + 9s);
  expectSuccess(m.onObservation(seen(404), t0 + 9s), 9s);
}

TEST(DesignatePoller, ErrorStatusInAnErrorResponseIsNotAnObjectError) {
  // A 500 whose body happens to carry "status": "ERROR" is a server error, not the object's state.
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady);
  m.start();
  expectPollAt(m.onObservation(seen(500, "ERROR"), t0 + 3s), t0 + 6s);
}

TEST(DesignatePoller, TimesOutNamingTheLastSeenStatus) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady, 3s, 10s);
  expectPollAt(m.start(), t0 + 3s);
  expectPollAt(m.onObservation(seen(200, "PENDING", "CREATE"), t0 + 3s), t0 + 6s);
  expectPollAt(m.onObservation(seen(200, "PENDING", "CREATE"), t0 + 6s), t0 + 9s);
  // The next poll would start at 12 s, after the 10 s timeout.
  expectFailure(m.onObservation(seen(200, "PENDING", "CREATE"), t0 + 9050ms),
                "timed out after 10 s waiting for ACTIVE (last seen PENDING/CREATE)", 9050ms);
}

TEST(DesignatePoller, TimeoutNamesTheLastHttpCodeOrTransportError) {
  PollMachine http = machine(PollKind::kImport, PollGoal::kReady, 2s, 3s);
  http.start();
  expectFailure(http.onObservation(seen(503), t0 + 2s), "timed out after 3 s waiting for COMPLETE (last seen HTTP 503)",
                2s);
  PollMachine net = machine(PollKind::kZone, PollGoal::kGone, 2s, 3s);
  net.start();
  expectFailure(net.onObservation(transport("connection refused"), t0 + 2s),
                "timed out after 3 s waiting for 404 (last seen connection refused)", 2s);
}

TEST(DesignatePoller, PollExactlyAtTheTimeoutIsStillMade) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady, 5s, 10s);
  m.start();
  expectPollAt(m.onObservation(seen(200, "PENDING"), t0 + 5s), t0 + 10s);
}

TEST(DesignatePoller, FractionalTimeoutsAreWrittenAsDecimals) {
  PollMachine m = machine(PollKind::kRecordset, PollGoal::kReady, 200ms, 500ms);
  m.start();
  expectPollAt(m.onObservation(seen(200, "PENDING"), t0 + 200ms), t0 + 400ms);
  expectFailure(m.onObservation(seen(200, "PENDING"), t0 + 400ms),
                "timed out after 0.5 s waiting for ACTIVE (last seen PENDING)", 400ms);
}

TEST(DesignatePoller, TimeoutShorterThanTheIntervalEndsAtOnce) {
  PollMachine m = machine(PollKind::kZone, PollGoal::kReady, 5s, 2s);
  const PollStep step = m.start();
  EXPECT_EQ(step.kind, PollStep::Kind::kDone);
  EXPECT_FALSE(step.success);
  EXPECT_EQ(step.reason, "timed out after 2 s waiting for ACTIVE (last seen no status check yet)");
}

TEST(DesignatePoller, ObserveReadsStatusActionAndMessage) {
  const PollObservation zone =
      observe(200, R"({"id": "z", "status": "PENDING", "action": "UPDATE", "message": null})", "");
  EXPECT_EQ(zone.http_status, 200u);
  EXPECT_EQ(zone.status, "PENDING");
  EXPECT_EQ(zone.action, "UPDATE");
  EXPECT_EQ(zone.message, "");
  const PollObservation import =
      observe(200, R"({"status": "ERROR", "message": "An SOA record is required.", "zone_id": null})", "");
  EXPECT_EQ(import.status, "ERROR");
  EXPECT_EQ(import.action, "");
  EXPECT_EQ(import.message, "An SOA record is required.");
}

TEST(DesignatePoller, ObserveToleratesBodiesWithoutStatus) {
  EXPECT_EQ(observe(404, R"({"code": 404, "type": "zone_not_found"})", "").status, "");
  EXPECT_EQ(observe(502, "<html>Bad Gateway</html>", "").status, "");
  EXPECT_EQ(observe(200, "", "").status, "");
  EXPECT_EQ(observe(200, "[1, 2]", "").status, "");
  const PollObservation failed = observe(0, "", "connection refused");
  EXPECT_EQ(failed.http_status, 0u);
  EXPECT_EQ(failed.transport_error, "connection refused");
  EXPECT_EQ(observe(503, "", "HTTP 503").transport_error, "");
}

}  // namespace
}  // namespace accurate::designate
