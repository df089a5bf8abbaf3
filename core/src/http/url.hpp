#pragma once
/// @file url.hpp
/// Parsing of http:// and https:// URLs into an origin (scheme, host, port) and a path.

#include <cstdint>
#include <string>
#include <string_view>

namespace accurate::http {

/// A view of a parsed absolute URL; the views point into the parsed text.
struct UrlView {
  bool tls = false;               ///< true for https
  std::string_view host;          ///< host name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;         ///< port (80 / 443 when the URL gives none)
  bool explicit_port = false;     ///< true when the URL names the port
  std::string_view path;          ///< path and query ("" when the URL has none); fragment removed
};

/// Parses @p url (`http(s)://host[:port][/path][?query]`). Returns nullptr on success, else the reason as a
/// one-line literal (e.g. "missing host"). Never throws.
const char* parseUrl(std::string_view url, UrlView& out) noexcept;

/// True when @p target starts with "http://" or "https://" (case-insensitive).
bool isAbsoluteUrl(std::string_view target) noexcept;

/// Where requests go: scheme, host and port, plus the precomputed Host header value.
struct Origin {
  bool tls = false;         ///< true for https
  std::string host;         ///< host name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;   ///< TCP port
  std::string host_header;  ///< value of the Host header ("host", "host:port", "[::1]:port")

  /// Builds an origin from a parsed URL.
  static Origin fromUrl(const UrlView& url);
  /// True when @p url names this origin.
  bool matches(const UrlView& url) const noexcept {
    return tls == url.tls && port == url.port && host == url.host;
  }
  /// True when @p other is the same origin.
  bool sameAs(const Origin& other) const noexcept {
    return tls == other.tls && port == other.port && host == other.host;
  }
};

/// A client's base URL: an origin and a path prefix without a trailing slash (e.g. "/api", or "").
struct BaseUrl {
  Origin origin;       ///< where relative targets go
  std::string prefix;  ///< prepended to relative targets; "" or "/something" without trailing '/'
};

/// Parses a base URL. Throws sdk::ConfigError("host", "...") naming the URL and the reason.
BaseUrl parseBaseUrl(const std::string& url);

}  // namespace accurate::http
