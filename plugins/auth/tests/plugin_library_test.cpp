// Loads the built libaccurate_auth.so and drives it through the SDK the way the host does.
#include "auth_test_support.hpp"
#include "collecting_host.hpp"
#include "plugin_library_test.hpp"
#include "tokens.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/plugin.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <memory>

namespace accurate::auth {
namespace {

using accurate::test::CollectingDeclarations;
using accurate::test::CollectingHost;

class AuthPluginLibrary : public accurate::test::PluginLibraryTest {
 protected:
  AuthPluginLibrary() : PluginLibraryTest(ACCURATE_AUTH_PLUGIN_FILE) {}
};

TEST_F(AuthPluginLibrary, IdentifiesItselfAsAuth) {
  EXPECT_STREQ(handshake_->plugin_name, "auth");
  EXPECT_STREQ(handshake_->plugin_version, "0.1.0");
  EXPECT_STREQ(handshake_->build_fingerprint, ACCURATE_BUILD_FINGERPRINT);
  EXPECT_FALSE(plugin_->description().empty());
}

TEST_F(AuthPluginLibrary, DeclaresItsOptionsAndCommands) {
  CollectingDeclarations declarations;
  plugin_->declare(declarations);
  ASSERT_EQ(declarations.options.size(), 3u);
  EXPECT_EQ(declarations.options[0].flag, "auth-users-file");
  EXPECT_EQ(declarations.options[0].key, "users_file");
  EXPECT_EQ(declarations.options[1].flag, "auth-tokens-file");
  EXPECT_EQ(declarations.options[1].key, "tokens_file");
  EXPECT_EQ(declarations.options[2].flag, "auth-realm");
  EXPECT_EQ(declarations.options[2].key, "realm");
  ASSERT_EQ(declarations.commands.size(), 3u);
  EXPECT_EQ(declarations.commands[0].name, "auth add-user");
  EXPECT_EQ(declarations.commands[1].name, "auth add-token");
  EXPECT_EQ(declarations.commands[2].name, "auth hash-password");
}

TEST_F(AuthPluginLibrary, RefusesToConfigureWithoutUsersOrTokens) {
  CollectingHost host{{}};
  try {
    plugin_->configure(host);
    FAIL() << "configured without credentials";
  } catch (const sdk::ConfigError& e) {
    EXPECT_STREQ(e.what(), "auth: no users or tokens configured (see docs/auth.md)");
  }
  EXPECT_EQ(host.web_auth, nullptr);
}

TEST_F(AuthPluginLibrary, ThrowsConfigErrorsAcrossTheBoundary) {
  CollectingHost host{boost::json::parse(R"({"users": {"alice": "plaintext"}})").as_object()};
  try {
    plugin_->configure(host);
    FAIL() << "accepted a plaintext password";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(e.path(), "$.auth.users.alice");
  }
}

TEST_F(AuthPluginLibrary, RegistersAProviderThatAuthenticatesUsersAndTokens) {
  test::TempDir dir;
  const std::string token = generateToken();
  test::writeFile(dir.file("tokens"), "ci:" + tokenDigestHex(token) + ":never\n");
  boost::json::object config{{"realm", "lab"}, {"tokens_file", dir.file("tokens")}};
  config["users"] = boost::json::object{{"alice", test::cheapHash("wonderland")}};
  CollectingHost host{config};
  plugin_->configure(host);
  ASSERT_NE(host.web_auth, nullptr);
  EXPECT_EQ(host.others, 0);
  EXPECT_TRUE(host.classes.empty());
  EXPECT_TRUE(host.phases.empty());

  const auto none = host.web_auth->authenticate(test::requestWith(""));
  EXPECT_FALSE(none.allowed);
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(test::headerOf(none.headers, "WWW-Authenticate"), "Basic realm=\"lab\", charset=\"UTF-8\"");
  const auto user = host.web_auth->authenticate(test::requestWith(test::basicValue("alice", "wonderland")));
  EXPECT_TRUE(user.allowed);
  EXPECT_EQ(user.principal, "alice");
  const auto bearer = host.web_auth->authenticate(test::requestWith("Bearer " + token));
  EXPECT_TRUE(bearer.allowed);
  EXPECT_EQ(bearer.principal, "token:ci");
  EXPECT_EQ(host.web_auth->authenticate(test::requestWith(test::basicValue("alice", "nope"))).status, 401u);
  // The provider outlives the plugin object (the host keeps the library loaded while it holds it).
  plugin_.reset();
  EXPECT_TRUE(host.web_auth->authenticate(test::requestWith("Bearer " + token)).allowed);
  host.web_auth.reset();
}

TEST_F(AuthPluginLibrary, AddTokenCommandWritesTheConfiguredTokensFile) {
  CollectingDeclarations declarations;
  plugin_->declare(declarations);
  test::TempDir dir;
  const boost::json::object config{{"tokens_file", dir.file("tokens")}};
  sdk::RunSettings settings;
  sdk::CommandContext context;
  context.args = {"ci", "--expires-in", "30d"};
  context.config = &config;
  context.settings = &settings;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  const int code = declarations.commands[1].run(context);
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 0);
  ASSERT_TRUE(out.starts_with("acc_")) << out;
  const std::string token = out.substr(0, out.size() - 1);
  EXPECT_TRUE(test::readFile(dir.file("tokens")).starts_with("ci:" + tokenDigestHex(token) + ":"));
  EXPECT_NE(err.find("shown only once"), std::string::npos);
  context.args = {"ci", "--expires-in", "1y"};
  EXPECT_THROW(declarations.commands[1].run(context), sdk::Error);
}

}  // namespace
}  // namespace accurate::auth
