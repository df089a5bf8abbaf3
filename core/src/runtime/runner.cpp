/// @file runner.cpp
/// The runner's control thread: commands, ramping, load shape, run time, stop, and snapshot publishing.

#include "runtime/runner.hpp"

#include "runtime/shard.hpp"

#include "stats/aggregator.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

namespace accurate::runtime {

namespace asio = boost::asio;

namespace {

/// Extra time after the stop timeout for cancelled coroutines to unwind before the stop gives up on them.
constexpr std::chrono::seconds kCancelGrace{5};

/// splitmix64: decorrelates per-user seeds derived from one base seed.
std::uint64_t mixSeed(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Current time in epoch seconds.
double nowEpoch() noexcept {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool inLoadPhase(RunState s) noexcept {
  return s == RunState::kSetup || s == RunState::kSpawning || s == RunState::kRunning;
}

CommandResult accepted() { return CommandResult{true, {}}; }
CommandResult refused(std::string reason) { return CommandResult{false, std::move(reason)}; }

/// Checks a spawn rate given to a command.
std::optional<std::string> badSpawnRate(double rate) {
  if (!std::isfinite(rate) || rate <= 0) return "spawn rate must be a positive number, got " + std::to_string(rate);
  return std::nullopt;
}

/// Builds the shared run data, validating the options.
RunEnvironment makeEnvironment(const RunnerOptions& options) {
  if (options.settings.threads == 0) throw sdk::ConfigError("", "threads must be at least 1");
  if (options.snapshot_interval.count() <= 0) throw sdk::ConfigError("", "snapshot interval must be positive");
  if (options.arrival_rate && (!std::isfinite(*options.arrival_rate) || *options.arrival_rate <= 0)) {
    throw sdk::ConfigError("", "arrival rate must be a positive number of iterations per second");
  }
  if (options.settings.stop_timeout.count() < 0) throw sdk::ConfigError("", "stop timeout must not be negative");
  checkShape(options.shape);
  for (const SetupPhase& phase : options.setup_phases) {
    if (!phase.run) throw sdk::ConfigError("", "setup phase '" + phase.name + "' has no function");
  }
  RunEnvironment env;
  env.settings = options.settings;
  env.http.connect_timeout = options.settings.connect_timeout;
  env.http.request_timeout = options.settings.request_timeout;
  env.http.insecure = options.settings.insecure;
  for (const sdk::UserClassSpec& spec : options.classes) env.classes.push_back(std::make_unique<ClassRuntime>(spec));
  for (const auto& observer : options.change_observers) {
    if (!observer) throw sdk::ConfigError("", "a change observer is null");
    env.change_observers.push_back(observer);
  }
  return env;
}

}  // namespace

struct Runner::Impl {
  explicit Impl(RunnerOptions options);

  // ----- cross-thread -----
  /// Posts @p body to the control thread; the future gets its result.
  std::future<CommandResult> command(std::function<CommandResult()> body);
  /// True when the calling thread is one of the runner's.
  bool onRunnerThread() const;

  // ----- control thread -----
  CommandResult doStart(std::uint32_t users, double rate, const std::optional<TestSettings>& test);
  CommandResult doSetUsers(std::uint32_t users, double rate,
                           std::optional<std::vector<std::uint32_t>> exact = std::nullopt);
  /// Checks an exact per-class count; the reason it is refused otherwise.
  std::optional<std::string> badClassCounts(const std::vector<std::uint32_t>& counts) const;
  CommandResult doStop(const char* why);
  void doQuit();
  /// Applies @p event; false (with @p reason) when refused. Announces the new state unless @p announce is false.
  bool apply(RunEvent event, std::string* reason = nullptr, bool announce = true);
  /// Makes the current state visible and tells on_state.
  void announce();
  void onSetupDone(std::uint64_t run, const std::string& failure);
  void beginRamp();
  void rampStep(std::uint64_t generation);
  void applyShape(std::uint64_t run);
  void beginStopping();
  void onShardEmpty(std::uint64_t generation);
  void resetStatsNow();
  asio::awaitable<void> snapshotLoop();
  asio::awaitable<void> collect();
  void publish();
  void setUsersVisible() {
    public_users.store(roster.running());
    aggregator.noteUsers(roster.running());
  }

  RunnerOptions opts;                  ///< the options (setup phases are referenced by shard 0)
  RunEnvironment env;                  ///< shared, read-only run data for the shards
  asio::io_context control{1};         ///< the control thread's event loop
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;  ///< keeps control running
  stats::Aggregator aggregator;        ///< cumulative stats (control thread)
  UserRoster roster;                   ///< started users (control thread)
  RunState state = RunState::kReady;   ///< current state (control thread)
  std::uint64_t stats_epoch = 0;       ///< bumped by each stats reset; stale shard deltas are dropped
  std::uint64_t run = 0;               ///< bumped by each start; stale setup/timer events are ignored
  std::uint64_t ramp_generation = 0;   ///< bumped by each ramp start and stop; stale ramp ticks are ignored
  std::uint64_t stop_generation = 0;   ///< bumped by each stop; stale shard reports are ignored
  std::uint32_t target_users = 0;      ///< requested users
  double spawn_rate = 1;               ///< requested users per second
  std::vector<std::uint32_t> target_counts;  ///< requested users per class
  std::optional<std::vector<std::uint32_t>> exact_counts;  ///< per-class counts given by a cluster master
  Clock::time_point ramp_start;        ///< when the current ramp began
  std::uint64_t ramp_done = 0;         ///< changes made by the current ramp
  Clock::time_point load_start;        ///< when the load phase began
  bool arrivals_started = false;       ///< open-model generators running
  unsigned shards_pending = 0;         ///< shards not yet empty during a stop
  bool final_requested = false;        ///< the snapshot loop must publish the final snapshot
  bool quitting = false;               ///< quit() was handled: refuse commands
  std::uint64_t next_user_id = 1;      ///< next user id
  std::uint64_t base_seed = 0;         ///< seed of the users' rngs
  asio::steady_timer ramp_timer{control};      ///< next ramp step
  asio::steady_timer snapshot_timer{control};  ///< next snapshot
  asio::steady_timer run_timer{control};       ///< run time limit
  asio::steady_timer shape_timer{control};     ///< next load-shape stage
  asio::steady_timer stop_guard{control};      ///< gives up on shards that do not empty after cancellation
  std::vector<std::unique_ptr<Shard>> shards;  ///< the shards
  std::thread control_thread;                  ///< runs control

  std::atomic<RunState> public_state{RunState::kReady};  ///< state as seen by other threads
  std::atomic<std::uint32_t> public_users{0};            ///< running users as seen by other threads
  mutable std::mutex mutex;                 ///< guards the fields below
  mutable std::condition_variable changed;  ///< signalled on state changes and command completion
  std::shared_ptr<const sdk::StatsSnapshot> latest;  ///< latest published snapshot
  std::string setup_failure;                ///< why the latest run's setup failed ("" when it did not)
  RunState settled_state = RunState::kReady;  ///< the last state whose on_state callback has returned
  int pending_commands = 0;                 ///< commands posted and not yet handled
  bool closed = false;                      ///< threads joined (or being joined)
};

Runner::Impl::Impl(RunnerOptions options)
    : opts(std::move(options)),
      env(makeEnvironment(opts)),
      aggregator(std::max(1u, opts.stats_window_seconds)),
      roster(env.classes.size(), opts.settings.threads) {
  base_seed = opts.seed ? *opts.seed : (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  auto empty = std::make_shared<sdk::StatsSnapshot>();
  empty->state = "ready";
  latest = std::move(empty);
  for (unsigned i = 0; i < opts.settings.threads; ++i) {
    shards.push_back(std::make_unique<Shard>(i, env, [this](std::uint64_t id) {
      asio::post(control, [this, id] {
        if (roster.markFinished(id)) setUsersVisible();
      });
    }));
  }
  for (auto& shard : shards) shard->start();
  work.emplace(control.get_executor());
  asio::co_spawn(control, snapshotLoop(), [](std::exception_ptr error) {
    if (error) spdlog::error("runner: the snapshot loop ended: {}", describe(error));
  });
  control_thread = std::thread([this] {
    for (;;) {
      try {
        control.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("runner: unexpected exception on the control thread: {}", e.what());
      }
    }
  });
}

std::future<CommandResult> Runner::Impl::command(std::function<CommandResult()> body) {
  auto promise = std::make_shared<std::promise<CommandResult>>();
  std::future<CommandResult> result = promise->get_future();
  {
    std::lock_guard lock(mutex);
    if (closed) {
      promise->set_value(refused("the runner is shut down"));
      return result;
    }
    ++pending_commands;
  }
  asio::post(control, [this, promise, body = std::move(body)] {
    CommandResult r;
    try {
      r = body();
    } catch (const std::exception& e) {
      r = refused(e.what());
    }
    if (!r.accepted) spdlog::warn("runner: {}", r.reason);
    promise->set_value(std::move(r));
    {
      std::lock_guard lock(mutex);
      --pending_commands;
    }
    changed.notify_all();
  });
  return result;
}

bool Runner::Impl::onRunnerThread() const {
  if (std::this_thread::get_id() == control_thread.get_id()) return true;
  for (const auto& shard : shards) {
    if (shard->isCurrentThread()) return true;
  }
  return false;
}

bool Runner::Impl::apply(RunEvent event, std::string* reason, bool announce_now) {
  const Transition t = transition(state, event);
  if (!t.accepted) {
    if (reason) *reason = t.reason;
    return false;
  }
  if (t.next != state) {
    state = t.next;
    if (announce_now) announce();
  }
  return true;
}

void Runner::Impl::announce() {
  public_state.store(state);
  spdlog::debug("runner: state {}", toString(state));
  if (opts.on_state) {
    try {
      opts.on_state(state);
    } catch (const std::exception& e) {
      spdlog::error("runner: state callback failed: {}", e.what());
    }
  }
  // Waiters wake only once the callback has run, so they see its effects.
  {
    std::lock_guard lock(mutex);
    settled_state = state;
  }
  changed.notify_all();
}

CommandResult Runner::Impl::doStart(std::uint32_t users, double rate, const std::optional<TestSettings>& test) {
  if (quitting) return refused("cannot start: the runner is shutting down");
  if (opts.shape.empty()) {
    if (auto bad = badSpawnRate(rate)) return refused("cannot start: " + *bad);
    if (users > 0 && env.classes.empty()) return refused("cannot start: no user class is registered");
  }
  std::string reason;
  if (!apply(RunEvent::kStart, &reason, false)) return refused(reason);
  if (test) {
    // No user or background coroutine is alive between tests; the posts below publish the change to the shards.
    opts.settings.host = env.settings.host = test->host;
    opts.settings.run_time = env.settings.run_time = test->run_time;
  }
  const std::uint64_t this_run = ++run;
  {
    std::lock_guard lock(mutex);
    setup_failure.clear();
  }
  target_users = users;
  spawn_rate = rate;
  exact_counts.reset();
  roster.clear();
  setUsersVisible();
  arrivals_started = false;
  resetStatsNow();  // the setup phase starts from clean stats
  publish();        // so on_state(Setup) already sees a snapshot of this run
  announce();
  Shard& first = *shards.front();
  const std::uint64_t seed = mixSeed(base_seed);
  asio::post(first.io(), [this, &first, seed, this_run] {
    first.runSetup(opts.setup_phases, seed, [this, this_run](const std::string& failure) {
      asio::post(control, [this, this_run, failure] { onSetupDone(this_run, failure); });
    });
  });
  return accepted();
}

void Runner::Impl::onSetupDone(std::uint64_t this_run, const std::string& failure) {
  if (this_run != run || state != RunState::kSetup) return;  // stopped during setup
  if (!failure.empty()) {
    // The load would run on missing data: stop, keeping the setup's stats (its failures) for the report.
    {
      std::lock_guard lock(mutex);
      setup_failure = failure;
    }
    doStop("a setup phase failed");
    return;
  }
  resetStatsNow();  // the load phase's report excludes the setup phase
  load_start = Clock::now();
  apply(RunEvent::kSetupDone, nullptr, false);
  publish();  // on_state(Spawning) sees the load phase's start_time in latestSnapshot()
  announce();
  if (opts.settings.run_time) {
    run_timer.expires_after(*opts.settings.run_time);
    run_timer.async_wait([this, this_run](boost::system::error_code ec) {
      if (!ec && this_run == run && inLoadPhase(state)) doStop("run time elapsed");
    });
  }
  if (!opts.shape.empty()) {
    applyShape(this_run);
  } else {
    beginRamp();
  }
}

void Runner::Impl::applyShape(std::uint64_t this_run) {
  if (this_run != run || !inLoadPhase(state)) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - load_start);
  const std::optional<ShapePoint> point = shapeAt(opts.shape, elapsed);
  if (!point) {
    doStop("the load shape ended");
    return;
  }
  spdlog::info("runner: load shape stage {}: {} users at {} users/s", point->stage + 1, point->users,
               point->spawn_rate);
  target_users = point->users;
  spawn_rate = point->spawn_rate;
  apply(RunEvent::kRetarget);
  beginRamp();
  shape_timer.expires_after(point->remaining);
  shape_timer.async_wait([this, this_run](boost::system::error_code ec) {
    if (!ec) applyShape(this_run);
  });
}

CommandResult Runner::Impl::doSetUsers(std::uint32_t users, double rate,
                                       std::optional<std::vector<std::uint32_t>> exact) {
  if (quitting) return refused("cannot change users: the runner is shutting down");
  if (!opts.shape.empty()) return refused("cannot change users: a load shape drives the user count");
  if (auto bad = badSpawnRate(rate)) return refused("cannot change users: " + *bad);
  if (users > 0 && env.classes.empty()) return refused("cannot change users: no user class is registered");
  std::string reason;
  if (!apply(RunEvent::kRetarget, &reason)) return refused(reason);
  target_users = users;
  spawn_rate = rate;
  exact_counts = std::move(exact);
  if (state == RunState::kSpawning) beginRamp();  // in Setup, the ramp starts when setup ends
  return accepted();
}

std::optional<std::string> Runner::Impl::badClassCounts(const std::vector<std::uint32_t>& counts) const {
  if (!opts.shape.empty()) return "a load shape drives the user count";
  if (counts.size() != env.classes.size())
    return "expected " + std::to_string(env.classes.size()) + " per-class user counts, got " +
           std::to_string(counts.size());
  return std::nullopt;
}

void Runner::Impl::beginRamp() {
  target_counts = exact_counts ? *exact_counts : distributeUsers(opts.classes, target_users);
  ramp_start = Clock::now();
  ramp_done = 0;
  rampStep(++ramp_generation);
}

void Runner::Impl::rampStep(std::uint64_t generation) {
  if (generation != ramp_generation || state != RunState::kSpawning) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - ramp_start).count();
  // Change k (from 0) is due at k / spawn_rate seconds after the ramp started.
  const double due = std::floor(elapsed * spawn_rate) + 1;
  const std::uint64_t allowed =
      due >= 1e18 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(due);
  bool done = false;
  while (!done && ramp_done < allowed) {
    const UserRoster::Change change = roster.nextChange(target_counts);
    switch (change.kind) {
      case UserRoster::Change::Kind::kNone:
        done = true;
        break;
      case UserRoster::Change::Kind::kSpawn: {
        const std::uint64_t id = next_user_id++;
        roster.add(id, change.class_index, change.shard);
        Shard* shard = shards[change.shard].get();
        const std::uint64_t seed = mixSeed(base_seed ^ mixSeed(id));
        const bool open_model = opts.arrival_rate.has_value();
        const std::size_t cls = change.class_index;
        asio::post(shard->io(), [shard, id, cls, seed, open_model] { shard->spawnUser(id, cls, seed, open_model); });
        ++ramp_done;
        break;
      }
      case UserRoster::Change::Kind::kStop: {
        roster.remove(change.id);
        Shard* shard = shards[change.shard].get();
        const std::uint64_t id = change.id;
        asio::post(shard->io(), [shard, id] { shard->stopUser(id); });
        ++ramp_done;
        break;
      }
    }
  }
  setUsersVisible();
  if (!done && roster.nextChange(target_counts).kind == UserRoster::Change::Kind::kNone) done = true;
  if (done) {
    apply(RunEvent::kSpawnComplete);
    spdlog::info("runner: {} users running", roster.running());
    if (opts.arrival_rate && !arrivals_started) {
      arrivals_started = true;
      const double per_shard = *opts.arrival_rate / static_cast<double>(shards.size());
      const Clock::time_point start = Clock::now();
      for (auto& s : shards) {
        Shard* shard = s.get();
        asio::post(shard->io(), [shard, per_shard, start] { shard->startArrivals(per_shard, start); });
      }
    }
    return;
  }
  const auto next_due = ramp_start + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(static_cast<double>(ramp_done) / spawn_rate));
  ramp_timer.expires_at(std::max(next_due, Clock::now() + std::chrono::milliseconds(1)));
  ramp_timer.async_wait([this, generation](boost::system::error_code ec) {
    if (!ec) rampStep(generation);
  });
}

CommandResult Runner::Impl::doStop(const char* why) {
  std::string reason;
  if (!apply(RunEvent::kStopRequested, &reason)) return refused(reason);
  spdlog::info("runner: stopping ({})", why);
  beginStopping();
  return accepted();
}

void Runner::Impl::doQuit() {
  if (quitting) return;
  quitting = true;
  const RunState before = state;
  apply(RunEvent::kQuit);
  if (inLoadPhase(before)) beginStopping();
}

void Runner::Impl::beginStopping() {
  ++ramp_generation;
  ramp_timer.cancel();
  run_timer.cancel();
  shape_timer.cancel();
  roster.clear();
  setUsersVisible();
  arrivals_started = false;
  const std::uint64_t generation = ++stop_generation;
  shards_pending = static_cast<unsigned>(shards.size());
  for (auto& s : shards) {
    Shard* shard = s.get();
    asio::post(shard->io(), [this, shard, generation] {
      shard->stopAll([this, generation] { asio::post(control, [this, generation] { onShardEmpty(generation); }); });
    });
  }
  stop_guard.expires_after(opts.settings.stop_timeout + kCancelGrace);
  stop_guard.async_wait([this, generation](boost::system::error_code ec) {
    if (ec || generation != stop_generation || shards_pending == 0) return;
    spdlog::error("runner: {} shard(s) still have coroutines that ignored cancellation {} s after the stop "
                  "timeout; finishing the stop without them",
                  shards_pending, kCancelGrace.count());
    shards_pending = 0;
    final_requested = true;
    snapshot_timer.cancel();
  });
}

void Runner::Impl::onShardEmpty(std::uint64_t generation) {
  if (generation != stop_generation || shards_pending == 0) return;
  if (--shards_pending > 0) return;
  stop_guard.cancel();
  final_requested = true;
  snapshot_timer.cancel();
}

void Runner::Impl::resetStatsNow() {
  const std::uint64_t epoch = ++stats_epoch;
  for (auto& s : shards) {
    Shard* shard = s.get();
    asio::post(shard->io(), [shard, epoch] { shard->resetStats(epoch); });
  }
  aggregator.reset(nowEpoch());
}

asio::awaitable<void> Runner::Impl::collect() {
  for (auto& s : shards) {
    Shard* shard = s.get();
    Shard::TaggedDelta tagged = co_await asio::co_spawn(
        shard->io(), [shard]() -> asio::awaitable<Shard::TaggedDelta> { co_return shard->takeDelta(); },
        asio::use_awaitable);
    if (tagged.epoch == stats_epoch) aggregator.add(std::move(tagged.delta));
  }
}

void Runner::Impl::publish() {
  std::shared_ptr<const sdk::StatsSnapshot> snapshot =
      aggregator.publish(nowEpoch(), roster.running(), std::string(toString(state)));
  {
    std::lock_guard lock(mutex);
    latest = snapshot;
  }
  if (opts.on_snapshot) {
    try {
      opts.on_snapshot(std::move(snapshot));
    } catch (const std::exception& e) {
      spdlog::error("runner: snapshot callback failed: {}", e.what());
    }
  }
}

asio::awaitable<void> Runner::Impl::snapshotLoop() {
  for (;;) {
    if (!final_requested) {
      snapshot_timer.expires_after(opts.snapshot_interval);
      (void)co_await snapshot_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (final_requested) {
      final_requested = false;
      co_await collect();
      // Stopped becomes visible only after the final snapshot is published.
      apply(RunEvent::kAllStopped, nullptr, false);
      publish();
      announce();
      spdlog::info("runner: stopped");
      continue;
    }
    if (inLoadPhase(state) || state == RunState::kStopping) {
      co_await collect();
      if (!final_requested) publish();  // a final snapshot requested meanwhile supersedes this one
    }
  }
}

Runner::Runner(RunnerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Runner::~Runner() {
  try {
    shutdown();
  } catch (const std::exception& e) {
    spdlog::error("runner: {}", e.what());
  }
}

std::future<CommandResult> Runner::start(std::uint32_t users, double spawn_rate, std::optional<TestSettings> test) {
  return impl_->command([impl = impl_.get(), users, spawn_rate, test = std::move(test)] {
    return impl->doStart(users, spawn_rate, test);
  });
}

std::future<CommandResult> Runner::startClassCounts(std::vector<std::uint32_t> counts, double spawn_rate,
                                                    std::optional<TestSettings> test) {
  return impl_->command([impl = impl_.get(), counts = std::move(counts), spawn_rate, test = std::move(test)] {
    if (auto bad = impl->badClassCounts(counts)) return refused("cannot start: " + *bad);
    std::uint32_t total = 0;
    for (std::uint32_t n : counts) total += n;
    CommandResult result = impl->doStart(total, spawn_rate, test);
    if (result.accepted) impl->exact_counts = counts;  // the ramp begins after setup, on a later event
    return result;
  });
}

std::future<CommandResult> Runner::setClassCounts(std::vector<std::uint32_t> counts, double spawn_rate) {
  return impl_->command([impl = impl_.get(), counts = std::move(counts), spawn_rate] {
    if (auto bad = impl->badClassCounts(counts)) return refused("cannot change users: " + *bad);
    std::uint32_t total = 0;
    for (std::uint32_t n : counts) total += n;
    return impl->doSetUsers(total, spawn_rate, counts);
  });
}

std::future<CommandResult> Runner::setUsers(std::uint32_t users, double spawn_rate) {
  return impl_->command([impl = impl_.get(), users, spawn_rate] { return impl->doSetUsers(users, spawn_rate); });
}

std::future<CommandResult> Runner::stop() {
  return impl_->command([impl = impl_.get()] { return impl->doStop("stop requested"); });
}

std::future<CommandResult> Runner::resetStats() {
  return impl_->command([impl = impl_.get()] {
    impl->resetStatsNow();
    return accepted();
  });
}

void Runner::quit() {
  (void)impl_->command([impl = impl_.get()] {
    impl->doQuit();
    return accepted();
  });
}

void Runner::shutdown() {
  Impl& i = *impl_;
  {
    std::lock_guard lock(i.mutex);
    if (i.closed) return;
  }
  if (i.onRunnerThread()) throw sdk::Error("Runner::shutdown called from a runner thread (a callback)");
  quit();
  {
    std::unique_lock lock(i.mutex);
    i.changed.wait(lock, [&] { return i.pending_commands == 0 && i.settled_state == RunState::kStopped; });
    i.closed = true;
  }
  i.work.reset();
  i.control.stop();
  if (i.control_thread.joinable()) i.control_thread.join();
  for (auto& shard : i.shards) shard->join();
  i.changed.notify_all();
}

RunState Runner::state() const noexcept { return impl_->public_state.load(); }

std::string Runner::setupFailure() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->setup_failure;
}

std::uint32_t Runner::userCount() const noexcept { return impl_->public_users.load(); }

std::shared_ptr<const sdk::StatsSnapshot> Runner::latestSnapshot() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->latest;
}

bool Runner::waitUntilStopped(std::optional<std::chrono::milliseconds> timeout) const {
  Impl& i = *impl_;
  std::unique_lock lock(i.mutex);
  auto done = [&] {
    if (i.closed) return true;
    const RunState s = i.settled_state;
    return i.pending_commands == 0 && (s == RunState::kStopped || s == RunState::kReady);
  };
  if (!timeout) {
    i.changed.wait(lock, done);
    return true;
  }
  return i.changed.wait_for(lock, *timeout, done);
}

asio::any_io_executor Runner::controlExecutor() const { return impl_->control.get_executor(); }

}  // namespace accurate::runtime
