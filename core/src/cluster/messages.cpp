/// @file messages.cpp
/// Locust's envelope and the typed payloads: builders write the keys in the order Locust writes them; parsers
/// check each key the receiver needs and name the message and the key in their one-line errors.

#include "cluster/messages.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace accurate::cluster {

namespace {

using msgpack::DecodeError;
using msgpack::Map;
using msgpack::Value;

/// "<message>: '<key>'", the subject of a type error.
std::string subject(std::string_view message, std::string_view key) {
  return std::string(message) + ": '" + std::string(key) + "'";
}

/// The payload of @p message as a map; DecodeError "<message>: data is not a map (got …)" otherwise.
const Value& requireMap(const Value& data, std::string_view message) {
  data.asMap(std::string(message) + ": data");
  return data;
}

/// The value under @p key of map @p data; DecodeError "<message>: missing key '<key>'" when absent.
const Value& field(const Value& data, std::string_view message, std::string_view key) {
  return data.at(key, message);
}

/// The part of a class name after its plugin prefix (everything after the first '.'), or the name itself.
std::string_view bareName(std::string_view name) {
  const std::size_t dot = name.find('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

}  // namespace

std::string encodeEnvelope(const Envelope& envelope) {
  return msgpack::encode(Value(msgpack::Array{Value(envelope.type), envelope.data, Value(envelope.node_id)}));
}

Envelope decodeEnvelope(std::string_view bytes) {
  Value v = msgpack::decode(bytes);
  if (!v.isArray() || v.asArray().size() != 3) {
    throw DecodeError("message: not a 3-element array [type, data, node_id]" +
                      std::string(v.isArray() ? " (has " + std::to_string(v.asArray().size()) + " elements)" : ""));
  }
  // v is a local, non-const object: moving the payload out of it saves copying a large stats map.
  auto& a = const_cast<msgpack::Array&>(v.asArray());
  Envelope e;
  e.type = a[0].asStr("message: type");
  e.node_id = a[2].asStr("message '" + e.type + "': node_id");
  e.data = std::move(a[1]);
  return e;
}

msgpack::Value classCountsValue(const ClassCounts& counts) {
  Map m;
  m.reserve(counts.size());
  for (const auto& [name, n] : counts) m.emplace_back(Value(name), Value(static_cast<std::uint64_t>(n)));
  return Value(std::move(m));
}

ClassCounts parseClassCounts(const msgpack::Value& value, std::string_view what) {
  const Map& m = value.asMap(what);
  ClassCounts out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) {
    const std::string& name = k.asStr(std::string(what) + ": a class name");
    const std::string count_what = std::string(what) + "['" + name + "']";
    const std::uint64_t n = v.asUint(count_what);
    if (n > std::numeric_limits<std::uint32_t>::max()) {
      throw DecodeError(count_what + " is too large (" + std::to_string(n) + " users)");
    }
    out.emplace_back(name, static_cast<std::uint32_t>(n));
  }
  std::sort(out.begin(), out.end());
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].first == out[i - 1].first) {
      throw DecodeError(std::string(what) + ": class '" + out[i].first + "' is listed twice");
    }
  }
  return out;
}

std::optional<std::size_t> matchClassName(std::string_view wanted, const std::vector<std::string>& known) {
  if (wanted.empty()) return std::nullopt;
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i] == wanted) return i;
  }
  const std::string_view wanted_bare = bareName(wanted);
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < known.size(); ++i) {
    const std::string_view bare = bareName(known[i]);
    if (bare == wanted || bare == wanted_bare) {
      if (found) return std::nullopt;  // ambiguous
      found = i;
    }
  }
  return found;
}

VersionCheck checkClientVersion(const msgpack::Value& data) {
  if (data.isStr()) return VersionCheck::kAccepted;
  if (data.isInt()) {
    const auto* i = std::get_if<std::int64_t>(&data.storage());
    return i != nullptr && *i == -1 ? VersionCheck::kAccepted : VersionCheck::kRefused;
  }
  // Python compares with ==, so -1.0 is the bypass value too.
  if (data.isFloat() && data.asNumber() == -1.0) return VersionCheck::kAccepted;
  return VersionCheck::kRefused;
}

msgpack::Value heartbeatValue(const Heartbeat& heartbeat) {
  Map m{{Value("state"), Value(heartbeat.state)},
        {Value("current_cpu_usage"), Value(heartbeat.cpu_percent)},
        {Value("current_memory_usage"), Value(heartbeat.memory_bytes)}};
  if (!heartbeat.accurate_version.empty()) m.emplace_back(Value("accurate"), Value(heartbeat.accurate_version));
  return Value(std::move(m));
}

