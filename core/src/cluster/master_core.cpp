/// @file master_core.cpp
/// The master's protocol logic (Locust §3, §4, §6, §7): handshake, liveness, reports, dispatch and ramps, stop.
/// Pure: it is fed messages and time and answers with messages, reports and state changes.

#include "cluster/master_core.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <exception>

namespace accurate::cluster {
namespace {

/// How long a stop waits after a Python worker's client_stopped for its next (last) report: Locust's report
/// interval (3 s) plus a margin.
constexpr double kPythonReportWait = 3.5;
/// Seconds between heartbeat checks (Locust's HEARTBEAT_INTERVAL).
constexpr double kCheckInterval = 1;

bool inTest(MasterState s) noexcept { return s == MasterState::kSpawning || s == MasterState::kRunning; }

/// A short description of a payload for log lines: its type, and the value when it is small.
std::string describe(const msgpack::Value& v) {
  if (v.isNil()) return "nil";
  if (v.isBool()) return v.asBool() ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v.storage())) return "integer " + std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v.storage())) return "integer " + std::to_string(*u);
  if (v.isFloat()) return "float " + std::to_string(v.asNumber());
  if (v.isStr()) return "string '" + v.asStr().substr(0, 40) + "'";
  if (v.isBin()) return "binary";
  if (v.isArray()) return "array";
  return "map";
}

/// True when @p version ("a.b.c"; missing parts count as 0, a part ends at its first non-digit) is at least
/// @p min. False when it does not start with a digit ("" included).
bool versionAtLeast(std::string_view version, std::array<long, 3> min) {
  std::array<long, 3> parts{0, 0, 0};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (pos >= version.size() || !std::isdigit(static_cast<unsigned char>(version[pos]))) {
      if (i == 0) return false;
      break;
    }
    long n = 0;
    while (pos < version.size() && std::isdigit(static_cast<unsigned char>(version[pos]))) {
      n = std::min(n * 10 + (version[pos] - '0'), 1000000L);
      ++pos;
    }
    parts[i] = n;
    if (pos >= version.size() || version[pos] != '.') break;
    ++pos;
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] != min[i]) return parts[i] > min[i];
  }
  return true;
}

std::uint32_t sum(const ClassCounts& counts) {
  std::uint64_t total = 0;
  for (const auto& [name, n] : counts) total += n;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

}  // namespace

MasterCore::MasterCore(MasterOptions options) : options_(std::move(options)) {
  if (!options_.parsed_options.isMap()) {
    if (!options_.parsed_options.isNil()) {
      spdlog::warn("master: parsed_options is a {}, not a map; workers get an empty map",
                   describe(options_.parsed_options));
    }
    options_.parsed_options = msgpack::Value(msgpack::Map{});
  }
  std::sort(options_.classes.begin(), options_.classes.end(),
            [](const DispatchClass& a, const DispatchClass& b) { return a.name < b.name; });
}

bool MasterCore::isActive(const Worker& w) noexcept {
  return !w.missing && (w.state == "ready" || w.state == "spawning" || w.state == "running");
}

void MasterCore::startClock(double now) {
  if (next_check_ == 0) next_check_ = now + kCheckInterval;
}

// ----- messages -----

void MasterCore::onMessage(std::string_view identity, const Envelope& message, double now, MasterOutput& out) {
  const std::string id(identity);
  try {
    startClock(now);
    if (message.node_id != identity) {
      spdlog::warn("master: dropped '{}' from worker {}: its node id '{}' is not the connection's id",
                   message.type, id, message.node_id);
      return;
    }
    handle(id, message, now, out);
  } catch (const std::exception& e) {
    spdlog::warn("master: dropped '{}' from worker {}: {}", message.type, id, e.what());
  } catch (...) {
    spdlog::warn("master: dropped '{}' from worker {}: unknown error", message.type, id);
  }
}

