#pragma once
/// @file request.hpp
/// One API request as the handlers see it (path segments, decoded query, the noauth/keystone identity, link
/// bases) and the response helpers shared by the handlers (JSON answers, Designate error bodies, JSON bodies).

#include "api_error.hpp"
#include "simulator.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::designate_sim {

/// A request being handled.
struct RequestContext {
  TimePoint now;                                              ///< the request's time
  std::string method;                                         ///< HTTP method
  std::string path;                                           ///< path as sent, without query and trailing '/'
  std::vector<std::string> segments;                          ///< decoded non-empty path segments
  std::vector<std::pair<std::string, std::string>> query;     ///< decoded query parameters, in order (the
                                                              ///< middleware's all_projects etc. removed)
  std::string_view body;                                      ///< request body
  std::string_view content_type;                              ///< Content-Type header
  std::string_view accept;                                    ///< Accept header ("" when absent)
  std::string_view token;                                     ///< X-Auth-Token header
  std::string_view header_project;                            ///< X-Auth-Project-ID header
  std::string_view roles;                                     ///< X-Roles header
  std::string_view sudo_project;                              ///< X-Auth-Sudo-Project-ID / -Tenant-ID header
  bool all_projects_header = false;                           ///< X-Auth-All-Projects: true (or the query)
  bool edit_managed = false;                                  ///< X-Designate-Edit-Managed-Records: true
  bool hide_counts = false;                                   ///< OpenStack-DNS-Hide-Counts: true
  std::string host;                                           ///< Host header ("localhost" when absent)

  std::string project;                                        ///< effective project (after sudo)
  bool admin = true;                                          ///< the roles include admin
  bool all_projects = false;                                  ///< list/get across projects
  std::string base_url;                                       ///< "http://<Host>"
  std::string api_base;                                       ///< base_url + "/v2" (+ "/<project>" in URL)
  std::string request_id;                                     ///< "req-<uuid>"

  /// The value of query parameter @p key (the last one when repeated), or null.
  const std::string* param(std::string_view key) const;
  /// The link to this request's collection with @p marker replaced/appended (nullopt: as requested).
  std::string collectionLink(const std::optional<std::string>& marker) const;
};

/// Splits @p request into @p ctx's method, path, segments, query and headers (not the identity fields).
void parseRequest(const SimRequest& request, RequestContext& ctx);

/// A JSON answer with Content-Type application/json.
SimResponse jsonResponse(unsigned status, std::string body);

/// Designate's error body for @p error: {"code", "type", "message" | "errors", "request_id"}.
SimResponse errorResponse(const ApiError& error, const std::string& request_id);

/// The JSON object body of a JSON request: 415 unsupported_content_type unless the Content-Type is
/// application/json (parameters allowed), 400 invalid_json when it does not parse (an empty body included),
/// 400 invalid_object when it is not an object; `null` counts as {} (like Designate's body_dict).
boost::json::object parseJsonBody(const RequestContext& ctx);

/// The keys of @p body that are not in @p allowed, in body order (for "Keys [...] are not valid for x").
std::vector<std::string> unknownKeys(const boost::json::object& body, std::initializer_list<std::string_view> allowed);

}  // namespace accurate::designate_sim
