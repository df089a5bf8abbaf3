// WorkerCore fed with messages and times, no sockets: handshake, cadence, spawn, stop, quit, master loss.

#include "cluster/worker_core.hpp"

#include <gtest/gtest.h>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace accurate::cluster {
namespace {

using msgpack::Map;
using msgpack::Nil;
using msgpack::Value;

constexpr double kT0 = 1'700'000'000.0;  ///< a realistic epoch start
const std::string kNode = "testhost_0123456789abcdef0123456789abcdef";

WorkerOptions options() {
  WorkerOptions o;
  o.node_id = kNode;
  o.class_names = {"http.WebUser", "designate.ZoneUser"};
  o.accurate_version = "0.1.0";
  return o;  // defaults: heartbeat 1 s, report 3 s, ready retry 5 s, silence 3.5 s, timeout 60 s
}

Envelope fromMaster(std::string type, Value data = Value(Nil{})) { return Envelope{std::move(type), std::move(data), kNode}; }

Envelope ack(int index) { return fromMaster("ack", Value(Map{{Value("index"), Value(index)}})); }

Envelope spawn(double timestamp, Map counts, Value host = Value(Nil{}), Value stop_timeout = Value(Nil{})) {
  return fromMaster("spawn", Value(Map{{Value("timestamp"), Value(timestamp)},
                                       {Value("user_classes_count"), Value(std::move(counts))},
                                       {Value("host"), std::move(host)},
                                       {Value("stop_timeout"), std::move(stop_timeout)},
                                       {Value("parsed_options"), Value(Map{})}}));
}

LocalStatus running() {
  LocalStatus s;
  s.state = "running";
  s.cpu_percent = 12.5;
  s.memory_bytes = 123456;
  return s;
}

std::vector<std::string> types(const WorkerActions& out) {
  std::vector<std::string> t;
  for (const Envelope& e : out.send) t.push_back(e.type);
  return t;
}

std::size_t countType(const WorkerActions& out, std::string_view type) {
  return static_cast<std::size_t>(
      std::count_if(out.send.begin(), out.send.end(), [&](const Envelope& e) { return e.type == type; }));
}

/// Captures log lines of the default logger for the test's lifetime.
class WorkerCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
    auto logger = std::make_shared<spdlog::logger>("worker-core-test", sink_);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override { spdlog::set_default_logger(previous_); }

  /// Log lines at @p level containing @p text.
  std::size_t linesWith(spdlog::level::level_enum level, std::string_view text) const {
    std::size_t n = 0;
    for (const auto& m : sink_->last_raw()) {
      if (m.level == level && std::string_view(m.payload.data(), m.payload.size()).find(text) != std::string_view::npos) {
        ++n;
      }
    }
    return n;
  }

