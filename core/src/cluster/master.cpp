/// @file master.cpp
/// The cluster master's thread: it owns the ROUTER, the MasterCore and the Aggregator, feeds the core with frames,
/// commands and time, applies what the core answers, and publishes snapshots like a local runner.

#include "cluster/master.hpp"

#include "stats/aggregator.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace accurate::cluster {

namespace {

using runtime::CommandResult;
using runtime::RunState;

/// How long a quit waits for the workers' final reports (Locust waits 0.5 s too).
constexpr double kQuitGraceSeconds = 0.5;
/// Longest single poll: the loop wakes at least this often.
constexpr std::chrono::milliseconds kMaxPoll{1000};
/// How long shutdown() waits for the quit to finish before it stops the thread anyway.
constexpr std::chrono::seconds kShutdownWait{10};

double nowEpoch() noexcept {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RunState toRunState(MasterState s) noexcept {
  switch (s) {
    case MasterState::kReady: return RunState::kReady;
    case MasterState::kSpawning: return RunState::kSpawning;
    case MasterState::kRunning: return RunState::kRunning;
    case MasterState::kStopping: return RunState::kStopping;
    case MasterState::kStopped: return RunState::kStopped;
  }
  return RunState::kReady;
}

bool inLoadPhase(RunState s) noexcept {
  return s == RunState::kSetup || s == RunState::kSpawning || s == RunState::kRunning;
}

CommandResult refused(std::string reason) { return CommandResult{false, std::move(reason)}; }

}  // namespace

struct Master::Impl {
  explicit Impl(MasterSettings s);

  // ----- any thread -----
  /// Queues @p body for the master thread; the future gets its result.
  std::future<CommandResult> command(std::function<CommandResult(double)> body);

  // ----- master thread -----
  void loop();
  /// One loop turn: poll, frames, commands, time.
  void turn();
  void handleFrame(const Received& frame, double now);
  /// Sends, resets, merges and announces what one core call produced.
  void apply(MasterOutput& out, double now);
  /// Makes @p next the visible state: publishes first for Spawning and Stopped, then calls on_state.
  void announce(RunState next, double now);
  void publish(double now);
  /// Drives the load shape: the next stage's users, or a stop after the last stage.
  void driveShape(double now, MasterOutput& out);
  /// Epoch seconds of the next thing the loop must do.
  double nextWake(double now) const;
  CommandResult doStart(std::uint32_t users, double rate, const std::optional<runtime::TestSettings>& test,
                        double now);
  void doQuit(double now);
  /// Ends a quit: the final snapshot and Stopped.
  void finishQuit(double now);
  /// Copies what other threads read (users, workers) out of the core.
  void refreshReads();

  MasterSettings settings;                 ///< the settings (host and run_time replaced by a start's test)
  std::unique_ptr<ClusterSocket> socket;   ///< the ROUTER (master thread, wake() from any under mutex)
  std::uint16_t bound_port = 0;            ///< the ROUTER's port
  MasterCore core;                         ///< protocol state (master thread)
  stats::Aggregator aggregator;            ///< merged worker reports (master thread)
  RunState run_state = RunState::kReady;   ///< the state as last announced (master thread)
  double next_snapshot = 0;                ///< epoch seconds of the next periodic publish
  bool dirty = false;                      ///< reports merged or stats reset since the last publish
  bool shape_active = false;               ///< a load shape drives the running test
  double shape_start = 0;                  ///< epoch seconds the shaped test started
  std::optional<std::size_t> shape_stage;  ///< the stage applied last
  double shape_next = 0;                   ///< epoch seconds the current stage ends
  bool quitting = false;                   ///< quit handled: commands refused (master thread)
  std::optional<double> quit_deadline;     ///< when the quit's wait for final reports ends
  std::atomic<bool> stop_thread{false};    ///< ends the loop
  std::thread thread;                      ///< runs loop()

