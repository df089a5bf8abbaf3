#include "http/url.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <cctype>

namespace accurate::http {
namespace {

bool startsWithNoCase(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

const char* parsePort(std::string_view digits, std::uint16_t& port) noexcept {
  if (digits.empty()) return "empty port";
  if (digits.size() > 5) return "port out of range (1-65535)";
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return "port is not a number";
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return "port out of range (1-65535)";
  port = static_cast<std::uint16_t>(value);
  return nullptr;
}

}  // namespace

bool isAbsoluteUrl(std::string_view target) noexcept {
  return startsWithNoCase(target, "http://") || startsWithNoCase(target, "https://");
}

const char* parseUrl(std::string_view url, UrlView& out) noexcept {
  std::string_view rest;
  if (startsWithNoCase(url, "http://")) {
    out.tls = false;
    rest = url.substr(7);
  } else if (startsWithNoCase(url, "https://")) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.find("://") != std::string_view::npos) {
    return "unsupported scheme (use http:// or https://)";
  } else {
    return "missing scheme (use http:// or https://)";
  }
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view path = rest.substr(authority_end);
  if (const auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  if (authority.find('@') != std::string_view::npos) return "user info in the URL is not supported";
  if (authority.empty()) return "missing host";

  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address";
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "unexpected text after IPv6 address";
      port_text = after.substr(1);
      has_port = true;
    }
    char text[64] = {};
    if (host.size() >= sizeof(text)) return "invalid IPv6 address";
    std::copy(host.begin(), host.end(), text);
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(text, ec);
    if (ec) return "invalid IPv6 address";
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    for (char c : host) {
      const auto u = static_cast<unsigned char>(c);
      if (!(std::isalnum(u) || c == '-' || c == '.' || c == '_')) return "invalid character in host";
    }
  }
  if (host.empty()) return "missing host";
  out.host = host;
  out.explicit_port = has_port;
  out.port = out.tls ? 443 : 80;
  if (has_port) {
    if (const char* reason = parsePort(port_text, out.port)) return reason;
  }
  out.path = path;
  return nullptr;
}

Origin Origin::fromUrl(const UrlView& url) {
  Origin origin;
  origin.tls = url.tls;
  origin.host.assign(url.host);
  origin.port = url.port;
  const bool ipv6 = origin.host.find(':') != std::string::npos;
  origin.host_header = ipv6 ? "[" + origin.host + "]" : origin.host;
  const bool default_port = origin.port == (origin.tls ? 443 : 80);
  if (!default_port) origin.host_header += ":" + std::to_string(origin.port);
  return origin;
}

BaseUrl parseBaseUrl(const std::string& url) {
  UrlView view;
  if (const char* reason = parseUrl(url, view)) {
    throw sdk::ConfigError("host", "invalid base URL '" + url + "': " + reason);
  }
  if (view.path.find('?') != std::string_view::npos) {
    throw sdk::ConfigError("host", "invalid base URL '" + url + "': a base URL cannot have a query");
  }
  BaseUrl base;
  base.origin = Origin::fromUrl(view);
  std::string_view prefix = view.path;
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  base.prefix.assign(prefix);
  return base;
}

}  // namespace accurate::http
