#pragma once
/// @file dns_server.hpp
/// The simulator's authoritative DNS server: UDP and TCP (RFC 1035 two-byte length prefix, several queries per
/// connection) on the same port, answering from a lookup function. Only opcode QUERY with one question is
/// answered (NOTIMP for other opcodes, FORMERR for undecodable queries with a readable header); responses over
/// the UDP limit (512 bytes, or the EDNS payload size up to 4096) come back truncated with TC set.

#include "core/simulator.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace accurate::designate_sim {

/// Answers one question (@p qname as received: any case, absolute). Called on the io_context's thread; may throw
/// (the client then gets SERVFAIL). Records whose data cannot be encoded are left out of the answer (logged).
using DnsLookup = std::function<DnsAnswer(std::string_view qname, std::uint16_t qtype)>;

/// Limits of the DNS server.
struct DnsServerLimits {
  std::size_t max_tcp_connections = 256;          ///< open TCP connections; more are closed at once
  std::chrono::milliseconds tcp_idle_timeout{10000};  ///< max wait for the next query or for the peer to read
  std::uint16_t max_udp_payload = 4096;           ///< cap on the EDNS payload size honoured (bytes)
};

/// Builds the response to one query message. Returns nullopt when the input deserves no answer (shorter than a
/// header, or itself a response). @p over_udp selects the size limit: 512 bytes or the query's EDNS payload size
/// (at most @p max_udp_payload) for UDP, 65535 for TCP. Pure apart from calling @p lookup; never throws except
/// std::bad_alloc.
std::optional<std::vector<std::uint8_t>> respondToQuery(std::span<const std::uint8_t> query, const DnsLookup& lookup,
                                                        bool over_udp, std::uint16_t max_udp_payload = 4096);

/// A UDP + TCP DNS server on one io_context. Threading: construct, start(), stop() and destroy on the
/// io_context's thread (or before it runs); the lookup runs on that thread, one query at a time.
class DnsServer {
 public:
  /// Binds UDP and TCP on @p address : @p port (0 = one ephemeral port free for both).
  /// @throws boost::system::system_error when the port cannot be bound.
  DnsServer(boost::asio::io_context& io, const boost::asio::ip::address& address, std::uint16_t port,
            DnsLookup lookup, DnsServerLimits limits = {});
  /// Stops the server (see stop()).
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  /// Starts serving (runs when the io_context runs).
  void start();
  /// Closes both sockets and every TCP connection. Idempotent.
  void stop();
  /// The bound port (the same for UDP and TCP).
  std::uint16_t port() const;

 private:
  struct State;                   ///< sockets, lookup, limits, connection list (shared with coroutines)
  std::shared_ptr<State> state_;  ///< kept alive by every pending coroutine
};

}  // namespace accurate::designate_sim
