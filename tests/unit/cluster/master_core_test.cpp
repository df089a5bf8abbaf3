#include "cluster/master_core.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace accurate::cluster {
namespace {

using msgpack::Map;
using msgpack::Nil;
using msgpack::Value;

/// Collects every log line while it lives (installed as spdlog's default logger).
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()), sink_(std::make_shared<Sink>()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  /// Lines at @p level containing every one of @p parts.
  int count(spdlog::level::level_enum level, std::initializer_list<std::string_view> parts) const {
    return static_cast<int>(std::count_if(sink_->lines.begin(), sink_->lines.end(), [&](const auto& line) {
      if (line.first != level) return false;
      return std::all_of(parts.begin(), parts.end(),
                         [&](std::string_view p) { return line.second.find(p) != std::string::npos; });
    }));
  }
  int warnings() const {
    return static_cast<int>(std::count_if(sink_->lines.begin(), sink_->lines.end(),
                                          [](const auto& l) { return l.first == spdlog::level::warn; }));
  }
  void clear() { sink_->lines.clear(); }

 private:
  struct Sink : spdlog::sinks::base_sink<std::mutex> {
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines;
    void sink_it_(const spdlog::details::log_msg& m) override {
      lines.emplace_back(m.level, std::string(m.payload.data(), m.payload.size()));
    }
    void flush_() override {}
  };
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<Sink> sink_;
};

constexpr double kT0 = 1'800'000'000.0;  // epoch seconds the tests start at

Value map(std::initializer_list<std::pair<Value, Value>> pairs) { return Value(Map(pairs)); }

Value heartbeatData(std::string state = "ready", double cpu = 1.5, bool accurate = true) {
  Map m{{Value("state"), Value(state)},
        {Value("current_cpu_usage"), Value(cpu)},
        {Value("current_memory_usage"), Value(1000)}};
  if (accurate) m.emplace_back(Value("accurate"), Value("0.9.0"));
  return Value(std::move(m));
}

/// A stats payload with @p users; accurate workers' carry the "accurate" key, Python workers' do not.
Value statsData(const ClassCounts& users, bool accurate, const std::string& exception = {}) {
  WorkerReport report;
  report.user_classes_count = users;
  if (!exception.empty()) report.delta.exceptions.push_back({exception, 1});
  Value v = statsReportValue(report, kT0);
  if (!accurate) {
    Map m = v.asMap();
    std::erase_if(m, [](const auto& kv) { return kv.first.isStr() && kv.first.asStr() == "accurate"; });
    v = Value(std::move(m));
  }
  return v;
}

/// Sent messages of @p type, by worker id.
std::map<std::string, std::vector<Value>> sent(const MasterOutput& out, std::string_view type) {
  std::map<std::string, std::vector<Value>> by_id;
  for (const auto& [id, envelope] : out.send) {
    EXPECT_EQ(id, envelope.node_id) << "routing id and node id must be the same";
    if (envelope.type == type) by_id[id].push_back(envelope.data);
  }
  return by_id;
}

/// The user_classes_count of a spawn payload.
ClassCounts spawnCounts(const Value& data) { return parseSpawn(data).user_classes_count; }

std::uint32_t total(const ClassCounts& counts) {
  std::uint32_t n = 0;
  for (const auto& [name, c] : counts) n += c;
  return n;
}

