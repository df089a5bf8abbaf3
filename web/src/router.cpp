#include "router.hpp"

#include "responses.hpp"
#include "security.hpp"

#include <algorithm>

namespace accurate::web {

namespace {

/// The next '/'-separated segment of @p rest (advanced past it and its '/'); nothing at the end.
std::optional<std::string_view> nextSegment(std::string_view& rest) {
  if (rest.data() == nullptr) return std::nullopt;
  const std::size_t slash = rest.find('/');
  const std::string_view segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  return segment;
}

}  // namespace

std::optional<RouteCaptures> matchRoute(std::string_view pattern, std::string_view path) {
  if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') return std::nullopt;
  // Both start with '/': compare the segments after it. A null view marks the end.
  std::string_view p = pattern.substr(1);
  std::string_view s = path.substr(1);
  RouteCaptures captures;
  while (true) {
    const std::optional<std::string_view> want = nextSegment(p);
    if (!want) return s.data() == nullptr ? std::optional<RouteCaptures>(std::move(captures)) : std::nullopt;
    if (want->starts_with("{*")) {
      // The rest of the path, '/' included; it must not be empty.
      if (s.data() == nullptr || s.empty()) return std::nullopt;
      captures.emplace_back(s);
      return p.data() == nullptr ? std::optional<RouteCaptures>(std::move(captures)) : std::nullopt;
    }
    const std::optional<std::string_view> got = nextSegment(s);
    if (!got) return std::nullopt;
    if (want->starts_with("{")) {
      const std::size_t close = want->find('}');
      if (close == std::string_view::npos) return std::nullopt;
      const std::string_view suffix = want->substr(close + 1);
      if (got->size() <= suffix.size() || !got->ends_with(suffix)) return std::nullopt;
      captures.emplace_back(got->substr(0, got->size() - suffix.size()));
    } else if (*want != *got) {
      return std::nullopt;
    }
  }
}

Router& Router::add(std::initializer_list<const char*> methods, const std::string& pattern, RouteHandler handler,
                    RouteKind kind) {
  Route route{{}, pattern, std::move(handler), kind};
  for (const char* method : methods) route.methods.emplace_back(method);
  routes_.push_back(std::move(route));
  return *this;
}

void Router::dispatch(const httplib::Request& request, httplib::Response& response) const {
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    std::optional<RouteCaptures> captures = matchRoute(route.pattern, request.path);
    if (!captures) continue;
    if (std::find(route.methods.begin(), route.methods.end(), method) == route.methods.end()) {
      for (const std::string& m : route.methods) {
        if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) allowed.push_back(m);
      }
      continue;
    }
    if (route.kind == RouteKind::state_changing && isCrossSiteRequest(request, tls_)) {
      sendError(response, 403, "cross-site request refused");
      return;
    }
    route.handler(request, response, *captures);
    return;
  }
  if (!allowed.empty()) {
    std::string allow;
    for (const std::string& m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
      if (m == "GET") allow += ", HEAD";
    }
    replaceHeader(response, "Allow", allow);
    sendError(response, 405, "method " + request.method + " not allowed here (allowed: " + allow + ")");
    return;
  }
  sendError(response, 404, "not found");
}

}  // namespace accurate::web
