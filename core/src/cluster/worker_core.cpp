#include "cluster/worker_core.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <map>
#include <utility>

namespace accurate::cluster {
namespace {

/// Clamps @p n to the range of a user count.
std::uint32_t clampCount(std::uint64_t n) {
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(n, std::numeric_limits<std::uint32_t>::max()));
}

/// Seconds between two "still waiting for the master" lines.
constexpr double kWaitLogInterval = 10;

/// The next due time of a periodic action that was due at @p next: one @p interval later, or one interval from
/// @p now when the caller fell behind by more than a period (no burst of catch-up messages).
double advance(double next, double interval, double now) {
  next += interval;
  return next <= now ? now + interval : next;
}

}  // namespace

WorkerCore::WorkerCore(WorkerOptions options)
    : options_(std::move(options)), master_names_(options_.class_names) {}

Envelope WorkerCore::envelope(std::string_view type, msgpack::Value data) const {
  return Envelope{std::string(type), std::move(data), options_.node_id};
}

Envelope WorkerCore::statsMessage(msgpack::Value data) const { return envelope(msg::kStats, std::move(data)); }

Envelope WorkerCore::quitMessage() const { return envelope(msg::kQuit, msgpack::Nil{}); }

bool WorkerCore::connected() const noexcept { return connected_; }

std::int64_t WorkerCore::index() const noexcept { return index_; }

void WorkerCore::begin(double now, WorkerActions& out) {
  now_ = now;
  if (begun_) return;
  begun_ = true;
  spdlog::info("worker {}: sending client_ready to the master", options_.node_id);
  startHandshake(now, out);
}

void WorkerCore::sendReady(double now, WorkerActions& out) {
  out.send.push_back(envelope(msg::kClientReady, msgpack::Value(-1)));
  next_ready_ = now + options_.ready_retry;
}

void WorkerCore::startHandshake(double now, WorkerActions& out) {
  awaiting_ack_ = true;
  connected_ = false;
  handshake_since_ = now;
  last_wait_log_ = now;
  sendReady(now, out);
}

double WorkerCore::silenceStart() const noexcept {
  // A lost master is timed from its last message; an unanswered handshake (after a stop) from when it began, so a
  // long stop of a master that sends nothing on its own does not count against it.
  return lost_ ? last_heard_ : std::max(last_heard_, handshake_since_);
}

void WorkerCore::logWaiting(double now) {
  if (now - last_wait_log_ < kWaitLogInterval) return;
  last_wait_log_ = now;
  if (!heard_) {
    spdlog::info("worker: no answer from the master after {:.0f} s; sending client_ready every {} s",
                 now - handshake_since_, options_.ready_retry);
  } else {
    spdlog::warn("worker: no answer from the master for {:.0f} s; sending client_ready every {} s (giving up "
                 "after {} s)",
                 now - silenceStart(), options_.ready_retry, options_.master_timeout);
  }
}

void WorkerCore::giveUp(double now, WorkerActions& out) {
  out.fatal = lost_ ? fmt::format("lost the master: no message for {:.0f} s", now - silenceStart())
                   : fmt::format("lost the master: no answer to client_ready for {:.0f} s", now - silenceStart());
  out.stop_users = true;
  done_ = true;
  connected_ = false;
  awaiting_ack_ = false;
}

void WorkerCore::tick(double now, const LocalStatus& local, WorkerActions& out) {
  now_ = now;
  if (done_ || !begun_) return;

  if (stopped_pending_) {
    stopped_pending_ = false;
    stopping_ = false;
    out.send.push_back(envelope(msg::kClientStopped, msgpack::Nil{}));
    startHandshake(now, out);
  }

  if (connected_ && master_heartbeats_ && now - last_heard_ >= options_.master_silence) {
    spdlog::warn("worker: no message from the master for {:.1f} s; connecting again (stats are kept)",
                 now - last_heard_);
    lost_ = true;
    startHandshake(now, out);
  }

  if (awaiting_ack_) {
    if (heard_) {
      if (now - silenceStart() >= options_.master_timeout) {
        giveUp(now, out);
        return;
      }
    }
    if (now >= next_ready_) sendReady(now, out);
    logWaiting(now);
  }

  if (connected_) {
    if (now >= next_heartbeat_) {
      Heartbeat heartbeat;
      heartbeat.state = local.state.empty() ? "ready" : local.state;
      heartbeat.cpu_percent = local.cpu_percent;
      heartbeat.memory_bytes = local.memory_bytes;
      heartbeat.accurate_version = options_.accurate_version;
      out.send.push_back(envelope(msg::kHeartbeat, heartbeatValue(heartbeat)));
      next_heartbeat_ = advance(next_heartbeat_, options_.heartbeat_interval, now);
    }
    if (now >= next_report_) {
      out.send_report = true;
      next_report_ = advance(next_report_, options_.report_interval, now);
    }
  }
}

double WorkerCore::nextDeadline() const noexcept {
  if (!begun_ || stopped_pending_) return now_;
  double deadline = std::numeric_limits<double>::infinity();
  if (!done_) {
    if (awaiting_ack_) {
      deadline = std::min(deadline, next_ready_);
      if (heard_) {
        deadline = std::min(deadline, silenceStart() + options_.master_timeout);
      }
    }
    if (connected_) {
      deadline = std::min({deadline, next_heartbeat_, next_report_});
      if (master_heartbeats_) deadline = std::min(deadline, last_heard_ + options_.master_silence);
    }
  }
  // Nothing scheduled (done): come back in a second rather than never.
  return deadline == std::numeric_limits<double>::infinity() ? now_ + 1 : deadline;
}