class MasterCoreTest : public ::testing::Test {
 protected:
  MasterOptions options() {
    MasterOptions o;
    o.classes = {{"http.WebUser", 3, {}}, {"http.ApiUser", 1, {}}};
    o.parsed_options = map({{Value("tags"), Value(Nil{})}, {Value("num_users"), Value(10)}});
    return o;
  }
  MasterOutput feed(MasterCore& core, const std::string& id, std::string_view type, Value data, double now) {
    MasterOutput out;
    core.onMessage(id, Envelope{std::string(type), std::move(data), id}, now, out);
    return out;
  }
  /// Handshake (+ first heartbeat, so the worker is known as accurate or not). Returns the ack index.
  std::int64_t connect(MasterCore& core, const std::string& id, double now, bool accurate = true,
                       Value version = Value(-1)) {
    MasterOutput out = feed(core, id, msg::kClientReady, std::move(version), now);
    const auto acks = sent(out, msg::kAck);
    EXPECT_EQ(acks.count(id), 1u) << id << " not acked";
    if (acks.count(id) == 0) return -2;
    feed(core, id, msg::kHeartbeat, heartbeatData("ready", 1, accurate), now);
    return parseAckIndex(acks.at(id).front());
  }
  MasterOutput tick(MasterCore& core, double now) {
    MasterOutput out;
    core.tick(now, out);
    return out;
  }
  const runtime::WorkerStatus* status(const MasterCore& core, const std::string& id) {
    statuses_ = core.workers();
    for (const auto& s : statuses_) {
      if (s.id == id) return &s;
    }
    return nullptr;
  }

  LogCapture log_;
  std::vector<runtime::WorkerStatus> statuses_;
};

// ----- handshake -----

TEST_F(MasterCoreTest, AcksVersionStringsEmptyStringAndMinusOneAndRefusesNilFalseZeroAndSeven) {
  MasterCore core(options());
  for (const Value& good : {Value("2.12.1"), Value(""), Value(-1), Value("2.46.3")}) {
    const std::string id = "host_" + std::to_string(core.workers().size());
    MasterOutput out = feed(core, id, msg::kClientReady, good, kT0);
    ASSERT_EQ(out.send.size(), 1u);
    EXPECT_EQ(out.send[0].second.type, "ack");
    EXPECT_EQ(parseAckIndex(out.send[0].second.data), static_cast<std::int64_t>(core.workers().size() - 1));
  }
  log_.clear();
  for (const Value& bad : {Value(Nil{}), Value(false), Value(0), Value(7), Value(Map{})}) {
    MasterOutput out = feed(core, "bad_1", msg::kClientReady, bad, kT0);
    EXPECT_TRUE(out.send.empty());
  }
  EXPECT_EQ(log_.count(spdlog::level::warn, {"bad_1", "refused"}), 5);
  EXPECT_EQ(log_.warnings(), 5);
  EXPECT_EQ(core.workers().size(), 4u);
  EXPECT_EQ(status(core, "bad_1"), nullptr);
}

TEST_F(MasterCoreTest, IndexesStartAtZeroAndStayWithTheirNodeIdForTheMastersLife) {
  MasterCore core(options());
  EXPECT_EQ(connect(core, "a_1", kT0), 0);
  EXPECT_EQ(connect(core, "b_1", kT0), 1);
  EXPECT_EQ(connect(core, "a_1", kT0 + 1), 0);  // again: same index, record replaced
  feed(core, "b_1", msg::kQuit, Nil{}, kT0 + 2);
  EXPECT_EQ(connect(core, "c_1", kT0 + 3), 2);
  EXPECT_EQ(connect(core, "b_1", kT0 + 4), 1);
  EXPECT_EQ(core.workers().size(), 3u);
}

TEST_F(MasterCoreTest, ClientReadyFromAKnownIdReplacesItsRecord) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  feed(core, "a_1", msg::kSpawningComplete,
       spawningCompleteValue({{{"http.ApiUser", 1}, {"http.WebUser", 2}}, 3}), kT0);
  ASSERT_EQ(status(core, "a_1")->state, "running");
  EXPECT_EQ(core.userCount(), 3u);
  feed(core, "a_1", msg::kClientReady, Value(-1), kT0 + 1);
  ASSERT_EQ(core.workers().size(), 1u);
  EXPECT_EQ(status(core, "a_1")->state, "ready");
  EXPECT_EQ(status(core, "a_1")->users, 0u);
  EXPECT_EQ(core.userCount(), 0u);
}

// ----- liveness -----