void MasterCore::handle(const std::string& id, const Envelope& message, double now, MasterOutput& out) {
  const std::string& type = message.type;
  const auto worker = workers_.find(id);
  const bool known = worker != workers_.end();
  if (type == msg::kClientReady) {
    onClientReady(id, message.data, now, out);
  } else if (type == msg::kHeartbeat) {
    onHeartbeat(id, message.data, now, out);
  } else if (type == msg::kStats) {
    onStats(id, message.data, out);
  } else if (type == msg::kSpawning) {
    if (!known) {
      // Locust (>= 2.15) tells a worker it does not know that is spawning to quit.
      spdlog::warn("master: worker {} is spawning but is not connected; sending it quit", id);
      out.send.emplace_back(id, Envelope{std::string(msg::kQuit), msgpack::Nil{}, id});
      return;
    }
    if (worker->second.state != "stopped") worker->second.state = "spawning";
  } else if (type == msg::kSpawningComplete) {
    SpawningComplete complete = parseSpawningComplete(message.data);
    if (!known) {
      spdlog::warn("master: dropped spawning_complete from worker {}: it is not connected", id);
      return;
    }
    if (worker->second.state != "stopped") worker->second.state = "running";
    worker->second.users = std::move(complete.user_classes_count);
  } else if (type == msg::kClientStopped) {
    onClientStopped(id, now, out);
  } else if (type == msg::kQuit) {
    onWorkerQuit(id, now, out);
  } else if (type == msg::kException) {
    const WorkerException exception = parseException(message.data);
    WorkerReport report;
    report.delta.exceptions.push_back(sdk::ExceptionCount{exception.msg, 1});
    out.reports.push_back(std::move(report));
  } else if (type == msg::kLogs) {
    spdlog::debug("master: ignored logs from worker {}", id);
  } else {
    warnUnknownType(id, type);
  }
}

void MasterCore::warnUnknownType(const std::string& id, const std::string& type) {
  if (warned_types_.size() < 1000 && warned_types_.insert(type).second) {
    spdlog::warn("master: ignored unknown message type '{}' from worker {} (warned once per type)",
                 type.substr(0, 64), id);
  }
}

void MasterCore::onClientReady(const std::string& id, const msgpack::Value& data, double now, MasterOutput& out) {
  if (checkClientVersion(data) == VersionCheck::kRefused) {
    spdlog::warn("master: refused worker {}: its client_ready version is {} (a version string or -1 is needed)",
                 id, describe(data));
    return;
  }
  auto [node_it, new_node] = nodes_.try_emplace(id);
  Node& node = node_it->second;
  if (new_node) node.index = next_index_++;
  Worker fresh;
  fresh.credit = options_.heartbeat_liveness;
  if (data.isStr()) {
    fresh.version = data.asStr();
    fresh.echo_heartbeat = versionAtLeast(fresh.version, {2, 19, 0});
  } else {
    fresh.version = "-1";
    fresh.echo_heartbeat = true;  // accurate, boomer and locust4j all handle the master's heartbeat
  }
  const bool replaced = workers_.contains(id);
  workers_[id] = std::move(fresh);
  out.send.emplace_back(id, Envelope{std::string(msg::kAck), ackValue(node.index), id});
  // A worker that re-registers has stopped whatever the stop was waiting for.
  if (state_ == MasterState::kStopping && stop_waiting_.contains(id)) stopWaitDone(id, now);
  spdlog::info("master: worker {} (index {}) {}; {} workers connected", id, node.index,
               replaced ? "reported as ready again" : "reported as ready", activeWorkers());
  if (inTest(state_) && options_.rebalancing) rebalance(now, out);
  if (state_ == MasterState::kStopping) checkStopped(now, out);
}

void MasterCore::onHeartbeat(const std::string& id, const msgpack::Value& data, double now, MasterOutput& out) {
  const auto it = workers_.find(id);
  if (it == workers_.end()) {
    spdlog::debug("master: ignored a heartbeat from unknown worker {}", id);
    return;
  }
  const Heartbeat heartbeat = parseHeartbeat(data);
  Worker& worker = it->second;
  Node& node = nodes_[id];
  worker.credit = options_.heartbeat_liveness;
  worker.last_heartbeat = now;
  worker.cpu_percent = heartbeat.cpu_percent;
  worker.memory_bytes = heartbeat.memory_bytes;
  if (!heartbeat.accurate_version.empty() || data.find("accurate") != nullptr) {
    node.accurate = true;
    node.accurate_version = heartbeat.accurate_version;
  }
  const bool revived = worker.missing;
  const bool was_active = isActive(worker);
  worker.missing = false;
  if (worker.state != "stopped") worker.state = heartbeat.state;
  if (revived) spdlog::info("master: worker {} self-healed with a heartbeat, state {}", id, worker.state);
  if (!node.cpu_warned && worker.cpu_percent > options_.cpu_warning_percent) {
    node.cpu_warned = true;
    spdlog::warn("master: worker {} (index {}) exceeded the CPU threshold ({:.0f}% > {:.0f}%; logged once per worker)",
                 id, node.index, worker.cpu_percent, options_.cpu_warning_percent);
  }
  if (worker.echo_heartbeat) out.send.emplace_back(id, Envelope{std::string(msg::kHeartbeat), msgpack::Nil{}, id});
  const bool active = isActive(worker);  // a state other than ready/spawning/running counts as gone (Locust)
  if (was_active && !active) {
    afterWorkerLeft(now, out);
  } else if (!was_active && active && inTest(state_) && options_.rebalancing) {
    rebalance(now, out);
  }
}

