// Loads the built libaccurate_designate.so and drives it through the SDK the way the host does: handshake,
// options and the prepare command, the two user classes and the gather phase, configuration errors.
#include "collecting_host.hpp"
#include "plugin_library_test.hpp"
#include "designate_fake_context.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/plugin.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <memory>
#include <set>

namespace accurate::designate {
namespace {

using accurate::test::CollectingDeclarations;
using accurate::test::CollectingHost;

class DesignatePluginLibrary : public accurate::test::PluginLibraryTest {
 protected:
  DesignatePluginLibrary() : PluginLibraryTest(ACCURATE_DESIGNATE_PLUGIN_FILE) {}
  void TearDown() override {
    host_.reset();  // everything the plugin handed out must die before the library is unloaded
    PluginLibraryTest::TearDown();
  }

  CollectingHost& configure(std::string_view json) {
    host_ = std::make_unique<CollectingHost>(boost::json::parse(json).as_object());
    plugin_->configure(*host_);
    return *host_;
  }

  std::unique_ptr<CollectingHost> host_;  ///< the host of the latest configure()
};

TEST_F(DesignatePluginLibrary, IdentifiesItselfAsDesignate) {
  EXPECT_STREQ(handshake_->plugin_name, "designate");
  EXPECT_STREQ(handshake_->plugin_version, "0.1.0");
  EXPECT_STREQ(handshake_->build_fingerprint, ACCURATE_BUILD_FINGERPRINT);
  EXPECT_NE(plugin_->description().find("Designate"), std::string::npos);
}

TEST_F(DesignatePluginLibrary, DeclaresTheBriefsOptionsAndThePrepareCommand) {
  CollectingDeclarations declarations;
  plugin_->declare(declarations);
  std::map<std::string, std::string> flags;
  for (const auto& option : declarations.options) flags[option.flag] = option.key;
  const std::map<std::string, std::string> expected{
      {"designate-large-tenants", "large_tenants"}, {"designate-small-tenants", "small_tenants"},
      {"designate-auth-mode", "auth_mode"},         {"designate-identity-url", "identity_url"},
      {"designate-async-interval", "async_interval"}, {"designate-async-timeout", "async_timeout"},
      {"designate-wait-min", "wait_min"},           {"designate-wait-max", "wait_max"},
      {"designate-zone-suffix", "zone_suffix"}};
  EXPECT_EQ(flags, expected);
  for (const auto& option : declarations.options) {
    const bool list = option.flag.ends_with("-tenants");
    EXPECT_EQ(option.type == sdk::OptionSpec::Type::kStringList, list) << option.flag;
    EXPECT_FALSE(option.help.empty()) << option.flag;
  }
  ASSERT_EQ(declarations.commands.size(), 1u);
  EXPECT_EQ(declarations.commands[0].name, "designate prepare");
}

TEST_F(DesignatePluginLibrary, RegistersBothClassesAndTheGatherPhase) {
  CollectingHost& host =
      configure(R"({"tenants": {"large": ["proj-a"], "small": ["proj-b", "proj-c"]}, "async_interval": "500ms"})");
  ASSERT_EQ(host.classes.size(), 2u);
  EXPECT_EQ(host.classes[0].name, "designate.large");
  EXPECT_EQ(host.classes[1].name, "designate.small");
  EXPECT_EQ(host.classes[0].weight, 4716);
  EXPECT_EQ(host.classes[1].weight, 16872) << "the sum of the small profile's weights";
  EXPECT_EQ(host.classes[1].tasks.size(), 13u);
  ASSERT_EQ(host.phases.size(), 1u);
  EXPECT_EQ(host.phases[0].first, "designate gather");
  EXPECT_EQ(host.others, 0);

  // The gather phase runs from the library on a fake context: one zone list per tenant, all empty.
  boost::asio::io_context io;
  test::FakeContext ctx(io, 0);
  ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.target.starts_with("/v2/zones?")) return test::respond(200, R"({"zones": [], "links": {}})");
    return std::nullopt;
  });
  test::runToEnd(io, host.phases[0].second(ctx));
  std::set<std::string> projects;
  for (const auto& r : ctx.client.sent) projects.insert(*test::headerOf(r.headers, "X-Auth-Project-ID"));
  EXPECT_EQ(projects, (std::set<std::string>{"proj-a", "proj-b", "proj-c"}));

  // A user of the small class finds its pools empty: a get is skipped and counted.
  test::FakeContext user_ctx(io, 5);
  auto tasks = host.classes[1].make_tasks(user_ctx);
  const auto& get = *std::find_if(host.classes[1].tasks.begin(), host.classes[1].tasks.end(),
                                  [](const sdk::TaskSpec& t) { return t.name == "get_domain_by_id"; });
  test::runToEnd(io, get.run(*tasks, user_ctx));
  EXPECT_EQ(user_ctx.recorder.counter("skipped.get_domain_by_id"), 1u);
  EXPECT_TRUE(user_ctx.client.sent.empty());
}

TEST_F(DesignatePluginLibrary, ClassWithoutTenantsIsLeftOut) {
  CollectingHost& host = configure(R"({"tenants": {"small": ["proj-b"]}})");
  ASSERT_EQ(host.classes.size(), 1u);
  EXPECT_EQ(host.classes[0].name, "designate.small");
}

TEST_F(DesignatePluginLibrary, ThrowsConfigErrorsAcrossTheBoundary) {
  try {
    configure(R"({"tenants": {"large": ["proj-a"], "small": ["proj-a"]}})");
    FAIL() << "a tenant in both pools was accepted";
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("proj-a"), std::string::npos) << e.what();
  }
  try {
    configure(R"({"tenants": {"large": ["proj-a"]}, "async_interval": "fast"})");
    FAIL() << "a bad duration was accepted";
  } catch (const sdk::ConfigError& e) {
    EXPECT_NE(e.path().find("async_interval"), std::string::npos) << e.path();
  }
  EXPECT_THROW(configure("{}"), sdk::ConfigError) << "no tenant at all";
}

}  // namespace
}  // namespace accurate::designate