Heartbeat parseHeartbeat(const msgpack::Value& data) {
  constexpr std::string_view kWhat = "heartbeat";
  requireMap(data, kWhat);
  Heartbeat h;
  h.state = field(data, kWhat, "state").asStr(subject(kWhat, "state"));
  h.cpu_percent = field(data, kWhat, "current_cpu_usage").asNumber(subject(kWhat, "current_cpu_usage"));
  // Optional, and only shown: a Python master stores whatever comes, so a bad value is ignored, not refused.
  if (const Value* mem = data.find("current_memory_usage")) {
    const auto* negative = std::get_if<std::int64_t>(&mem->storage());
    if (mem->isInt() && (negative == nullptr || *negative >= 0)) {
      h.memory_bytes = mem->asUint();
    } else if (mem->isFloat() && std::isfinite(mem->asNumber()) && mem->asNumber() >= 0 &&
               mem->asNumber() < 1.8e19) {
      h.memory_bytes = static_cast<std::uint64_t>(mem->asNumber());
    }
  }
  if (const Value* version = data.find("accurate"); version != nullptr && version->isStr()) {
    h.accurate_version = version->asStr();
  }
  return h;
}

msgpack::Value spawnValue(const Spawn& spawn) {
  return Value(Map{
      {Value("timestamp"), Value(spawn.timestamp)},
      {Value("user_classes_count"), classCountsValue(spawn.user_classes_count)},
      {Value("host"), spawn.host ? Value(*spawn.host) : Value(msgpack::Nil{})},
      {Value("stop_timeout"), spawn.stop_timeout ? Value(*spawn.stop_timeout) : Value(msgpack::Nil{})},
      {Value("parsed_options"), spawn.parsed_options.isMap() ? spawn.parsed_options : Value(Map{})},
  });
}

Spawn parseSpawn(const msgpack::Value& data) {
  constexpr std::string_view kWhat = "spawn";
  requireMap(data, kWhat);
  Spawn s;
  s.timestamp = field(data, kWhat, "timestamp").asNumber(subject(kWhat, "timestamp"));
  if (!std::isfinite(s.timestamp)) throw DecodeError("spawn: 'timestamp' is not a finite number");
  s.user_classes_count =
      parseClassCounts(field(data, kWhat, "user_classes_count"), subject(kWhat, "user_classes_count"));
  const Value& host = field(data, kWhat, "host");
  if (!host.isNil()) s.host = host.asStr(subject(kWhat, "host"));
  const Value& stop_timeout = field(data, kWhat, "stop_timeout");
  if (!stop_timeout.isNil()) {
    const double t = stop_timeout.asNumber(subject(kWhat, "stop_timeout"));
    if (!std::isfinite(t) || t < 0) throw DecodeError("spawn: 'stop_timeout' is not a non-negative number");
    s.stop_timeout = t;
  }
  s.parsed_options = field(data, kWhat, "parsed_options");
  return s;
}

msgpack::Value spawningCompleteValue(const SpawningComplete& complete) {
  return Value(Map{
      {Value("user_classes_count"), classCountsValue(complete.user_classes_count)},
      {Value("user_count"), Value(static_cast<std::uint64_t>(complete.user_count))},
  });
}

SpawningComplete parseSpawningComplete(const msgpack::Value& data) {
  constexpr std::string_view kWhat = "spawning_complete";
  requireMap(data, kWhat);
  SpawningComplete c;
  c.user_classes_count =
      parseClassCounts(field(data, kWhat, "user_classes_count"), subject(kWhat, "user_classes_count"));
  std::uint64_t sum = 0;
  for (const auto& [name, n] : c.user_classes_count) sum += n;
  // user_count is not read by Locust either: the sum of the classes is the truth.
  c.user_count = static_cast<std::uint32_t>(std::min<std::uint64_t>(sum, std::numeric_limits<std::uint32_t>::max()));
  return c;
}

msgpack::Value exceptionValue(const WorkerException& exception) {
  return Value(Map{
      {Value("msg"), Value(exception.msg)},
      {Value("traceback"), Value(exception.traceback)},
  });
}

WorkerException parseException(const msgpack::Value& data) {
  constexpr std::string_view kWhat = "exception";
  requireMap(data, kWhat);
  WorkerException e;
  e.msg = field(data, kWhat, "msg").asStr(subject(kWhat, "msg"));
  e.traceback = field(data, kWhat, "traceback").asStr(subject(kWhat, "traceback"));
  return e;
}

msgpack::Value ackValue(std::uint32_t index) {
  return Value(Map{{Value("index"), Value(static_cast<std::uint64_t>(index))}});
}

std::int64_t parseAckIndex(const msgpack::Value& data) {
  const Value* index = data.find("index");
  if (index == nullptr) return -1;
  return index->asInt(subject("ack", "index"));
}

}  // namespace accurate::cluster
