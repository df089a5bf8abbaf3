#include "auth_test_support.hpp"
#include "password_hash.hpp"

#include <gtest/gtest.h>

#include <sodium.h>

namespace accurate::auth {
namespace {

TEST(PasswordHash, RoundTripsAndRefusesAWrongPassword) {
  const std::string hash = test::cheapHash("correct horse");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$"));
  EXPECT_TRUE(verifyPassword(hash, "correct horse"));
  EXPECT_FALSE(verifyPassword(hash, "correct horsE"));
  EXPECT_FALSE(verifyPassword(hash, "correct horse "));
  EXPECT_FALSE(verifyPassword(hash, ""));
}

TEST(PasswordHash, SaltsEveryHash) {
  EXPECT_NE(test::cheapHash("same"), test::cheapHash("same"));
}

TEST(PasswordHash, DefaultLimitsAreInteractive) {
  EXPECT_EQ(interactiveLimits().opslimit, crypto_pwhash_OPSLIMIT_INTERACTIVE);
  EXPECT_EQ(interactiveLimits().memlimit, crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

TEST(PasswordHash, ReadsTheCostOfAnArgon2idString) {
  const auto limits = argon2idLimits(test::cheapHash("x"));
  ASSERT_TRUE(limits.has_value());
  EXPECT_EQ(limits->opslimit, crypto_pwhash_OPSLIMIT_MIN);
  EXPECT_EQ(limits->memlimit, crypto_pwhash_MEMLIMIT_MIN);
  const auto interactive =
      argon2idLimits("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0");
  ASSERT_TRUE(interactive.has_value());
  EXPECT_EQ(interactive->memlimit, 65536u * 1024u);
  EXPECT_EQ(interactive->opslimit, 2u);
}

TEST(PasswordHash, RefusesPlaintextAndOtherFormats) {
  EXPECT_NE(hashProblem("hunter2"), "");
  EXPECT_NE(hashProblem("$argon2i$v=19$m=4096,t=3,p=1$c2FsdA$aGFzaA"), "");
  EXPECT_NE(hashProblem("$6$salt$abcdef"), "");
  EXPECT_NE(hashProblem("$argon2id$v=19$m=65536,t=2,p=1$"), "");
  EXPECT_NE(hashProblem("$argon2id$v=19$m=abc,t=2,p=1$c2FsdA$aGFzaA"), "");
  EXPECT_EQ(hashProblem(test::cheapHash("ok")), "");
}

TEST(PasswordHash, RefusesHashesThatWouldTakeTooMuchMemory) {
  EXPECT_EQ(hashProblem("$argon2id$v=19$m=2097152,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2g"),
            "the hash demands more than 1 GiB of memory to verify");
}

TEST(PasswordHash, VerifyIsFalseForAMalformedHash) {
  EXPECT_FALSE(verifyPassword("not a hash", "x"));
  EXPECT_FALSE(verifyPassword("", "x"));
}

TEST(PasswordHash, WipeClearsTheSecret) {
  std::string secret = "password";
  wipe(secret);
  EXPECT_TRUE(secret.empty());
}

}  // namespace
}  // namespace accurate::auth