TEST_F(MasterCoreTest, WorkerIsMissingAfterAboutFourSecondsAndDroppedAfterAboutSixtyFour) {
  MasterCore core(options());
  tick(core, kT0);
  connect(core, "a_1", kT0 + 0.3);  // its last heartbeat
  std::optional<double> missing_at;
  std::optional<double> dropped_at;
  for (int i = 1; i <= 70 * 4 && !dropped_at; ++i) {
    const double now = kT0 + i * 0.25;
    tick(core, now);
    const auto* s = status(core, "a_1");
    if (!missing_at && s != nullptr && s->state == "missing") missing_at = now - (kT0 + 0.3);
    if (s == nullptr) dropped_at = now - (kT0 + 0.3);
  }
  ASSERT_TRUE(missing_at);
  ASSERT_TRUE(dropped_at);
  EXPECT_GT(*missing_at, 4.0);
  EXPECT_LE(*missing_at, 5.0);
  EXPECT_GT(*dropped_at, 64.0);
  EXPECT_LE(*dropped_at, 65.0);
  EXPECT_EQ(log_.count(spdlog::level::info, {"a_1", "missing"}), 1);
  EXPECT_EQ(log_.count(spdlog::level::info, {"a_1", "dropped"}), 1);
}

TEST_F(MasterCoreTest, HeartbeatsKeepAWorkerAliveAndAMissingOneSelfHeals) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  for (int s = 1; s <= 20; ++s) {
    tick(core, kT0 + s);
    feed(core, "a_1", msg::kHeartbeat, heartbeatData(), kT0 + s + 0.5);
  }
  EXPECT_EQ(status(core, "a_1")->state, "ready");
  for (int s = 21; s <= 30; ++s) tick(core, kT0 + s);
  EXPECT_EQ(status(core, "a_1")->state, "missing");
  EXPECT_EQ(core.activeWorkers(), 0u);
  feed(core, "a_1", msg::kHeartbeat, heartbeatData("running"), kT0 + 30.5);
  EXPECT_EQ(status(core, "a_1")->state, "running");
  EXPECT_EQ(core.activeWorkers(), 1u);
  EXPECT_EQ(log_.count(spdlog::level::info, {"a_1", "self-healed"}), 1);
}

TEST_F(MasterCoreTest, HighCpuIsWarnedOncePerWorker) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  connect(core, "b_1", kT0);
  for (int i = 0; i < 3; ++i) {
    feed(core, "a_1", msg::kHeartbeat, heartbeatData("ready", 95), kT0 + i);
    feed(core, "b_1", msg::kHeartbeat, heartbeatData("ready", 50), kT0 + i);
  }
  EXPECT_EQ(log_.count(spdlog::level::warn, {"a_1", "CPU"}), 1);
  EXPECT_EQ(log_.count(spdlog::level::warn, {"b_1", "CPU"}), 0);
  EXPECT_DOUBLE_EQ(status(core, "a_1")->cpu_percent, 95);
  EXPECT_EQ(status(core, "a_1")->memory_bytes, 1000u);
  EXPECT_DOUBLE_EQ(status(core, "a_1")->last_heartbeat, kT0 + 2);
}

TEST_F(MasterCoreTest, HeartbeatIsEchoedOnlyToMinusOneAndVersionsFrom2_19_0) {
  MasterCore core(options());
  const std::vector<std::pair<Value, bool>> versions{
      {Value(-1), true},       {Value("2.19.0"), true}, {Value("2.46.3"), true}, {Value("10.0"), true},
      {Value("2.20"), true},   {Value("2.12.1"), false}, {Value(""), false},    {Value("2.18.9"), false},
      {Value("1.99"), false},  {Value("dev"), false}};
  for (std::size_t i = 0; i < versions.size(); ++i) {
    const std::string id = "h_" + std::to_string(i);
    feed(core, id, msg::kClientReady, versions[i].first, kT0);
    MasterOutput out = feed(core, id, msg::kHeartbeat, heartbeatData("ready", 1, false), kT0);
    const auto echoes = sent(out, msg::kHeartbeat);
    EXPECT_EQ(echoes.count(id), versions[i].second ? 1u : 0u) << "version #" << i;
    if (echoes.count(id)) {
      EXPECT_TRUE(echoes.at(id).front().isNil());
    }
  }
  // Unknown ids get no echo.
  EXPECT_TRUE(feed(core, "stranger_1", msg::kHeartbeat, heartbeatData(), kT0).send.empty());
}

