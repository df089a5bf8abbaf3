#include "cluster/messages.hpp"

#include "unit/cluster/locust_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace accurate::cluster {
namespace {

using ::testing::HasSubstr;
using msgpack::DecodeError;
using msgpack::Map;
using msgpack::Nil;
using msgpack::Value;
using testing::loadCapture;
using testing::messagesOf;

/// The DecodeError text of @p f() (fails the test when it does not throw one).
template <class F>
std::string errorOf(F&& f) {
  try {
    f();
  } catch (const DecodeError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no DecodeError";
  return {};
}

/// @p map without the key @p key.
Value without(const Value& map, std::string_view key) {
  Map out;
  for (const auto& [k, v] : map.asMap()) {
    if (!(k.isStr() && k.asStr() == key)) out.emplace_back(k, v);
  }
  return Value(std::move(out));
}

/// The data of the first captured message of @p type in direction @p dir of capture @p file.
Value firstData(const char* file, std::string_view dir, std::string_view type) {
  const auto found = messagesOf(loadCapture(file), dir, type);
  if (found.empty()) throw std::runtime_error("fixture has no " + std::string(type));
  return decodeEnvelope(found.front().payload()).data;
}

TEST(MessagesTest, DecodesEveryEnvelopeOfARealWorkerAndItsRoutingIdentity) {
  const auto all = loadCapture("worker_2_12_1.jsonl");
  ASSERT_FALSE(all.empty());
  const std::string node_id = decodeEnvelope(all.front().payload()).node_id;
  EXPECT_THAT(node_id, ::testing::MatchesRegex("[^_]+_[0-9a-f]{32}"));
  for (const auto& m : all) {
    const Envelope e = decodeEnvelope(m.payload());
    EXPECT_EQ(e.type, m.type);
    // W->M: the sender's id; M->W: the receiver's id. Either way the worker's, and the ROUTER identity frame.
    EXPECT_EQ(e.node_id, node_id) << m.type;
    ASSERT_EQ(m.frames.size(), 2u);
    EXPECT_EQ(m.frames.front(), node_id);
  }
}

TEST(MessagesTest, EncodesEnvelopesExactlyAsLocustDoes) {
  for (const char* file : {"worker_2_12_1.jsonl", "master_2_12_1.jsonl"}) {
    for (const auto& m : loadCapture(file)) {
      EXPECT_EQ(encodeEnvelope(decodeEnvelope(m.payload())), m.payload()) << file << " " << m.type;
    }
  }
  const std::string bytes = encodeEnvelope({"spawning", Value(Nil{}), "host_0123"});
  EXPECT_EQ(bytes, std::string("\x93\xa8spawning\xc0\xa9host_0123"));
}

TEST(MessagesTest, RefusesEnvelopesOfTheWrongShape) {
  EXPECT_THAT(errorOf([] { decodeEnvelope(msgpack::encode(Value(Map{}))); }), HasSubstr("not a 3-element array"));
  EXPECT_THAT(errorOf([] { decodeEnvelope(msgpack::encode(Value(msgpack::Array{Value("a"), Value(1)}))); }),
              HasSubstr("has 2 elements"));
  EXPECT_THAT(errorOf([] { decodeEnvelope(msgpack::encode(Value(msgpack::Array{Value(1), Value(1), Value("n")}))); }),
              HasSubstr("message: type is not a str (got int)"));
  EXPECT_THAT(errorOf([] {
                decodeEnvelope(msgpack::encode(
                    Value(msgpack::Array{Value("heartbeat"), Value(Nil{}), Value(msgpack::Binary{"n"})})));
              }),
              HasSubstr("message 'heartbeat': node_id is not a str (got bin)"));
  EXPECT_THROW(decodeEnvelope("\xc1"), DecodeError);
}

TEST(MessagesTest, AcceptsVersionStringsAndMinusOneOnly) {
  // The real Debian worker sends "" as its version.
  EXPECT_EQ(checkClientVersion(firstData("worker_2_12_1.jsonl", "W->M", "client_ready")), VersionCheck::kAccepted);
  EXPECT_EQ(checkClientVersion(Value("2.12.1")), VersionCheck::kAccepted);
  EXPECT_EQ(checkClientVersion(Value(-1)), VersionCheck::kAccepted);
  EXPECT_EQ(checkClientVersion(Value(-1.0)), VersionCheck::kAccepted);
  for (const Value& bad : {Value(Nil{}), Value(0), Value(false), Value(true), Value(7), Value(7u), Value(1.5),
                           Value(Map{}), Value(msgpack::Binary{"2.12.1"})}) {
    EXPECT_EQ(checkClientVersion(bad), VersionCheck::kRefused);
  }
}

TEST(MessagesTest, ParsesARealHeartbeat) {
  const Heartbeat h = parseHeartbeat(firstData("worker_2_12_1.jsonl", "W->M", "heartbeat"));
  EXPECT_EQ(h.state, "ready");
  EXPECT_GE(h.cpu_percent, 0.0);
  EXPECT_GT(h.memory_bytes, 1000000u);
  EXPECT_EQ(h.accurate_version, "");
}

TEST(MessagesTest, HeartbeatCarriesTheAccurateVersionOnlyWhenSet) {
  const Heartbeat sent{"running", 12.5, 123456789, "0.3.0"};
  const Value v = heartbeatValue(sent);
  const Heartbeat back = parseHeartbeat(msgpack::decode(msgpack::encode(v)));
  EXPECT_EQ(back.state, "running");
  EXPECT_EQ(back.cpu_percent, 12.5);
  EXPECT_EQ(back.memory_bytes, 123456789u);
  EXPECT_EQ(back.accurate_version, "0.3.0");
  const Value plain = heartbeatValue({"ready", 0, 0, ""});
  EXPECT_EQ(plain.asMap().size(), 3u);
  EXPECT_EQ(plain.find("accurate"), nullptr);
  EXPECT_TRUE(plain.at("current_cpu_usage").isFloat());
}

TEST(MessagesTest, HeartbeatErrorsNameTheKey) {
  const Value good = heartbeatValue({"ready", 1, 2, ""});
  EXPECT_EQ(errorOf([&] { parseHeartbeat(without(good, "state")); }), "heartbeat: missing key 'state'");
  EXPECT_EQ(errorOf([&] { parseHeartbeat(without(good, "current_cpu_usage")); }),
            "heartbeat: missing key 'current_cpu_usage'");
  const Value int_state(Map{{Value("state"), Value(1)}, {Value("current_cpu_usage"), Value(0)}});
  EXPECT_EQ(errorOf([&] { parseHeartbeat(int_state); }), "heartbeat: 'state' is not a str (got int)");
  EXPECT_EQ(errorOf([] { parseHeartbeat(Value(Nil{})); }), "heartbeat: data is not a map (got nil)");
  // The optional memory figure is only shown: a bad one is ignored rather than dropping the heartbeat.
  EXPECT_EQ(parseHeartbeat(without(good, "current_memory_usage")).memory_bytes, 0u);
  const Value bad_memory(Map{{Value("state"), Value("ready")},
                             {Value("current_cpu_usage"), Value(1)},
                             {Value("current_memory_usage"), Value("lots")}});
  EXPECT_EQ(parseHeartbeat(bad_memory).memory_bytes, 0u);
}

TEST(MessagesTest, ParsesTheSpawnOfARealMasterAndEncodesItTheSameWay) {
  const auto spawns = messagesOf(loadCapture("master_2_12_1.jsonl"), "M->W", "spawn");
  ASSERT_FALSE(spawns.empty());
  const Envelope e = decodeEnvelope(spawns.front().payload());
  const Spawn s = parseSpawn(e.data);
  EXPECT_GT(s.timestamp, 1.6e9);
  EXPECT_EQ(s.user_classes_count, (ClassCounts{{"CrashUser", 1}, {"WebUser", 2}}));
  EXPECT_EQ(s.host, "http://127.0.0.1:9");
  EXPECT_FALSE(s.stop_timeout.has_value());
  ASSERT_TRUE(s.parsed_options.isMap());
  EXPECT_NE(s.parsed_options.find("locustfile"), nullptr);
  EXPECT_EQ(encodeEnvelope({"spawn", spawnValue(s), e.node_id}), spawns.front().payload());
}

TEST(MessagesTest, SpawnRoundTripsAndAlwaysSendsAnOptionsMap) {
  Spawn s;
  s.timestamp = 1795599912.6663437;
  s.user_classes_count = {{"A", 0}, {"B", 3}};
  s.stop_timeout = 2.5;
  const Value v = spawnValue(s);
  ASSERT_EQ(v.asMap().size(), 5u);
  EXPECT_TRUE(v.at("parsed_options").isMap());
  EXPECT_TRUE(v.at("host").isNil());
  const Spawn back = parseSpawn(msgpack::decode(msgpack::encode(v)));
  EXPECT_EQ(back.timestamp, s.timestamp);
  EXPECT_EQ(back.user_classes_count, s.user_classes_count);
  EXPECT_FALSE(back.host.has_value());
  EXPECT_EQ(back.stop_timeout, 2.5);
}

TEST(MessagesTest, SpawnErrorsNameTheMissingKey) {
  Spawn s;
  s.timestamp = 1;
  const Value v = spawnValue(s);
  for (const char* key : {"timestamp", "user_classes_count", "host", "stop_timeout", "parsed_options"}) {
    EXPECT_EQ(errorOf([&] { parseSpawn(without(v, key)); }), std::string("spawn: missing key '") + key + "'");
  }
  const Value bad_host(Map{{Value("timestamp"), Value(1.0)},
                           {Value("user_classes_count"), Value(Map{})},
                           {Value("host"), Value(3)},
                           {Value("stop_timeout"), Value(Nil{})},
                           {Value("parsed_options"), Value(Map{})}});
  EXPECT_THAT(errorOf([&] { parseSpawn(bad_host); }), HasSubstr("spawn: 'host' is not a str"));
}

TEST(MessagesTest, ParsesARealSpawningCompleteSortedByName) {
  const SpawningComplete c = parseSpawningComplete(firstData("worker_2_12_1.jsonl", "W->M", "spawning_complete"));
  EXPECT_EQ(c.user_classes_count, (ClassCounts{{"CrashUser", 1}, {"WebUser", 1}}));
  EXPECT_EQ(c.user_count, 2u);
  const Value v = spawningCompleteValue({{{"A", 2}, {"B", 5}}, 7});
  EXPECT_EQ(v.at("user_count").asUint(), 7u);
  EXPECT_EQ(parseSpawningComplete(v).user_classes_count, (ClassCounts{{"A", 2}, {"B", 5}}));
  EXPECT_EQ(errorOf([] { parseSpawningComplete(Value(Map{{Value("user_count"), Value(4)}})); }),
            "spawning_complete: missing key 'user_classes_count'");
}

TEST(MessagesTest, ClassCountsRefuseNegativeFractionalDuplicateAndHugeCounts) {
  auto counts = [](Value n) { return Value(Map{{Value("WebUser"), std::move(n)}}); };
  EXPECT_THAT(errorOf([&] { parseClassCounts(counts(Value(-1)), "spawn: 'user_classes_count'"); }),
              HasSubstr("spawn: 'user_classes_count'['WebUser'] is negative"));
  EXPECT_THAT(errorOf([&] { parseClassCounts(counts(Value(1.5)), "x"); }), HasSubstr("is not an int (got float)"));
  EXPECT_THAT(errorOf([&] { parseClassCounts(counts(Value(5000000000ULL)), "x"); }), HasSubstr("too large"));
  EXPECT_THAT(errorOf([] {
                parseClassCounts(Value(Map{{Value("A"), Value(1)}, {Value("A"), Value(2)}}), "x");
              }),
              HasSubstr("class 'A' is listed twice"));
  EXPECT_THAT(errorOf([] { parseClassCounts(Value(Map{{Value(1), Value(1)}}), "x"); }),
              HasSubstr("x: a class name is not a str"));
  EXPECT_EQ(parseClassCounts(Value(Map{{Value("b"), Value(1)}, {Value("a"), Value(0)}}), "x"),
            (ClassCounts{{"a", 0}, {"b", 1}}));
}

TEST(MessagesTest, ParsesARealException) {
  const WorkerException e = parseException(firstData("worker_2_12_1.jsonl", "W->M", "exception"));
  EXPECT_EQ(e.msg, "user task crashed");
  EXPECT_THAT(e.traceback, HasSubstr("locustfile.py"));
  const WorkerException back = parseException(exceptionValue({"boom", "at x"}));
  EXPECT_EQ(back.msg, "boom");
  EXPECT_EQ(back.traceback, "at x");
  EXPECT_EQ(errorOf([] { parseException(Value(Map{{Value("msg"), Value("m")}})); }),
            "exception: missing key 'traceback'");
}

TEST(MessagesTest, ReadsTheAckIndexOrMinusOne) {
  EXPECT_EQ(parseAckIndex(firstData("master_2_12_1.jsonl", "M->W", "ack")), 0);
  EXPECT_EQ(parseAckIndex(ackValue(7)), 7);
  EXPECT_EQ(msgpack::encode(ackValue(0)), std::string("\x81\xa5index\x00", 8));
  EXPECT_EQ(parseAckIndex(Value(Map{})), -1);
  EXPECT_EQ(parseAckIndex(Value(Nil{})), -1);
  EXPECT_EQ(errorOf([] { parseAckIndex(Value(Map{{Value("index"), Value("x")}})); }),
            "ack: 'index' is not an int (got str)");
}

TEST(MessagesTest, RealMasterMessagesAddressTheReceivingWorker) {
  const auto all = loadCapture("master_2_12_1.jsonl");
  const std::string worker = decodeEnvelope(all.front().payload()).node_id;
  int from_master = 0;
  for (const auto& m : all) {
    if (m.dir != "M->W") continue;
    ++from_master;
    EXPECT_EQ(decodeEnvelope(m.payload()).node_id, worker) << m.type;
  }
  EXPECT_GE(from_master, 4);  // ack, spawn, stop, ack, quit
  EXPECT_EQ(messagesOf(all, "M->W", "stop").size(), 1u);
  EXPECT_EQ(messagesOf(all, "M->W", "quit").size(), 1u);
  EXPECT_TRUE(decodeEnvelope(messagesOf(all, "M->W", "stop").front().payload()).data.isNil());
}

TEST(MessagesTest, MatchesClassNamesAcrossPluginPrefixes) {
  const std::vector<std::string> accurate = {"http.WebUser", "designate.ZoneUser", "Plain"};
  EXPECT_EQ(matchClassName("http.WebUser", accurate), 0u);
  EXPECT_EQ(matchClassName("WebUser", accurate), 0u);
  EXPECT_EQ(matchClassName("ZoneUser", accurate), 1u);
  EXPECT_EQ(matchClassName("Plain", accurate), 2u);
  EXPECT_EQ(matchClassName("other.Plain", accurate), 2u);
  EXPECT_FALSE(matchClassName("Missing", accurate).has_value());
  EXPECT_FALSE(matchClassName("", accurate).has_value());
  const std::vector<std::string> python = {"WebUser", "CrashUser"};
  EXPECT_EQ(matchClassName("http.WebUser", python), 0u);
  EXPECT_EQ(matchClassName("CrashUser", python), 1u);
  const std::vector<std::string> ambiguous = {"a.WebUser", "b.WebUser"};
  EXPECT_FALSE(matchClassName("WebUser", ambiguous).has_value());
  EXPECT_EQ(matchClassName("b.WebUser", ambiguous), 1u);  // the exact name wins
}

}  // namespace
}  // namespace accurate::cluster
