// Loads the built libaccurate_graphite.so and drives it through the SDK the way the host does.
#include "collecting_host.hpp"
#include "line_server.hpp"
#include "plugin_library_test.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/plugin.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace accurate::graphite {
namespace {

using accurate::test::CollectingDeclarations;
using accurate::test::CollectingHost;

class PluginLibrary : public accurate::test::PluginLibraryTest {
 protected:
  PluginLibrary() : PluginLibraryTest(ACCURATE_GRAPHITE_PLUGIN_FILE) {}
};

boost::json::object section(const std::string& json) { return boost::json::parse(json).as_object(); }

TEST_F(PluginLibrary, IdentifiesItselfAsGraphite) {
  EXPECT_STREQ(handshake_->plugin_name, "graphite");
  EXPECT_STREQ(handshake_->build_fingerprint, ACCURATE_BUILD_FINGERPRINT);
  EXPECT_FALSE(plugin_->description().empty());
}

TEST_F(PluginLibrary, DeclaresTheDocumentedOptions) {
  CollectingDeclarations declarations;
  plugin_->declare(declarations);
  std::vector<std::pair<std::string, std::string>> declared;
  for (const auto& option : declarations.options) declared.emplace_back(option.flag, option.key);
  const std::vector<std::pair<std::string, std::string>> expected{
      {"graphite-host", "host"},   {"graphite-port", "port"},   {"graphite-prefix", "prefix"},
      {"graphite-interval", "interval"}, {"graphite-compat", "compat"}, {"graphite-queue", "queue"},
      {"graphite-client-id", "client_id"}, {"graphite-log-lines", "log_lines"}};
  EXPECT_EQ(declared, expected);
  EXPECT_TRUE(declarations.commands.empty());
}

TEST_F(PluginLibrary, RegistersOneSinkOnAStandaloneProcessAndOnAMaster) {
  test::LineServer server;
  for (auto role : {sdk::RunSettings::Role::kStandalone, sdk::RunSettings::Role::kMaster}) {
    CollectingHost host(section(R"({"port": )" + std::to_string(server.port()) + "}"));
    host.run_settings.role = role;
    plugin_->configure(host);
    EXPECT_EQ(host.sinks.size(), 1u);
    EXPECT_TRUE(host.classes.empty());
    EXPECT_TRUE(host.listeners.empty());
  }
}

TEST_F(PluginLibrary, RegistersNothingOnAWorker) {
  CollectingHost host(section(R"({"port": 1})"));
  host.run_settings.role = sdk::RunSettings::Role::kWorker;
  plugin_->configure(host);
  EXPECT_TRUE(host.sinks.empty());
  EXPECT_EQ(host.others, 0);
}

TEST_F(PluginLibrary, RefusesABadSectionWithItsJsonPath) {
  CollectingHost host(section(R"({"port": 0})"));
  try {
    plugin_->configure(host);
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.graphite.port");
  }
  CollectingHost unwritable(section(R"({"log_lines": "/nonexistent-dir/x/lines.txt"})"));
  try {
    plugin_->configure(unwritable);
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.graphite.log_lines");
  }
}

}  // namespace
}  // namespace accurate::graphite
