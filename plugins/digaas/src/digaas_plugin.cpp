// The `digaas` plugin: times how long each DNS change other plugins publish (sdk::DnsChange, e.g. the designate
// plugin's writes) takes to reach the configured nameservers — with its own DNS poller (entries
// "propagation <TYPE> @ <nameserver>") and/or through a Digaas service (observers posted per change, its statistics
// and plots fetched at the end of the test) — and adds both to the report.
#include "nameserver_limits.hpp"
#include "observation.hpp"
#include "observe_command.hpp"
#include "propagation_timeline.hpp"
#include "service_client.hpp"
#include "service_report.hpp"
#include "settings.hpp"

#include <accurate/sdk/plugin.hpp>

#include <spdlog/spdlog.h>

#include <memory>
#include <utility>
#include <vector>

#ifndef ACCURATE_DIGAAS_PLUGIN_VERSION
#error "ACCURATE_DIGAAS_PLUGIN_VERSION must be defined by the build"
#endif

namespace accurate::digaas {
namespace {

/// Hears every published change: starts one propagation check per nameserver and posts the Digaas observers,
/// all as background work of the publishing user. Threading: any shard, concurrently (only shared immutable
/// settings and the thread-safe limits and service client are touched).
class PropagationObserver final : public sdk::ChangeObserver {
 public:
  PropagationObserver(std::shared_ptr<const Settings> settings, std::shared_ptr<ServiceClient> service)
      : settings_(std::move(settings)), service_(std::move(service)) {
    if (!settings_->poll) return;
    for (std::size_t i = 0; i < settings_->nameservers.size(); ++i) {
      limits_.push_back(std::make_shared<NameserverLimits>(settings_->max_inflight, settings_->max_qps));
    }
  }

  void onChange(const sdk::DnsChange& change, sdk::UserContext& ctx) override {
    for (std::size_t i = 0; i < limits_.size(); ++i) {
      const NameserverAddress& nameserver = settings_->nameservers[i];
      ctx.spawnBackground("propagation " + propagationEntryName(change.type, nameserver),
                          observePropagation(ctx, settings_, limits_[i], nameserver, change));
    }
    if (service_) service_->observe(change, ctx);
  }

 private:
  std::shared_ptr<const Settings> settings_;                ///< the parsed section
  std::shared_ptr<ServiceClient> service_;                  ///< observer poster; null without an endpoint
  std::vector<std::shared_ptr<NameserverLimits>> limits_;   ///< per nameserver (same order); empty without poll
};

/// Feeds the published snapshots to the timeline (master or single process). Cheap: one histogram difference per
/// change type per snapshot.
class TimelineSink final : public sdk::StatsSink {
 public:
  explicit TimelineSink(std::shared_ptr<PropagationTimeline> timeline) : timeline_(std::move(timeline)) {}
  void onSnapshot(std::shared_ptr<const sdk::StatsSnapshot> snapshot) override { timeline_->add(*snapshot); }

 private:
  std::shared_ptr<PropagationTimeline> timeline_;  ///< shared with the listener
};

/// Builds the report section (master or single process): the poller's summary, tables and chart, and the Digaas
/// service's statistics and plots, fetched when the test stops.
class ReportListener final : public sdk::LifecycleListener {
 public:
  ReportListener(std::shared_ptr<const Settings> settings, std::shared_ptr<PropagationTimeline> timeline,
                 std::unique_ptr<ServiceReporter> reporter)
      : settings_(std::move(settings)), timeline_(std::move(timeline)), reporter_(std::move(reporter)) {}

  void onTestStart(const sdk::TestStartInfo& info) override {
    timeline_->reset();
    if (reporter_) reporter_->onTestStart(info);
  }
  void onTestStop(const sdk::StatsSnapshot& final_snapshot) override {
    if (reporter_) reporter_->onTestStop(final_snapshot);
  }
  void onStopHurried() override {
    if (reporter_) reporter_->cancel();
  }
  boost::json::value reportSection(const sdk::StatsSnapshot& final_snapshot) override {
    boost::json::object section;
    if (settings_->poll) section = timeline_->section(final_snapshot);
    if (!reporter_) return section;
    for (auto& [key, value] : reporter_->reportPart()) {
      auto* tables = section.if_contains("tables");
      if (key == "tables" && tables && tables->is_array() && value.is_array()) {
        for (auto& table : value.as_array()) tables->as_array().push_back(std::move(table));
      } else {
        section[key] = std::move(value);
      }
    }
    return section;
  }