  /// A core that completed the handshake at kT0 (ack index 0), with those actions consumed.
  WorkerCore connectedCore() {
    WorkerCore core(options());
    WorkerActions out;
    core.begin(kT0, out);
    core.onMessage(ack(0), kT0, out);
    return core;
  }

  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

TEST_F(WorkerCoreTest, BeginSendsClientReadyWithIntegerMinusOne) {
  WorkerCore core(options());
  WorkerActions out;
  core.begin(kT0, out);
  ASSERT_EQ(out.send.size(), 1u);
  EXPECT_EQ(out.send[0].type, "client_ready");
  EXPECT_EQ(out.send[0].data, Value(-1));
  EXPECT_TRUE(out.send[0].data.isInt());
  EXPECT_EQ(out.send[0].node_id, kNode);
  EXPECT_FALSE(core.connected());
  EXPECT_EQ(core.index(), -1);
  EXPECT_DOUBLE_EQ(core.nextDeadline(), kT0 + 5);
}

TEST_F(WorkerCoreTest, ResendsClientReadyEveryRetryForeverBeforeTheFirstAck) {
  WorkerCore core(options());
  WorkerActions first;
  core.begin(kT0, first);
  std::size_t resent = 0;
  // 1000 s without any answer: retries every 5 s, never gives up, never sends anything else.
  for (int i = 1; i <= 2000; ++i) {
    const double now = kT0 + i * 0.5;
    WorkerActions out;
    core.tick(now, running(), out);
    for (const Envelope& e : out.send) {
      ASSERT_EQ(e.type, "client_ready");
      EXPECT_EQ(e.data, Value(-1));
    }
    resent += out.send.size();
    EXPECT_FALSE(out.fatal.has_value());
    EXPECT_FALSE(out.send_report);
    EXPECT_FALSE(out.stop_users);
  }
  EXPECT_EQ(resent, 200u);
  EXPECT_FALSE(core.connected());
  // The "still waiting" line comes at most every 10 s (100 over 1000 s), and it does come.
  const std::size_t waiting = linesWith(spdlog::level::info, "no answer from the master");
  EXPECT_GE(waiting, 90u);
  EXPECT_LE(waiting, 100u);
}

TEST_F(WorkerCoreTest, NoRetryBeforeTheRetryIntervalElapsed) {
  WorkerCore core(options());
  WorkerActions out;
  core.begin(kT0, out);
  WorkerActions early;
  core.tick(kT0 + 4.99, running(), early);
  EXPECT_TRUE(early.send.empty());
  WorkerActions due;
  core.tick(kT0 + 5, running(), due);
  EXPECT_EQ(types(due), std::vector<std::string>{"client_ready"});
  EXPECT_DOUBLE_EQ(core.nextDeadline(), kT0 + 10);
}

TEST_F(WorkerCoreTest, AckStoresIndexConnectsAndAsksForAReportAtOnce) {
  WorkerCore core(options());
  WorkerActions out;
  core.begin(kT0, out);
  WorkerActions on_ack;
  core.onMessage(ack(7), kT0 + 0.001, on_ack);
  EXPECT_TRUE(core.connected());
  EXPECT_EQ(core.index(), 7);
  EXPECT_TRUE(on_ack.send_report);
  // The first heartbeat is due at once; no more client_ready.
  EXPECT_LE(core.nextDeadline(), kT0 + 0.001);
  WorkerActions tick;
  core.tick(kT0 + 0.001, running(), tick);
  EXPECT_EQ(types(tick), std::vector<std::string>{"heartbeat"});
  WorkerActions later;
  core.tick(kT0 + 20, running(), later);
  EXPECT_EQ(countType(later, "client_ready"), 0u);
}

TEST_F(WorkerCoreTest, HeartbeatCarriesLocalStatusAndTheAccurateVersion) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.tick(kT0, running(), out);
  ASSERT_EQ(out.send.size(), 1u);
  const Heartbeat h = parseHeartbeat(out.send[0].data);
  EXPECT_EQ(h.state, "running");
  EXPECT_DOUBLE_EQ(h.cpu_percent, 12.5);
  EXPECT_EQ(h.memory_bytes, 123456u);
  EXPECT_EQ(h.accurate_version, "0.1.0");
  ASSERT_NE(out.send[0].data.find("accurate"), nullptr);
  EXPECT_EQ(*out.send[0].data.find("accurate"), Value("0.1.0"));
  EXPECT_EQ(out.send[0].node_id, kNode);
}

TEST_F(WorkerCoreTest, HeartbeatEverySecondAndReportEveryThreeSeconds) {
  WorkerCore core = connectedCore();
  std::vector<double> heartbeats;
  std::vector<double> reports;
  for (int i = 0; i <= 72; ++i) {  // 0 .. 9 s in steps of 0.125 s
    const double now = kT0 + i * 0.125;
    WorkerActions out;
    core.tick(now, running(), out);
    if (countType(out, "heartbeat") > 0) heartbeats.push_back(now - kT0);
    EXPECT_LE(countType(out, "heartbeat"), 1u);
    if (out.send_report) reports.push_back(now - kT0);
    EXPECT_GT(core.nextDeadline(), now);
  }
  ASSERT_EQ(heartbeats.size(), 10u);
  for (std::size_t i = 0; i < heartbeats.size(); ++i) EXPECT_NEAR(heartbeats[i], static_cast<double>(i), 1e-5);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_NEAR(reports[0], 3, 1e-5);
  EXPECT_NEAR(reports[1], 6, 1e-5);
  EXPECT_NEAR(reports[2], 9, 1e-5);
}

TEST_F(WorkerCoreTest, SpawnMapsPythonClassNamesToLocalClasses) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(spawn(kT0 + 1, Map{{Value("WebUser"), Value(3)}, {Value("ZoneUser"), Value(2)}},
                       Value("http://target:8080"), Value(2.5)),
                 kT0 + 1, out);
  EXPECT_EQ(types(out), std::vector<std::string>{"spawning"});
  EXPECT_TRUE(out.send[0].data.isNil());
  ASSERT_TRUE(out.spawn.has_value());
  EXPECT_EQ(out.spawn->counts, (std::vector<std::uint32_t>{3, 2}));
  EXPECT_EQ(out.spawn->host, "http://target:8080");
  EXPECT_EQ(out.spawn->stop_timeout, 2.5);
  EXPECT_TRUE(out.spawn->unknown_classes.empty());
}