void MasterCore::onStats(const std::string& id, const msgpack::Value& data, MasterOutput& out) {
  WorkerReport report = parseStatsReport(data);
  const auto it = workers_.find(id);
  if (it == workers_.end()) {
    // Locust merges the stats of an unknown worker too and only discards its user counts.
    // A worker's last report after `quit` arrives once it is forgotten; an empty one is not worth a line.
    const bool empty = report.delta.entries.empty() && report.delta.errors.empty() && report.delta.exceptions.empty();
    spdlog::log(empty ? spdlog::level::debug : spdlog::level::info,
                "master: merged a report from unrecognized worker {} (its user counts are discarded)", id);
  } else {
    Node& node = nodes_[id];
    if (data.find("accurate") != nullptr) node.accurate = true;
    if (!node.accurate && !node.class_names && !report.user_classes_count.empty()) {
      std::vector<std::string> names;
      for (const auto& [name, n] : report.user_classes_count) names.push_back(name);
      node.class_names = std::move(names);
    }
    it->second.users = report.user_classes_count;
  }
  out.reports.push_back(std::move(report));
}

void MasterCore::onClientStopped(const std::string& id, double now, MasterOutput& out) {
  const auto it = workers_.find(id);
  if (it == workers_.end()) {
    spdlog::warn("master: ignored client_stopped from unknown worker {}", id);
    return;
  }
  const bool was_active = isActive(it->second);
  it->second.state = "stopped";
  it->second.users.clear();
  spdlog::info("master: worker {} (index {}) reported that it has stopped", id, nodes_[id].index);
  if (state_ == MasterState::kStopping) {
    if (stop_waiting_.contains(id)) stopWaitDone(id, now);
    checkStopped(now, out);
  } else if (was_active) {
    afterWorkerLeft(now, out);
  }
}

void MasterCore::onWorkerQuit(const std::string& id, double now, MasterOutput& out) {
  const auto it = workers_.find(id);
  if (it == workers_.end()) {
    spdlog::debug("master: ignored quit from unknown worker {}", id);
    return;
  }
  const bool was_active = isActive(it->second);
  workers_.erase(it);
  spdlog::info("master: worker {} (index {}) quit; {} workers connected", id, nodes_[id].index, activeWorkers());
  if (state_ == MasterState::kStopping) {
    stop_waiting_.erase(id);  // its final report came before its quit
    checkStopped(now, out);
  } else if (was_active) {
    afterWorkerLeft(now, out);
  }
}

void MasterCore::onUndecodable(std::string_view identity, std::string_view reason, MasterOutput& out) {
  const std::string id(identity);
  if (workers_.contains(id)) {
    spdlog::warn("master: undecodable message from worker {} ({}); sending reconnect", id, reason);
    out.send.emplace_back(id, Envelope{std::string(msg::kReconnect), msgpack::Nil{}, id});
  } else {
    spdlog::warn("master: dropped an undecodable message from unknown peer '{}' ({})", id.substr(0, 80), reason);
  }
}

// ----- time -----

