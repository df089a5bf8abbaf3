// Loads the built libaccurate_digaas.so and drives it through the SDK the way the host does.
#include "collecting_host.hpp"
#include "plugin_library_test.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/plugin.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace accurate::digaas {
namespace {

using accurate::test::CollectingDeclarations;
using accurate::test::CollectingHost;

class DigaasPluginLibrary : public accurate::test::PluginLibraryTest {
 protected:
  DigaasPluginLibrary() : PluginLibraryTest(ACCURATE_DIGAAS_PLUGIN_FILE) {}
};

boost::json::object section(const std::string& json) { return boost::json::parse(json).as_object(); }

TEST_F(DigaasPluginLibrary, IdentifiesItselfAndDeclaresItsOptionsAndTheObserveCommand) {
  EXPECT_STREQ(handshake_->plugin_name, "digaas");
  EXPECT_STREQ(handshake_->build_fingerprint, ACCURATE_BUILD_FINGERPRINT);
  CollectingDeclarations declarations;
  plugin_->declare(declarations);
  std::vector<std::string> flags;
  for (const auto& option : declarations.options) flags.push_back(option.flag);
  EXPECT_EQ(flags, (std::vector<std::string>{"digaas-nameservers", "digaas-endpoint", "digaas-poll", "digaas-timeout",
                                             "digaas-interval", "digaas-query-timeout", "digaas-max-inflight",
                                             "digaas-max-qps", "digaas-cooldown", "digaas-stats-timeout",
                                             "digaas-plots"}));
  ASSERT_EQ(declarations.commands.size(), 1u);
  EXPECT_EQ(declarations.commands[0].name, "digaas observe");
}

TEST_F(DigaasPluginLibrary, RegistersTheObserverTheReportListenerAndTheTimelineSinkOutsideWorkers) {
  for (auto role : {sdk::RunSettings::Role::kStandalone, sdk::RunSettings::Role::kMaster}) {
    CollectingHost host(section(R"({"nameservers": ["127.0.0.1:5353"]})"));
    host.run_settings.role = role;
    plugin_->configure(host);
    EXPECT_EQ(host.change_observers.size(), 1u);
    EXPECT_EQ(host.sinks.size(), 1u);
    ASSERT_EQ(host.listeners.size(), 1u);
    const auto report = host.listeners[0]->reportSection(sdk::StatsSnapshot{});
    ASSERT_TRUE(report.is_object());
    EXPECT_TRUE(report.as_object().contains("summary"));
    EXPECT_TRUE(report.as_object().contains("tables"));
    EXPECT_TRUE(report.as_object().contains("charts"));
  }
}

TEST_F(DigaasPluginLibrary, AWorkerOnlyObservesItsUsersChanges) {
  CollectingHost host(section(R"({"nameservers": ["127.0.0.1"]})"));
  host.run_settings.role = sdk::RunSettings::Role::kWorker;
  plugin_->configure(host);
  EXPECT_EQ(host.change_observers.size(), 1u);
  EXPECT_TRUE(host.sinks.empty());
  EXPECT_TRUE(host.listeners.empty());
}

TEST_F(DigaasPluginLibrary, RefusesABadSectionWithItsJsonPath) {
  for (const auto& [json, path] : std::vector<std::pair<std::string, std::string>>{
           {R"({})", "$.digaas.nameservers"},
           {R"({"nameservers": ["127.0.0.1", "dns.example"]})", "$.digaas.nameservers[1]"},
           {R"({"nameservers": ["127.0.0.1"], "poll": false})", "$.digaas"}}) {
    CollectingHost host(section(json));
    try {
      plugin_->configure(host);
      ADD_FAILURE() << "no error for " << json;
    } catch (const sdk::ConfigError& e) {
      EXPECT_EQ(e.path(), path) << json << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace accurate::digaas