void WorkerCore::onMessage(const Envelope& message, double now, WorkerActions& out) {
  now_ = now;
  if (done_) {
    spdlog::debug("worker: ignored '{}' from the master after quitting", message.type);
    return;
  }
  heard_ = true;
  last_heard_ = now;
  try {
    const std::string_view type = message.type;
    if (type == msg::kAck) {
      handleAck(message, now, out);
    } else if (type == msg::kHeartbeat) {
      master_heartbeats_ = true;
    } else if (type == msg::kSpawn) {
      handleSpawn(message, out);
    } else if (type == msg::kStop) {
      if (stopping_ || stopped_pending_) {
        spdlog::debug("worker: stop from the master while already stopping");
        return;
      }
      spdlog::info("worker: the master asked to stop the users");
      stopping_ = true;
      out.stop_users = true;
    } else if (type == msg::kQuit) {
      spdlog::info("worker: the master asked to quit");
      out.quit = true;
      done_ = true;
    } else if (type == msg::kReconnect) {
      spdlog::info("worker: the master asked to reconnect");
      out.reconnect = true;
    } else if (type == msg::kSpawningComplete) {
      spdlog::debug("worker: spawning_complete from the master (ignored)");
    } else {
      spdlog::debug("worker: ignored a message of unknown type '{}' from the master", message.type);
    }
  } catch (const std::exception& e) {
    spdlog::warn("worker: ignored a malformed '{}' message from the master: {}", message.type, e.what());
  }
}

void WorkerCore::handleAck(const Envelope& message, double now, WorkerActions& out) {
  // 2.10.x masters sent an ack without data; Locust takes -1 as the index then.
  const std::int64_t index = message.data.isNil() ? -1 : parseAckIndex(message.data);
  index_ = index;
  if (!awaiting_ack_) {
    spdlog::debug("worker: ack (index {}) while already connected", index);
    return;
  }
  spdlog::info("worker: {} the master (index {})", lost_ ? "connected again to" : "connected to", index);
  awaiting_ack_ = false;
  connected_ = true;
  lost_ = false;
  next_heartbeat_ = now;  // the first heartbeat goes out on the next tick
  next_report_ = now + options_.report_interval;
  out.send_report = true;  // Locust reports right after the ack; after a loss this sends what was kept
}

void WorkerCore::handleSpawn(const Envelope& message, WorkerActions& out) {
  // Locust answers `spawning` before it looks at the message, so even a dropped spawn gets it.
  out.send.push_back(envelope(msg::kSpawning, msgpack::Nil{}));
  Spawn spawn = parseSpawn(message.data);
  if (last_spawn_timestamp_ && spawn.timestamp <= *last_spawn_timestamp_) {
    spdlog::debug("worker: dropped a spawn with timestamp {:.6f} (last accepted {:.6f})", spawn.timestamp,
                  *last_spawn_timestamp_);
    return;
  }
  last_spawn_timestamp_ = spawn.timestamp;

  const std::size_t n = options_.class_names.size();
  std::vector<std::uint64_t> wanted(n, 0);
  SpawnOrder order;
  for (const auto& [name, count] : spawn.user_classes_count) {
    const std::optional<std::size_t> index = matchClassName(name, options_.class_names);
    if (!index) {
      order.unknown_classes.push_back(name);
      if (warned_unknown_.insert(name).second) {
        spdlog::warn("worker: the master asked for {} user(s) of class '{}', which this worker does not have "
                     "(its classes are: {})",
                     count, name, fmt::join(options_.class_names, ", "));
      }
      continue;
    }
    wanted[*index] += count;
    master_names_[*index] = name;
  }
  order.counts.reserve(n);
  for (const std::uint64_t w : wanted) {
    order.counts.push_back(clampCount(w));
  }
  order.host = std::move(spawn.host);
  order.stop_timeout = spawn.stop_timeout;
  out.spawn = std::move(order);
}

ClassCounts WorkerCore::masterClassCounts(const ClassCounts& users) const {
  std::map<std::string, std::uint64_t> named;
  for (const auto& [name, count] : users) {
    const auto& local = options_.class_names;
    const auto it = std::find(local.begin(), local.end(), name);
    const std::string& master_name =
        it == local.end() ? name : master_names_[static_cast<std::size_t>(it - local.begin())];
    named[master_name] += count;
  }
  ClassCounts result;
  result.reserve(named.size());
  for (const auto& [name, count] : named) {
    result.emplace_back(name, clampCount(count));
  }
  return result;
}

void WorkerCore::onSpawnApplied(const ClassCounts& users, WorkerActions& out) {
  SpawningComplete complete;
  complete.user_classes_count = masterClassCounts(users);
  std::uint64_t total = 0;
  for (const auto& entry : complete.user_classes_count) total += entry.second;
  complete.user_count = clampCount(total);
  out.send.push_back(envelope(msg::kSpawningComplete, spawningCompleteValue(complete)));
}

void WorkerCore::onUsersStopped(double now, WorkerActions& out) {
  now_ = now;
  if (done_) return;
  // The final report goes out first (send_report is handled after `send`); client_stopped and client_ready follow
  // on the next tick, which nextDeadline() makes due at once.
  // While the master is lost the report stays in the ReportBuilder and goes out after the next ack.
  out.send_report = connected_;
  stopped_pending_ = true;
}

}  // namespace accurate::cluster