TEST_F(WorkerCoreTest, SpawnGivesZeroToLocalClassesTheMasterDidNotName) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(spawn(kT0 + 1, Map{{Value("http.WebUser"), Value(4)}}), kT0 + 1, out);
  ASSERT_TRUE(out.spawn.has_value());
  EXPECT_EQ(out.spawn->counts, (std::vector<std::uint32_t>{4, 0}));
  EXPECT_FALSE(out.spawn->host.has_value());
  EXPECT_FALSE(out.spawn->stop_timeout.has_value());
}

TEST_F(WorkerCoreTest, UnknownClassNamesAreListedAndWarnedOncePerName) {
  WorkerCore core = connectedCore();
  for (int i = 1; i <= 3; ++i) {
    WorkerActions out;
    core.onMessage(spawn(kT0 + i, Map{{Value("GhostUser"), Value(2)}, {Value("WebUser"), Value(1)}}), kT0 + i, out);
    ASSERT_TRUE(out.spawn.has_value());
    EXPECT_EQ(out.spawn->unknown_classes, std::vector<std::string>{"GhostUser"});
    EXPECT_EQ(out.spawn->counts, (std::vector<std::uint32_t>{1, 0}));
  }
  EXPECT_EQ(linesWith(spdlog::level::warn, "GhostUser"), 1u);
}

TEST_F(WorkerCoreTest, SpawnWithAnOldOrEqualTimestampIsDroppedAfterSpawning) {
  WorkerCore core = connectedCore();
  WorkerActions first;
  core.onMessage(spawn(kT0 + 10, Map{{Value("WebUser"), Value(1)}}), kT0 + 10, first);
  ASSERT_TRUE(first.spawn.has_value());
  for (const double stale : {kT0 + 10, kT0 + 9.5}) {
    WorkerActions out;
    core.onMessage(spawn(stale, Map{{Value("WebUser"), Value(5)}}), kT0 + 11, out);
    EXPECT_EQ(types(out), std::vector<std::string>{"spawning"});
    EXPECT_FALSE(out.spawn.has_value());
  }
  WorkerActions newer;
  core.onMessage(spawn(kT0 + 10.000001, Map{{Value("WebUser"), Value(6)}}), kT0 + 11, newer);
  ASSERT_TRUE(newer.spawn.has_value());
  EXPECT_EQ(newer.spawn->counts[0], 6u);
}

TEST_F(WorkerCoreTest, SpawningCompleteUsesTheMasterClassNames) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(spawn(kT0 + 1, Map{{Value("WebUser"), Value(3)}}), kT0 + 1, out);
  WorkerActions applied;
  core.onSpawnApplied(ClassCounts{{"designate.ZoneUser", 0}, {"http.WebUser", 3}}, applied);
  ASSERT_EQ(types(applied), std::vector<std::string>{"spawning_complete"});
  const SpawningComplete complete = parseSpawningComplete(applied.send[0].data);
  EXPECT_EQ(complete.user_classes_count, (ClassCounts{{"WebUser", 3}, {"designate.ZoneUser", 0}}));
  EXPECT_EQ(complete.user_count, 3u);
  EXPECT_EQ(applied.send[0].node_id, kNode);
}

TEST_F(WorkerCoreTest, StopSendsFinalReportThenClientStoppedThenClientReady) {
  WorkerCore core = connectedCore();
  WorkerActions stop;
  core.onMessage(fromMaster("stop"), kT0 + 5, stop);
  EXPECT_TRUE(stop.stop_users);
  EXPECT_TRUE(stop.send.empty());

  WorkerActions stopped;
  core.onUsersStopped(kT0 + 6, stopped);
  // The final report comes first: nothing else is sent with it.
  EXPECT_TRUE(stopped.send_report);
  EXPECT_TRUE(stopped.send.empty());
  EXPECT_LE(core.nextDeadline(), kT0 + 6);

  WorkerActions next;
  core.tick(kT0 + 6, running(), next);
  ASSERT_GE(next.send.size(), 2u);
  EXPECT_EQ(next.send[0].type, "client_stopped");
  EXPECT_TRUE(next.send[0].data.isNil());
  EXPECT_EQ(next.send[1].type, "client_ready");
  EXPECT_EQ(next.send[1].data, Value(-1));
  EXPECT_EQ(countType(next, "heartbeat"), 0u);
  EXPECT_FALSE(core.connected());

  WorkerActions reacked;
  core.onMessage(ack(0), kT0 + 6.001, reacked);
  EXPECT_TRUE(core.connected());
  EXPECT_EQ(core.index(), 0);
  WorkerActions heartbeat;
  core.tick(kT0 + 6.001, running(), heartbeat);
  EXPECT_EQ(countType(heartbeat, "heartbeat"), 1u);
}

