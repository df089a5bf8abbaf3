#pragma once
/// @file keystone.hpp
/// A small identity service: Keystone v3 tokens (password or application credential) and the identity v2.0
/// API-key tokens the original tool used (RAX-KSKEY:apiKeyCredentials). Tokens are random strings from the
/// simulator's seeded generator plus a counter, valid for token_ttl; expired tokens are forgotten, so memory is
/// bounded by the tokens issued within one token_ttl.

#include "simulator.hpp"

#include <accurate/sdk/random.hpp>

#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace accurate::designate_sim {

/// What a valid token stands for.
struct TokenInfo {
  std::string project_id;  ///< the project it is scoped to
  std::string user;        ///< the user name
  TimePoint expires_at;    ///< end of validity
};

/// The identity endpoints. Threading: not synchronised (owned by the Simulator).
class Keystone {
 public:
  /// Uses @p options (users, token_ttl) and @p rng, which must outlive it.
  Keystone(const SimOptions& options, sdk::Rng& rng);

  /// POST /v3/auth/tokens: 201 with X-Subject-Token and {"token": {...}}, 401 for wrong credentials, 400 for a
  /// malformed body. @p base_url ("http://host") goes into the catalog.
  SimResponse issueV3(std::string_view body, const std::string& base_url, TimePoint now);

  /// POST /v2.0/tokens with RAX-KSKEY:apiKeyCredentials (or passwordCredentials): 200 {"access": {...}}.
  SimResponse issueV2(std::string_view body, const std::string& base_url, TimePoint now);

  /// The token's identity when @p token is known and unexpired at @p now; null otherwise.
  const TokenInfo* validate(std::string_view token, TimePoint now);

  /// Number of remembered tokens (tests check that expired ones are dropped).
  std::size_t tokenCount() const noexcept { return tokens_.size(); }

 private:
  /// Issues a token for @p user_index at @p now.
  std::pair<std::string, const TokenInfo*> issue(std::size_t user_index, TimePoint now);
  /// Forgets tokens expired at @p now.
  void prune(TimePoint now);

  const SimOptions& options_;                              ///< users and token lifetime
  sdk::Rng& rng_;                                          ///< token randomness
  std::uint64_t counter_ = 0;                              ///< tokens issued so far
  std::unordered_map<std::string, TokenInfo> tokens_;      ///< token → identity
  std::deque<std::pair<TimePoint, std::string>> expiry_;   ///< (expires_at, token) in issue order
};

/// A Keystone-style error response: {"error": {"code": N, "title": ..., "message": ...}}.
SimResponse identityError(unsigned code, std::string_view title, std::string_view message);

}  // namespace accurate::designate_sim
