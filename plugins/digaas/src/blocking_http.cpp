#include "blocking_http.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cctype>
#include <exception>

namespace accurate::digaas {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

/// Why @p error ended the exchange, in one short lower-case line.
std::string describe(const boost::system::error_code& error) {
  if (error == beast::error::timeout) return "timeout";
  if (error == http::error::body_limit) return "response body too large";
  if (error == boost::asio::error::connection_refused) return "connection refused";
  if (error == http::error::end_of_stream || error == boost::asio::error::eof) {
    return "connection closed before a complete response";
  }
  std::string text = error.message();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

/// The exchange itself; writes into @p out. @p resolver and @p stream belong to the caller (cancelled there).
boost::asio::awaitable<void> exchange(tcp::resolver& resolver, beast::tcp_stream& stream, const HttpUrl& url,
                                      http::verb verb, const std::string& body, Clock::time_point deadline,
                                      BlockingResponse& out) {
  const auto results = co_await resolver.async_resolve(url.host, url.port, boost::asio::use_awaitable);
  stream.expires_at(deadline);
  co_await stream.async_connect(results, boost::asio::use_awaitable);
  http::request<http::string_body> request{verb, url.target, 11};
  request.set(http::field::host, url.host.find(':') != std::string::npos ? "[" + url.host + "]:" + url.port
                                                                         : url.host + ":" + url.port);
  request.set(http::field::user_agent, "accurate-digaas");
  request.set(http::field::connection, "close");
  request.set(http::field::accept, "*/*");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  stream.expires_at(deadline);
  co_await http::async_write(stream, request, boost::asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(BlockingHttp::kBodyLimit);
  stream.expires_at(deadline);
  co_await http::async_read(stream, buffer, parser, boost::asio::use_awaitable);
  auto& response = parser.get();
  out.status = response.result_int();
  out.content_type = std::string(response[http::field::content_type]);
  out.body = std::move(response.body());
}

}  // namespace

std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string& error) {
  const std::string scheme = lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  if (scheme.starts_with("https://")) {
    error = "https is not supported by the Digaas control client";
    return std::nullopt;
  }
  if (!scheme.starts_with("http://")) {
    error = "not an http:// URL";
    return std::nullopt;
  }
  std::string_view rest = url.substr(7);
  const std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  HttpUrl parsed;
  parsed.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (parsed.target.front() == '?') parsed.target.insert(0, "/");
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 literal";
      return std::nullopt;
    }
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "bad authority";
        return std::nullopt;
      }
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) {
    error = "no host";
    return std::nullopt;
  }
  if (port.empty()) {
    parsed.port = "80";
  } else {
    const bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](unsigned char c) {
                          return std::isdigit(c) != 0;
                        });
    if (!digits || std::stoul(std::string(port)) == 0 || std::stoul(std::string(port)) > 65535) {
      error = "bad port '" + std::string(port) + "'";
      return std::nullopt;
    }
    parsed.port = std::string(port);
  }
  return parsed;
}

BlockingResponse BlockingHttp::request(std::string_view method, const std::string& url, const std::string& body,
                                       std::chrono::milliseconds timeout) {
  BlockingResponse out;
  const std::string what = std::string(method) + " " + url + ": ";
  std::string error;
  const auto parsed = parseHttpUrl(url, error);
  if (!parsed) {
    out.error = what + error;
    return out;
  }
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    out.error = what + "unknown method";
    return out;
  }
  if (cancelled()) {
    out.error = what + "cancelled";
    return out;
  }
  const auto deadline = Clock::now() + timeout;
  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  bool done = false;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, exchange(resolver, stream, *parsed, verb, body, deadline, out),
                        [&](std::exception_ptr e) {
                          done = true;
                          failure = e;
                        });
  bool aborted = false;       // we cancelled the exchange (deadline or cancel())
  bool cancelled_now = false; // ... because of cancel()
  const auto hard_limit = deadline + std::chrono::seconds(1);
  while (!done && Clock::now() < hard_limit) {
    io.run_for(std::chrono::milliseconds(20));
    if (done) break;
    if (!aborted && (cancelled() || Clock::now() >= deadline)) {
      aborted = true;
      cancelled_now = cancelled();
      resolver.cancel();
      boost::system::error_code ignored;
      stream.socket().cancel(ignored);
      stream.socket().close(ignored);
    }
  }
  if (cancelled_now || (!done && cancelled())) {
    out = BlockingResponse{};
    out.error = what + "cancelled";
    return out;
  }
  if (aborted || !done) {
    out = BlockingResponse{};
    out.error = what + "timeout after " + std::to_string(timeout.count()) + " ms";
    return out;
  }
  if (failure) {
    out = BlockingResponse{};
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      out.error = what + (e.code() == beast::error::timeout
                              ? "timeout after " + std::to_string(timeout.count()) + " ms"
                              : describe(e.code()));
    } catch (const std::exception& e) {
      out.error = what + e.what();
    }
  }
  return out;
}

}  // namespace accurate::digaas
