#pragma once
/// @file blocking_http.hpp
/// A small bounded blocking HTTP/1.1 client for the Digaas control calls made from the runner's control thread
/// (ping, stats job, summary, plots). Each request runs on its own io_context with Boost.Beast and a deadline;
/// never used for the load (the users' sdk::HttpClient does that). http:// only: an https:// URL is refused with a
/// clear error (the control client does not do TLS).

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::digaas {

/// The parts of an http:// URL.
struct HttpUrl {
  std::string host;    ///< host name or IP literal (IPv6 without brackets)
  std::string port;    ///< port as text ("80" when omitted)
  std::string target;  ///< path and query, at least "/"
};

/// Parses "http://host[:port][/path]" ("[v6]:port" for IPv6). Returns nullopt and sets @p error to the reason
/// ("not an http:// URL", "https is not supported by the Digaas control client", "bad port") otherwise.
std::optional<HttpUrl> parseHttpUrl(std::string_view url, std::string& error);

/// The outcome of one blocking request.
struct BlockingResponse {
  unsigned status = 0;       ///< HTTP status; 0 when no complete response arrived
  std::string content_type;  ///< the Content-Type header ("" when absent)
  std::string body;          ///< the whole response body
  std::string error;         ///< "" when a response arrived (any status); else one line naming the method, the
                             ///< URL and the reason, e.g. "GET http://127.0.0.1:9/: connection refused"

  /// True when a complete response arrived (whatever its status).
  bool ok() const noexcept { return error.empty(); }
};

/// Blocking HTTP/1.1 client (one connection per request, `Connection: close`).
/// Threading: request() from one thread at a time; cancel() from any thread.
class BlockingHttp {
 public:
  /// Largest response body accepted (bytes); bigger bodies fail with "response body too large".
  static constexpr std::uint64_t kBodyLimit = 64ull << 20;

  /// Sends @p method @p url with @p body (Content-Type application/json when not empty) and waits for the whole
  /// response, at most @p timeout in total (resolve + connect + write + read). Returns within about 50 ms after
  /// cancel(). Never throws for network or protocol errors.
  BlockingResponse request(std::string_view method, const std::string& url, const std::string& body,
                           std::chrono::milliseconds timeout);

  /// Aborts the request in progress and makes every later request fail at once with "cancelled". Thread-safe.
  void cancel() noexcept { cancelled_.store(true); }
  /// True after cancel().
  bool cancelled() const noexcept { return cancelled_.load(); }

 private:
  std::atomic<bool> cancelled_{false};  ///< set by cancel()
};

}  // namespace accurate::digaas
