#pragma once
/// @file http_server.hpp
/// The simulator's HTTP/1.1 server (Boost.Beast parser, C++20 coroutines, one io_context): each request becomes a
/// SimRequest, the handler's SimResponse is written back with Content-Length after its `delay` (a timer: other
/// connections go on meanwhile). Keep-alive unless the client asks to close; pipelined requests are answered in
/// order. Malformed requests get 400, oversized headers 431, oversized bodies 413 — then the connection closes.
/// Connections beyond the limit get 503 and are closed at once; idle or stalled peers are dropped after a timeout.

#include "core/simulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace accurate::designate_sim {

/// Answers one parsed request. Called on the io_context's thread; may throw (the client then gets a 500).
using HttpHandler = std::function<SimResponse(const SimRequest&)>;

/// Limits of the HTTP server.
struct HttpServerLimits {
  std::uint32_t max_header_bytes = 16 * 1024;       ///< request line + header fields (bytes); more → 431
  std::uint64_t max_body_bytes = 4 * 1024 * 1024;   ///< request body (bytes); more → 413
  std::chrono::milliseconds idle_timeout{60000};    ///< max wait for the next request or for the peer to read
  std::size_t max_connections = 10000;              ///< open connections; one more gets 503 and is closed
};

/// An HTTP/1.1 server on one io_context. Threading: construct, start(), stop() and destroy on the io_context's
/// thread (or before it runs); the handler runs on that thread too, one request at a time.
class HttpServer {
 public:
  /// Binds and listens on @p endpoint (port 0 = ephemeral). @p handler answers every request.
  /// @throws boost::system::system_error when the address cannot be bound.
  HttpServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, HttpHandler handler,
             HttpServerLimits limits = {});
  /// Stops the server (see stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Starts accepting connections (runs when the io_context runs).
  void start();
  /// Closes the listening socket and every connection; pending delayed responses are dropped. Idempotent.
  void stop();
  /// The bound endpoint (with the actual port when 0 was asked).
  boost::asio::ip::tcp::endpoint localEndpoint() const;
  /// Number of open client connections.
  std::size_t connectionCount() const;

 private:
  struct State;                   ///< acceptor, handler, limits, connection list (shared with coroutines)
  std::shared_ptr<State> state_;  ///< kept alive by every pending coroutine
};

}  // namespace accurate::designate_sim
