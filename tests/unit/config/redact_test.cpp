#include "config/config.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace accurate::config {
namespace {

TEST(RedactSecrets, ReplacesSecretValuesAtAnyDepth) {
  const auto input = boost::json::parse(R"({
    "host": "http://x", "password": "p", "keystone": {"Admin_Password": "q", "user": "u",
    "tenants": [{"API_KEY": 1, "name": "t"}, {"apikey": {"nested": true}}]},
    "auth_token": "t", "client_secret": "s", "credentials": ["a"], "token_url": "http://t"})");
  const auto out = redactSecrets(input);
  const auto expected = boost::json::parse(R"({
    "host": "http://x", "password": "***", "keystone": {"Admin_Password": "***", "user": "u",
    "tenants": [{"API_KEY": "***", "name": "t"}, {"apikey": "***"}]},
    "auth_token": "***", "client_secret": "***", "credentials": "***", "token_url": "***"})");
  EXPECT_EQ(out, expected);
  EXPECT_EQ(input.at("password"), "p");  // the input is untouched
}

TEST(RedactSecrets, LeavesOrdinaryKeysAlone) {
  EXPECT_FALSE(isSecretKey("users"));
  EXPECT_FALSE(isSecretKey("pass"));
  EXPECT_TRUE(isSecretKey("SECRET"));
  EXPECT_TRUE(isSecretKey("x_credential"));
}

TEST(RedactSecrets, ReplacesPasswordHashesWhateverTheirKey) {
  const auto input = boost::json::parse(R"({"auth": {"users": {
    "alice": "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "bob": "$y$j9T$salt$hash"},
    "realm": "accurate", "note": "$5 off"}})");
  const auto expected = boost::json::parse(R"({"auth": {"users": {"alice": "***", "bob": "***"},
    "realm": "accurate", "note": "$5 off"}})");
  EXPECT_EQ(redactSecrets(input), expected);
}

TEST(ConfigRedacted, RedactsTheEffectiveConfig) {
  Config c;
  c.effective = boost::json::parse(R"({"digaas": {"token": "abc"}, "users": 3})");
  EXPECT_EQ(c.redacted(), boost::json::parse(R"({"digaas": {"token": "***"}, "users": 3})"));
}

}  // namespace
}  // namespace accurate::config
