#pragma once
/// @file messages.hpp
/// Locust's master/worker messages: the `[type, data, node_id]` envelope and the typed payloads accurate reads
/// and writes. Parsers check every key the receiver needs and throw msgpack::DecodeError naming the message and
/// the key, so one bad message is refused instead of killing a loop.

#include "cluster/msgpack.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::cluster {

/// Message type names used on the wire.
namespace msg {
inline constexpr std::string_view kClientReady = "client_ready";
inline constexpr std::string_view kAck = "ack";
inline constexpr std::string_view kHeartbeat = "heartbeat";
inline constexpr std::string_view kStats = "stats";
inline constexpr std::string_view kSpawn = "spawn";
inline constexpr std::string_view kSpawning = "spawning";
inline constexpr std::string_view kSpawningComplete = "spawning_complete";
inline constexpr std::string_view kStop = "stop";
inline constexpr std::string_view kClientStopped = "client_stopped";
inline constexpr std::string_view kQuit = "quit";
inline constexpr std::string_view kReconnect = "reconnect";
inline constexpr std::string_view kException = "exception";
inline constexpr std::string_view kLogs = "logs";
}  // namespace msg

/// One protocol message.
struct Envelope {
  std::string type;       ///< message type, e.g. "heartbeat"
  msgpack::Value data;    ///< payload (nil, str, int or map depending on the type)
  std::string node_id;    ///< W→M: the sender's id; M→W: the receiving worker's id
};

/// The msgpack bytes of @p envelope (a 3-element array).
std::string encodeEnvelope(const Envelope& envelope);
/// Decodes a payload. Throws msgpack::DecodeError when it is not a 3-element array of (str, any, str).
Envelope decodeEnvelope(std::string_view bytes);

/// User counts per class name, sorted by name (the order Locust sends).
using ClassCounts = std::vector<std::pair<std::string, std::uint32_t>>;
/// A {name: int} map from @p counts.
msgpack::Value classCountsValue(const ClassCounts& counts);
/// Parses a {name: int} map (negative or non-integer counts refused), sorted by name; @p what names it in errors.
ClassCounts parseClassCounts(const msgpack::Value& value, std::string_view what);

/// Index in @p known of the class that @p wanted names: the exact name, else the one class whose name after its
/// plugin prefix (the part before the first '.') equals @p wanted, or whose bare name equals @p wanted's bare
/// name (so a Python class `WebUser` matches accurate's `http.WebUser` both ways). None when absent or ambiguous.
std::optional<std::size_t> matchClassName(std::string_view wanted, const std::vector<std::string>& known);

/// What a client_ready's version says (Locust §3).
enum class VersionCheck {
  kAccepted,   ///< -1, a version string (empty too: Debian's Locust sends "")
  kRefused,    ///< nil, 0, false, or any other non-string value: not acked
};
/// Classifies a client_ready payload.
VersionCheck checkClientVersion(const msgpack::Value& data);

/// heartbeat W→M.
struct Heartbeat {
  std::string state;                 ///< "ready", "spawning", "running" (anything else is passed on as is)
  double cpu_percent = 0;            ///< process CPU use in percent of one core
  std::uint64_t memory_bytes = 0;    ///< resident set size in bytes (0 when not sent)
  std::string accurate_version;      ///< the "accurate" key: set by accurate workers only ("" from Locust)
};
msgpack::Value heartbeatValue(const Heartbeat& heartbeat);
/// Requires state (str) and current_cpu_usage (number).
Heartbeat parseHeartbeat(const msgpack::Value& data);

/// spawn M→W.
struct Spawn {
  double timestamp = 0;                  ///< epoch seconds, strictly increasing per master
  ClassCounts user_classes_count;        ///< absolute target per class on this worker, every class listed
  std::optional<std::string> host;       ///< target base URL (nil when unset)
  std::optional<double> stop_timeout;    ///< seconds (nil when unset)
  msgpack::Value parsed_options;         ///< the master's options map (always a map when encoded)
};
/// All five keys; parsed_options becomes {} when it is not a map.
msgpack::Value spawnValue(const Spawn& spawn);
/// Requires timestamp, user_classes_count, host, stop_timeout and parsed_options.
Spawn parseSpawn(const msgpack::Value& data);

/// spawning_complete W→M (also M→W from newer masters, with user_count only).
struct SpawningComplete {
  ClassCounts user_classes_count;  ///< the worker's users per class
  std::uint32_t user_count = 0;    ///< their sum
};
msgpack::Value spawningCompleteValue(const SpawningComplete& complete);
/// Requires user_classes_count.
SpawningComplete parseSpawningComplete(const msgpack::Value& data);

/// exception W→M.
struct WorkerException {
  std::string msg;        ///< the exception text
  std::string traceback;  ///< where it happened
};
msgpack::Value exceptionValue(const WorkerException& exception);
/// Requires msg and traceback (str).
WorkerException parseException(const msgpack::Value& data);

/// ack M→W: {"index": n}.
msgpack::Value ackValue(std::uint32_t index);
/// The index of an ack (-1 when the map has none, as Locust does).
std::int64_t parseAckIndex(const msgpack::Value& data);

}  // namespace accurate::cluster
