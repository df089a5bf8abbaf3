#pragma once
/// @file dns_cache.hpp
/// Per-shard name resolution: one asio resolver, results cached per host:port, concurrent lookups of the
/// same name coalesced (10,000 users starting at once resolve the host once).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace accurate::http {

/// A timer on the io_context's concrete executor; requests wait on one while a lookup is pending.
using WaitTimer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                    boost::asio::wait_traits<std::chrono::steady_clock>,
                                                    boost::asio::io_context::executor_type>;

/// One host:port lookup, pending or done.
struct DnsEntry {
  bool pending = true;                                   ///< the resolver has not answered yet
  boost::system::error_code error;                       ///< the resolver's error once done
  boost::asio::ip::tcp::resolver::results_type results;  ///< endpoints once done without error
  std::chrono::steady_clock::time_point expires{};       ///< when a done entry is looked up again
  std::vector<WaitTimer*> waiters;                       ///< timers of requests waiting; cancelled when done.
                                                         ///< A waiter removes itself when it stops waiting.
};

/// Resolves and caches. Threading: the shard's thread only.
class DnsCache {
 public:
  /// How long a successful lookup is reused.
  static constexpr std::chrono::seconds kTtl{60};

  explicit DnsCache(boost::asio::io_context& io);
  ~DnsCache();
  DnsCache(const DnsCache&) = delete;
  DnsCache& operator=(const DnsCache&) = delete;

  /// Returns the entry for @p host:@p port: done when cached or an IP literal, else pending (a lookup is
  /// started unless one already runs). Wait for a pending entry by adding a timer to its waiters.
  std::shared_ptr<DnsEntry> lookup(const std::string& host, std::uint16_t port);

 private:
  boost::asio::ip::tcp::resolver resolver_;                            ///< shared by every lookup
  std::unordered_map<std::string, std::shared_ptr<DnsEntry>> entries_;  ///< by "host:port"
};

}  // namespace accurate::http
