#pragma once
/// @file connection.hpp
/// One client connection (plain TCP or TLS over TCP) with its reusable request buffer. Every connection is
/// registered with its shard so closeAll() can end it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace accurate::http {

class ShardHttp;

/// Socket type: the io_context's concrete executor avoids any_io_executor's indirection on the hot path.
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;
/// TLS layered over a connection's socket (the socket stays owned by the connection).
using TlsStream = boost::asio::ssl::stream<Socket&>;

/// Links of the shard's intrusive list of connections.
struct ConnectionHook {
  ConnectionHook* prev = nullptr;  ///< previous in the shard's list (null when not registered)
  ConnectionHook* next = nullptr;  ///< next in the shard's list (null when not registered)
};

/// A connection to one origin. Owned by exactly one place at a time: a client's idle list or the request
/// using it. Threading: the shard's thread only.
struct Connection : ConnectionHook {
  /// Creates an unconnected socket on @p shard's io_context and registers with the shard. @p generation is
  /// the owning client's generation (see HttpClient::closeConnections).
  Connection(ShardHttp& shard, std::uint32_t generation);
  /// Closes the socket and unregisters.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Closes the socket (pending operations complete with operation_aborted). Never throws.
  void close() noexcept;
  /// True when the connection may carry another request.
  bool reusable() const noexcept { return socket.is_open() && !closed_by_shard; }

  ShardHttp* shard;                 ///< the shard it is registered with (null once the shard is gone)
  Socket socket;                    ///< the TCP socket
  std::unique_ptr<TlsStream> tls;   ///< TLS layer for https, else null
  std::string out;                  ///< serialised request bytes, reused across requests
  std::uint32_t exchanges = 0;      ///< completed request/response exchanges
  std::uint32_t generation;         ///< owning client's generation when created
  bool closed_by_shard = false;     ///< closed by closeAll(): in-flight work fails, never retried
  Connection* next_idle = nullptr;  ///< link in the owning client's idle list
};

}  // namespace accurate::http
