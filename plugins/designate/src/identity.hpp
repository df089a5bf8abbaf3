#pragma once
/// @file identity.hpp
/// Authentication of requests to Designate: noauth headers, tenant id in the URL, Keystone v3 (password or
/// application credential) and the original's identity v2.0 API-key tokens, with a per-tenant token cache
/// shared by every user. Token values never reach logs, errors or reports.

#include "settings.hpp"

#include <accurate/sdk/http.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace accurate::designate {

/// A token and when it expires.
struct Token {
  std::string value;                                 ///< secret: the X-Auth-Token value
  std::chrono::system_clock::time_point expires_at;  ///< expiry from the identity response
  std::chrono::system_clock::time_point obtained_at{};  ///< when the token request was sent (its lifetime is
                                                        ///< expires_at - obtained_at; epoch = unknown)
};

/// The result of a token request: a token, or the one-line reason it failed (never containing secrets).
struct TokenOutcome {
  std::optional<Token> token;  ///< set on success
  std::string error;           ///< set on failure, e.g. "identity answered HTTP 401"
};

/// The token request for @p tenant in @p auth's mode (POST {identity_url}/v3/auth/tokens or /v2.0/tokens),
/// named "POST /v3/auth/tokens" / "POST /v2.0/tokens" in the stats. Precondition: a token mode.
sdk::HttpRequest tokenRequest(const AuthSettings& auth, const Tenant& tenant);

/// Reads the identity service's answer: Keystone v3 (201, X-Subject-Token header, token.expires_at) or
/// v2.0 (200, access.token.id / access.token.expires). @p response must have kept headers and body.
TokenOutcome parseTokenResponse(AuthMode mode, const sdk::HttpResponse& response);

/// Per-tenant token cache decision, separated from I/O so it can be tested: whether a token must be fetched
/// before a request at @p now. Fetch when there is no token, when it has expired, or when it expires within
/// @p renew_before — except that when @p renew_before is at least the token's whole lifetime
/// (expires_at - obtained_at, known when obtained_at is set), the window shrinks to the last 10 % of the
/// lifetime, so a short-lived token is not fetched again for every request.
enum class TokenNeed { kUseCached, kFetch };
TokenNeed tokenNeed(const std::optional<Token>& cached, std::chrono::system_clock::time_point now,
                    std::chrono::seconds renew_before);

/// Sends Designate requests for tenants: adds the auth headers (fetching and caching tokens), retries once with
/// a fresh token on a 401. Shared by all users and the gather/prepare code.
/// Threading: any shard; the token cache is guarded by a mutex (held only to read or store a token).
class DesignateClient {
 public:
  /// @p auth and @p tenants are copied. @p tenants are the tenants whose tokens are cached (any tenant passed
  /// later must be one of them, compared by project_id; a duplicate project_id throws sdk::Error).
  DesignateClient(AuthSettings auth, const std::vector<Tenant>& tenants);

  /// API path prefix for @p tenant: "/v2" or, with tenant_in_url, "/v2/<project_id>".
  std::string prefix(const Tenant& tenant) const;

  /// Adds the tenant's auth headers to @p request, sends it through @p ctx's HTTP client and returns the
  /// response. In a token mode it first fetches or renews the token when needed (the token request is a stats
  /// entry of its own); on a 401 it drops that token, fetches a new one and resends once. When no token can be
  /// had, returns a response with status 0 and `error` = "no token for project <id>: <reason>" without
  /// sending @p request, after recording that failure under the request's name.
  /// @p request must stay alive until the awaitable completes.
  boost::asio::awaitable<sdk::HttpResponse> send(sdk::UserContext& ctx, const Tenant& tenant,
                                                 sdk::HttpRequest request);

  /// Fetches tokens for every tenant that has none yet (the gather phase calls this first). Returns the
  /// failures as "project <id>: <reason>" lines (empty when all succeeded, or in noauth mode).
  boost::asio::awaitable<std::vector<std::string>> warmUp(sdk::UserContext& ctx);

  /// The auth settings.
  const AuthSettings& auth() const noexcept { return auth_; }

 private:
  /// One tenant's cached token.
  struct Slot {
    std::string project_id;      ///< which tenant
    std::optional<Token> token;  ///< the cached token, if any
    std::optional<std::chrono::steady_clock::time_point> renewing_since;  ///< a renewal is in flight since then
                                                                         ///< (others keep the valid old token)
  };
  /// Adds the static (non-token) headers: X-Auth-Project-ID in noauth, all-projects and sudo headers.
  void addStaticHeaders(const Tenant& tenant, sdk::HttpRequest& request) const;
  /// The slot of @p tenant (throws sdk::Error for an unknown tenant).
  Slot& slotOf(const Tenant& tenant);
  /// A usable token for @p tenant: cached, or fetched now.
  boost::asio::awaitable<TokenOutcome> token(sdk::UserContext& ctx, const Tenant& tenant);
  /// Forgets @p slot's token if it is still @p used (after a 401).
  void dropToken(Slot& slot, const std::string& used);

  AuthSettings auth_;                        ///< identity settings
  std::unordered_map<std::string, std::unique_ptr<Slot>> slots_;  ///< project id → slot (fixed after construction)
  std::vector<Tenant> tenants_;              ///< copies of the tenants, for warmUp
  std::mutex mutex_;                         ///< guards every Slot::token and Slot::renewing_since
};

}  // namespace accurate::designate