void MasterCore::tick(double now, MasterOutput& out) {
  try {
    startClock(now);
    // One check per elapsed second, as Locust's heartbeat loop; a long gap is bounded by what can still change.
    const int max_checks = std::max(1, options_.heartbeat_liveness - options_.heartbeat_dead + 3);
    for (int i = 0; i < max_checks && now >= next_check_; ++i) {
      checkLiveness(now, out);
      next_check_ += kCheckInterval;
    }
    if (now >= next_check_) next_check_ = now + kCheckInterval;
    if (ramping_ && now >= next_step_) rampStep(now, out);
    if (run_deadline_ && inTest(state_) && now >= *run_deadline_) {
      spdlog::info("master: run time reached; stopping the test");
      stopTest(now, out);
    }
    if (state_ == MasterState::kStopping) checkStopped(now, out);
  } catch (const std::exception& e) {
    spdlog::error("master: unexpected error while advancing time: {}", e.what());
  } catch (...) {
    spdlog::error("master: unexpected error while advancing time");
  }
}

double MasterCore::nextDeadline() const noexcept {
  double deadline = next_check_;
  if (ramping_) deadline = std::min(deadline, next_step_);
  if (run_deadline_ && inTest(state_)) deadline = std::min(deadline, *run_deadline_);
  if (state_ == MasterState::kStopping && !quit_) {
    deadline = std::min(deadline, stop_waiting_.empty() ? std::min(stop_reports_until_, stop_deadline_)
                                                        : stop_deadline_);
  }
  return deadline;
}

void MasterCore::checkLiveness(double now, MasterOutput& out) {
  std::vector<std::string> dropped;
  bool left = false;
  for (auto& [id, worker] : workers_) {
    if (worker.missing && worker.credit <= options_.heartbeat_dead) dropped.push_back(id);
    if (worker.credit < 0 && !worker.missing) {
      spdlog::info("master: worker {} failed to send heartbeats, setting its state to missing", id);
      left = left || isActive(worker);
      worker.missing = true;
      worker.users.clear();
      if (state_ == MasterState::kStopping) stop_waiting_.erase(id);
    } else {
      --worker.credit;
    }
  }
  for (const auto& id : dropped) {
    workers_.erase(id);
    spdlog::info("master: dropped worker {}: no heartbeat for about {} s", id,
                 options_.heartbeat_liveness - options_.heartbeat_dead + 1);
  }
  if (left && inTest(state_)) afterWorkerLeft(now, out);
  if (state_ == MasterState::kStopping) checkStopped(now, out);
}

// ----- dispatch -----

std::vector<std::string> MasterCore::activeOrder() const {
  std::vector<std::string> ids;
  for (const auto& [id, worker] : workers_) {
    if (isActive(worker)) ids.push_back(id);
  }
  return dispatchOrder(std::move(ids));
}

void MasterCore::afterWorkerLeft(double now, MasterOutput& out) {
  if (!inTest(state_)) return;
  if (activeWorkers() == 0) {
    spdlog::info("master: no worker is left; stopping the test");
    stopTest(now, out);
    return;
  }
  if (options_.rebalancing) rebalance(now, out);
}

void MasterCore::rebalance(double now, MasterOutput& out) {
  std::vector<std::string> order = activeOrder();
  if (order.empty() || order == dispatch_set_) return;
  spdlog::info("master: rebalancing {} users over {} workers", dispatched_, order.size());
  dispatch_set_ = std::move(order);
  sendStep(now, out);
}

double MasterCore::nextTimestamp(double now) {
  double ts = now > last_timestamp_ ? now : last_timestamp_ + 1e-6;
  if (ts <= last_timestamp_) ts = std::nextafter(last_timestamp_, HUGE_VAL);
  last_timestamp_ = ts;
  return ts;
}

ClassCounts MasterCore::forWorker(const std::string& id, const ClassCounts& counts) {
  Node& node = nodes_[id];
  if (node.accurate || !node.class_names) return counts;
  ClassCounts translated;
  for (const auto& [name, n] : counts) {
    const auto match = matchClassName(name, *node.class_names);
    if (!match) {
      if (node.lacking_warned.insert(name).second) {
        spdlog::warn("master: worker {} has no user class matching '{}'; it gets no users of that class", id, name);
      }
      continue;
    }
    const std::string& theirs = (*node.class_names)[*match];
    const auto same = std::find_if(translated.begin(), translated.end(),
                                   [&](const auto& entry) { return entry.first == theirs; });
    if (same != translated.end()) {
      if (node.lacking_warned.insert(name).second) {
        spdlog::warn("master: classes '{}' and '{}' both match worker {}'s class '{}'; their users are added up",
                     same->first, name, id, theirs);
      }
      same->second += n;
    } else {
      translated.emplace_back(theirs, n);
    }
  }
  std::sort(translated.begin(), translated.end());
  return translated;
}