// ----- start and ramp -----

TEST_F(MasterCoreTest, StartIsRefusedWithoutActiveWorkers) {
  MasterCore core(options());
  MasterOutput out;
  EXPECT_FALSE(core.start(10, 1, std::nullopt, std::nullopt, kT0, out).accepted);
  connect(core, "a_1", kT0);
  for (int s = 1; s <= 6; ++s) tick(core, kT0 + s);  // goes missing
  EXPECT_FALSE(core.start(10, 1, std::nullopt, std::nullopt, kT0 + 6, out).accepted);
  EXPECT_TRUE(out.send.empty());
  EXPECT_EQ(core.state(), MasterState::kReady);
}

TEST_F(MasterCoreTest, RampSendsEveryWorkerAllFiveKeysWithStrictlyIncreasingTimestamps) {
  MasterOptions o = options();
  o.stop_timeout = 2.5;
  MasterCore core(o);
  connect(core, "a_1", kT0);
  connect(core, "b_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(10, 4, std::string("http://target"), std::nullopt, kT0, out).accepted);
  EXPECT_TRUE(out.reset_stats);
  EXPECT_EQ(out.state_change, MasterState::kSpawning);
  std::vector<std::map<std::string, std::vector<Value>>> steps{sent(out, msg::kSpawn)};
  // Steps of 4 users every second; the clock does not move between the calls that are due at the same time.
  for (double t : {kT0 + 0.5, kT0 + 1, kT0 + 1, kT0 + 2, kT0 + 2}) {
    MasterOutput o2 = tick(core, t);
    if (!sent(o2, msg::kSpawn).empty()) steps.push_back(sent(o2, msg::kSpawn));
    if (o2.state_change) {
      EXPECT_EQ(*o2.state_change, MasterState::kRunning);
    }
  }
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(core.state(), MasterState::kRunning);
  const std::vector<std::uint32_t> expected_totals{4, 8, 10};
  std::map<std::string, double> last_ts;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    ASSERT_EQ(steps[s].size(), 2u);
    std::uint32_t step_total = 0;
    for (const auto& [id, spawns] : steps[s]) {
      ASSERT_EQ(spawns.size(), 1u);
      const Value& data = spawns.front();
      ASSERT_TRUE(data.isMap());
      EXPECT_EQ(data.asMap().size(), 5u);
      for (const char* key : {"timestamp", "user_classes_count", "host", "stop_timeout", "parsed_options"}) {
        EXPECT_NE(data.find(key), nullptr) << key;
      }
      const Spawn spawn = parseSpawn(data);
      EXPECT_GT(spawn.timestamp, last_ts[id]) << "step " << s;
      last_ts[id] = spawn.timestamp;
      EXPECT_EQ(spawn.host, "http://target");
      EXPECT_EQ(spawn.stop_timeout, 2.5);
      EXPECT_EQ(spawn.parsed_options.find("num_users")->asInt(), 10);
      ASSERT_EQ(spawn.user_classes_count.size(), 2u);
      EXPECT_EQ(spawn.user_classes_count[0].first, "http.ApiUser");
      EXPECT_EQ(spawn.user_classes_count[1].first, "http.WebUser");
      step_total += total(spawn.user_classes_count);
    }
    EXPECT_EQ(step_total, expected_totals[s]);
  }
  // Nothing more is sent once the target is reached.
  EXPECT_TRUE(sent(tick(core, kT0 + 3), msg::kSpawn).empty());
}

TEST_F(MasterCoreTest, SetUsersRampsDownFromTheCurrentDispatch) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(8, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  EXPECT_EQ(core.state(), MasterState::kRunning);
  MasterOutput down;
  ASSERT_TRUE(core.setUsers(5, 2, kT0 + 1, down).accepted);
  EXPECT_EQ(total(spawnCounts(sent(down, msg::kSpawn).at("a_1").front())), 6u);
  EXPECT_EQ(core.state(), MasterState::kSpawning);
  MasterOutput last = tick(core, kT0 + 2);
  EXPECT_EQ(total(spawnCounts(sent(last, msg::kSpawn).at("a_1").front())), 5u);
  EXPECT_EQ(core.state(), MasterState::kRunning);
  EXPECT_EQ(last.state_change, MasterState::kRunning);
}

