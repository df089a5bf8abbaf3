/// @file worker_process.cpp
/// The cluster worker's loop: a DEALER, the WorkerCore and the local runner, on the thread that calls run().

#include "cluster/worker_process.hpp"

#include "cluster/locust_stats.hpp"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

namespace accurate::cluster {

namespace {

using runtime::RunState;

/// Spawn rate used for the master's steps: a Locust worker starts a step's users at once.
constexpr double kSpawnRate = 1e9;
/// How long the loop waits for one runner command to be handled.
constexpr std::chrono::seconds kCommandWait{5};
/// Extra time past the stop timeout a quitting worker waits for the runner to stop.
constexpr std::chrono::seconds kStopGrace{10};
/// How often the loop looks at the runner while it waits for a stop to finish.
constexpr double kRunnerPollSeconds = 0.02;
/// Seconds between two CPU / memory measurements.
constexpr double kResourcePeriod = 2;

double nowEpoch() noexcept {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool inLoadPhase(RunState s) noexcept {
  return s == RunState::kSetup || s == RunState::kSpawning || s == RunState::kRunning;
}

/// Locust's worker state for a runner state.
std::string workerState(RunState s) {
  switch (s) {
    case RunState::kSetup:
    case RunState::kSpawning: return "spawning";
    case RunState::kRunning:
    case RunState::kStopping: return "running";  // Locust keeps saying running while its users stop
    case RunState::kReady:
    case RunState::kStopped: return "ready";
  }
  return "ready";
}

/// Process CPU use (percent of one core, over the last period) and resident memory.
class ResourceMonitor {
 public:
  /// Refreshes the figures when a period has passed since the last measurement.
  void update(double now) {
    if (now - last_wall_ < kResourcePeriod) return;
    const double cpu = cpuSeconds();
    if (last_wall_ > 0 && now > last_wall_) cpu_percent_ = std::max(0.0, (cpu - last_cpu_) / (now - last_wall_) * 100);
    last_wall_ = now;
    last_cpu_ = cpu;
    memory_bytes_ = residentBytes();
  }
  double cpuPercent() const noexcept { return cpu_percent_; }
  std::uint64_t memoryBytes() const noexcept { return memory_bytes_; }

 private:
  static double cpuSeconds() {
    rusage usage{};
    if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }
  static std::uint64_t residentBytes() {
    std::ifstream statm("/proc/self/statm");
    std::uint64_t size = 0;
    std::uint64_t resident = 0;
    if (!(statm >> size >> resident)) return 0;
    const long page = ::sysconf(_SC_PAGESIZE);
    return resident * static_cast<std::uint64_t>(page > 0 ? page : 4096);
  }

  double last_wall_ = 0;            ///< epoch seconds of the last measurement
  double last_cpu_ = 0;             ///< process CPU seconds at the last measurement
  double cpu_percent_ = 0;          ///< CPU use over the last period, percent of one core
  std::uint64_t memory_bytes_ = 0;  ///< resident set size at the last measurement
};

/// Waits up to kCommandWait for a runner command's answer; logs when it is refused or late. True when accepted.
bool settle(std::future<runtime::CommandResult> result, const char* what) {
  if (result.wait_for(kCommandWait) != std::future_status::ready) {
    spdlog::warn("worker: the runner did not answer '{}' within {} s", what, kCommandWait.count());
    return false;
  }
  const runtime::CommandResult r = result.get();
  if (!r.accepted) spdlog::warn("worker: the runner refused '{}': {}", what, r.reason);
  return r.accepted;
}

}  // namespace

std::string makeNodeId() {
  std::array<char, 256> name{};
  std::string host = ::gethostname(name.data(), name.size() - 1) == 0 ? std::string(name.data()) : std::string();
  if (host.empty()) host = "localhost";
  std::replace(host.begin(), host.end(), '_', '-');
  std::random_device random;
  std::string hex;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
    hex += part;
  }
  return host + "_" + hex;
}

struct WorkerProcess::Impl {
  Impl(WorkerSettings s, runtime::Runner& r, ReportBuilder& b);

