#pragma once
/// @file http.hpp
/// The asynchronous HTTP/1.1 client every simulated user owns (keep-alive, HTTPS, timeouts, stats recording).

#include <accurate/sdk/version.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::sdk {

struct HttpResponse;

/// Header list in wire order; names compare case-insensitively.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// One request to send. Only `target` is required.
struct HttpRequest {
  std::string method = "GET";  ///< request method, e.g. "GET", "POST", "PATCH"
  std::string target;          ///< path and query appended to the user's base URL (e.g. "/v2/zones?limit=5"),
                               ///< or an absolute http:// or https:// URL
  HttpHeaders headers;         ///< extra headers (Host, Content-Length and Connection are set by the client)
  std::string body;            ///< request body; Content-Length is set from it
  std::string name;            ///< stats entry name; empty = the target's path and query, as Locust does
  std::vector<unsigned> expected_status;  ///< statuses that count as success; empty = any status below 400
  std::function<std::string(const HttpResponse&)> validate;  ///< optional extra check, run when the status is
                                                             ///< expected: returns a failure reason or ""
  std::optional<std::chrono::milliseconds> timeout;  ///< whole-exchange timeout; default: the run's request timeout
  bool keep_headers = true;    ///< store the response headers (off saves work on the hot path)
  bool keep_body = true;       ///< store the response body (off: only its length is counted)
  bool record = true;          ///< record a stats sample for this request
};

/// The outcome of one request. Transport errors never throw: they are reported in `error`.
struct HttpResponse {
  unsigned status = 0;               ///< HTTP status; 0 when no complete response was received
  HttpHeaders headers;               ///< response headers (empty unless keep_headers)
  std::string body;                  ///< response body, de-chunked (empty unless keep_body)
  std::uint64_t content_length = 0;  ///< body bytes received
  std::chrono::microseconds elapsed{0};  ///< time from the start of the send to the end of the response
  std::string error;                 ///< empty on success; else the one-line failure reason that was recorded,
                                     ///< e.g. "connection refused", "timeout after 5000 ms", "HTTP 503"

  /// True when the exchange succeeded and passed the status and validate checks.
  bool ok() const noexcept { return error.empty(); }
  /// First header named @p name (case-insensitive), or "" when absent or headers were not kept.
  std::string_view header(std::string_view name) const noexcept;
};

/// Asynchronous HTTP client owned by one user. Keeps one keep-alive connection per origin and opens more only
/// when the user's background coroutines send concurrently.
/// Threading: use only from coroutines running on the owning user's shard.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Sends @p request and waits for the whole response, then records a sample unless `request.record` is false.
  /// @p request must stay alive until the returned awaitable completes (true for `co_await client.send({...})`).
  /// Never throws for transport or HTTP errors; throws only on cancellation (the run is stopping).
  virtual boost::asio::awaitable<HttpResponse> send(const HttpRequest& request) = 0;
  /// Closes every connection (they reopen on the next request).
  virtual void closeConnections() = 0;
};

/// Percent-encodes @p text for a URL query component (RFC 3986 unreserved characters stay as they are).
ACCURATE_API std::string urlEncode(std::string_view text);

/// Builds "?a=1&b=x%20y" from name/value pairs (each encoded); returns "" for an empty list.
ACCURATE_API std::string queryString(std::initializer_list<std::pair<std::string_view, std::string_view>> params);

}  // namespace accurate::sdk
