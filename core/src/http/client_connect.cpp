// HttpClientImpl::connect: name resolution, TCP connect and TLS handshake of a new connection.
#include "http/client.hpp"

#include "http/shard_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <exception>

namespace accurate::http {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto kTok = asio::as_tuple(asio::use_awaitable);

/// Hostname verification that records a mismatch as X509_V_ERR_HOSTNAME_MISMATCH so the failure says why.
struct VerifyHost {
  asio::ssl::host_name_verification check;  ///< asio's RFC 6125 check (names and IP addresses)

  bool operator()(bool preverified, asio::ssl::verify_context& ctx) const {
    const bool ok = check(preverified, ctx);
    if (!ok && preverified) X509_STORE_CTX_set_error(ctx.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
    return ok;
  }
};

/// Removes a request's DNS wait from the entry and the deadline, however the wait ends.
struct DnsWaitGuard {
  DnsEntry& entry;                             ///< the pending lookup
  HttpClientImpl::RequestDeadline& deadline;   ///< the request's deadline pointing at the waiter
  WaitTimer& waiter;                           ///< the request's wait timer

  ~DnsWaitGuard() {
    deadline.waiter = nullptr;
    std::erase(entry.waiters, &waiter);
  }
};

}  // namespace

asio::awaitable<std::string> HttpClientImpl::connect(const Origin& origin, Connection& conn,
                                                     RequestDeadline& deadline) {
  const auto connect_deadline = Clock::now() + deadline.connect_timeout;
  deadline.connect_limited = connect_deadline <= deadline.request_deadline;
  deadline.at = std::min(connect_deadline, deadline.request_deadline);
  deadline.conn = &conn;
  shard_.watchdog().arm(deadline);

  const auto entry = shard_.dns().lookup(origin.host, origin.port);
  if (entry->pending) {
    WaitTimer waiter(shard_.io().get_executor());
    waiter.expires_at(Clock::time_point::max());
    entry->waiters.push_back(&waiter);
    deadline.waiter = &waiter;
    DnsWaitGuard guard{*entry, deadline, waiter};
    co_await waiter.async_wait(kTok);
  }
  if (entry->pending) {  // the wait ended early: deadline, cancellation, or abandoned at stop
    const bool cancelled = cancelledByCaller(co_await asio::this_coro::cancellation_state);
    co_return failureText(asio::error::operation_aborted, deadline, &conn, cancelled);
  }
  if (deadline.abandoned) co_return std::string();  // the stop dropped it: send() throws, nothing is connected
  if (entry->error) co_return fmt::format("cannot resolve {}: {}", origin.host, entry->error.message());

  auto [connect_ec, endpoint] = co_await asio::async_connect(conn.socket, entry->results, kTok);
  (void)endpoint;
  if (connect_ec) {
    const bool cancelled = cancelledByCaller(co_await asio::this_coro::cancellation_state);
    co_return failureText(connect_ec, deadline, &conn, cancelled);
  }
  if (deadline.abandoned) co_return std::string();  // connected just as the stop dropped it
  boost::system::error_code ignored;
  conn.socket.set_option(asio::ip::tcp::no_delay(true), ignored);  // TLS may write a request in several records
  if (!origin.tls) co_return std::string();

  try {
    conn.tls = std::make_unique<TlsStream>(conn.socket, shard_.tlsContext());
  } catch (const std::exception& e) {
    co_return std::string("TLS setup failed: ") + e.what();
  }
  boost::system::error_code not_ip;
  asio::ip::make_address(origin.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(conn.tls->native_handle(), origin.host.c_str());  // SNI: names only
  if (!shard_.options().insecure) {
    boost::system::error_code ec;
    conn.tls->set_verify_callback(VerifyHost{asio::ssl::host_name_verification(origin.host)}, ec);
    if (ec) co_return "TLS setup failed: " + ec.message();
  }
  auto [handshake_ec] = co_await conn.tls->async_handshake(asio::ssl::stream_base::client, kTok);
  if (handshake_ec) {
    const bool cancelled = cancelledByCaller(co_await asio::this_coro::cancellation_state);
    if (deadline.expired || deadline.abandoned || conn.closed_by_shard || cancelled) {
      co_return failureText(handshake_ec, deadline, &conn, cancelled);
    }
    std::string reason = handshake_ec.message();
    const long verify = SSL_get_verify_result(conn.tls->native_handle());
    if (verify != X509_V_OK) reason += fmt::format(" ({})", X509_verify_cert_error_string(verify));
    co_return "TLS handshake failed: " + reason;
  }
  co_return std::string();
}

}  // namespace accurate::http
