#pragma once
/// @file router.hpp
/// The route table: (methods, path pattern) → handler, with 404 for an unknown path, 405 (and Allow) for a
/// known path asked with another method, and the cross-site refusal (403) of state-changing routes. The
/// server hands every request to dispatch() (its own routing, so that 405 and the refusals are uniform).

#include <httplib.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::web {

/// The values of the pattern's placeholders, in order.
using RouteCaptures = std::vector<std::string>;

/// Matches a decoded @p path against a route @p pattern of '/'-separated segments: a literal segment matches
/// itself; "{name}" matches one non-empty segment; "{name}.ext" one segment ending in ".ext" with a non-empty
/// stem (the stem is captured); "{*name}" (last) matches the non-empty rest of the path, '/' included.
/// Returns the captures, or nothing. No regex (bounded work for any path length).
std::optional<RouteCaptures> matchRoute(std::string_view pattern, std::string_view path);
/// A route's handler. Called on a server thread; must not throw for bad input (answer 4xx instead).
using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&, const RouteCaptures&)>;

/// Whether a route changes the run (refused for cross-site browser requests).
enum class RouteKind { read, state_changing };

/// Routes of the server. Build it before the server starts; dispatch() is then read-only and thread-safe.
class Router {
 public:
  /// @p tls: whether the server speaks HTTPS (the default port of the Host header in the cross-site check).
  explicit Router(bool tls = false) : tls_(tls) {}

  /// Adds a route for @p methods (e.g. {"GET", "POST"}; GET also answers HEAD) whose @p pattern (see
  /// matchRoute) must match the whole decoded path. Routes are tried in the order added.
  Router& add(std::initializer_list<const char*> methods, const std::string& pattern, RouteHandler handler,
              RouteKind kind = RouteKind::read);

  /// Answers @p request: the first route whose pattern matches and whose methods include the request's;
  /// 405 with Allow when only other methods match; 404 JSON when nothing matches; 403 for a cross-site
  /// request to a state-changing route.
  void dispatch(const httplib::Request& request, httplib::Response& response) const;

 private:
  struct Route {
    std::vector<std::string> methods;  ///< methods served (GET implies HEAD)
    std::string pattern;               ///< whole-path pattern (matchRoute)
    RouteHandler handler;              ///< what answers
    RouteKind kind;                    ///< read or state-changing
  };
  std::vector<Route> routes_;  ///< in the order added
  bool tls_;                   ///< HTTPS server
};

}  // namespace accurate::web
