#include "auth_test_support.hpp"
#include "basic_header.hpp"

#include <gtest/gtest.h>

namespace accurate::auth {
namespace {

using Kind = Credentials::Kind;

TEST(AuthorizationHeader, ParsesValidBasicCredentials) {
  const auto credentials = parseAuthorization(test::basicValue("alice", "s3cret:with:colons"));
  ASSERT_EQ(credentials.kind, Kind::kBasic);
  EXPECT_EQ(credentials.user, "alice");
  EXPECT_EQ(credentials.password, "s3cret:with:colons");
}

TEST(AuthorizationHeader, AcceptsSchemeInAnyCaseAndMissingPadding) {
  // "bob:pw" is 6 bytes → "Ym9iOnB3" (no padding needed); "bob:pwd1" needs "=" padding.
  EXPECT_EQ(parseAuthorization("bAsIc Ym9iOnB3").kind, Kind::kBasic);
  const std::string padded = test::base64("bob:pwd1");
  ASSERT_TRUE(padded.ends_with("="));
  std::string unpadded = padded;
  while (unpadded.ends_with('=')) unpadded.pop_back();
  const auto credentials = parseAuthorization("Basic " + unpadded);
  ASSERT_EQ(credentials.kind, Kind::kBasic);
  EXPECT_EQ(credentials.password, "pwd1");
}

TEST(AuthorizationHeader, ReportsNoneWhenTheHeaderIsAbsent) {
  sdk::HttpHeaders headers{{"Accept", "*/*"}};
  EXPECT_EQ(credentialsOf(headers).kind, Kind::kNone);
}

TEST(AuthorizationHeader, FindsTheHeaderCaseInsensitivelyAndRefusesDuplicates) {
  sdk::HttpHeaders headers{{"authorization", test::basicValue("a", "b")}};
  EXPECT_EQ(credentialsOf(headers).kind, Kind::kBasic);
  headers.emplace_back("AUTHORIZATION", test::basicValue("a", "b"));
  const auto twice = credentialsOf(headers);
  EXPECT_EQ(twice.kind, Kind::kMalformed);
  EXPECT_EQ(twice.problem, "more than one Authorization header");
}

TEST(AuthorizationHeader, RefusesAnUnknownScheme) {
  const auto credentials = parseAuthorization("Digest username=\"alice\"");
  EXPECT_EQ(credentials.kind, Kind::kMalformed);
  EXPECT_EQ(credentials.problem, "unsupported Authorization scheme (use Basic or Bearer)");
}

TEST(AuthorizationHeader, RefusesBadBase64) {
  EXPECT_EQ(parseAuthorization("Basic not*base64!").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("Basic YWxpY2U6cHc=garbage").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("Basic =").kind, Kind::kMalformed);
}

TEST(AuthorizationHeader, RefusesCredentialsWithoutAColon) {
  const auto credentials = parseAuthorization("Basic " + test::base64("alicepassword"));
  EXPECT_EQ(credentials.kind, Kind::kMalformed);
  EXPECT_EQ(credentials.problem, "Basic credentials have no ':' between user and password");
  EXPECT_EQ(credentials.problem.find("alice"), std::string::npos);
}

TEST(AuthorizationHeader, RefusesAnEmptyUserOrPassword) {
  EXPECT_EQ(parseAuthorization(test::basicValue("", "pw")).problem, "empty user name in Basic credentials");
  EXPECT_EQ(parseAuthorization(test::basicValue("alice", "")).problem, "empty password in Basic credentials");
  EXPECT_EQ(parseAuthorization("Basic").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("Basic ").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("   ").kind, Kind::kMalformed);
}

TEST(AuthorizationHeader, RefusesAHugeHeader) {
  const auto credentials = parseAuthorization(test::basicValue("alice", std::string(5000, 'x')));
  EXPECT_EQ(credentials.kind, Kind::kMalformed);
  EXPECT_EQ(credentials.problem, "Authorization header longer than 4096 bytes");
  EXPECT_EQ(parseAuthorization(std::string(1 << 20, 'B')).kind, Kind::kMalformed);
}

TEST(AuthorizationHeader, ParsesBearerTokensAndRefusesBadCharacters) {
  const auto credentials = parseAuthorization("Bearer acc_abc-DEF_123");
  ASSERT_EQ(credentials.kind, Kind::kBearer);
  EXPECT_EQ(credentials.token, "acc_abc-DEF_123");
  EXPECT_EQ(parseAuthorization("Bearer a b").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("Bearer ").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("Bearer ab=c").kind, Kind::kMalformed);
  EXPECT_EQ(parseAuthorization("Bearer abc==").kind, Kind::kBearer);
}

TEST(AuthorizationHeader, NeverThrowsOnArbitraryBytes) {
  std::mt19937 random(42);
  for (int i = 0; i < 2000; ++i) {
    std::string value(random() % 64, '\0');
    for (auto& c : value) c = static_cast<char>(random() % 256);
    if (i % 2 == 0) value = (i % 4 == 0 ? "Basic " : "Bearer ") + value;
    EXPECT_NO_THROW((void)parseAuthorization(value));
  }
}

}  // namespace
}  // namespace accurate::auth