void MasterCore::sendStep(double now, MasterOutput& out) {
  const std::vector<ClassCounts> counts = dispatchUsers(options_.classes, dispatch_set_, dispatched_);
  const double timestamp = nextTimestamp(now);
  std::size_t sent = 0;
  for (std::size_t i = 0; i < dispatch_set_.size() && i < counts.size(); ++i) {
    const std::string& id = dispatch_set_[i];
    const auto it = workers_.find(id);
    if (it == workers_.end() || !isActive(it->second)) continue;  // a lost worker's users are not replaced
    Spawn spawn{timestamp, forWorker(id, counts[i]), host_, options_.stop_timeout, options_.parsed_options};
    out.send.emplace_back(id, Envelope{std::string(msg::kSpawn), spawnValue(spawn), id});
    ++sent;
  }
  spdlog::debug("master: sent spawn for {} users to {} workers", dispatched_, sent);
}

void MasterCore::beginRamp(std::uint32_t users, double spawn_rate, double now, MasterOutput& out) {
  target_ = users;
  plan_ = rampPlan(spawn_rate);
  ramping_ = true;
  next_step_ = now;
  setState(MasterState::kSpawning, out);
  rampStep(now, out);
}

void MasterCore::rampStep(double now, MasterOutput& out) {
  if (target_ > dispatched_) {
    dispatched_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(std::uint64_t{dispatched_} + plan_.step_users, target_));
  } else if (target_ < dispatched_) {
    dispatched_ = dispatched_ - std::min(plan_.step_users, dispatched_ - target_);
  }
  sendStep(now, out);
  if (dispatched_ == target_) {
    ramping_ = false;
    setState(MasterState::kRunning, out);
    spdlog::info("master: all {} users dispatched over {} workers", target_, dispatch_set_.size());
  } else {
    next_step_ += plan_.step_seconds;
    if (next_step_ < now - 60) next_step_ = now;  // after a long stall, go on without a burst of steps
  }
}

// ----- commands -----

runtime::CommandResult MasterCore::start(std::uint32_t users, double spawn_rate, std::optional<std::string> host,
                                         std::optional<double> run_time_seconds, double now, MasterOutput& out) {
  startClock(now);
  if (quit_) return {false, "cannot start: the master has quit"};
  if (inTest(state_) || state_ == MasterState::kStopping) {
    return {false, "cannot start: a test is already running (change its users or stop it first)"};
  }
  if (!(spawn_rate > 0) || !std::isfinite(spawn_rate)) {
    return {false, "cannot start: the spawn rate must be a positive number of users per second"};
  }
  if (run_time_seconds && !(*run_time_seconds >= 0)) return {false, "cannot start: the run time must be >= 0"};
  std::vector<std::string> order = activeOrder();
  if (order.empty()) return {false, "cannot start: no worker is connected"};
  spdlog::info("master: starting a test of {} users at {} users/s on {} workers", users, spawn_rate, order.size());
  dispatch_set_ = std::move(order);
  dispatched_ = 0;
  host_ = std::move(host);
  run_deadline_.reset();
  if (run_time_seconds) run_deadline_ = now + *run_time_seconds;
  stop_waiting_.clear();
  out.reset_stats = true;
  beginRamp(users, spawn_rate, now, out);
  return {true, {}};
}

runtime::CommandResult MasterCore::setUsers(std::uint32_t users, double spawn_rate, double now, MasterOutput& out) {
  startClock(now);
  if (!inTest(state_)) return {false, "cannot change users: no test is running"};
  if (!(spawn_rate > 0) || !std::isfinite(spawn_rate)) {
    return {false, "cannot change users: the spawn rate must be a positive number of users per second"};
  }
  std::vector<std::string> order = activeOrder();
  if (order.empty()) return {false, "cannot change users: no worker is connected"};
  spdlog::info("master: changing the test to {} users at {} users/s on {} workers", users, spawn_rate, order.size());
  dispatch_set_ = std::move(order);  // workers that joined meanwhile take part from now on
  beginRamp(users, spawn_rate, now, out);
  return {true, {}};
}

runtime::CommandResult MasterCore::stop(double now, MasterOutput& out) {
  startClock(now);
  if (!inTest(state_)) return {false, "cannot stop: no test is running"};
  stopTest(now, out);
  return {true, {}};
}

