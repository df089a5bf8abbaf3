#include "request_guard.hpp"

#include "responses.hpp"
#include "security.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace accurate::web {

namespace {

/// Methods whose body httplib reads before routing.
bool readsBody(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

/// Whether @p request announces a body (so that an answer without reading it must close the connection).
bool announcesBody(const httplib::Request& request) {
  if (request.has_header("Transfer-Encoding")) return true;
  const std::string length = request.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

void closeAfter(const httplib::Request& request, httplib::Response& response) {
  if (announcesBody(request)) replaceHeader(response, "Connection", "close");
}

const char* refusalMessage(unsigned status) {
  switch (status) {
    case 429: return "too many failed attempts; retry later";
    case 403: return "forbidden";
    default: return "authentication required";
  }
}

}  // namespace

httplib::Server::HandlerResponse RequestGuard::check(const httplib::Request& request,
                                                     httplib::Response& response) const {
  using Result = httplib::Server::HandlerResponse;
  if (!limiter_.allow(request.remote_addr)) {
    sendError(response, 429, "too many requests from this address: slow down");
    response.set_header("Retry-After", "1");
    closeAfter(request, response);
    return Result::Handled;
  }
  if (auth_) {
    sdk::AuthDecision decision;
    try {
      decision = auth_->authenticate(webRequestInfo(request));
    } catch (const std::exception& error) {
      spdlog::error("web UI: the authentication provider failed: {}", error.what());
      sendError(response, 500, "authentication failed");
      closeAfter(request, response);
      return Result::Handled;
    }
    if (!decision.allowed) {
      const unsigned status = decision.status >= 400 && decision.status <= 599 ? decision.status : 401;
      sendError(response, static_cast<int>(status), refusalMessage(status));
      // The provider's headers replace defaults of the same name; repeated names (two challenges) all go out.
      for (const auto& header : decision.headers) response.headers.erase(header.first);
      for (const auto& [name, value] : decision.headers) response.set_header(name, value);
      closeAfter(request, response);
      return Result::Handled;
    }
  }

  if (!readsBody(request.method)) return Result::Unhandled;
  if (request.has_header("Transfer-Encoding")) {
    sendError(response, 411, "chunked request bodies are not accepted: send Content-Length");
    closeAfter(request, response);
    return Result::Handled;
  }
  if (!request.has_header("Content-Length")) {
    router_.dispatch(request, response);  // no body: nothing for httplib to read
    return Result::Handled;
  }
  const std::string text = request.get_header_value("Content-Length");
  std::size_t length = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    sendError(response, 400, "Content-Length: not a number");
    replaceHeader(response, "Connection", "close");
    return Result::Handled;
  }
  // A moderately oversized body is read and discarded by httplib (payload limit → 413), so that the client
  // sees the answer; a huge one is refused from the headers and the connection closed, never read.
  if (length > max_body_bytes_ && length > std::max(max_body_bytes_, kMaxDrainedBodyBytes)) {
    sendError(response, 413, "request body larger than " + std::to_string(max_body_bytes_) + " bytes");
    replaceHeader(response, "Connection", "close");
    return Result::Handled;
  }
  return Result::Unhandled;
}

}  // namespace accurate::web
