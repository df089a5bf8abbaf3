#pragma once
/// @file security.hpp
/// Request-level security: the headers every answer carries, the cross-site refusal of state-changing routes,
/// and the request as the authentication provider sees it. Pure functions except webRequestInfo's copy.

#include <accurate/sdk/auth.hpp>

#include <httplib.h>

#include <optional>
#include <string>
#include <string_view>

namespace accurate::web {

/// Content-Security-Policy of every page: no inline script or style, nothing from other origins, no framing.
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
/// Content-Security-Policy of a stored self-contained HTML report (inline CSS, SVG and data: images, no script),
/// sandboxed so that it cannot act on the API.
inline constexpr std::string_view kReportHtmlSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; sandbox";

/// The headers every answer starts with: Cache-Control: no-store, X-Content-Type-Options: nosniff,
/// X-Frame-Options: DENY, Referrer-Policy: no-referrer and kContentSecurityPolicy.
httplib::Headers securityHeaders();

/// host[:port] of @p authority in lower case with the port made explicit (@p default_port when absent);
/// brackets of an IPv6 literal kept. Nothing when @p authority is empty or its port is not a number.
std::optional<std::string> normalizeAuthority(std::string_view authority, unsigned default_port);

/// Whether a browser request is cross-site: @p sec_fetch_site is "cross-site", or @p origin is present (non-empty)
/// and is "null", not an http(s) origin, or names another host:port than @p host (the Host header; its default
/// port is 443 when @p tls, else 80). Requests without Origin and Sec-Fetch-Site (scripts, curl) are not.
bool isCrossSite(std::string_view sec_fetch_site, std::string_view origin, std::string_view host, bool tls);

/// isCrossSite() of @p request's Sec-Fetch-Site, Origin and Host headers.
bool isCrossSiteRequest(const httplib::Request& request, bool tls);

/// @p request as the authentication provider sees it (method, path without the query, peer address, every
/// header in order).
sdk::WebRequestInfo webRequestInfo(const httplib::Request& request);

}  // namespace accurate::web
