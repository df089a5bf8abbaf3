#include "app/web_run.hpp"

#include "app/app.hpp"
#include "app/load_run.hpp"
#include "app/signal_watch.hpp"
#include "runtime/run_state.hpp"

#include "web_server.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/version.hpp>

#include <boost/asio/ip/address.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <mutex>

namespace accurate::app {
namespace {

/// The web server's view of the session: commands go to the runner, reads come from its snapshots.
class SessionControl final : public web::RunControl {
 public:
  explicit SessionControl(LoadSession& session) : session_(session) {}

  web::ControlResult swarm(const web::SwarmRequest& request) override {
    runtime::LoadControl& runner = session_.control();
    const runtime::RunState state = runner.state();
    const bool running = state == runtime::RunState::kSetup || state == runtime::RunState::kSpawning ||
                         state == runtime::RunState::kRunning;
    runtime::CommandResult result;
    if (running) {
      result = runner.setUsers(request.users, request.spawn_rate).get();
      if (result.accepted) remember(request, /*new_test=*/false);
      if (!result.accepted) return {false, result.reason};
      const bool other_host = request.host && *request.host != session_.host();
      return {true, fmt::format("Changing the user count to {}{}", request.users,
                                other_host ? " (a new host applies from the next test on)" : "")};
    }
    runtime::TestSettings test{request.host.value_or(session_.host()), request.run_time};
    if (test.host.empty()) return {false, "no target host: give one in the start form (host)"};
    result = session_.start(request.users, request.spawn_rate, test);
    if (result.accepted) remember(request, /*new_test=*/true);
    return {result.accepted, result.accepted ? std::string("Swarming started") : result.reason};
  }

  web::ControlResult stop() override {
    const runtime::CommandResult result = session_.control().stop().get();
    return {result.accepted, result.accepted ? std::string("Test stopped") : result.reason};
  }

  web::ControlResult resetStats() override {
    const runtime::CommandResult result = session_.control().resetStats().get();
    return {result.accepted, result.accepted ? std::string("ok") : result.reason};
  }

  std::shared_ptr<const sdk::StatsSnapshot> snapshot() const override { return session_.control().latestSnapshot(); }

  web::RunInfo info() const override {
    web::RunInfo info;
    info.state = std::string(runtime::toString(session_.control().state()));
    info.users = session_.control().userCount();
    info.host = session_.host();
    for (const auto& w : session_.control().workers())
      info.workers.push_back({w.id, w.state, w.users, w.cpu_percent, w.last_heartbeat});
    std::lock_guard lock(mutex_);
    info.target_users = target_users_;
    info.spawn_rate = spawn_rate_;
    info.run_time = run_time_;
    info.last_report_id = last_report_id_;
    return info;
  }

  /// Records the report of a finished test for /status.
  void reportWritten(const std::string& id) {
    std::lock_guard lock(mutex_);
    last_report_id_ = id;
  }

  /// Seeds /status with the configured defaults.
  void setDefaults(std::uint32_t users, double spawn_rate) {
    std::lock_guard lock(mutex_);
    target_users_ = users;
    spawn_rate_ = spawn_rate;
  }

 private:
  /// Keeps what /status reports of an accepted swarm; a new test also brings its run time.
  void remember(const web::SwarmRequest& request, bool new_test) {
    std::lock_guard lock(mutex_);
    target_users_ = request.users;
    spawn_rate_ = request.spawn_rate;
    if (new_test) run_time_ = request.run_time;
  }

