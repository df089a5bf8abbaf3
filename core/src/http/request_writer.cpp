#include "http/request_writer.hpp"

#include <boost/beast/core/string.hpp>

#include <cctype>
#include <charconv>

namespace accurate::http {
namespace {

bool methodHasBody(std::string_view method) noexcept {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

void appendTarget(std::string& out, std::string_view prefix, std::string_view path) {
  const std::size_t begin = out.size();
  out.append(prefix);
  if (!path.empty() && path.front() != '/' && path.front() != '?') out.push_back('/');
  if (!path.empty() && path.front() == '?' && out.size() == begin) out.push_back('/');
  out.append(path);
  if (out.size() == begin) out.push_back('/');
}

void writeRequest(std::string& out, const sdk::HttpRequest& request, const Origin& origin,
                  std::string_view prefix, std::string_view path) {
  out.clear();
  out.append(request.method);
  out.push_back(' ');
  appendTarget(out, prefix, path);
  out.append(" HTTP/1.1\r\n");
  bool has_host = false;
  for (const auto& header : request.headers) {
    if (boost::beast::iequals(header.first, "host")) {
      has_host = true;
      break;
    }
  }
  if (!has_host) {
    out.append("Host: ");
    out.append(origin.host_header);
    out.append("\r\n");
  }
  for (const auto& [name, value] : request.headers) {
    if (boost::beast::iequals(name, "content-length")) continue;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  if (!request.body.empty() || methodHasBody(request.method)) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof(digits), request.body.size()).ptr;
    out.append("Content-Length: ");
    out.append(digits, end);
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(request.body);
}

}  // namespace accurate::http