  /// One loop turn: poll, frames, quit request, stop completion, deferred spawn, time. The exit code when the
  /// worker must end.
  std::optional<int> turn();
  /// Carries out @p actions; returns the exit code when the worker must end.
  std::optional<int> apply(WorkerActions& actions, double now);
  void send(const Envelope& message);
  /// Starts or retargets the runner; defers while the runner is still stopping.
  void applySpawn(const SpawnOrder& order);
  void sendReport(double now);
  /// Users per local class now (the applied counts during a test, zeros otherwise), sorted by name.
  ClassCounts localUsers() const;
  LocalStatus localStatus(double now);
  /// Stops the runner and waits (bounded) until it stopped.
  void stopRunner();
  /// Stops the runner, sends the final report and `quit`; returns @p code.
  int leave(int code, double now);

  WorkerSettings settings;                 ///< the settings
  runtime::Runner& runner;                 ///< runs the users
  ReportBuilder& reports;                  ///< the runner's snapshots as deltas
  WorkerCore core;                         ///< protocol state
  std::unique_ptr<ClusterSocket> socket;   ///< the DEALER
  ResourceMonitor resources;               ///< CPU and memory figures
  std::vector<std::uint32_t> applied;      ///< users per local class of the last applied spawn
  std::optional<SpawnOrder> pending_spawn; ///< a spawn that waits for the runner's stop to finish
  bool stop_pending = false;               ///< stop_users handled; onUsersStopped due once the runner stopped
  std::atomic<bool> quit_requested{false}; ///< requestQuit() was called
};

WorkerProcess::Impl::Impl(WorkerSettings s, runtime::Runner& r, ReportBuilder& b)
    : settings([&s] {
        if (s.protocol.node_id.empty()) s.protocol.node_id = makeNodeId();
        return std::move(s);
      }()),
      runner(r),
      reports(b),
      core(settings.protocol),
      socket(ClusterSocket::connectDealer(settings.master_host, settings.master_port, settings.protocol.node_id,
                                          settings.keys)),
      applied(settings.protocol.class_names.size(), 0) {}

void WorkerProcess::Impl::send(const Envelope& message) {
  if (!socket->send({}, encodeEnvelope(message))) {
    spdlog::warn("worker: could not queue '{}' for the master", message.type);
  }
}

std::optional<int> WorkerProcess::Impl::apply(WorkerActions& actions, double now) {
  if (actions.fatal) {
    spdlog::error("worker: {}; stopping", *actions.fatal);
    stopRunner();
    return 1;
  }
  for (const Envelope& message : actions.send) send(message);
  if (actions.reconnect) socket->reconnect();
  if (actions.spawn) applySpawn(*actions.spawn);
  if (actions.stop_users) {
    pending_spawn.reset();
    if (inLoadPhase(runner.state())) (void)settle(runner.stop(), "stop");
    stop_pending = true;
  }
  if (actions.send_report) sendReport(now);
  if (actions.quit) return leave(0, now);
  return std::nullopt;
}

void WorkerProcess::Impl::applySpawn(const SpawnOrder& order) {
  const RunState state = runner.state();
  if (state == RunState::kStopping || stop_pending) {
    pending_spawn = order;  // applied once the runner stopped
    return;
  }
  if (order.counts.size() != applied.size()) {
    spdlog::warn("worker: dropped a spawn with {} class counts for {} classes", order.counts.size(), applied.size());
    return;
  }
  const bool ok = inLoadPhase(state)
                      ? settle(runner.setClassCounts(order.counts, kSpawnRate), "change users")
                      : settle(runner.startClassCounts(order.counts, kSpawnRate,
                                                       runtime::TestSettings{order.host.value_or(settings.default_host),
                                                                             std::nullopt}),
                               "start");
  if (ok) applied = order.counts;
  WorkerActions done;
  core.onSpawnApplied(localUsers(), done);
  for (const Envelope& message : done.send) send(message);
}

ClassCounts WorkerProcess::Impl::localUsers() const {
  const bool running = inLoadPhase(runner.state());
  ClassCounts users;
  const std::vector<std::string>& names = settings.protocol.class_names;
  for (std::size_t i = 0; i < names.size(); ++i) users.emplace_back(names[i], running ? applied[i] : 0);
  std::sort(users.begin(), users.end());
  return users;
}

LocalStatus WorkerProcess::Impl::localStatus(double now) {
  resources.update(now);
  LocalStatus status;
  status.state = workerState(runner.state());
  status.cpu_percent = resources.cpuPercent();
  status.memory_bytes = resources.memoryBytes();
  status.users = localUsers();
  return status;
}

void WorkerProcess::Impl::sendReport(double now) {
  WorkerReport report = reports.take(now);
  report.user_classes_count = core.masterClassCounts(localUsers());
  send(core.statsMessage(statsReportValue(report, now)));
}

void WorkerProcess::Impl::stopRunner() {
  const RunState state = runner.state();
  if (state == RunState::kReady || state == RunState::kStopped) return;
  if (state != RunState::kStopping) (void)runner.stop();
  const auto bound = settings.stop_timeout + kStopGrace;
  if (!runner.waitUntilStopped(std::chrono::duration_cast<std::chrono::milliseconds>(bound))) {
    spdlog::warn("worker: the users did not stop within {} s; leaving anyway",
                 std::chrono::duration_cast<std::chrono::seconds>(bound).count());
  }
}

int WorkerProcess::Impl::leave(int code, double now) {
  stopRunner();
  sendReport(nowEpoch() > now ? nowEpoch() : now);
  send(core.quitMessage());
  spdlog::info("worker: left the master");
  return code;
}

WorkerProcess::WorkerProcess(WorkerSettings settings, runtime::Runner& runner, ReportBuilder& reports)
    : impl_(std::make_unique<Impl>(std::move(settings), runner, reports)) {}

WorkerProcess::~WorkerProcess() = default;

std::optional<int> WorkerProcess::Impl::turn() {
  double now = nowEpoch();
  double wake = std::min(core.nextDeadline(), now + 1);
  if (stop_pending || pending_spawn) wake = std::min(wake, now + kRunnerPollSeconds);
  const double wait_s = wake - now >= 0.001 ? std::min(wake - now, 1.0) : 0.001;  // NaN-safe
  const std::vector<Received> frames = socket->poll(std::chrono::milliseconds(static_cast<long>(wait_s * 1000)));
  now = nowEpoch();
  for (const Received& frame : frames) {
    Envelope message;
    try {
      message = decodeEnvelope(frame.payload);
    } catch (const std::exception& e) {
      spdlog::warn("worker: dropped an undecodable message from the master: {}", e.what());
      continue;
    }
    WorkerActions actions;
    core.onMessage(message, now, actions);
    if (auto code = apply(actions, now)) return code;
  }
  if (quit_requested.load()) {
    spdlog::info("worker: quitting");
    return leave(0, now);
  }
  if (stop_pending && runner.waitUntilStopped(std::chrono::milliseconds(0))) {
    stop_pending = false;
    WorkerActions actions;
    core.onUsersStopped(now, actions);
    if (auto code = apply(actions, now)) return code;
  }
  if (pending_spawn && !stop_pending && runner.state() != RunState::kStopping) {
    const SpawnOrder order = std::move(*pending_spawn);
    pending_spawn.reset();
    applySpawn(order);
  }
  WorkerActions actions;
  core.tick(now, localStatus(now), actions);
  return apply(actions, now);
}

int WorkerProcess::run() {
  Impl& i = *impl_;
  {
    WorkerActions first;
    i.core.begin(nowEpoch(), first);
    if (auto code = i.apply(first, nowEpoch())) return *code;
  }
  for (;;) {
    try {
      if (auto code = i.turn()) return *code;
    } catch (const std::exception& e) {
      spdlog::error("worker: unexpected error in the cluster loop: {}", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // no busy loop on a persistent error
    }
  }
}

void WorkerProcess::requestQuit() {
  impl_->quit_requested.store(true);
  impl_->socket->wake();
}

}  // namespace accurate::cluster