TEST_F(WorkerCoreTest, UnansweredClientReadyAfterAStopGivesUpAfterMasterTimeout) {
  WorkerCore core = connectedCore();
  WorkerActions ignored;
  core.onMessage(fromMaster("stop"), kT0 + 1, ignored);
  core.onUsersStopped(kT0 + 100, ignored);  // a long stop: the silence counts from the new client_ready
  core.tick(kT0 + 100, running(), ignored);
  ASSERT_FALSE(ignored.fatal.has_value());
  WorkerActions before;
  core.tick(kT0 + 159.9, running(), before);
  EXPECT_FALSE(before.fatal.has_value());
  WorkerActions after;
  core.tick(kT0 + 160, running(), after);
  ASSERT_TRUE(after.fatal.has_value());
  EXPECT_EQ(*after.fatal, "lost the master: no answer to client_ready for 60 s");
}

TEST_F(WorkerCoreTest, QuitFromTheMasterAsksTheProcessToQuit) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(fromMaster("quit"), kT0 + 2, out);
  EXPECT_TRUE(out.quit);
  EXPECT_TRUE(out.send.empty());
  const Envelope q = core.quitMessage();
  EXPECT_EQ(q.type, "quit");
  EXPECT_TRUE(q.data.isNil());
  EXPECT_EQ(q.node_id, kNode);
  // Nothing more is sent on later ticks.
  WorkerActions later;
  core.tick(kT0 + 10, running(), later);
  EXPECT_TRUE(later.send.empty());
  EXPECT_FALSE(later.send_report);
}

TEST_F(WorkerCoreTest, ReconnectRebuildsTheSocketWithoutANewHandshake) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(fromMaster("reconnect"), kT0 + 2, out);
  EXPECT_TRUE(out.reconnect);
  EXPECT_TRUE(out.send.empty());
  EXPECT_TRUE(core.connected());
  WorkerActions tick;
  core.tick(kT0 + 2, running(), tick);
  EXPECT_EQ(countType(tick, "client_ready"), 0u);
}

TEST_F(WorkerCoreTest, SilentMasterIsLostThenHandshakeAgainAndReportsAtOnceAfterTheAck) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(fromMaster("heartbeat"), kT0 + 1, out);
  // Master messages stop after kT0 + 1: lost at kT0 + 4.5.
  std::vector<double> ready_times;
  for (int i = 1; i <= 80; ++i) {  // up to kT0 + 20
    const double now = kT0 + i * 0.25;
    WorkerActions tick;
    core.tick(now, running(), tick);
    if (now < kT0 + 4.5 - 1e-6) {
      EXPECT_TRUE(core.connected()) << "at +" << now - kT0;
    } else {
      EXPECT_FALSE(core.connected()) << "at +" << now - kT0;
      EXPECT_EQ(countType(tick, "heartbeat"), 0u);
      EXPECT_FALSE(tick.send_report);
    }
    EXPECT_FALSE(tick.stop_users);
    if (countType(tick, "client_ready") > 0) ready_times.push_back(now - kT0);
  }
  ASSERT_EQ(ready_times.size(), 4u);  // 4.5, 9.5, 14.5, 19.5
  EXPECT_NEAR(ready_times[0], 4.5, 1e-5);
  EXPECT_NEAR(ready_times[1], 9.5, 1e-5);
  EXPECT_NEAR(ready_times[3], 19.5, 1e-5);

  WorkerActions reacked;
  core.onMessage(ack(0), kT0 + 20, reacked);
  EXPECT_TRUE(core.connected());
  EXPECT_TRUE(reacked.send_report);
}

