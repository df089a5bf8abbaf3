#pragma once
/// @file provider.hpp
/// The web authentication provider: HTTP Basic against argon2id hashes (with a cache of recent logins and a
/// bound on concurrent verifications), bearer tokens by SHA-256, and throttling per client address.

#include "login_cache.hpp"
#include "password_hash.hpp"
#include "throttle.hpp"
#include "tokens.hpp"
#include "users_file.hpp"

#include <accurate/sdk/auth.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::auth {

/// Everything the provider needs, already validated (see settings.hpp).
struct ProviderSettings {
  std::string realm = "accurate";                  ///< Basic realm sent in WWW-Authenticate
  UserTable users;                                 ///< user → argon2id hash
  std::vector<TokenRecord> tokens;                 ///< accepted bearer tokens
  ThrottleSettings throttle;                       ///< failed-login throttling per address
  std::chrono::seconds cache_ttl{600};             ///< how long a verified Basic login is remembered (0 = never)
  unsigned max_concurrent_verifications = 2;       ///< argon2 verifications running at once, at most (≥ 1)
  std::chrono::milliseconds verification_wait{2000};  ///< longest wait for a verification slot before 503
};

/// Clocks the provider reads (injectable for tests).
struct ProviderClocks {
  SteadyNow steady = [] { return std::chrono::steady_clock::now(); };  ///< throttle and cache
  std::function<SysSeconds()> system = [] {                            ///< token expiry
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  };
};

/// Checks a password against an argon2id hash (verifyPassword; replaceable in tests).
using PasswordVerifier = std::function<bool(const std::string& hash, std::string_view password)>;

/// Decides each web request: 429 + Retry-After for a locked address (without verifying anything), 401 + a
/// challenge for missing, malformed or wrong credentials, 503 + Retry-After when all verification slots stayed busy,
/// otherwise allowed with the user (or "token:<name>") as principal. Thread-safe; a call blocks at most for one
/// argon2 verification plus verification_wait.
class AuthProvider final : public sdk::WebAuthProvider {
 public:
  /// Builds the provider; computes the dummy hash unknown users are verified against (same cost as the first
  /// configured user's hash, else interactiveLimits()).
  AuthProvider(ProviderSettings settings, ProviderClocks clocks = {}, PasswordVerifier verifier = verifyPassword);

  sdk::AuthDecision authenticate(const sdk::WebRequestInfo& request) override;

  /// Number of argon2 verifications run so far (for tests: the cache must avoid them).
  unsigned long verifications() const;

 private:
  sdk::AuthDecision refuse(unsigned status, sdk::HttpHeaders headers) const;
  sdk::AuthDecision basicChallenge() const;
  sdk::AuthDecision fail(const std::string& address_key, sdk::AuthDecision decision);
  sdk::AuthDecision checkBasic(const std::string& address_key, const std::string& remote_addr,
                               const std::string& user, const std::string& password);
  sdk::AuthDecision checkBearer(const std::string& address_key, const std::string& remote_addr,
                                const std::string& token);
  /// Runs argon2 verification of @p password against @p hash within the concurrency bound; none when no slot
  /// became free within verification_wait.
  std::optional<bool> verifyBounded(const std::string& hash, const std::string& password);

  ProviderSettings settings_;        ///< the rules and credentials
  ProviderClocks clocks_;            ///< the clocks
  PasswordVerifier verifier_;        ///< argon2 verification
  std::string dummy_hash_;           ///< verified for unknown users so timing does not reveal who exists
  FailureThrottle throttle_;         ///< failures per address
  LoginCache cache_;                 ///< recent successful Basic logins
  mutable std::mutex slots_mutex_;   ///< guards busy_slots_ and verifications_
  std::condition_variable slot_freed_;  ///< signalled when a verification ends
  unsigned busy_slots_ = 0;          ///< verifications running now
  unsigned long verifications_ = 0;  ///< verifications run so far
};

}  // namespace accurate::auth
