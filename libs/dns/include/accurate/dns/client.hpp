#pragma once
/// @file client.hpp
/// An asynchronous DNS stub client for one question to one server: UDP first, TCP when the UDP answer is
/// truncated (RFC 1035 4.2, RFC 7766), the whole exchange bounded by one timeout. Meant for polling
/// authoritative nameservers: no retransmission (the caller polls again), no EDNS, no recursion.
///
/// Threading: query() is a coroutine; each call owns its sockets and timer and shares nothing, so any number
/// may run at once on any executors. All its work runs on the executor passed to it.

#include <accurate/dns/message.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace accurate::dns {

/// How one query ended.
struct QueryResult {
  std::optional<Message> response;       ///< the decoded response whose id and question match; nullopt on failure
  std::string error;                     ///< empty on success, else one line: "timeout after 2000 ms",
                                         ///< "connection refused", "malformed response: <reason>", "TCP: <reason>"
  bool used_tcp = false;                 ///< the UDP answer was truncated (TC) and the query was repeated over TCP
  std::chrono::microseconds elapsed{0};  ///< from the send to the answer (or the failure)
};

/// Sends question @p question with id @p id over UDP to @p server; a truncated answer (TC) is repeated over TCP.
///
/// The UDP socket is bound to an ephemeral (kernel-chosen, random) port of the server's address family and
/// connected to @p server, so only the server's datagrams arrive and an ICMP port unreachable shows up as
/// "connection refused". An answer counts when it is a response (QR) with id @p id whose question section is
/// empty or holds exactly @p question (name compared case-insensitively, type and class equal); any other
/// datagram is ignored and the wait goes on. A counted answer that does not decode gives
/// "malformed response: <decode error>". Over TCP (2-byte length prefix) the same rules apply to each message
/// read; the connection is closed after the answer.
///
/// The whole exchange (UDP + TCP) is bounded by @p timeout (a steady_timer raced against it); the result then
/// says "timeout after <ms> ms". Never throws for network or protocol errors, nor for a question that cannot be
/// encoded ("bad question: <reason>"): they land in QueryResult::error.
///
/// @param executor where the sockets and the timer live (e.g. a shard's io_context executor); the coroutine
///        itself resumes on the executor of the coroutine that awaits it, normally the same one.
/// @param question taken by value; the name may be absolute ("x.test.") or not ("x.test").
/// @throws boost::system::system_error(operation_aborted) when the awaiting coroutine is cancelled (a
///         cancellation signal of its awaitable thread, e.g. the losing side of an awaitable `||`); the sockets
///         are closed before it propagates.
/// @throws std::bad_alloc only.
boost::asio::awaitable<QueryResult> query(boost::asio::any_io_executor executor, boost::asio::ip::udp::endpoint server,
                                          Question question, std::uint16_t id, std::chrono::milliseconds timeout);

}  // namespace accurate::dns
