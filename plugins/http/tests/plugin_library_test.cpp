// Loads the built libaccurate_http.so and drives it through the SDK the way the host does.
#include "collecting_host.hpp"
#include "plugin_library_test.hpp"
#include "fake_context.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/plugin.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <memory>

namespace accurate::http_plugin {
namespace {

using accurate::test::CollectingDeclarations;
using accurate::test::CollectingHost;

class PluginLibrary : public accurate::test::PluginLibraryTest {
 protected:
  PluginLibrary() : PluginLibraryTest(ACCURATE_HTTP_PLUGIN_FILE) {}
};

TEST_F(PluginLibrary, IdentifiesItselfAsHttp) {
  EXPECT_STREQ(handshake_->plugin_name, "http");
  EXPECT_STREQ(handshake_->plugin_version, "0.1.0");
  EXPECT_STREQ(handshake_->build_fingerprint, ACCURATE_BUILD_FINGERPRINT);
  EXPECT_FALSE(plugin_->description().empty());
}

TEST_F(PluginLibrary, DeclaresTheHttpPathOption) {
  CollectingDeclarations declarations;
  plugin_->declare(declarations);
  ASSERT_EQ(declarations.options.size(), 1u);
  EXPECT_EQ(declarations.options[0].flag, "http-path");
  EXPECT_EQ(declarations.options[0].key, "path");
  EXPECT_TRUE(declarations.commands.empty());
}

TEST_F(PluginLibrary, RegistersHttpGetWithoutConfigurationAndSendsGetSlash) {
  CollectingHost host{{}};
  plugin_->configure(host);
  ASSERT_EQ(host.classes.size(), 1u);
  const sdk::UserClassSpec& spec = host.classes[0];
  EXPECT_EQ(spec.name, "http.get");
  ASSERT_EQ(spec.tasks.size(), 1u);
  boost::asio::io_context io;
  test::FakeContext context(io);
  auto tasks = spec.make_tasks(context);
  test::runToEnd(io, spec.tasks[0].run(*tasks, context));
  ASSERT_EQ(context.client.sent.size(), 1u);
  EXPECT_EQ(context.client.sent[0].method, "GET");
  EXPECT_EQ(context.client.sent[0].target, "/");
  EXPECT_FALSE(context.client.sent[0].keep_headers);
  EXPECT_FALSE(context.client.sent[0].keep_body);
  EXPECT_EQ(host.others, 0);
  EXPECT_TRUE(host.phases.empty());
}

TEST_F(PluginLibrary, RegistersConfiguredClassesAndValidatesBodies) {
  CollectingHost host{boost::json::parse(R"({"user_classes": [
      {"name": "a", "tasks": [{"path": "/x", "expect_body_contains": "missing"}]},
      {"name": "b", "weight": 2, "tasks": [{"path": "/y"}]}]})").as_object()};
  plugin_->configure(host);
  ASSERT_EQ(host.classes.size(), 2u);
  EXPECT_EQ(host.classes[0].name, "http.a");
  EXPECT_EQ(host.classes[1].name, "http.b");
  boost::asio::io_context io;
  test::FakeContext context(io);
  auto tasks = host.classes[0].make_tasks(context);
  test::runToEnd(io, host.classes[0].tasks[0].run(*tasks, context));
  ASSERT_EQ(context.client.responses.size(), 1u);
  EXPECT_EQ(context.client.responses[0].error, "body does not contain \"missing\"");
}

TEST_F(PluginLibrary, ThrowsConfigErrorsAcrossTheBoundary) {
  CollectingHost host{boost::json::parse(R"({"user_classes": [{"name": "a", "tasks": [{"path": "/{bad}"}]}]})").as_object()};
  try {
    plugin_->configure(host);
    FAIL() << "accepted an unknown placeholder";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.http.user_classes[0].tasks[0].path");
  }
}

}  // namespace
}  // namespace accurate::http_plugin
