// The `graphite` plugin: sends the run's metrics to Carbon (plaintext protocol) from the master or the single
// process; a worker sends nothing, so nothing is counted twice.
#include "graphite_sink.hpp"
#include "settings.hpp"

#include <accurate/sdk/plugin.hpp>

#include <spdlog/spdlog.h>

#include <memory>

#ifndef ACCURATE_GRAPHITE_PLUGIN_VERSION
#error "ACCURATE_GRAPHITE_PLUGIN_VERSION must be defined by the build"
#endif

namespace accurate::graphite {

/// The plugin object: declares the --graphite-* options and registers the sink.
class GraphitePlugin final : public sdk::Plugin {
 public:
  std::string description() const override {
    return "Sends the run's metrics to Graphite (Carbon plaintext protocol) from the master or single process";
  }

  void declare(sdk::Declarations& declarations) override {
    using Type = sdk::OptionSpec::Type;
    declarations.addOption({"graphite-host", "host", "Carbon host (default 127.0.0.1)", Type::kString});
    declarations.addOption({"graphite-port", "port", "Carbon plaintext port (default 2003)", Type::kInteger});
    declarations.addOption({"graphite-prefix", "prefix", "First part of every metric name (default accurate)",
                            Type::kString});
    declarations.addOption({"graphite-interval", "interval",
                            "Seconds between two points (default 1; snapshots come about once a second)",
                            Type::kString});
    declarations.addOption({"graphite-compat", "compat",
                            "Send the original tool's names (locust.<METHOD><name>.response_time.<client id>...)",
                            Type::kBoolean});
    declarations.addOption({"graphite-queue", "queue", "Most lines waiting for Carbon; the oldest are dropped "
                            "beyond (default 100000)", Type::kInteger});
    declarations.addOption({"graphite-client-id", "client_id",
                            "Last name segment in compat mode (default <hostname>_<pid>)", Type::kString});
    declarations.addOption({"graphite-log-lines", "log_lines",
                            "Append every line written to Carbon to this file (testing aid)", Type::kString});
  }

  void configure(sdk::Host& host) override {
    const Settings settings = parseSettings(host.config(), defaultClientId());
    const sdk::RunSettings::Role role = host.settings().role;
    if (role == sdk::RunSettings::Role::kWorker) {
      spdlog::info("graphite: a worker sends nothing; its master sends the metrics");
      return;
    }
    FormatSettings format;
    format.prefix = settings.prefix;
    format.interval = settings.interval;
    format.compat = settings.compat;
    format.client_id = settings.client_id;
    SenderSettings sender;
    sender.host = settings.host;
    sender.port = settings.port;
    sender.capacity = settings.queue;
    sender.log_lines = settings.log_lines;
    try {
      host.addSink(std::make_shared<GraphiteSink>(format, sender));
    } catch (const sdk::ConfigError&) {
      throw;
    } catch (const sdk::Error& e) {
      throw sdk::ConfigError("$.graphite.log_lines", e.what());
    }
  }
};

}  // namespace accurate::graphite

ACCURATE_PLUGIN(accurate::graphite::GraphitePlugin, "graphite", ACCURATE_GRAPHITE_PLUGIN_VERSION)