  LoadSession& session_;                              ///< the load
  mutable std::mutex mutex_;                          ///< guards the fields below
  std::uint32_t target_users_ = 0;                    ///< user count last asked for
  double spawn_rate_ = 0;                             ///< spawn rate last asked for
  std::optional<std::chrono::milliseconds> run_time_; ///< run time of the current test
  std::optional<std::string> last_report_id_;         ///< newest report this process wrote
};

/// The UI's fixed facts.
web::UiInfo uiInfo(const config::Config& config, const LoadSession& session) {
  web::UiInfo ui;
  ui.version = sdk::kSdkVersion;
  ui.plugins = config.plugins;
  for (const auto& cls : session.registrations().user_classes)
    ui.user_classes.push_back({cls.spec.name, cls.spec.fixed_count ? 0 : cls.spec.weight,
                               cls.spec.fixed_count.value_or(0)});
  ui.default_users = config.users;
  ui.default_spawn_rate = config.spawn_rate;
  ui.default_host = config.host;
  ui.default_run_time = config.run_time;
  ui.auth_enabled = session.registrations().web_auth.has_value();
  return ui;
}

/// Warns about a UI reachable from the network without authentication or without TLS.
void warnAboutExposure(const config::Config& config, bool auth) {
  if (isLoopbackHost(config.web_host)) return;
  if (!auth)
    spdlog::warn("web UI: listening on {} without authentication: anyone who reaches port {} can start load "
                 "(use --plugins auth, see docs/auth.md)", config.web_host, config.web_port);
  else if (!config.tls_cert)
    spdlog::warn("web UI: authentication without TLS on {}: passwords and tokens cross the network in clear "
                 "text (use --tls-cert and --tls-key)", config.web_host);
}

}  // namespace

bool isLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  return !error && address.is_loopback();
}

int runWithWebUi(const config::Config& config, LoadSession& session, std::FILE* console) {
  SessionControl control(session);
  control.setDefaults(config.users, config.spawn_rate);
  web::WebServerOptions options;
  options.host = config.web_host;
  options.port = config.web_port;
  options.tls_cert = config.tls_cert.value_or("");
  options.tls_key = config.tls_key.value_or("");
  options.reports_dir = config.reports_dir;
  if (session.registrations().web_auth) options.auth = session.registrations().web_auth->provider;
  options.ui = uiInfo(config, session);
  warnAboutExposure(config, options.auth != nullptr);

  web::WebServer server(std::move(options), control);
  server.start();
  spdlog::info("web UI at {} (Ctrl-C to quit)", server.url());

  std::atomic<bool> quitting{false};
  SignalWatch signals([&](int signal, int count) {
    if (count == 1)
      spdlog::info("{} received: stopping the test if one runs, then quitting", signal == SIGINT ? "SIGINT" : "SIGTERM");
    if (count > 1) session.hurryListeners();
    quitting = true;
    session.control().quit();  // stops a running test; later commands are refused
  });

  const bool print_table = config.print_stats && config.print_stats_interval.count() > 0;
  const auto interval = print_table ? config.print_stats_interval : std::chrono::milliseconds(500);
  int exit_code = kExitOk;
  const auto finish = [&](const FinishedTest& test) {
    try {
      const TestOutcome outcome = session.finish(test);
      exit_code = outcome.exit_code;
      control.reportWritten(outcome.report_id);
    } catch (const sdk::Error& error) {  // e.g. the reports directory is not writable: keep serving
      spdlog::error("test report: {}", error.what());
      exit_code = kExitConfigError;
    }
  };
  for (;;) {
    if (auto finished = session.nextFinished(quitting ? std::chrono::milliseconds(100) : interval)) {
      finish(*finished);
      continue;
    }
    if (quitting) {
      // Quit once the runner is at rest and every stopped test has been finished.
      if (!session.control().waitUntilStopped(std::chrono::milliseconds(0))) continue;
      auto last = session.nextFinished(std::chrono::milliseconds(0));
      if (!last) break;
      finish(*last);
      continue;
    }
    const runtime::RunState state = session.control().state();
    if (print_table && (state == runtime::RunState::kSpawning || state == runtime::RunState::kRunning))
      printStatsTable(*session.control().latestSnapshot(), console);
  }
  server.stop();
  return exit_code;
}

}  // namespace accurate::app
