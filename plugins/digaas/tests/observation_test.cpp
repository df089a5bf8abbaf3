// Observing one change: the state machine with made-up times and answers, and the coroutines against a real UDP
// DNS server on 127.0.0.1 with a fake user context.
#include "observation.hpp"

#include "digaas_fake_context.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

namespace accurate::digaas {
namespace {

using namespace std::chrono_literals;
using Kind = ObservationStep::Kind;
using Type = sdk::DnsChange::Type;

double epochNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

sdk::DnsChange zoneChange(Type type, double start_time, std::optional<std::uint32_t> serial = std::nullopt) {
  sdk::DnsChange change;
  change.type = type;
  change.zone = "prop.test.";
  change.name = "prop.test.";
  change.serial = serial;
  change.start_time = start_time;
  return change;
}

dns::Message rcodeOnly(std::uint8_t rcode) {
  dns::Message message;
  message.header.qr = true;
  message.header.rcode = rcode;
  return message;
}

dns::Message withSoa(std::uint32_t serial) {
  dns::Message message = rcodeOnly(dns::kRcodeNoError);
  message.answers.push_back(test::soa("prop.test.", serial));
  return message;
}

// ---- the state machine ----

TEST(DigaasObservationMachine, ChecksAtOnceThenOneIntervalAfterEachCheckStarted) {
  ObservationMachine machine(zoneChange(Type::kZoneCreate, 100.0), 1000ms, 10000ms, 100.0);
  EXPECT_EQ(machine.question().type, dns::kTypeSoa);
  EXPECT_DOUBLE_EQ(machine.deadline(), 110.0);
  EXPECT_EQ(machine.next(100.0).kind, Kind::kQuery);
  machine.queryStarted(100.0);
  const dns::Message nx = rcodeOnly(dns::kRcodeNxDomain);
  machine.queryFinished(100.05, &nx, "");
  const ObservationStep wait = machine.next(100.05);
  EXPECT_EQ(wait.kind, Kind::kWait);
  EXPECT_DOUBLE_EQ(wait.until, 101.0);
  EXPECT_EQ(machine.next(100.9).kind, Kind::kWait);
  EXPECT_EQ(machine.next(101.0).kind, Kind::kQuery);
  // A slow answer: the next check starts as soon as it arrives.
  machine.queryStarted(101.0);
  machine.queryFinished(102.5, &nx, "");
  EXPECT_EQ(machine.next(102.5).kind, Kind::kQuery);
  EXPECT_FALSE(machine.finished());
  EXPECT_EQ(machine.result().queries, 2u);
}

TEST(DigaasObservationMachine, SucceedsWithTheTimeFromTheChangesStart) {
  ObservationMachine machine(zoneChange(Type::kZoneUpdate, 100.0, 5), 1000ms, 10000ms, 100.2);
  machine.queryStarted(100.2);
  const dns::Message old = withSoa(4);
  machine.queryFinished(100.3, &old, "");
  EXPECT_EQ(machine.next(101.2).kind, Kind::kQuery);
  machine.queryStarted(101.2);
  const dns::Message updated = withSoa(5);
  machine.queryFinished(101.25, &updated, "");
  EXPECT_TRUE(machine.finished());
  EXPECT_EQ(machine.next(101.25).kind, Kind::kSucceeded);
  EXPECT_TRUE(machine.result().propagated);
  EXPECT_NEAR(machine.result().seconds, 1.25, 1e-9);
  EXPECT_TRUE(machine.result().error.empty());
  EXPECT_EQ(machine.result().answer, "SOA serial 5");
}

TEST(DigaasObservationMachine, FailsAtTheDeadlineWithTheLastAnswer) {
  ObservationMachine machine(zoneChange(Type::kZoneCreate, 100.0), 1000ms, 2500ms, 100.0);
  const dns::Message nx = rcodeOnly(dns::kRcodeNxDomain);
  for (const double t : {100.0, 101.0, 102.0}) {
    ASSERT_EQ(machine.next(t).kind, Kind::kQuery) << t;
    machine.queryStarted(t);
    machine.queryFinished(t + 0.01, &nx, "");
  }
  const ObservationStep wait = machine.next(102.01);
  EXPECT_EQ(wait.kind, Kind::kWait);
  EXPECT_DOUBLE_EQ(wait.until, 102.5);  // the deadline comes before the next check
  EXPECT_EQ(machine.next(102.5).kind, Kind::kFailed);
  EXPECT_FALSE(machine.result().propagated);
  EXPECT_DOUBLE_EQ(machine.result().seconds, 2.5);
  EXPECT_EQ(machine.result().error, "not propagated after 2.5 s (last answer: NXDOMAIN)");
  EXPECT_EQ(machine.next(200).kind, Kind::kFailed);
}

TEST(DigaasObservationMachine, AQueryErrorIsNotYetAndNamedInTheFailure) {
  ObservationMachine machine(zoneChange(Type::kZoneDelete, 100.0), 1000ms, 1000ms, 100.0);
  machine.queryStarted(100.0);
  machine.queryFinished(100.5, nullptr, "timeout after 500 ms");
  EXPECT_EQ(machine.next(100.5).kind, Kind::kWait);
  EXPECT_EQ(machine.next(101.0).kind, Kind::kFailed);
  EXPECT_EQ(machine.result().error, "not propagated after 1 s (last query: timeout after 500 ms)");
}

TEST(DigaasObservationMachine, ChecksOnceEvenWhenTheDeadlineHasPassed) {
  ObservationMachine machine(zoneChange(Type::kZoneCreate, 100.0), 1000ms, 1000ms, 200.0);
  EXPECT_EQ(machine.next(200.0).kind, Kind::kQuery);
  machine.queryStarted(200.0);
  const dns::Message found = withSoa(1);
  machine.queryFinished(200.1, &found, "");
  EXPECT_EQ(machine.next(200.1).kind, Kind::kSucceeded);
  EXPECT_NEAR(machine.result().seconds, 100.1, 1e-9);
}

TEST(DigaasObservationMachine, AnAnswerArrivingAfterTheDeadlineStillCounts) {
  ObservationMachine machine(zoneChange(Type::kZoneCreate, 100.0), 1000ms, 1000ms, 100.0);
  machine.queryStarted(100.9);
  const dns::Message found = withSoa(1);
  machine.queryFinished(101.3, &found, "");
  EXPECT_EQ(machine.next(101.3).kind, Kind::kSucceeded);
}

TEST(DigaasObservationMachine, UsesNowWhenTheChangeHasNoStartTimeAndClampsAtZero) {
  ObservationMachine machine(zoneChange(Type::kZoneCreate, 0), 1000ms, 5000ms, 50.0);
  EXPECT_DOUBLE_EQ(machine.change().start_time, 50.0);
  EXPECT_DOUBLE_EQ(machine.deadline(), 55.0);
  ObservationMachine future(zoneChange(Type::kZoneCreate, 300.0), 1000ms, 5000ms, 50.0);
  future.queryStarted(50.0);
  const dns::Message found = withSoa(1);
  future.queryFinished(50.1, &found, "");
  EXPECT_DOUBLE_EQ(future.result().seconds, 0.0);
}

TEST(DigaasObservationMachine, RefusesAChangeThatCannotBeQueried) {
  sdk::DnsChange change = zoneChange(Type::kRecordCreate, 100.0);
  change.rdatatype = "BOGUS";
  EXPECT_THROW(ObservationMachine(change, 1000ms, 1000ms, 100.0), sdk::Error);
}

// ---- the coroutines against a UDP DNS server on 127.0.0.1 ----

std::shared_ptr<Settings> settingsFor(std::uint16_t port, std::chrono::milliseconds interval,
                                      std::chrono::milliseconds timeout,
                                      std::chrono::milliseconds query_timeout = 500ms) {
  auto settings = std::make_shared<Settings>();
  settings->nameservers.push_back({"127.0.0.1", port, "127.0.0.1:" + std::to_string(port)});
  settings->interval = interval;
  settings->timeout = timeout;
  settings->query_timeout = query_timeout;
  return settings;
}

TEST(DigaasObservation, RecordsThePropagationTimeOfAServerThatCatchesUp) {
  boost::asio::io_context io;
  const auto flip = std::chrono::steady_clock::now() + 300ms;
  test::TestDnsServer server(io, [flip](const dns::Message& query) -> std::optional<dns::Message> {
    const std::uint32_t serial = std::chrono::steady_clock::now() < flip ? 1 : 2;
    return test::replyTo(query, dns::kRcodeNoError, {test::soa("prop.test.", serial)});
  });
  test::FakeContext ctx(io);
  const std::uint16_t port = server.port();
  const auto settings = settingsFor(port, 50ms, 3000ms);
  auto limits = std::make_shared<NameserverLimits>(settings->max_inflight, settings->max_qps);
  ctx.spawnBackground("propagation", observePropagation(ctx, settings, limits, settings->nameservers[0],
                                                        zoneChange(Type::kZoneUpdate, epochNow(), 2)));
  ASSERT_TRUE(test::runUntil(io, [&] { return ctx.background_finished == 1; }, 5s));
  server.stop();
  ASSERT_EQ(ctx.recorder.samples.size(), 1u);
  const test::RecordedSample& sample = ctx.recorder.samples[0];
  EXPECT_EQ(sample.method, "propagation");
  EXPECT_EQ(sample.name, "ZONE_UPDATE @ 127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(sample.error, "");
  // Seen at the first check after the flip: within one interval (+ scheduling slack).
  EXPECT_GE(sample.response_time_us, 295'000u);
  EXPECT_LE(sample.response_time_us, 300'000u + 50'000u + 100'000u);
  EXPECT_GE(server.arrivals.size(), 5u);  // about one query every 50 ms before the flip
  EXPECT_EQ(limits->inflight(), 0u);
  EXPECT_EQ(ctx.backgroundFailed(), 0u);
}

TEST(DigaasObservation, RecordsAFailureWithTheLastAnswerAtTheTimeout) {
  boost::asio::io_context io;
  test::TestDnsServer server(io, [](const dns::Message& query) -> std::optional<dns::Message> {
    return test::replyTo(query, dns::kRcodeNxDomain, {});
  });
  test::FakeContext ctx(io);
  const auto settings = settingsFor(server.port(), 100ms, 300ms);
  auto limits = std::make_shared<NameserverLimits>(4, 100);
  ctx.spawnBackground("propagation", observePropagation(ctx, settings, limits, settings->nameservers[0],
                                                        zoneChange(Type::kZoneCreate, epochNow())));
  ASSERT_TRUE(test::runUntil(io, [&] { return ctx.background_finished == 1; }, 5s));
  server.stop();
  ASSERT_EQ(ctx.recorder.samples.size(), 1u);
  EXPECT_EQ(ctx.recorder.samples[0].response_time_us, 300'000u);
  EXPECT_EQ(ctx.recorder.samples[0].error, "not propagated after 0.3 s (last answer: NXDOMAIN)");
  EXPECT_GE(server.arrivals.size(), 3u);
  EXPECT_LE(server.arrivals.size(), 4u);
}

TEST(DigaasObservation, TreatsQueryTimeoutsAsNotYet) {
  boost::asio::io_context io;
  test::TestDnsServer server(io, [](const dns::Message&) -> std::optional<dns::Message> { return std::nullopt; });
  test::FakeContext ctx(io);
  const auto settings = settingsFor(server.port(), 100ms, 350ms, 100ms);
  ObservationParams params{zoneChange(Type::kZoneCreate, epochNow()), settings->nameservers[0], settings->interval,
                           settings->timeout, settings->query_timeout, std::make_shared<NameserverLimits>(4, 100)};
  std::optional<ObservationResult> result;
  boost::asio::co_spawn(io, observeChange(ctx, std::move(params)), [&](std::exception_ptr e, ObservationResult r) {
    ASSERT_FALSE(e);
    result = std::move(r);
  });
  ASSERT_TRUE(test::runUntil(io, [&] { return result.has_value(); }, 5s));
  server.stop();
  EXPECT_FALSE(result->propagated);
  EXPECT_GE(result->queries, 2u);
  EXPECT_NE(result->error.find("(last query: timeout"), std::string::npos) << result->error;
}

TEST(DigaasObservation, CountsUnfinishedAndRecordsNothingWhenCancelled) {
  boost::asio::io_context io;
  test::TestDnsServer server(io, [](const dns::Message& query) -> std::optional<dns::Message> {
    return test::replyTo(query, dns::kRcodeNxDomain, {});
  });
  test::FakeContext ctx(io);
  const auto settings = settingsFor(server.port(), 50ms, 10000ms);
  auto limits = std::make_shared<NameserverLimits>(4, 100);
  ctx.spawnBackground("propagation", observePropagation(ctx, settings, limits, settings->nameservers[0],
                                                        zoneChange(Type::kZoneCreate, epochNow())));
  ASSERT_TRUE(test::runUntil(io, [&] { return server.arrivals.size() >= 2; }, 5s));
  ctx.cancelBackground();
  ASSERT_TRUE(test::runUntil(io, [&] { return ctx.background_finished == 1; }, 5s));
  server.stop();
  EXPECT_TRUE(ctx.recorder.samples.empty());
  EXPECT_EQ(ctx.recorder.counter("propagation.unfinished"), 1u);
  EXPECT_EQ(ctx.backgroundFailed(), 1u);  // the cancellation is rethrown
  EXPECT_EQ(limits->inflight(), 0u);
}

TEST(DigaasObservation, SharedLimitsDelayChecksBeyondTheRate) {
  boost::asio::io_context io;
  test::TestDnsServer server(io, [](const dns::Message& query) -> std::optional<dns::Message> {
    return test::replyTo(query, dns::kRcodeNxDomain, {});
  });
  test::FakeContext ctx(io);
  const auto settings = settingsFor(server.port(), 50ms, 400ms);
  auto limits = std::make_shared<NameserverLimits>(16, 2);  // two starts per second
  const double start = epochNow();
  for (int i = 0; i < 3; ++i) {
    ctx.spawnBackground("propagation", observePropagation(ctx, settings, limits, settings->nameservers[0],
                                                          zoneChange(Type::kZoneCreate, start)));
  }
  ASSERT_TRUE(test::runUntil(io, [&] { return ctx.background_finished == 3; }, 5s));
  server.stop();
  // Two checks at once, then nothing until the window frees a start ~1 s later (the third observation's only
  // check; the first two time out at 0.4 s without a second check).
  ASSERT_EQ(server.arrivals.size(), 3u);
  EXPECT_LT(server.arrivals[1] - server.arrivals[0], 100ms);
  EXPECT_GE(server.arrivals[2] - server.arrivals[0], 900ms);
  ASSERT_EQ(ctx.recorder.samples.size(), 3u);
  for (const auto& sample : ctx.recorder.samples) EXPECT_FALSE(sample.error.empty());
  for (const auto sleep : ctx.sleeps) EXPECT_GT(sleep.count(), 0);
}

}  // namespace
}  // namespace accurate::digaas