TEST_F(MasterCoreTest, SpawnTimestampsIncreaseEvenWhenTheClockDoesNotMove) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(3, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  double last = parseSpawn(sent(out, msg::kSpawn).at("a_1").front()).timestamp;
  EXPECT_DOUBLE_EQ(last, kT0);
  for (std::uint32_t users : {4u, 5u, 4u, 4u}) {
    MasterOutput change;
    ASSERT_TRUE(core.setUsers(users, 100, kT0, change).accepted);
    const Spawn spawn = parseSpawn(sent(change, msg::kSpawn).at("a_1").front());
    EXPECT_GT(spawn.timestamp, last);
    EXPECT_LT(spawn.timestamp - last, 1e-5);
    EXPECT_EQ(total(spawn.user_classes_count), users);
    last = spawn.timestamp;
  }
}

TEST_F(MasterCoreTest, PythonWorkerGetsItsOwnClassNamesAndMissingClassesAreLeftOutWithOneWarning) {
  MasterCore core(options());
  connect(core, "py_1", kT0, /*accurate=*/false, Value(""));
  connect(core, "acc_1", kT0, /*accurate=*/true);
  // The Python worker's first report lists its classes: it has WebUser only.
  feed(core, "py_1", msg::kStats, statsData({{"WebUser", 0}}, false), kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(8, 2, std::nullopt, std::nullopt, kT0, out).accepted);
  for (int s = 1; s <= 4; ++s) {
    MasterOutput o2 = tick(core, kT0 + s);
    out.send.insert(out.send.end(), o2.send.begin(), o2.send.end());
  }
  const auto spawns = sent(out, msg::kSpawn);
  ASSERT_EQ(spawns.at("py_1").size(), 4u);
  for (const Value& data : spawns.at("py_1")) {
    const ClassCounts counts = spawnCounts(data);
    ASSERT_EQ(counts.size(), 1u);
    EXPECT_EQ(counts[0].first, "WebUser");
  }
  for (const Value& data : spawns.at("acc_1")) {
    const ClassCounts counts = spawnCounts(data);
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts[0].first, "http.ApiUser");
    EXPECT_EQ(counts[1].first, "http.WebUser");
  }
  EXPECT_EQ(log_.count(spdlog::level::warn, {"py_1", "http.ApiUser"}), 1);
  EXPECT_EQ(status(core, "py_1")->kind, "locust (no version)");
  EXPECT_EQ(status(core, "acc_1")->kind, "accurate 0.9.0");
}

// ----- rebalancing -----