TEST_F(WorkerCoreTest, LostMasterIsFatalAfterMasterTimeoutSinceItsLastMessage) {
  WorkerCore core = connectedCore();
  WorkerActions out;
  core.onMessage(fromMaster("heartbeat"), kT0 + 1, out);
  std::optional<double> fatal_at;
  for (int i = 1; i <= 280 && !fatal_at; ++i) {
    const double now = kT0 + i * 0.25;
    WorkerActions tick;
    core.tick(now, running(), tick);
    if (tick.fatal) {
      fatal_at = now - kT0;
      EXPECT_EQ(*tick.fatal, "lost the master: no message for 60 s");
      EXPECT_TRUE(tick.stop_users);
    }
  }
  ASSERT_TRUE(fatal_at.has_value());
  EXPECT_NEAR(*fatal_at, 61, 1e-5);
  WorkerActions later;
  core.tick(kT0 + 70, running(), later);
  EXPECT_TRUE(later.send.empty());
  EXPECT_FALSE(later.fatal.has_value());
}

TEST_F(WorkerCoreTest, MasterThatNeverSendsHeartbeatsIsNeverLost) {
  WorkerCore core = connectedCore();  // a Locust 2.12.1 master: ack, then silence while idle
  std::size_t heartbeats = 0;
  for (int i = 0; i <= 1000; ++i) {
    const double now = kT0 + i;
    WorkerActions tick;
    core.tick(now, running(), tick);
    heartbeats += countType(tick, "heartbeat");
    EXPECT_EQ(countType(tick, "client_ready"), 0u);
    EXPECT_FALSE(tick.fatal.has_value());
    EXPECT_TRUE(core.connected());
  }
  EXPECT_EQ(heartbeats, 1001u);
}

TEST_F(WorkerCoreTest, MasterMessagesKeepAHeartbeatingMasterAlive) {
  WorkerCore core = connectedCore();
  for (int i = 1; i <= 100; ++i) {
    const double now = kT0 + i;
    WorkerActions out;
    core.onMessage(fromMaster("heartbeat"), now, out);
    core.tick(now + 0.5, running(), out);
    EXPECT_TRUE(core.connected());
    EXPECT_EQ(countType(out, "client_ready"), 0u);
  }
}

TEST_F(WorkerCoreTest, MalformedPayloadsAreLoggedAndIgnored) {
  WorkerCore core = connectedCore();
  WorkerActions bad_spawn;
  EXPECT_NO_THROW(core.onMessage(fromMaster("spawn", Value("garbage")), kT0 + 1, bad_spawn));
  EXPECT_EQ(types(bad_spawn), std::vector<std::string>{"spawning"});  // as Locust: spawning comes first
  EXPECT_FALSE(bad_spawn.spawn.has_value());

  WorkerActions no_timestamp;
  core.onMessage(fromMaster("spawn", Value(Map{{Value("user_classes_count"), Value(Map{})}})), kT0 + 1, no_timestamp);
  EXPECT_FALSE(no_timestamp.spawn.has_value());

  WorkerActions negative;
  core.onMessage(spawn(kT0 + 1, Map{{Value("WebUser"), Value(-3)}}), kT0 + 1, negative);
  EXPECT_FALSE(negative.spawn.has_value());

  WorkerActions bad_ack;
  core.onMessage(fromMaster("ack", Value(Map{{Value("index"), Value("x")}})), kT0 + 1, bad_ack);
  EXPECT_EQ(core.index(), 0);
  EXPECT_EQ(linesWith(spdlog::level::warn, "malformed"), 4u);

  // Unknown types and M→W spawning_complete change nothing.
  for (const char* type : {"spawning_complete", "update_user_class", "hello"}) {
    WorkerActions out;
    core.onMessage(fromMaster(type, Value(Map{{Value("user_count"), Value(3)}})), kT0 + 1, out);
    EXPECT_TRUE(out.send.empty());
    EXPECT_FALSE(out.spawn || out.stop_users || out.quit || out.reconnect || out.send_report);
  }
  EXPECT_EQ(linesWith(spdlog::level::warn, "malformed"), 4u);

  // The core still works: a good spawn after the bad ones is applied.
  WorkerActions good;
  core.onMessage(spawn(kT0 + 2, Map{{Value("ZoneUser"), Value(2)}}), kT0 + 2, good);
  ASSERT_TRUE(good.spawn.has_value());
  EXPECT_EQ(good.spawn->counts, (std::vector<std::uint32_t>{0, 2}));
}

TEST_F(WorkerCoreTest, AckWithoutIndexCountsAsMinusOne) {
  WorkerCore core(options());
  WorkerActions out;
  core.begin(kT0, out);
  core.onMessage(fromMaster("ack"), kT0 + 0.1, out);
  EXPECT_TRUE(core.connected());
  EXPECT_EQ(core.index(), -1);
}

}  // namespace
}  // namespace accurate::cluster
