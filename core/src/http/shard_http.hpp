#pragma once
/// @file shard_http.hpp
/// ShardHttp: the HTTP state one shard's clients share (TLS context, timeout watchdog, DNS cache, read
/// buffer pool, registry of open connections).

#include "http/buffer_pool.hpp"
#include "http/client_factory.hpp"
#include "http/connection.hpp"
#include "http/dns_cache.hpp"
#include "http/watchdog.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <optional>

namespace accurate::http {

class ShardHttp {
 public:
  /// Tick of the timeout watchdog: timeouts fire at most this late.
  static constexpr std::chrono::milliseconds kWatchdogTick{50};

  /// Creates the state for the shard running @p io.
  ShardHttp(boost::asio::io_context& io, const HttpOptions& options);
  /// Clients must be gone already; connections still registered are orphaned, not freed.
  ~ShardHttp();
  ShardHttp(const ShardHttp&) = delete;
  ShardHttp& operator=(const ShardHttp&) = delete;

  /// The shard's io_context.
  boost::asio::io_context& io() noexcept { return io_; }
  /// The run's HTTP settings.
  const HttpOptions& options() const noexcept { return options_; }
  /// TLS client context (TLS 1.2+, default verify paths), created on first use: loading the system CA store
  /// costs ~0.1 s and some memory, which plain-HTTP runs do not pay.
  boost::asio::ssl::context& tlsContext();
  /// The timeout watchdog.
  Watchdog& watchdog() noexcept { return watchdog_; }
  /// The read buffer pool.
  BufferPool& buffers() noexcept { return buffers_; }
  /// The resolver cache.
  DnsCache& dns() noexcept { return dns_; }

  /// Registers @p connection (called by its constructor).
  void attach(Connection& connection) noexcept;
  /// Unregisters @p connection (called by its destructor).
  void detach(Connection& connection) noexcept;
  /// Number of registered connections, open or not yet connected.
  std::size_t connectionCount() const noexcept { return connections_; }
  /// Closes every registered connection; in-flight requests on them fail at once.
  void closeAll() noexcept;

 private:
  boost::asio::io_context& io_;      ///< the shard's io_context
  HttpOptions options_;              ///< timeouts and TLS verification switch
  std::optional<boost::asio::ssl::context> tls_;  ///< shared by every TLS connection of the shard
  Watchdog watchdog_;                ///< request and connect deadlines
  BufferPool buffers_;               ///< read buffers lent per request
  DnsCache dns_;                     ///< resolved endpoints per host:port
  ConnectionHook head_;              ///< sentinel of the circular list of registered connections
  std::size_t connections_ = 0;      ///< registered connections
};

}  // namespace accurate::http