TEST_F(MasterCoreTest, WithRebalancingAJoiningWorkerGetsItsShareAtOnce) {
  MasterOptions o = options();
  o.rebalancing = true;
  MasterCore core(o);
  connect(core, "a_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(10, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  MasterOutput join;
  feed(core, "b_1", msg::kClientReady, Value(-1), kT0 + 5).send.swap(join.send);
  const auto spawns = sent(join, msg::kSpawn);
  ASSERT_EQ(spawns.size(), 2u);
  EXPECT_EQ(total(spawnCounts(spawns.at("a_1").front())), 5u);
  EXPECT_EQ(total(spawnCounts(spawns.at("b_1").front())), 5u);
  EXPECT_EQ(core.state(), MasterState::kRunning);
}

TEST_F(MasterCoreTest, WithoutRebalancingAJoiningWorkerStaysIdleUntilSetUsers) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(10, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  MasterOutput join = feed(core, "b_1", msg::kClientReady, Value(-1), kT0 + 5);
  EXPECT_TRUE(sent(join, msg::kSpawn).empty());
  MasterOutput change;
  ASSERT_TRUE(core.setUsers(10, 100, kT0 + 6, change).accepted);
  const auto spawns = sent(change, msg::kSpawn);
  ASSERT_EQ(spawns.size(), 2u);
  EXPECT_EQ(total(spawnCounts(spawns.at("a_1").front())), 5u);
  EXPECT_EQ(total(spawnCounts(spawns.at("b_1").front())), 5u);
}

TEST_F(MasterCoreTest, MissingWorkersUsersAreRedispatchedOnlyWithRebalancing) {
  for (const bool rebalancing : {true, false}) {
    MasterOptions o = options();
    o.rebalancing = rebalancing;
    MasterCore core(o);
    connect(core, "a_1", kT0);
    connect(core, "b_1", kT0);
    MasterOutput out;
    ASSERT_TRUE(core.start(10, 100, std::nullopt, std::nullopt, kT0, out).accepted);
    std::map<std::string, std::vector<Value>> later;
    for (int s = 1; s <= 6; ++s) {
      feed(core, "a_1", msg::kHeartbeat, heartbeatData("running"), kT0 + s - 0.5);
      MasterOutput o2 = tick(core, kT0 + s);
      for (auto& [id, v] : sent(o2, msg::kSpawn)) later[id] = v;
    }
    EXPECT_EQ(status(core, "b_1")->state, "missing");
    EXPECT_EQ(core.state(), MasterState::kRunning);
    if (rebalancing) {
      ASSERT_EQ(later.size(), 1u);
      EXPECT_EQ(total(spawnCounts(later.at("a_1").front())), 10u);
      // It comes back: the users are spread over both again.
      MasterOutput back = feed(core, "b_1", msg::kHeartbeat, heartbeatData("running"), kT0 + 6.5);
      EXPECT_EQ(total(spawnCounts(sent(back, msg::kSpawn).at("b_1").front())), 5u);
    } else {
      EXPECT_TRUE(later.empty());
    }
  }
}

// ----- stop -----

TEST_F(MasterCoreTest, StopCompletesWhenEveryAccurateWorkerSentClientStopped) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  connect(core, "b_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(4, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  MasterOutput stop;
  ASSERT_TRUE(core.stop(kT0 + 10, stop).accepted);
  EXPECT_EQ(sent(stop, msg::kStop).size(), 2u);
  EXPECT_EQ(stop.state_change, MasterState::kStopping);
  EXPECT_FALSE(core.stop(kT0 + 10, stop).accepted);
  feed(core, "a_1", msg::kStats, statsData({{"http.WebUser", 0}}, true), kT0 + 10.1);
  EXPECT_FALSE(feed(core, "a_1", msg::kClientStopped, Nil{}, kT0 + 10.2).state_change);
  EXPECT_EQ(core.state(), MasterState::kStopping);
  MasterOutput last = feed(core, "b_1", msg::kClientStopped, Nil{}, kT0 + 10.3);
  EXPECT_EQ(last.state_change, MasterState::kStopped);
  EXPECT_EQ(core.state(), MasterState::kStopped);
  // They register again and a new test can start.
  connect(core, "a_1", kT0 + 11);
  MasterOutput again;
  EXPECT_TRUE(core.start(2, 1, std::nullopt, std::nullopt, kT0 + 12, again).accepted);
  EXPECT_EQ(sent(again, msg::kSpawn).size(), 1u);  // b_1 is still stopped
}

TEST_F(MasterCoreTest, StopWaitsForAPythonWorkersNextReportAfterItsClientStopped) {
  MasterCore core(options());
  connect(core, "py_1", kT0, false, Value("2.12.1"));
  MasterOutput out;
  ASSERT_TRUE(core.start(4, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  MasterOutput stop;
  ASSERT_TRUE(core.stop(kT0 + 10, stop).accepted);
  feed(core, "py_1", msg::kClientStopped, Nil{}, kT0 + 10.5);
  EXPECT_FALSE(tick(core, kT0 + 13.9).state_change);
  EXPECT_EQ(core.state(), MasterState::kStopping);
  EXPECT_LE(core.nextDeadline(), kT0 + 14.0 + 1e-9);
  EXPECT_EQ(tick(core, kT0 + 14.0).state_change, MasterState::kStopped);
}

TEST_F(MasterCoreTest, StopGivesUpAfterStopTimeoutPlusGrace) {
  MasterOptions o = options();
  o.stop_timeout = 5;
  o.stop_grace_seconds = 10;
  MasterCore core(o);
  connect(core, "a_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(4, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  MasterOutput stop;
  ASSERT_TRUE(core.stop(kT0 + 1, stop).accepted);
  for (int s = 2; s < 16; ++s) {
    feed(core, "a_1", msg::kHeartbeat, heartbeatData("running"), kT0 + s - 0.5);
    EXPECT_FALSE(tick(core, kT0 + s).state_change) << s;
  }
  EXPECT_EQ(tick(core, kT0 + 16).state_change, MasterState::kStopped);
  EXPECT_EQ(log_.count(spdlog::level::warn, {"did not confirm the stop"}), 1);
}

TEST_F(MasterCoreTest, RunTimeStopsTheTest) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(4, 100, std::nullopt, 30.0, kT0, out).accepted);
  for (int s = 1; s < 30; ++s) {
    feed(core, "a_1", msg::kHeartbeat, heartbeatData("running"), kT0 + s - 0.5);
    EXPECT_TRUE(sent(tick(core, kT0 + s), msg::kStop).empty());
  }
  EXPECT_LE(core.nextDeadline(), kT0 + 30);
  MasterOutput end = tick(core, kT0 + 30);
  EXPECT_EQ(sent(end, msg::kStop).size(), 1u);
  EXPECT_EQ(core.state(), MasterState::kStopping);
}

TEST_F(MasterCoreTest, TestStopsWhenTheLastWorkerQuitsButNotBefore) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  connect(core, "b_1", kT0);
  MasterOutput out;
  ASSERT_TRUE(core.start(4, 100, std::nullopt, std::nullopt, kT0, out).accepted);
  feed(core, "a_1", msg::kQuit, Nil{}, kT0 + 1);
  EXPECT_EQ(core.state(), MasterState::kRunning);
  EXPECT_EQ(core.workers().size(), 1u);
  MasterOutput last = feed(core, "b_1", msg::kQuit, Nil{}, kT0 + 2);
  EXPECT_EQ(last.state_change, MasterState::kStopped);
  EXPECT_TRUE(core.workers().empty());
}

TEST_F(MasterCoreTest, QuitSendsQuitToEveryWorkerAndForgetsThem) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  connect(core, "b_1", kT0);
  MasterOutput out;
  core.quit(out);
  EXPECT_EQ(sent(out, msg::kQuit).size(), 2u);
  EXPECT_TRUE(core.workers().empty());
}