  std::atomic<RunState> public_state{RunState::kReady};  ///< state as seen by other threads
  std::atomic<std::uint32_t> public_users{0};            ///< users as seen by other threads
  std::atomic<std::size_t> public_active{0};             ///< active workers as seen by other threads
  std::atomic<bool> quit_requested{false};               ///< quit() was called
  std::mutex shutdown_mutex;                ///< serialises shutdown() calls
  mutable std::mutex mutex;                 ///< guards the fields below
  mutable std::condition_variable changed;  ///< signalled on state changes and command completion
  std::deque<std::function<void(double)>> commands;  ///< commands waiting for the master thread
  std::shared_ptr<const sdk::StatsSnapshot> latest;  ///< latest published snapshot
  std::vector<runtime::WorkerStatus> worker_list;    ///< the workers as of the latest loop turn
  RunState settled_state = RunState::kReady;  ///< the last state whose on_state callback has returned
  int pending_commands = 0;                   ///< commands queued and not yet handled
  bool closed = false;                        ///< shutdown began: commands refused
  bool quit_done = false;                     ///< the quit's wait for final reports is over
};

Master::Impl::Impl(MasterSettings s)
    : settings(std::move(s)),
      socket(ClusterSocket::bindRouter(settings.bind_host, settings.bind_port, settings.keys)),
      core(settings.protocol),
      aggregator(std::max(1u, settings.stats_window_seconds)) {
  latest = aggregator.latest();
  bound_port = socket->boundPort();
  if (settings.snapshot_interval.count() <= 0) settings.snapshot_interval = std::chrono::milliseconds(1000);
  spdlog::info("master: listening for workers on port {}{}", bound_port,
               settings.keys ? " (CURVE encryption and authentication)" : "");
}

std::future<CommandResult> Master::Impl::command(std::function<CommandResult(double)> body) {
  auto promise = std::make_shared<std::promise<CommandResult>>();
  std::future<CommandResult> result = promise->get_future();
  {
    std::lock_guard lock(mutex);
    if (closed) {
      promise->set_value(refused("the master is shut down"));
      return result;
    }
    ++pending_commands;
    commands.push_back([this, promise, body = std::move(body)](double now) {
      CommandResult r;
      try {
        r = body(now);
      } catch (const std::exception& e) {
        r = refused(e.what());
      }
      if (!r.accepted) spdlog::warn("master: {}", r.reason);
      promise->set_value(std::move(r));
    });
    socket->wake();  // under the lock: shutdown() closes the socket under it once the thread ended
  }
  return result;
}

void Master::Impl::loop() {
  while (!stop_thread.load()) {
    try {
      turn();
    } catch (const std::exception& e) {
      spdlog::error("master: unexpected error in the cluster loop: {}", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // no busy loop on a persistent error
    }
  }
  // Commands that arrived after the loop ended are answered too, so no future is left without a value.
  std::deque<std::function<void(double)>> rest;
  {
    std::lock_guard lock(mutex);
    rest.swap(commands);
  }
  for (auto& c : rest) {
    c(nowEpoch());
    std::lock_guard lock(mutex);
    --pending_commands;
  }
  changed.notify_all();
}

double Master::Impl::nextWake(double now) const {
  double wake = std::min(core.nextDeadline(), now + std::chrono::duration<double>(kMaxPoll).count());
  if (inLoadPhase(run_state) || run_state == RunState::kStopping || dirty) wake = std::min(wake, next_snapshot);
  if (shape_active) wake = std::min(wake, shape_next);
  if (quit_deadline) wake = std::min(wake, *quit_deadline);
  return wake;
}

void Master::Impl::turn() {
  double now = nowEpoch();
  const double until = nextWake(now) - now;
  const double wait_s = until >= 0.001 ? std::min(until, 1.0) : 0.001;  // NaN-safe
  const std::vector<Received> frames = socket->poll(std::chrono::milliseconds(static_cast<long>(wait_s * 1000)));
  now = nowEpoch();
  for (const Received& frame : frames) handleFrame(frame, now);

  std::deque<std::function<void(double)>> todo;
  {
    std::lock_guard lock(mutex);
    todo.swap(commands);
  }
  for (auto& c : todo) {
    c(now);
    {
      std::lock_guard lock(mutex);
      --pending_commands;
    }
    changed.notify_all();
  }

  MasterOutput out;
  core.tick(now, out);
  apply(out, now);
  if (shape_active) {
    MasterOutput shaped;
    driveShape(now, shaped);
    apply(shaped, now);
  }
  aggregator.noteUsers(core.userCount());
  if (quit_deadline && now >= *quit_deadline) finishQuit(now);
  if (now >= next_snapshot) {
    if (inLoadPhase(run_state) || run_state == RunState::kStopping || dirty) publish(now);
    next_snapshot = now + std::chrono::duration<double>(settings.snapshot_interval).count();
  }
  refreshReads();
}

void Master::Impl::handleFrame(const Received& frame, double now) {
  MasterOutput out;
  Envelope message;
  try {
    message = decodeEnvelope(frame.payload);
  } catch (const std::exception& e) {
    core.onUndecodable(frame.identity, e.what(), out);
    apply(out, now);
    return;
  }
  if (message.node_id != frame.identity) {
    spdlog::warn("master: dropped a '{}' message whose node id '{}' differs from its connection's id '{}'",
                 message.type, message.node_id, frame.identity);
    return;
  }
  core.onMessage(frame.identity, message, now, out);
  apply(out, now);
}

void Master::Impl::apply(MasterOutput& out, double now) {
  for (const auto& [identity, message] : out.send) {
    if (!socket->send(identity, encodeEnvelope(message))) {
      spdlog::warn("master: could not queue '{}' for worker {}", message.type, identity);
    }
  }
  if (out.reset_stats) {
    aggregator.reset(now);
    dirty = true;
  }
  for (WorkerReport& report : out.reports) {
    aggregator.add(std::move(report.delta));
    dirty = true;
  }
  if (out.state_change) {
    const RunState next = toRunState(*out.state_change);
    if (!inLoadPhase(next)) shape_active = false;
    if (quitting && next != RunState::kStopped) return;  // a quit decides the rest itself
    // The core reports only its last state: a test whose whole dispatch went out at once jumps to Running, but
    // the load phase begins with Spawning for every reader (its snapshot carries the new start time).
    if (inLoadPhase(next) && next != RunState::kSpawning && !inLoadPhase(run_state)) {
      announce(RunState::kSpawning, now);
    }
    if (next != run_state) announce(next, now);
  }
}

void Master::Impl::announce(RunState next, double now) {
  run_state = next;
  refreshReads();
  if (next == RunState::kSpawning || next == RunState::kStopped) publish(now);
  public_state.store(next);
  spdlog::debug("master: state {}", runtime::toString(next));
  if (settings.on_state) {
    try {
      settings.on_state(next);
    } catch (const std::exception& e) {
      spdlog::error("master: state callback failed: {}", e.what());
    }
  }
  {
    std::lock_guard lock(mutex);
    settled_state = next;
  }
  changed.notify_all();
}

void Master::Impl::publish(double now) {
  dirty = false;
  std::shared_ptr<const sdk::StatsSnapshot> snapshot =
      aggregator.publish(now, core.userCount(), std::string(runtime::toString(run_state)),
                         core.connectedWorkerCount());
  {
    std::lock_guard lock(mutex);
    latest = snapshot;
  }
  if (settings.on_snapshot) {
    try {
      settings.on_snapshot(std::move(snapshot));
    } catch (const std::exception& e) {
      spdlog::error("master: snapshot callback failed: {}", e.what());
    }
  }
}

void Master::Impl::driveShape(double now, MasterOutput& out) {
  if (!inLoadPhase(run_state)) {
    shape_active = false;
    return;
  }
  if (now < shape_next) return;
  const auto elapsed = std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, now - shape_start) * 1000));
  const std::optional<runtime::ShapePoint> point = runtime::shapeAt(settings.shape, elapsed);
  if (!point) {
    shape_active = false;
    spdlog::info("master: the load shape ended; stopping");
    (void)core.stop(now, out);
    return;
  }
  shape_next = now + std::chrono::duration<double>(point->remaining).count();
  if (shape_stage == point->stage) return;
  shape_stage = point->stage;
  spdlog::info("master: load shape stage {}: {} users at {} users/s", point->stage + 1, point->users,
               point->spawn_rate);
  const CommandResult r = core.setUsers(point->users, point->spawn_rate, now, out);
  if (!r.accepted) spdlog::warn("master: load shape stage {}: {}", point->stage + 1, r.reason);
}