 private:
  std::shared_ptr<const Settings> settings_;        ///< the parsed section
  std::shared_ptr<PropagationTimeline> timeline_;   ///< fed by the sink
  std::unique_ptr<ServiceReporter> reporter_;       ///< null without an endpoint
};

}  // namespace

/// The plugin object: declares the --digaas-* options and `accurate digaas observe`, and registers the change
/// observer (every role that runs users) and the report parts (master or single process).
class DigaasPlugin final : public sdk::Plugin {
 public:
  std::string description() const override {
    return "DNS propagation timing: built-in nameserver poller and Digaas service client";
  }
  void declare(sdk::Declarations& declarations) override {
    using Type = sdk::OptionSpec::Type;
    declarations.addOption({"digaas-nameservers", "nameservers",
                            "Nameservers (host:port, port 53 by default) where published DNS changes must appear",
                            Type::kStringList});
    declarations.addOption({"digaas-endpoint", "endpoint",
                            "Digaas service base URL (e.g. http://127.0.0.1:8123); empty: no Digaas service",
                            Type::kString});
    declarations.addOption({"digaas-poll", "poll", "Time propagation with the built-in DNS poller (default true)",
                            Type::kBoolean});
    declarations.addOption({"digaas-timeout", "timeout",
                            "Seconds after a write before its propagation counts as failed (default 120)",
                            Type::kNumber});
    declarations.addOption({"digaas-interval", "interval", "Seconds between two checks of one change (default 1)",
                            Type::kNumber});
    declarations.addOption({"digaas-query-timeout", "query_timeout", "Seconds one DNS query may take (default 2)",
                            Type::kNumber});
    declarations.addOption({"digaas-max-inflight", "max_inflight",
                            "DNS queries in flight per nameserver at most (default 16)", Type::kInteger});
    declarations.addOption({"digaas-max-qps", "max_qps", "DNS queries per second per nameserver at most (default 100)",
                            Type::kNumber});
    declarations.addOption({"digaas-cooldown", "cooldown",
                            "Digaas service: seconds to wait after the test before asking for stats (default: the "
                            "timeout)",
                            Type::kNumber});
    declarations.addOption({"digaas-stats-timeout", "stats_timeout",
                            "Digaas service: seconds to wait for the stats job (default 120)", Type::kNumber});
    declarations.addOption({"digaas-plots", "plots", "Digaas service: put its three plots in the report (default true)",
                            Type::kBoolean});
    declarations.addCommand(makeObserveCommand());
  }
  void configure(sdk::Host& host) override {
    auto settings = std::make_shared<const Settings>(parseSettings(host.config()));
    const bool worker = host.settings().role == sdk::RunSettings::Role::kWorker;
    std::shared_ptr<ServiceClient> service;
    std::unique_ptr<ServiceReporter> reporter;
    if (!settings->endpoint.empty()) {
      service = std::make_shared<ServiceClient>(settings);
      if (!worker) {
        reporter = std::make_unique<ServiceReporter>(settings, service);
        reporter->ping();
      }
    }
    host.addChangeObserver(std::make_shared<PropagationObserver>(settings, service));
    if (worker) return;  // its master builds the report from the merged stats (and asks Digaas)
    auto timeline = std::make_shared<PropagationTimeline>();
    host.addSink(std::make_shared<TimelineSink>(timeline));
    host.addLifecycleListener(std::make_shared<ReportListener>(settings, timeline, std::move(reporter)));
  }
};

}  // namespace accurate::digaas

ACCURATE_PLUGIN(accurate::digaas::DigaasPlugin, "digaas", ACCURATE_DIGAAS_PLUGIN_VERSION)
