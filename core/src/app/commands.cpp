#include "app/commands.hpp"

#include "report/report_json.hpp"
#include "report/report_store.hpp"
#include "report/text_format.hpp"
#include "runtime/runner.hpp"

#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <iostream>

namespace accurate::app {

int listPlugins(const plugin::PluginRegistry& registry) {
  const auto manifests = registry.available();
  if (manifests.empty()) std::cout << "no plugins found (searched:";
  for (const auto& manifest : manifests) {
    std::string provides;
    for (const auto& kind : manifest.provides) provides += (provides.empty() ? "" : ",") + kind;
    std::cout << fmt::format("{:<12} {:<8} {:<28} {}\n", manifest.name, manifest.version,
                             provides.empty() ? "-" : provides, manifest.description);
  }
  if (manifests.empty()) {
    for (const auto& path : registry.searchPaths()) std::cout << ' ' << path.string();
    std::cout << ")\n";
  }
  for (const auto& problem : registry.problems()) std::cerr << "skipped: " << problem << '\n';
  return 0;
}

int listReports(const config::Config& config) {
  const report::ReportStore store(config.reports_dir);
  const auto reports = store.list();
  if (reports.empty()) {
    std::cout << "no reports in " << config.reports_dir << '\n';
    return 0;
  }
  std::cout << fmt::format("{:<26} {:<20} {:>10} {:>10} {:>9}  {}\n", "ID", "START (UTC)", "REQUESTS", "FAILURES",
                           "DURATION", "HOST");
  for (const auto& entry : reports) {
    std::cout << fmt::format("{:<26} {:<20} {:>10} {:>10} {:>9}  {}\n", entry.id, report::utcDateTime(entry.start_time),
                             entry.num_requests, entry.num_failures,
                             report::humanDuration(entry.end_time - entry.start_time), entry.host);
  }
  return 0;
}

int showReport(const config::Config& config, const std::vector<std::string>& args) {
  if (args.size() != 1) throw sdk::Error("report show: expected exactly one report ID (see `accurate report list`)");
  const report::ReportStore store(config.reports_dir);
  std::cout << report::summarizeReportJson(store.load(args.front()));
  return 0;
}

int runPluginCommand(const plugin::DeclaredCommand& command, const config::Config& config,
                     const std::vector<std::string>& args) {
  const sdk::RunSettings settings = config.runSettings();
  sdk::CommandContext context;
  context.args = args;
  context.config = &config.pluginSection(command.plugin);
  context.settings = &settings;
  // A command's body runs as the only setup phase of a runner without users: it gets the same UserContext
  // (HTTP client, stats, executor) as the Designate gather step, on a shard thread of its own.
  context.run = [&settings](std::function<boost::asio::awaitable<int>(sdk::UserContext&)> body) {
    std::atomic<int> result{0};
    std::atomic<bool> body_done{false};
    runtime::RunnerOptions options;
    options.settings = settings;
    options.settings.threads = 1;
    options.settings.run_time.reset();
    options.setup_phases.push_back(
        {"command", [&](sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
           result = co_await body(ctx);
           body_done = true;
         }});
    runtime::Runner runner(std::move(options));
    const auto started = runner.start(0, 1).get();
    if (!started.accepted) throw sdk::Error("cannot run the command: " + started.reason);
    while (runner.state() == runtime::RunState::kSetup) runner.waitUntilStopped(std::chrono::milliseconds(20));
    runner.stop().get();
    runner.shutdown();
    if (!body_done) throw sdk::Error("the command did not complete (see the log above)");
    return result.load();
  };
  return command.spec.run(context);
}

}  // namespace accurate::app