void MasterCore::stopTest(double now, MasterOutput& out) {
  ramping_ = false;
  run_deadline_.reset();
  stop_waiting_.clear();
  stop_reports_until_ = 0;
  stop_deadline_ = now + options_.stop_timeout.value_or(0) + options_.stop_grace_seconds;
  for (const auto& [id, worker] : workers_) {
    if (worker.state == "stopped") continue;
    out.send.emplace_back(id, Envelope{std::string(msg::kStop), msgpack::Nil{}, id});
    if (worker.missing) continue;  // it cannot answer
    const bool ran = std::find(dispatch_set_.begin(), dispatch_set_.end(), id) != dispatch_set_.end();
    stop_waiting_[id] = StopWait{ran && !nodes_[id].accurate};
  }
  dispatch_set_.clear();
  dispatched_ = 0;
  target_ = 0;
  spdlog::info("master: stopping the test; waiting for {} workers", stop_waiting_.size());
  setState(MasterState::kStopping, out);
  checkStopped(now, out);
}

void MasterCore::stopWaitDone(const std::string& id, double now) {
  const auto it = stop_waiting_.find(id);
  if (it == stop_waiting_.end()) return;
  if (it->second.python_report) stop_reports_until_ = std::max(stop_reports_until_, now + kPythonReportWait);
  stop_waiting_.erase(it);
}

void MasterCore::checkStopped(double now, MasterOutput& out) {
  if (state_ != MasterState::kStopping || quit_) return;
  const bool all_stopped = stop_waiting_.empty() && now >= stop_reports_until_;
  if (!all_stopped && now < stop_deadline_) return;
  if (!all_stopped) {
    spdlog::warn("master: {} workers did not confirm the stop in time; the test is stopped anyway",
                 stop_waiting_.size());
  }
  stop_waiting_.clear();
  setState(MasterState::kStopped, out);
}

void MasterCore::quit(MasterOutput& out) {
  for (const auto& [id, worker] : workers_) {
    out.send.emplace_back(id, Envelope{std::string(msg::kQuit), msgpack::Nil{}, id});
  }
  workers_.clear();
  quit_ = true;
  ramping_ = false;
  run_deadline_.reset();
  stop_waiting_.clear();
  dispatch_set_.clear();
  // The owner decides when the quit has finished (it waits for the workers' final reports).
  if (inTest(state_)) setState(MasterState::kStopping, out);
}

void MasterCore::setState(MasterState state, MasterOutput& out) {
  if (state_ == state) return;
  state_ = state;
  out.state_change = state;
}

// ----- reads -----

std::uint32_t MasterCore::userCount() const noexcept {
  std::uint64_t total = 0;
  for (const auto& [id, worker] : workers_) {
    if (!worker.missing) total += sum(worker.users);
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

std::size_t MasterCore::activeWorkers() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(workers_.begin(), workers_.end(), [](const auto& w) { return isActive(w.second); }));
}

std::uint32_t MasterCore::connectedWorkerCount() const noexcept {
  std::uint32_t count = 0;
  for (const auto& [id, worker] : workers_) count += worker.missing ? 0 : 1;
  return count;
}

std::vector<runtime::WorkerStatus> MasterCore::workers() const {
  std::vector<std::string> ids;
  for (const auto& [id, worker] : workers_) ids.push_back(id);
  std::vector<runtime::WorkerStatus> list;
  for (const auto& id : dispatchOrder(std::move(ids))) {
    const Worker& w = workers_.at(id);
    const auto node = nodes_.find(id);
    runtime::WorkerStatus s;
    s.id = id;
    s.state = w.missing ? "missing" : w.state;
    s.users = w.missing ? 0 : sum(w.users);
    s.cpu_percent = w.cpu_percent;
    s.memory_bytes = w.memory_bytes;
    s.last_heartbeat = w.last_heartbeat;
    if (node != nodes_.end() && node->second.accurate) {
      s.kind = "accurate " + node->second.accurate_version;
    } else if (w.version == "-1") {
      s.kind = "version -1 (boomer, locust4j or accurate)";
    } else {
      s.kind = "locust " + (w.version.empty() ? std::string("(no version)") : w.version);
    }
    list.push_back(std::move(s));
  }
  return list;
}

}  // namespace accurate::cluster
