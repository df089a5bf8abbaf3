#pragma once
/// @file client.hpp
/// The HttpClient implementation: one per simulated user, keep-alive connections per origin, timeouts through
/// the shard's watchdog, one stats sample per send.

#include "http/connection.hpp"
#include "http/dns_cache.hpp"
#include "http/url.hpp"
#include "http/watchdog.hpp"

#include <accurate/sdk/http.hpp>
#include <accurate/sdk/stats.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace accurate::http {

class ShardHttp;

/// One user's HTTP client. Threading: coroutines on the shard's thread only; several of the user's coroutines
/// may send at once (each then uses its own connection).
class HttpClientImpl final : public sdk::HttpClient {
 public:
  /// Most idle connections kept per origin; a connection coming back to a full idle list is closed.
  static constexpr std::size_t kMaxIdlePerOrigin = 8;

  /// Creates a client sending relative targets to @p base. @p shard and @p recorder must outlive it.
  HttpClientImpl(ShardHttp& shard, BaseUrl base, sdk::StatsRecorder& recorder);
  ~HttpClientImpl() override;

  /// See sdk::HttpClient::send.
  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest& request) override;
  /// Closes idle connections now; connections in use are closed when their request ends.
  void closeConnections() override;
  /// Idle connections over all origins (for tests).
  std::size_t idleCount() const noexcept;

  /// A request's deadline in the shard watchdog, with what to abort when it passes.
  struct RequestDeadline : Watchdog::Node {
    RequestDeadline();
    Connection* conn = nullptr;      ///< connection whose socket is closed on expiry, or null
    WaitTimer* waiter = nullptr;     ///< DNS wait cancelled on expiry, or null
    bool connect_limited = false;    ///< the armed deadline is the connect timeout (message differs)
    std::chrono::steady_clock::time_point request_deadline{};  ///< start of the send + request timeout
    std::chrono::milliseconds request_timeout{0};  ///< the request's whole-exchange limit
    std::chrono::milliseconds connect_timeout{0};  ///< the run's connect limit
  };

 private:
  /// Idle connections to one origin, as an intrusive stack through Connection::next_idle.
  struct Pool {
    Origin origin;                ///< where the connections go
    Connection* idle = nullptr;   ///< top of the idle stack (owned)
    std::size_t idle_count = 0;   ///< connections on the stack
  };

  Pool& poolFor(const UrlView& url);
  std::unique_ptr<Connection> takeIdle(Pool& pool);
  void putIdle(Pool& pool, std::unique_ptr<Connection> connection);
  static void closeIdle(Pool& pool) noexcept;
  /// Resolves, connects and (for https) handshakes @p connection; returns "" or the failure reason.
  /// Throws system_error(operation_aborted) when the calling coroutine is cancelled.
  boost::asio::awaitable<std::string> connect(const Origin& origin, Connection& connection,
                                              RequestDeadline& deadline);
  /// Failure reason for an operation that failed with @p ec; throws system_error(operation_aborted) when the
  /// failure is the coroutine's cancellation (@p cancelled) rather than a timeout or closeAll.
  static std::string failureText(const boost::system::error_code& ec, const RequestDeadline& deadline,
                                 const Connection* connection, bool cancelled);
  /// Applies the status and validate checks of @p request to a complete @p response.
  static void checkResponse(const sdk::HttpRequest& request, sdk::HttpResponse& response);

  ShardHttp& shard_;                          ///< shard state (watchdog, DNS, TLS, buffers)
  sdk::StatsRecorder& recorder_;              ///< where samples go
  std::string prefix_;                        ///< base URL path prefix ("" or "/api")
  Pool base_pool_;                            ///< connections to the base URL's origin
  std::vector<std::unique_ptr<Pool>> other_pools_;  ///< origins of absolute-URL targets (never shrinks)
  std::uint32_t generation_ = 0;              ///< bumped by closeConnections(); older connections are dropped
};

}  // namespace accurate::http
