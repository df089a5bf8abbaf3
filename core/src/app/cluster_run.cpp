#include "app/cluster_run.hpp"

#include "app/app.hpp"
#include "app/signal_watch.hpp"
#include "cluster/transport.hpp"
#include "cluster/worker_process.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/version.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace accurate::app {
namespace {

double seconds(std::chrono::milliseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

boost::json::array workersJson(const std::vector<runtime::WorkerStatus>& workers) {
  boost::json::array out;
  for (const auto& w : workers) {
    out.push_back(boost::json::object{{"id", w.id},
                                      {"state", w.state},
                                      {"users", w.users},
                                      {"cpu_percent", w.cpu_percent},
                                      {"memory_bytes", w.memory_bytes},
                                      {"last_heartbeat", w.last_heartbeat},
                                      {"kind", w.kind}});
  }
  return out;
}

std::string formatWorkers(const std::vector<runtime::WorkerStatus>& workers) {
  if (workers.empty()) return {};
  std::string out = fmt::format("{:<46} {:<9} {:>6} {:>6} {:>9}  {}\n", "Worker", "State", "Users", "CPU %",
                                "Mem MiB", "Kind");
  for (const auto& w : workers) {
    out += fmt::format("{:<46} {:<9} {:>6} {:>6.1f} {:>9.1f}  {}\n", w.id, w.state, w.users, w.cpu_percent,
                       static_cast<double>(w.memory_bytes) / (1024.0 * 1024.0), w.kind);
  }
  return out;
}

int runWorker(const config::Config& config, LoadSession& session) {
  runtime::Runner* runner = session.localRunner();
  cluster::ReportBuilder* reports = session.workerReports();
  if (runner == nullptr || reports == nullptr) throw sdk::Error("worker: the session has no local runner");
  cluster::WorkerSettings settings;
  settings.protocol.node_id = cluster::makeNodeId();
  for (const auto& cls : session.registrations().user_classes) settings.protocol.class_names.push_back(cls.spec.name);
  settings.protocol.accurate_version = sdk::kSdkVersion;
  settings.protocol.master_timeout = seconds(config.master_timeout);
  settings.master_host = config.master_host;
  settings.master_port = config.master_port;
  if (config.cluster_key_dir) settings.keys = cluster::loadWorkerKeys(*config.cluster_key_dir);
  settings.default_host = config.host;
  settings.stop_timeout = config.stop_timeout;
  spdlog::info("worker {}: connecting to the master at {}:{}{}", settings.protocol.node_id, config.master_host,
               config.master_port, settings.keys ? " (CURVE)" : "");

  // Destroyed before this function returns: closing its socket flushes the final report and `quit`.
  auto worker_owner = std::make_unique<cluster::WorkerProcess>(std::move(settings), *runner, *reports);
  cluster::WorkerProcess& worker = *worker_owner;
  auto signals = std::make_unique<SignalWatch>([&worker](int signal, int) {
    spdlog::info("{} received: stopping the users and leaving the master", signal == SIGINT ? "SIGINT" : "SIGTERM");
    worker.requestQuit();
  });
  std::atomic<int> code{-1};
  std::thread serving([&worker, &code] {
    int result = kExitInternalError;
    try {
      result = worker.run();
    } catch (const std::exception& e) {
      spdlog::error("worker: {}", e.what());
    }
    code.store(result);
  });
  // Tests this worker ran are finished here (summary, outputs asked for); the master persists the report.
  auto finishOne = [&session](const FinishedTest& test) {
    try {
      session.finish(test);
    } catch (const std::exception& e) {
      spdlog::error("worker: finishing a test: {}", e.what());
    }
  };
  while (code.load() < 0) {
    if (auto finished = session.nextFinished(std::chrono::milliseconds(200))) finishOne(*finished);
  }
  serving.join();
  signals.reset();  // nothing may reach the worker once it is gone
  worker_owner.reset();
  session.control().shutdown();
  while (auto finished = session.nextFinished(std::chrono::milliseconds(0))) finishOne(*finished);
  return code.load();
}

bool waitForWorkers(const config::Config& config, runtime::LoadControl& master, const std::atomic<bool>& give_up) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_line = start - std::chrono::seconds(1);
  for (;;) {
    std::size_t active = 0;
    for (const auto& w : master.workers()) active += w.state != "missing" ? 1 : 0;
    if (active >= config.expect_workers) {
      spdlog::info("{} worker{} connected", active, active == 1 ? "" : "s");
      return true;
    }
    if (give_up.load()) return false;
    const Clock::time_point now = Clock::now();
    if (config.expect_workers_max_wait.count() > 0 && now - start >= config.expect_workers_max_wait) {
      spdlog::error("expected {} workers but {} connected within {} s (--expect-workers-max-wait): giving up",
                    config.expect_workers, active, seconds(config.expect_workers_max_wait));
      return false;
    }
    if (now - last_line >= std::chrono::seconds(1)) {
      spdlog::info("waiting for workers: {} of {} connected", active, config.expect_workers);
      last_line = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

LocalWorkers forkLocalWorkers(const config::Config& config,
                              const std::vector<std::shared_ptr<plugin::LoadedPlugin>>& plugins) {
  int count = *config.processes;
  if (count < 0) count = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  config::Config master = config;
  master.master = true;
  master.worker = false;
  master.processes.reset();
  master.role = sdk::RunSettings::Role::kMaster;
  master.expect_workers = std::max<std::uint32_t>(config.expect_workers, static_cast<std::uint32_t>(count));
  master.master_bind_host = "127.0.0.1";  // local workers only (unless the user binds elsewhere explicitly)
  if (config.master_bind_host != "*") master.master_bind_host = config.master_bind_host;

  config::Config worker = config;
  worker.worker = true;
  worker.master = false;
  worker.processes.reset();
  worker.role = sdk::RunSettings::Role::kWorker;
  worker.master_host = master.master_bind_host == "*" || master.master_bind_host == "0.0.0.0"
                           ? "127.0.0.1" : master.master_bind_host;
  worker.master_port = config.master_bind_port;
  worker.json = false;
  worker.csv_prefix.reset();
  worker.html_file.reset();
  worker.print_stats = false;
  worker.headless = true;

  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t parent = getpid();
  std::vector<int> pids;
  for (int i = 0; i < count; ++i) {
    const pid_t pid = fork();
    if (pid < 0) throw sdk::Error(fmt::format("--processes: cannot start worker {}: fork failed", i + 1));
    if (pid == 0) {
      // The child: dies with its master, runs one worker, and never returns into the master's code path.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) std::_Exit(1);
      int code = kExitInternalError;
      try {
        LoadSession session(worker, plugins, stderr);
        code = runWorker(worker, session);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "accurate worker: %s\n", e.what());
      }
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(code);
    }
    pids.push_back(pid);
  }
  spdlog::info("started {} local worker process{}", count, count == 1 ? "" : "es");
  return LocalWorkers{std::move(master), std::move(pids)};
}

void reapLocalWorkers(std::vector<int> pids, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pids.empty() && std::chrono::steady_clock::now() < deadline) {
    std::erase_if(pids, [](pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == pid; });
    if (!pids.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (pid_t pid : pids) {
    spdlog::warn("local worker {} did not exit in time: killing it", pid);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

int runClusterKeygen(const config::Config& config, const std::vector<std::string>& args) {
  if (!config.cluster_key_dir) throw sdk::Error("cluster keygen: --cluster-key-dir DIR is required");
  std::string name = "worker";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--name" && i + 1 < args.size()) {
      name = args[++i];
    } else if (args[i].rfind("--name=", 0) == 0) {
      name = args[i].substr(7);
    } else {
      throw sdk::Error("cluster keygen: unexpected argument '" + args[i] + "' (usage: cluster keygen "
                       "--cluster-key-dir DIR [--name NAME])");
    }
  }
  const auto written = cluster::generateKeys(*config.cluster_key_dir, name);
  for (const auto& path : written) std::printf("%s\n", path.string().c_str());
  if (written.empty()) std::printf("nothing to write: the keys in %s exist already\n", config.cluster_key_dir->c_str());
  return kExitOk;
}

}  // namespace accurate::app
