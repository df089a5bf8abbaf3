#include "auth_test_support.hpp"
#include "provider.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace accurate::auth {
namespace {

using std::chrono::seconds;

/// A provider with user alice/wonderland (cheap hash), tokens "ci" (expires at epoch 2000) and "ops" (never),
/// and clocks the test controls.
class Provider : public ::testing::Test {
 protected:
  void SetUp() override { provider_ = makeProvider(settings()); }

  ProviderSettings settings() {
    ProviderSettings settings;
    settings.realm = "load lab";
    settings.users["alice"] = test::cheapHash("wonderland");
    settings.tokens.push_back({"ci", tokenDigest(ci_token_), SysSeconds(seconds(2000))});
    settings.tokens.push_back({"ops", tokenDigest(ops_token_), std::nullopt});
    settings.throttle = {3, seconds(60), seconds(30), 100};
    return settings;
  }

  std::unique_ptr<AuthProvider> makeProvider(ProviderSettings settings) {
    ProviderClocks clocks;
    clocks.steady = clock_.reader();
    clocks.system = [this] { return wall_; };
    return std::make_unique<AuthProvider>(std::move(settings), clocks);
  }

  sdk::AuthDecision ask(const std::string& value, const std::string& addr = "192.0.2.10") {
    return provider_->authenticate(test::requestWith(value, addr));
  }

  void expectBasicChallenge(const sdk::AuthDecision& decision) {
    EXPECT_FALSE(decision.allowed);
    EXPECT_EQ(decision.status, 401u);
    EXPECT_EQ(test::headerOf(decision.headers, "WWW-Authenticate"), "Basic realm=\"load lab\", charset=\"UTF-8\"");
  }

  test::ManualClock clock_;
  SysSeconds wall_{seconds(1000)};
  std::string ci_token_ = generateToken();
  std::string ops_token_ = generateToken();
  std::unique_ptr<AuthProvider> provider_;
};

TEST_F(Provider, AllowsTheRightPassword) {
  const auto decision = ask(test::basicValue("alice", "wonderland"));
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.principal, "alice");
}

TEST_F(Provider, ChallengesARequestWithoutCredentialsWithoutCountingAFailure) {
  for (int i = 0; i < 10; ++i) expectBasicChallenge(ask(""));
  EXPECT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed);
}

TEST_F(Provider, RefusesAWrongPasswordAndMalformedHeaders) {
  expectBasicChallenge(ask(test::basicValue("alice", "wrong"), "192.0.2.1"));
  expectBasicChallenge(ask("Basic !!!", "192.0.2.2"));
  expectBasicChallenge(ask("Negotiate abc", "192.0.2.3"));
  expectBasicChallenge(ask("Basic " + test::base64("alice"), "192.0.2.4"));
  expectBasicChallenge(ask(test::basicValue("alice", std::string(6000, 'w')), "192.0.2.5"));
}

TEST_F(Provider, CachesASuccessfulLoginButStillChecksThePassword) {
  ASSERT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed);
  EXPECT_EQ(provider_->verifications(), 1u);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed);
  EXPECT_EQ(provider_->verifications(), 1u) << "cached logins must not run argon2 again";
  expectBasicChallenge(ask(test::basicValue("alice", "wonderlanD")));
  EXPECT_EQ(provider_->verifications(), 2u);
  EXPECT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed) << "a wrong password does not evict the cache";
  EXPECT_EQ(provider_->verifications(), 2u);
}

TEST_F(Provider, CachedLoginsExpire) {
  ASSERT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed);
  clock_.now += seconds(601);
  ASSERT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed);
  EXPECT_EQ(provider_->verifications(), 2u);
}

TEST_F(Provider, VerifiesUnknownUsersAgainstADummyHash) {
  expectBasicChallenge(ask(test::basicValue("mallory", "wonderland")));
  EXPECT_EQ(provider_->verifications(), 1u) << "an unknown user must cost one argon2 verification too";
  expectBasicChallenge(ask(test::basicValue("mallory", "wonderland")));
  EXPECT_EQ(provider_->verifications(), 2u) << "unknown users are never cached";
}

TEST_F(Provider, AllowsAValidToken) {
  const auto decision = ask("Bearer " + ops_token_);
  EXPECT_TRUE(decision.allowed);
  EXPECT_EQ(decision.principal, "token:ops");
  EXPECT_TRUE(ask("Bearer " + ci_token_).allowed);
  EXPECT_EQ(provider_->verifications(), 0u);
}

TEST_F(Provider, RefusesAWrongOrMalformedToken) {
  const auto wrong = ask("Bearer " + generateToken());
  EXPECT_FALSE(wrong.allowed);
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(test::headerOf(wrong.headers, "WWW-Authenticate"),
            "Bearer realm=\"load lab\", error=\"invalid_token\", error_description=\"unknown token\"");
  expectBasicChallenge(ask("Bearer not a token", "192.0.2.20"));
  expectBasicChallenge(ask("Bearer", "192.0.2.21"));
}

