#include "security.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace accurate::web {

httplib::Headers securityHeaders() {
  return httplib::Headers{{"Cache-Control", "no-store"},
                          {"X-Content-Type-Options", "nosniff"},
                          {"X-Frame-Options", "DENY"},
                          {"Referrer-Policy", "no-referrer"},
                          {"Content-Security-Policy", std::string(kContentSecurityPolicy)}};
}

std::optional<std::string> normalizeAuthority(std::string_view authority, unsigned default_port) {
  if (authority.empty()) return std::nullopt;
  std::string lower(authority);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view text = lower;
  std::string_view host;
  std::string_view port;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(0, close + 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else {
    const std::size_t colon = text.rfind(':');
    host = text.substr(0, colon);
    if (colon != std::string_view::npos) port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  unsigned number = default_port;
  if (!port.empty()) {
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number > 65535) return std::nullopt;
  }
  return std::string(host) + ":" + std::to_string(number);
}

bool isCrossSite(std::string_view sec_fetch_site, std::string_view origin, std::string_view host, bool tls) {
  if (sec_fetch_site == "cross-site") return true;
  if (origin.empty()) return false;
  unsigned origin_port = 0;
  std::string_view rest;
  if (origin.starts_with("http://")) {
    origin_port = 80;
    rest = origin.substr(7);
  } else if (origin.starts_with("https://")) {
    origin_port = 443;
    rest = origin.substr(8);
  } else {
    return true;  // "null" (sandboxed or opaque origins) and anything else
  }
  rest = rest.substr(0, rest.find('/'));
  const std::optional<std::string> from = normalizeAuthority(rest, origin_port);
  const std::optional<std::string> to = normalizeAuthority(host, tls ? 443 : 80);
  return !from || !to || *from != *to;
}

bool isCrossSiteRequest(const httplib::Request& request, bool tls) {
  const std::string fetch_site = request.get_header_value("Sec-Fetch-Site");
  const std::string origin = request.get_header_value("Origin");
  const std::string host = request.get_header_value("Host");
  return isCrossSite(fetch_site, origin, host, tls);
}

sdk::WebRequestInfo webRequestInfo(const httplib::Request& request) {
  sdk::WebRequestInfo info;
  info.method = request.method;
  info.path = request.path;
  info.remote_addr = request.remote_addr;
  info.headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) info.headers.emplace_back(name, value);
  return info;
}

}  // namespace accurate::web