// ----- reports -----

TEST_F(MasterCoreTest, StatsBecomeReportsAndUpdateTheWorkersUsers) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out = feed(core, "a_1", msg::kStats, statsData({{"http.WebUser", 3}}, true), kT0);
  ASSERT_EQ(out.reports.size(), 1u);
  EXPECT_EQ(core.userCount(), 3u);
  EXPECT_EQ(status(core, "a_1")->users, 3u);
  // An unknown worker's stats are merged, its users are not counted.
  MasterOutput stranger = feed(core, "x_1", msg::kStats, statsData({{"http.WebUser", 9}}, true), kT0);
  EXPECT_EQ(stranger.reports.size(), 1u);
  EXPECT_EQ(core.userCount(), 3u);
}

TEST_F(MasterCoreTest, ExceptionBecomesAOneExceptionReport) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out = feed(core, "a_1", msg::kException,
                          map({{Value("msg"), Value("boom")}, {Value("traceback"), Value("  File x")}}), kT0);
  ASSERT_EQ(out.reports.size(), 1u);
  ASSERT_EQ(out.reports[0].delta.exceptions.size(), 1u);
  EXPECT_EQ(out.reports[0].delta.exceptions[0].message, "boom");
  EXPECT_EQ(out.reports[0].delta.exceptions[0].count, 1u);
}

// ----- bad input -----