CommandResult Master::Impl::doStart(std::uint32_t users, double rate, const std::optional<runtime::TestSettings>& test,
                                    double now) {
  if (quitting) return refused("cannot start: the master is shutting down");
  if (test) {
    settings.host = test->host;
    settings.run_time = test->run_time;
  }
  std::optional<std::size_t> first_stage;
  if (!settings.shape.empty()) {
    const std::optional<runtime::ShapePoint> point = runtime::shapeAt(settings.shape, std::chrono::milliseconds(0));
    if (!point) return refused("cannot start: the load shape has no stage");
    users = point->users;
    rate = point->spawn_rate;
    first_stage = point->stage;
    shape_next = now + std::chrono::duration<double>(point->remaining).count();
  }
  std::optional<std::string> host;
  if (!settings.host.empty()) host = settings.host;
  std::optional<double> run_time;
  if (settings.run_time) run_time = std::chrono::duration<double>(*settings.run_time).count();
  MasterOutput out;
  CommandResult r = core.start(users, rate, host, run_time, now, out);
  apply(out, now);
  if (r.accepted && first_stage) {
    shape_active = true;
    shape_start = now;
    shape_stage = first_stage;
    spdlog::info("master: load shape stage {}: {} users at {} users/s", *first_stage + 1, users, rate);
  }
  return r;
}

void Master::Impl::doQuit(double now) {
  if (quitting) return;
  quitting = true;
  shape_active = false;
  const bool had_workers = !core.workers().empty();
  MasterOutput out;
  core.quit(out);
  apply(out, now);
  if (inLoadPhase(run_state)) announce(RunState::kStopping, now);
  if (had_workers) {
    quit_deadline = now + kQuitGraceSeconds;  // the workers' final reports arrive meanwhile
  } else {
    finishQuit(now);
  }
}

