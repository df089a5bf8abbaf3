#pragma once
/// @file auth.hpp
/// Authentication of the web UI and its API, provided by a plugin (e.g. `auth`).

#include <accurate/sdk/http.hpp>

#include <string>

namespace accurate::sdk {

/// A web request as the authentication provider sees it.
struct WebRequestInfo {
  std::string method;       ///< request method
  std::string path;         ///< request path without the query
  std::string remote_addr;  ///< peer address
  HttpHeaders headers;      ///< request headers
};

/// The provider's verdict.
struct AuthDecision {
  bool allowed = false;     ///< true to serve the request
  unsigned status = 401;    ///< status to answer with when refused
  HttpHeaders headers;      ///< headers to add to the answer (e.g. WWW-Authenticate)
  std::string principal;    ///< the authenticated user when allowed (for logs)
};

/// Decides whether a web request may be served.
/// Threading: called concurrently from the web server's threads; must be thread-safe and must not block long.
class WebAuthProvider {
 public:
  virtual ~WebAuthProvider() = default;
  /// Authenticates @p request.
  virtual AuthDecision authenticate(const WebRequestInfo& request) = 0;
};

}  // namespace accurate::sdk
