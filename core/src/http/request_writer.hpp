#pragma once
/// @file request_writer.hpp
/// Serialises an sdk::HttpRequest into HTTP/1.1 bytes (request line, Host, headers, Content-Length, body).

#include "http/url.hpp"

#include <accurate/sdk/http.hpp>

#include <string>
#include <string_view>

namespace accurate::http {

/// Appends the request target made of the base URL's @p prefix ("" or "/api") and the request's @p path
/// ("/v2/zones?x=1", "v2/zones", "?x=1" or "") to @p out: "/api/v2/zones?x=1". An empty result becomes "/".
void appendTarget(std::string& out, std::string_view prefix, std::string_view path);

/// Replaces @p out with the bytes of @p request to @p origin: request line with the target built by
/// appendTarget(prefix, path), Host (unless the request sets one), the request's headers except
/// Content-Length, Content-Length when there is a body (or the method is POST, PUT or PATCH), then the body.
void writeRequest(std::string& out, const sdk::HttpRequest& request, const Origin& origin,
                  std::string_view prefix, std::string_view path);

}  // namespace accurate::http