void Master::Impl::finishQuit(double now) {
  quit_deadline.reset();
  if (run_state != RunState::kStopped) {
    announce(RunState::kStopped, now);
  } else if (dirty) {
    publish(now);  // final reports that came after the test had stopped
  }
  {
    std::lock_guard lock(mutex);
    quit_done = true;
  }
  changed.notify_all();
}

void Master::Impl::refreshReads() {
  public_users.store(core.userCount());
  public_active.store(core.activeWorkers());
  std::vector<runtime::WorkerStatus> list = core.workers();
  std::lock_guard lock(mutex);
  worker_list = std::move(list);
}

// ----- Master -----

Master::Master(MasterSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {
  Impl& i = *impl_;
  i.next_snapshot = nowEpoch() + std::chrono::duration<double>(i.settings.snapshot_interval).count();
  i.thread = std::thread([&i] { i.loop(); });
}

Master::~Master() {
  try {
    shutdown();
  } catch (const std::exception& e) {
    spdlog::error("master: {}", e.what());
  }
}

std::future<CommandResult> Master::start(std::uint32_t users, double spawn_rate,
                                         std::optional<runtime::TestSettings> test) {
  return impl_->command([impl = impl_.get(), users, spawn_rate, test = std::move(test)](double now) {
    return impl->doStart(users, spawn_rate, test, now);
  });
}

std::future<CommandResult> Master::setUsers(std::uint32_t users, double spawn_rate) {
  return impl_->command([impl = impl_.get(), users, spawn_rate](double now) {
    if (impl->quitting) return refused("cannot change users: the master is shutting down");
    if (!impl->settings.shape.empty()) return refused("cannot change users: a load shape drives the user count");
    MasterOutput out;
    CommandResult r = impl->core.setUsers(users, spawn_rate, now, out);
    impl->apply(out, now);
    return r;
  });
}

std::future<CommandResult> Master::stop() {
  return impl_->command([impl = impl_.get()](double now) {
    if (impl->quitting) return refused("cannot stop: the master is shutting down");
    impl->shape_active = false;
    MasterOutput out;
    CommandResult r = impl->core.stop(now, out);
    impl->apply(out, now);
    return r;
  });
}

std::future<CommandResult> Master::resetStats() {
  return impl_->command([impl = impl_.get()](double now) {
    impl->aggregator.reset(now);
    impl->dirty = true;
    return CommandResult{true, {}};
  });
}

void Master::quit() {
  if (impl_->quit_requested.exchange(true)) return;
  (void)impl_->command([impl = impl_.get()](double now) {
    impl->doQuit(now);
    return CommandResult{true, {}};
  });
}

void Master::shutdown() {
  Impl& i = *impl_;
  if (std::this_thread::get_id() == i.thread.get_id()) {
    spdlog::error("master: shutdown called from the master thread (a callback); ignored");
    return;
  }
  std::lock_guard once(i.shutdown_mutex);  // a second caller waits for the first to finish
  {
    std::lock_guard lock(i.mutex);
    if (i.closed) return;
  }
  quit();
  {
    std::unique_lock lock(i.mutex);
    const bool settled = i.changed.wait_for(lock, kShutdownWait, [&] {
      return i.pending_commands == 0 && i.quit_done && i.settled_state == RunState::kStopped;
    });
    if (!settled) spdlog::warn("master: the quit did not finish within {} s; stopping anyway", kShutdownWait.count());
    i.closed = true;
  }
  i.stop_thread.store(true);
  i.socket->wake();
  if (i.thread.joinable()) i.thread.join();
  {
    std::lock_guard lock(i.mutex);
    i.socket.reset();  // frees the port; nothing uses the socket any more
  }
  i.changed.notify_all();
}

RunState Master::state() const noexcept { return impl_->public_state.load(); }

std::uint32_t Master::userCount() const noexcept { return impl_->public_users.load(); }

std::shared_ptr<const sdk::StatsSnapshot> Master::latestSnapshot() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->latest;
}

bool Master::waitUntilStopped(std::optional<std::chrono::milliseconds> timeout) const {
  Impl& i = *impl_;
  std::unique_lock lock(i.mutex);
  auto done = [&] {
    if (i.closed) return true;
    return i.pending_commands == 0 &&
           (i.settled_state == RunState::kStopped || i.settled_state == RunState::kReady);
  };
  if (!timeout) {
    i.changed.wait(lock, done);
    return true;
  }
  return i.changed.wait_for(lock, *timeout, done);
}

std::vector<runtime::WorkerStatus> Master::workers() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->worker_list;
}

std::uint16_t Master::port() const noexcept { return impl_->bound_port; }

std::size_t Master::activeWorkers() const noexcept { return impl_->public_active.load(); }

}  // namespace accurate::cluster
