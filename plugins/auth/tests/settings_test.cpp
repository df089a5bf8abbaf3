#include "auth_test_support.hpp"
#include "settings.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <sys/stat.h>

namespace accurate::auth {
namespace {

boost::json::object section(const std::string& json) { return boost::json::parse(json).as_object(); }

std::string errorOf(const boost::json::object& config) {
  std::vector<std::string> warnings;
  try {
    (void)parseSettings(config, warnings);
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(AuthSettings, RefusesAConfigurationWithoutUsersOrTokens) {
  EXPECT_EQ(errorOf({}), "auth: no users or tokens configured (see docs/auth.md)");
  EXPECT_EQ(errorOf(section(R"({"users": {}, "tokens": []})")), "auth: no users or tokens configured (see docs/auth.md)");
}

TEST(AuthSettings, MergesUsersFromTheSectionAndTheFileWithDefaults) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  test::writeFile(file, "bob:" + test::cheapHash("b") + "\n");
  ::chmod(file.c_str(), 0600);
  boost::json::object config = section(R"({"users": {}})");
  config["users"].as_object()["alice"] = test::cheapHash("a");
  config["users_file"] = file;
  std::vector<std::string> warnings;
  const auto settings = parseSettings(config, warnings);
  EXPECT_EQ(settings.users.size(), 2u);
  EXPECT_TRUE(settings.users.contains("alice"));
  EXPECT_TRUE(settings.users.contains("bob"));
  EXPECT_EQ(settings.realm, "accurate");
  EXPECT_EQ(settings.throttle.max_failures, 5u);
  EXPECT_EQ(settings.throttle.window, std::chrono::seconds(60));
  EXPECT_EQ(settings.throttle.lockout, std::chrono::seconds(60));
  EXPECT_EQ(settings.cache_ttl, std::chrono::seconds(600));
  EXPECT_EQ(settings.max_concurrent_verifications, 2u);
  EXPECT_TRUE(warnings.empty());
}

TEST(AuthSettings, WarnsWhenAUsersFileIsReadableByOthers) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  test::writeFile(file, "bob:" + test::cheapHash("b") + "\n");
  ::chmod(file.c_str(), 0644);
  boost::json::object config;
  config["users_file"] = file;
  std::vector<std::string> warnings;
  (void)parseSettings(config, warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "auth: " + file + " is readable by other users; run chmod 600 " + file);
}

TEST(AuthSettings, RefusesAPlaintextPasswordInTheSection) {
  EXPECT_EQ(errorOf(section(R"({"users": {"alice": "hunter2"}})")).substr(0, 34), "$.auth.users.alice: not an argon2i");
}

TEST(AuthSettings, NamesTheFileLineOfABadUsersFile) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  test::writeFile(file, "# users\nalice\n");
  boost::json::object config;
  config["users_file"] = file;
  EXPECT_EQ(errorOf(config), file + ":2: expected name:hash");
}

TEST(AuthSettings, RefusesAUserDefinedTwice) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  test::writeFile(file, "alice:" + test::cheapHash("b") + "\n");
  boost::json::object config = section(R"({"users": {}})");
  config["users"].as_object()["alice"] = test::cheapHash("a");
  config["users_file"] = file;
  EXPECT_EQ(errorOf(config), "$.auth.users_file: user 'alice' is defined both in $.auth.users and in " + file);
}

TEST(AuthSettings, ReadsTokensFromTheFile) {
  test::TempDir dir;
  const std::string file = dir.file("tokens");
  test::writeFile(file, "ci:" + tokenDigestHex("t") + ":never\n");
  boost::json::object config;
  config["tokens_file"] = file;
  std::vector<std::string> warnings;
  const auto settings = parseSettings(config, warnings);
  ASSERT_EQ(settings.tokens.size(), 1u);
  EXPECT_EQ(settings.tokens[0].name, "ci");
}

TEST(AuthSettings, ValidatesNumbersRealmAndUnknownKeys) {
  const std::string token = R"("tokens": [{"name": "ci", "sha256": ")" + tokenDigestHex("t") + R"("}])";
  EXPECT_EQ(errorOf(section("{" + token + R"(, "max_failures": 0})")), "$.auth.max_failures: must be between 1 and 1000");
  EXPECT_EQ(errorOf(section("{" + token + R"(, "lockout_seconds": "x"})")), "$.auth.lockout_seconds: must be an integer");
  EXPECT_EQ(errorOf(section("{" + token + R"(, "lockout_seconds": 18446744073709551615})")),
            "$.auth.lockout_seconds: must be between 1 and 86400");
  EXPECT_EQ(errorOf(section("{" + token + R"(, "cache_seconds": 1.5})")), "$.auth.cache_seconds: must be an integer");
  EXPECT_EQ(errorOf(section("{" + token + R"(, "realm": "a\"b"})")),
            "$.auth.realm: must be printable ASCII without '\"' or '\\'");
  EXPECT_EQ(errorOf(section("{" + token + R"(, "user": {}})")),
            "$.auth.user: unknown key (see docs/auth.md for the auth section)");
  EXPECT_EQ(errorOf(section("{" + token + R"(, "users_file": ""})")), "$.auth.users_file: must be a non-empty file path");
  std::vector<std::string> warnings;
  const auto settings = parseSettings(section("{" + token + R"(, "max_failures": "7", "realm": "lab", "cache_seconds": 0})"),
                                      warnings);
  EXPECT_EQ(settings.throttle.max_failures, 7u);
  EXPECT_EQ(settings.realm, "lab");
  EXPECT_EQ(settings.cache_ttl, std::chrono::seconds(0));
}

}  // namespace
}  // namespace accurate::auth
