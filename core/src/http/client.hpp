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
#include <boost/asio/cancellation_state.hpp>

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

  /// See sdk::HttpClient::send. Stop semantics (see stop()): a request whose bytes may have left is never
  /// aborted by its coroutine's cancellation once the client is stopping; it completes (bounded by its
  /// deadline, capped at the stop), is recorded, and then send() throws operation_aborted. A cancellation
  /// while the client is not stopping (e.g. a task racing send() against a timer) aborts the exchange at once
  /// and records nothing. After send() the coroutine's cancellation state is the default one
  /// (terminal cancellation only), or, when it was cancelled during the exchange, stays cancelled so that its
  /// next co_await throws.
  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest& request) override;
  /// Closes idle connections now; connections in use are closed when their request ends.
  void closeConnections() override;
  /// Idle connections over all origins (for tests).
  std::size_t idleCount() const noexcept;
  /// Hard stop of the owner, called just before the owner's coroutines are cancelled (and before it emits
  /// that cancellation). From now on: a send() not yet started throws operation_aborted at once (nothing is
  /// sent or recorded); a request still resolving or connecting is abandoned (nothing was sent: it throws
  /// operation_aborted and records nothing); a request whose bytes may have left keeps running, its deadline
  /// capped at now + HttpOptions::stop_grace (hitting the cap fails it with "timeout after N ms (run
  /// stopping)"), is recorded, then throws operation_aborted. Idle connections are closed. Idempotent.
  void stop() noexcept;
  /// True once stop() was called.
  bool stopping() const noexcept { return stopping_; }
  /// Requests in progress (for tests).
  std::size_t inFlightCount() const noexcept;

  /// Links of the client's circular list of requests in progress. Unlinks itself when destroyed, so a send()
  /// frame destroyed while suspended leaves no dangling entry.
  struct InFlightLink {
    InFlightLink() = default;
    InFlightLink(const InFlightLink&) = delete;
    InFlightLink& operator=(const InFlightLink&) = delete;
    ~InFlightLink() { unlink(); }
    /// Removes this link from its list, if it is in one. O(1).
    void unlink() noexcept;
    InFlightLink* prev_in_flight = nullptr;  ///< previous in the list (null when not in one)
    InFlightLink* next_in_flight = nullptr;  ///< next in the list (null when not in one)
  };

  /// A request's deadline in the shard watchdog, with what to abort when it passes; also the request's entry in
  /// the client's list of requests in progress (it lives in send()'s frame).
  struct RequestDeadline : Watchdog::Node, InFlightLink {
    RequestDeadline();
    Connection* conn = nullptr;      ///< connection whose socket is closed on expiry, or null
    WaitTimer* waiter = nullptr;     ///< DNS wait cancelled on expiry, or null
    bool connect_limited = false;    ///< the armed deadline is the connect timeout (message differs)
    std::chrono::steady_clock::time_point request_deadline{};  ///< start + request timeout, or the stop's cap
    std::chrono::milliseconds request_timeout{0};  ///< the request's whole-exchange limit
    std::chrono::milliseconds connect_timeout{0};  ///< the run's connect limit
    std::chrono::steady_clock::time_point start{};  ///< when send() began
    std::chrono::milliseconds stop_limit{0};       ///< whole-exchange limit left by the stop's cap, from start
    bool stop_capped = false;        ///< the stop cut request_deadline (the timeout text says so)
    bool sending = false;            ///< request bytes may have left (from the first write on)
    bool abandoned = false;          ///< dropped by the stop before anything was sent: nothing is recorded
  };

 private:
  /// Out-filter of the cancellation state send() installs for its exchange: while the client is stopping, a
  /// cancellation of the calling coroutine is noted in the state (the in-filter keeps terminal) but not
  /// forwarded to the exchange's I/O, so a request already sent drains instead of being aborted. While the
  /// client is not stopping, cancellation is forwarded as usual (the exchange is aborted).
  struct DrainFilter {
    const bool* stopping;  ///< the client's stopping_ flag (the client outlives its owner's coroutines)
    /// Returns none while stopping, else @p type.
    boost::asio::cancellation_type_t operator()(boost::asio::cancellation_type_t type) const noexcept {
      return *stopping ? boost::asio::cancellation_type::none : type;
    }
  };

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
  /// Throws system_error(operation_aborted) when the calling coroutine's cancellation aborted it (never while
  /// the client is stopping) or the stop abandoned the request; it may also return early once
  /// deadline.abandoned is set, which send() checks.
  boost::asio::awaitable<std::string> connect(const Origin& origin, Connection& connection,
                                              RequestDeadline& deadline);
  /// Links @p deadline into the list of requests in progress (it unlinks itself, see InFlightLink).
  void track(RequestDeadline& deadline) noexcept;
  /// True when an operation of the exchange was aborted by the calling coroutine's cancellation: the state
  /// records one, and it was forwarded to the I/O because the client was not stopping (see DrainFilter).
  bool cancelledByCaller(const boost::asio::cancellation_state& state) const noexcept;
  /// Failure reason for an operation that failed with @p ec; throws system_error(operation_aborted) when the
  /// failure is the coroutine's cancellation (@p cancelled) or the stop abandoned the request, rather than a
  /// timeout or closeAll.
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
  InFlightLink in_flight_;                    ///< sentinel of the circular list of requests in progress
  bool stopping_ = false;                     ///< stop() was called
};

}  // namespace accurate::http
