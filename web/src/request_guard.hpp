#pragma once
/// @file request_guard.hpp
/// What runs before routing (cpp-httplib's pre-routing handler, before any request body is read):
/// the per-address rate limit (429), authentication of every request, and the body limits (413 over the limit,
/// 411 for chunked bodies).

#include "rate_limit.hpp"
#include "router.hpp"

#include <accurate/sdk/auth.hpp>

#include <httplib.h>

#include <cstddef>
#include <memory>

namespace accurate::web {

/// Oversized bodies up to this size are read and discarded before the 413 answer (so that clients see it);
/// larger ones are refused from their Content-Length without reading them.
inline constexpr std::size_t kMaxDrainedBodyBytes = 1024 * 1024;

/// The pre-routing checks of one server. Thread-safe.
class RequestGuard {
 public:
  /// @p auth may be null (no authentication). @p router answers body-less POSTs directly (see check()).
  RequestGuard(std::shared_ptr<sdk::WebAuthProvider> auth, std::size_t max_body_bytes, const Router& router)
      : auth_(std::move(auth)), max_body_bytes_(max_body_bytes), router_(router) {}

  /// Checks @p request; answers it in @p response and returns Handled when refused (or when it was a
  /// body-less POST/PUT/PATCH/DELETE, which is dispatched here so that httplib does not wait for a body
  /// that never comes); Unhandled to let httplib read the body (within the limit) and route.
  httplib::Server::HandlerResponse check(const httplib::Request& request, httplib::Response& response) const;

 private:
  std::shared_ptr<sdk::WebAuthProvider> auth_;  ///< null: every request is allowed
  std::size_t max_body_bytes_;                  ///< larger declared bodies get 413
  const Router& router_;                        ///< the server's routes
  mutable RateLimiter limiter_;                 ///< requests per address
};

}  // namespace accurate::web
