#include "auth_test_support.hpp"
#include "tokens.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace accurate::auth {
namespace {

using std::chrono::seconds;

std::string fileError(const std::string& content) {
  try {
    (void)parseTokensFile(content, "tokens.txt");
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string configError(const std::string& json) {
  try {
    (void)parseTokensConfig(boost::json::parse(json), "$.auth.tokens");
  } catch (const sdk::ConfigError& e) {
    return e.path() + " | " + e.what();
  }
  return "";
}

TEST(Tokens, GeneratesDistinctUrlSafeTokensWithThePrefix) {
  const std::string a = generateToken();
  const std::string b = generateToken();
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("acc_"));
  EXPECT_EQ(a.size(), 4u + 43u);
  EXPECT_EQ(a.find_first_not_of("acc_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
            std::string::npos);
}

TEST(Tokens, DigestIsSha256Hex) {
  EXPECT_EQ(tokenDigestHex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto parsed = parseDigestHex(tokenDigestHex("abc"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, tokenDigest("abc"));
  EXPECT_FALSE(parseDigestHex("abc").has_value());
  EXPECT_FALSE(parseDigestHex(std::string(64, 'g')).has_value());
  EXPECT_FALSE(parseDigestHex(std::string(63, 'a') + "+").has_value());
}

TEST(Tokens, ParsesTheTokensFile) {
  const std::string digest = tokenDigestHex("t");
  const auto records = parseTokensFile("# tokens\nci:" + digest + ":1700000000\n\nops:" + digest + ":never\n", "tokens.txt");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].name, "ci");
  ASSERT_TRUE(records[0].expires.has_value());
  EXPECT_EQ(records[0].expires->time_since_epoch(), seconds(1700000000));
  EXPECT_FALSE(records[1].expires.has_value());
  EXPECT_EQ(records[1].sha256, tokenDigest("t"));
}

TEST(Tokens, NamesTheLineOfABadTokensFileEntry) {
  const std::string digest = tokenDigestHex("t");
  EXPECT_EQ(fileError("ci:" + digest + "\n"), "tokens.txt:1: expected name:sha256:expires");
  EXPECT_EQ(fileError("\nci:acc_plaintext:never\n"),
            "tokens.txt:2: token 'ci': the second field must be 64 hex digits (the token's SHA-256)");
  EXPECT_EQ(fileError("ci:" + digest + ":tomorrow\n"), "tokens.txt:1: token 'ci': expires must be epoch seconds or 'never'");
  EXPECT_EQ(fileError("ci:" + digest + ":never\nci:" + digest + ":never\n"),
            "tokens.txt:2: token 'ci' is already defined on line 1");
  EXPECT_EQ(fileError(":" + digest + ":never\n"), "tokens.txt:1: empty token name");
}

TEST(Tokens, ParsesTheConfigArray) {
  const std::string digest = tokenDigestHex("t");
  const auto records = parseTokensConfig(
      boost::json::parse(R"([{"name":"ci","sha256":")" + digest + R"(","expires":"2030-01-31T12:00:00Z"},
                             {"name":"ops","sha256":")" + digest + R"(","expires":null}])"),
      "$.auth.tokens");
  ASSERT_EQ(records.size(), 2u);
  ASSERT_TRUE(records[0].expires.has_value());
  EXPECT_EQ(formatIsoUtc(*records[0].expires), "2030-01-31T12:00:00Z");
  EXPECT_FALSE(records[1].expires.has_value());
}

TEST(Tokens, RefusesBadConfigEntriesWithTheirPath) {
  const std::string digest = tokenDigestHex("t");
  EXPECT_EQ(configError(R"({"name":"ci"})"),
            R"($.auth.tokens | $.auth.tokens: must be an array of {"name", "sha256", "expires"})");
  EXPECT_TRUE(configError(R"([{"name":"ci","sha256":"acc_abc"}])").starts_with("$.auth.tokens[0].sha256 | "));
  EXPECT_TRUE(configError(R"([{"name":"ci","sha256":")" + digest + R"(","expires":"2030-02-30T00:00:00Z"}])")
                  .starts_with("$.auth.tokens[0].expires | "));
  EXPECT_TRUE(configError(R"([{"name":"ci","sha256":")" + digest + R"(","expiry":null}])")
                  .starts_with("$.auth.tokens[0].expiry | "));
  EXPECT_TRUE(configError(R"([{"sha256":")" + digest + R"("}])").starts_with("$.auth.tokens[0].name | "));
}

TEST(Tokens, ParsesIsoUtcStrictly) {
  const auto when = parseIsoUtc("1970-01-02T00:00:01Z");
  ASSERT_TRUE(when.has_value());
  EXPECT_EQ(when->time_since_epoch(), seconds(86401));
  EXPECT_FALSE(parseIsoUtc("1970-01-02 00:00:01Z").has_value());
  EXPECT_FALSE(parseIsoUtc("1970-01-02T00:00:01+01:00").has_value());
  EXPECT_FALSE(parseIsoUtc("1970-13-02T00:00:01Z").has_value());
  EXPECT_FALSE(parseIsoUtc("1970-01-02T24:00:01Z").has_value());
}

TEST(Tokens, ParsesExpiryDurations) {
  EXPECT_EQ(parseExpiresIn("30d"), seconds(30 * 86400));
  EXPECT_EQ(parseExpiresIn("12h"), seconds(12 * 3600));
  EXPECT_EQ(parseExpiresIn("45m"), seconds(45 * 60));
  EXPECT_EQ(parseExpiresIn("10s"), seconds(10));
  EXPECT_FALSE(parseExpiresIn("never").has_value());
  EXPECT_THROW((void)parseExpiresIn("0d"), sdk::Error);
  EXPECT_THROW((void)parseExpiresIn("-1d"), sdk::Error);
  EXPECT_THROW((void)parseExpiresIn("5w"), sdk::Error);
  EXPECT_THROW((void)parseExpiresIn("d"), sdk::Error);
  EXPECT_THROW((void)parseExpiresIn(""), sdk::Error);
}

TEST(Tokens, UpsertReplacesTheNamedLine) {
  const std::string content = "# t\nci:aa:never\nops:bb:5\n";
  EXPECT_EQ(upsertTokenLine(content, "ci", "cc", SysSeconds(seconds(7))), "# t\nci:cc:7\nops:bb:5\n");
  EXPECT_EQ(upsertTokenLine(content, "new", "dd", std::nullopt), content + "new:dd:never\n");
}

}  // namespace
}  // namespace accurate::auth