TEST_F(Provider, RefusesAnExpiredTokenWithoutNamingIt) {
  wall_ = SysSeconds(seconds(2000));
  const auto expired = ask("Bearer " + ci_token_);
  EXPECT_FALSE(expired.allowed);
  EXPECT_EQ(expired.status, 401u);
  const std::string challenge = test::headerOf(expired.headers, "WWW-Authenticate");
  EXPECT_EQ(challenge, "Bearer realm=\"load lab\", error=\"invalid_token\", error_description=\"token expired\"");
  EXPECT_EQ(challenge.find("ci"), std::string::npos);
  EXPECT_TRUE(ask("Bearer " + ops_token_).allowed) << "a token without expiry never expires";
}

TEST_F(Provider, LocksAnAddressAfterTooManyFailuresEvenForTheRightPassword) {
  for (int i = 0; i < 3; ++i) expectBasicChallenge(ask(test::basicValue("alice", "guess" + std::to_string(i))));
  const unsigned long verified = provider_->verifications();
  const auto locked = ask(test::basicValue("alice", "wonderland"));
  EXPECT_FALSE(locked.allowed);
  EXPECT_EQ(locked.status, 429u);
  EXPECT_EQ(test::headerOf(locked.headers, "Retry-After"), "30");
  EXPECT_EQ(provider_->verifications(), verified) << "a locked address is refused without verifying";
  EXPECT_EQ(ask("Bearer " + ops_token_).status, 429u);
  EXPECT_TRUE(ask(test::basicValue("alice", "wonderland"), "198.51.100.7").allowed) << "other addresses are not locked";
  clock_.now += seconds(12);
  EXPECT_EQ(test::headerOf(ask("").headers, "Retry-After"), "18");
  clock_.now += seconds(18);
  EXPECT_TRUE(ask(test::basicValue("alice", "wonderland")).allowed);
}

TEST_F(Provider, CountsMalformedHeadersAndBadTokensAsFailures) {
  ask("Basic %%%");
  ask("Bearer " + generateToken());
  ask("Bearer a b");
  EXPECT_EQ(ask(test::basicValue("alice", "wonderland")).status, 429u);
}

TEST_F(Provider, ASuccessDoesNotClearAnotherAddressesFailures) {
  ask(test::basicValue("alice", "x1"), "192.0.2.50");
  ask(test::basicValue("alice", "x2"), "192.0.2.50");
  ASSERT_TRUE(ask(test::basicValue("alice", "wonderland"), "192.0.2.51").allowed);
  ask(test::basicValue("alice", "x3"), "192.0.2.50");
  EXPECT_EQ(ask(test::basicValue("alice", "wonderland"), "192.0.2.50").status, 429u);
}

/// A verifier that blocks until released and records how many verifications ran at once.
struct GatedVerifier {
  std::mutex mutex;
  std::condition_variable changed;
  int active = 0;      ///< verifications inside the verifier now
  int max_active = 0;  ///< most at once
  bool open = false;   ///< released

  PasswordVerifier function() {
    return [this](const std::string&, std::string_view) {
      std::unique_lock lock(mutex);
      max_active = std::max(max_active, ++active);
      changed.notify_all();
      changed.wait_for(lock, seconds(10), [this] { return open; });
      --active;
      changed.notify_all();
      return false;
    };
  }
  bool waitForActive(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, seconds(10), [&] { return active == count; });
  }
  void release() {
    const std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
};

TEST_F(Provider, RunsAtMostTheConfiguredNumberOfVerificationsAtOnce) {
  ProviderSettings settings = this->settings();
  settings.max_concurrent_verifications = 2;
  settings.verification_wait = seconds(10);
  settings.throttle.max_failures = 1000;
  GatedVerifier gate;
  ProviderClocks clocks;
  clocks.steady = clock_.reader();
  provider_ = std::make_unique<AuthProvider>(std::move(settings), clocks, gate.function());
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      if (ask(test::basicValue(i % 2 == 0 ? "alice" : "nobody", "pw"), "192.0.2." + std::to_string(i)).status == 401) {
        ++refused;
      }
    });
  }
  ASSERT_TRUE(gate.waitForActive(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // give a third verification the chance to start
  EXPECT_EQ(provider_->verifications(), 2u);
  gate.release();
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(gate.max_active, 2);
  EXPECT_EQ(refused.load(), 6);
  EXPECT_EQ(provider_->verifications(), 6u);
}

TEST_F(Provider, AnswersBusyWhenNoVerificationSlotFrees) {
  ProviderSettings settings = this->settings();
  settings.max_concurrent_verifications = 1;
  settings.verification_wait = std::chrono::milliseconds(20);
  GatedVerifier gate;
  ProviderClocks clocks;
  clocks.steady = clock_.reader();
  provider_ = std::make_unique<AuthProvider>(std::move(settings), clocks, gate.function());
  std::thread holder([&] { ask(test::basicValue("alice", "pw"), "192.0.2.1"); });
  ASSERT_TRUE(gate.waitForActive(1));
  const auto busy = ask(test::basicValue("alice", "pw"), "192.0.2.2");
  gate.release();
  holder.join();
  EXPECT_FALSE(busy.allowed);
  EXPECT_EQ(busy.status, 503u);
  EXPECT_EQ(test::headerOf(busy.headers, "Retry-After"), "1");
  EXPECT_EQ(provider_->verifications(), 1u);
  EXPECT_EQ(ask(test::basicValue("alice", "pw"), "192.0.2.2").status, 401u) << "the slot is free again";
}

}  // namespace
}  // namespace accurate::auth