TEST_F(MasterCoreTest, MalformedPayloadsOfEveryTypeAreLoggedOnceAndIgnored) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  log_.clear();
  const std::vector<std::pair<std::string, Value>> bad{
      {"heartbeat", map({{Value("current_cpu_usage"), Value(1.0)}})},           // no state
      {"heartbeat", map({{Value("state"), Value("ready")}})},                   // no cpu
      {"heartbeat", Value("running")},                                          // not a map
      {"stats", map({{Value("stats"), Value(msgpack::Array{})}})},              // keys missing
      {"stats", Value(Nil{})},                                                  // not a map
      {"spawning_complete", map({{Value("user_count"), Value(3)}})},            // no user_classes_count
      {"spawning_complete", map({{Value("user_classes_count"), Value(-4)}})},   // not a map
      {"exception", map({{Value("msg"), Value("x")}})},                         // no traceback
      {"exception", Value(7)},                                                  // not a map
      {"client_ready", Value(7)},                                               // refused version
  };
  for (const auto& [type, data] : bad) {
    MasterOutput out;
    EXPECT_NO_THROW(core.onMessage("a_1", Envelope{type, data, "a_1"}, kT0 + 1, out)) << type;
    EXPECT_TRUE(out.send.empty()) << type;
    EXPECT_TRUE(out.reports.empty()) << type;
    EXPECT_FALSE(out.state_change) << type;
  }
  EXPECT_EQ(log_.warnings(), static_cast<int>(bad.size()));
  EXPECT_EQ(log_.count(spdlog::level::warn, {"a_1"}), static_cast<int>(bad.size()));
  // The worker is unchanged and still handled normally.
  EXPECT_EQ(status(core, "a_1")->state, "ready");
  EXPECT_EQ(status(core, "a_1")->last_heartbeat, kT0);
  EXPECT_EQ(sent(feed(core, "a_1", msg::kHeartbeat, heartbeatData(), kT0 + 2), msg::kHeartbeat).size(), 1u);
}

TEST_F(MasterCoreTest, UnknownTypesAreWarnedOncePerTypeAndLogsAreIgnored) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  log_.clear();
  for (int i = 0; i < 3; ++i) {
    feed(core, "a_1", "hello_master", map({{Value("x"), Value(1)}}), kT0);
    feed(core, "a_1", "ack", Nil{}, kT0);
    feed(core, "a_1", msg::kLogs, map({{Value("worker_id"), Value("a_1")}}), kT0);
  }
  EXPECT_EQ(log_.count(spdlog::level::warn, {"hello_master", "a_1"}), 1);
  EXPECT_EQ(log_.count(spdlog::level::warn, {"'ack'"}), 1);
  EXPECT_EQ(log_.warnings(), 2);
}

TEST_F(MasterCoreTest, MessagesFromUnknownIdsNeverFail) {
  MasterCore core(options());
  for (const char* type : {"spawning_complete", "client_stopped", "quit", "heartbeat"}) {
    MasterOutput out;
    EXPECT_NO_THROW(core.onMessage("x_1", Envelope{type, Nil{}, "x_1"}, kT0, out));
    EXPECT_TRUE(out.send.empty()) << type;
  }
  // Locust (>= 2.15) tells an unknown spawning worker to quit.
  MasterOutput out = feed(core, "x_1", msg::kSpawning, Nil{}, kT0);
  EXPECT_EQ(sent(out, msg::kQuit).size(), 1u);
  EXPECT_TRUE(core.workers().empty());
}

TEST_F(MasterCoreTest, UndecodableFrameFromAKnownWorkerGetsReconnect) {
  MasterCore core(options());
  connect(core, "a_1", kT0);
  MasterOutput out;
  core.onUndecodable("a_1", "reserved byte 0xc1", out);
  EXPECT_EQ(sent(out, msg::kReconnect).size(), 1u);
  MasterOutput stranger;
  core.onUndecodable("x_1", "truncated", stranger);
  EXPECT_TRUE(stranger.send.empty());
}

TEST_F(MasterCoreTest, NodeIdDifferentFromTheConnectionIsDropped) {
  MasterCore core(options());
  MasterOutput out;
  core.onMessage("a_1", Envelope{"client_ready", Value(-1), "b_1"}, kT0, out);
  EXPECT_TRUE(out.send.empty());
  EXPECT_EQ(log_.count(spdlog::level::warn, {"a_1", "b_1"}), 1);
}

}  // namespace
}  // namespace accurate::cluster
