#include <accurate/dns/client.hpp>

#include <accurate/sdk/errors.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <array>
#include <span>
#include <utility>
#include <vector>

namespace accurate::dns {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;
using namespace asio::experimental::awaitable_operators;

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);

/// How the exchange ended when it finished before the timeout.
struct Outcome {
  std::optional<Message> response;  ///< the matching answer, or nullopt
  std::string error;                ///< the reason when there is no answer
};

/// The state of one query, owned by query()'s frame and shared by reference with its exchange coroutine.
struct Exchange {
  udp::socket udp_socket;     ///< the UDP socket (ephemeral port, connected to the server)
  tcp::socket tcp_socket;     ///< the TCP socket of the fallback
  udp::endpoint server;       ///< where the query goes
  Question question;          ///< what is asked
  Bytes question_wire;        ///< the question's name in wire form, ASCII letters lower-cased
  std::uint16_t id = 0;       ///< the query id
  Bytes request;              ///< the encoded query
  bool used_tcp = false;      ///< the TCP fallback started
};

/// What one received message means for the exchange.
enum class Verdict {
  kIgnore,     ///< not the answer to this query (other id, not a response, other question)
  kTruncated,  ///< the answer, with TC set (UDP only): repeat over TCP
  kAnswer,     ///< the answer
  kMalformed,  ///< the answer by its header, but it does not decode
};

/// A message's verdict and, for kAnswer, the decoded message (for kMalformed, the error).
struct Classified {
  Verdict verdict = Verdict::kIgnore;  ///< the verdict
  std::optional<Message> message;      ///< the decoded answer (kAnswer)
  std::string error;                   ///< the reason (kMalformed)
};

Bytes lowerWire(std::string_view name) {
  Bytes wire = nameToWire(name);
  for (auto& b : wire) {
    if (b >= 'A' && b <= 'Z') b = static_cast<std::uint8_t>(b - 'A' + 'a');  // length bytes are < 64: unaffected
  }
  return wire;
}

bool questionMatches(const Message& message, const Exchange& exchange) {
  if (message.questions.empty()) return true;  // allowed in error answers (RFC 1035 does not require an echo)
  if (message.questions.size() != 1) return false;
  const Question& q = message.questions.front();
  if (q.type != exchange.question.type || q.klass != exchange.question.klass) return false;
  try {
    return lowerWire(q.name) == exchange.question_wire;
  } catch (const sdk::Error&) {
    return false;  // cannot happen for a decoded name; not ours either way
  }
}

Classified classify(std::span<const std::uint8_t> bytes, const Exchange& exchange, bool over_udp) {
  const auto header = decodeHeader(bytes);
  if (!header || header->id != exchange.id || !header->qr || header->opcode != kOpcodeQuery) return {};
  auto decoded = decode(bytes);
  if (!decoded) {
    // A truncated UDP answer may be cut anywhere; its header alone asks for TCP.
    if (over_udp && header->tc) return {Verdict::kTruncated, std::nullopt, {}};
    return {Verdict::kMalformed, std::nullopt, "malformed response: " + decoded.error().message()};
  }
  if (!questionMatches(*decoded, exchange)) return {};
  if (over_udp && header->tc) return {Verdict::kTruncated, std::nullopt, {}};
  return {Verdict::kAnswer, std::move(*decoded), {}};
}

std::string describe(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::eof) return "connection closed by the server";
  if (ec == asio::error::connection_reset) return "connection reset by the server";
  if (ec == asio::error::host_unreachable) return "host unreachable";
  if (ec == asio::error::network_unreachable) return "network unreachable";
  return ec.message();
}

Outcome failed(std::string reason) { return Outcome{std::nullopt, std::move(reason)}; }

/// The TCP fallback: connect, send the length-prefixed query, read messages until the answer.
asio::awaitable<Outcome> overTcp(Exchange& exchange) {
  exchange.used_tcp = true;
  const tcp::endpoint server(exchange.server.address(), exchange.server.port());
  auto [connect_ec] = co_await exchange.tcp_socket.async_connect(server, kTok);
  if (connect_ec) co_return failed("TCP: " + describe(connect_ec));
  const std::array<std::uint8_t, 2> prefix{static_cast<std::uint8_t>(exchange.request.size() >> 8),
                                           static_cast<std::uint8_t>(exchange.request.size() & 0xFF)};
  const std::array<asio::const_buffer, 2> out{asio::buffer(prefix), asio::buffer(exchange.request)};
  auto [write_ec, written] = co_await asio::async_write(exchange.tcp_socket, out, kTok);
  if (write_ec) co_return failed("TCP: " + describe(write_ec));
  Bytes message;
  for (;;) {  // bounded by the timeout that races this coroutine
    std::array<std::uint8_t, 2> length_bytes{};
    auto [length_ec, n] = co_await asio::async_read(exchange.tcp_socket, asio::buffer(length_bytes), kTok);
    if (length_ec == asio::error::eof && n == 0) co_return failed("TCP: connection closed before the answer");
    if (length_ec) co_return failed("TCP: " + describe(length_ec));
    const std::size_t length = static_cast<std::size_t>(length_bytes[0]) << 8 | length_bytes[1];
    if (length == 0) co_return failed("TCP: a message of length 0");
    message.resize(length);
    auto [read_ec, got] = co_await asio::async_read(exchange.tcp_socket, asio::buffer(message), kTok);
    if (read_ec == asio::error::eof) {
      co_return failed("TCP: connection closed inside the answer (" + std::to_string(got) + " of " +
                       std::to_string(length) + " bytes)");
    }
    if (read_ec) co_return failed("TCP: " + describe(read_ec));
    auto classified = classify(message, exchange, false);
    if (classified.verdict == Verdict::kIgnore) continue;
    if (classified.verdict == Verdict::kMalformed) co_return failed(std::move(classified.error));
    co_return Outcome{std::move(classified.message), {}};
  }
}

/// UDP, then TCP when the answer is truncated. Never throws except on cancellation.
asio::awaitable<Outcome> exchangeOnce(Exchange& exchange) {
  boost::system::error_code ec;
  exchange.udp_socket.open(exchange.server.protocol(), ec);
  if (!ec) exchange.udp_socket.bind(udp::endpoint(exchange.server.protocol(), 0), ec);  // ephemeral: a random port
  if (!ec) exchange.udp_socket.connect(exchange.server, ec);  // filters other sources; reports ICMP errors
  if (ec) co_return failed("UDP: " + describe(ec));
  auto [send_ec, sent] = co_await exchange.udp_socket.async_send(asio::buffer(exchange.request), kTok);
  if (send_ec == asio::error::connection_refused) co_return failed(describe(send_ec));
  if (send_ec) co_return failed("UDP: " + describe(send_ec));
  Bytes buffer(kMaxMessageSize);
  for (;;) {  // bounded by the timeout that races this coroutine
    auto [receive_ec, n] = co_await exchange.udp_socket.async_receive(asio::buffer(buffer), kTok);
    if (receive_ec == asio::error::connection_refused) co_return failed(describe(receive_ec));
    if (receive_ec) co_return failed("UDP: " + describe(receive_ec));
    auto classified = classify(std::span<const std::uint8_t>(buffer.data(), n), exchange, true);
    switch (classified.verdict) {
      case Verdict::kIgnore: continue;
      case Verdict::kMalformed: co_return failed(std::move(classified.error));
      case Verdict::kAnswer: co_return Outcome{std::move(classified.message), {}};
      case Verdict::kTruncated: break;
    }
    break;
  }
  boost::system::error_code ignored;
  exchange.udp_socket.close(ignored);
  co_return co_await overTcp(exchange);
}

/// Completes normally when @p timer expires; throws when it is cancelled (the exchange finished first).
asio::awaitable<void> expiry(asio::steady_timer& timer) {
  auto [ec] = co_await timer.async_wait(kTok);
  if (ec) throw boost::system::system_error(ec);
}

void closeAll(Exchange& exchange) {
  boost::system::error_code ignored;
  exchange.udp_socket.close(ignored);
  if (exchange.tcp_socket.is_open()) exchange.tcp_socket.shutdown(tcp::socket::shutdown_both, ignored);
  exchange.tcp_socket.close(ignored);
}

}  // namespace

asio::awaitable<QueryResult> query(asio::any_io_executor executor, udp::endpoint server, Question question,
                                   std::uint16_t id, std::chrono::milliseconds timeout) {
  QueryResult result;
  Exchange exchange{udp::socket(executor), tcp::socket(executor), server, std::move(question), {}, id, {}, false};
  try {
    exchange.question_wire = lowerWire(exchange.question.name);
    Message request = makeQuery(id, exchange.question.name, exchange.question.type);
    request.questions.front().klass = exchange.question.klass;
    exchange.request = encode(request);
  } catch (const sdk::Error& e) {
    result.error = std::string("bad question: ") + e.what();
    co_return result;
  }
  asio::steady_timer timer(executor);
  const auto start = Clock::now();
  timer.expires_after(timeout);
  std::optional<Outcome> outcome;
  try {
    auto winner = co_await (exchangeOnce(exchange) || expiry(timer));
    if (winner.index() == 0) outcome = std::move(std::get<0>(winner));
  } catch (const boost::system::system_error&) {
    // Thrown only when this coroutine is cancelled (checked below).
  } catch (const asio::multiple_exceptions&) {
    // Both sides failed: likewise only on cancellation.
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  result.used_tcp = exchange.used_tcp;
  closeAll(exchange);
  const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
  if (state.cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  if (!outcome) {
    result.error = "timeout after " + std::to_string(timeout.count()) + " ms";
  } else {
    result.response = std::move(outcome->response);
    result.error = std::move(outcome->error);
  }
  co_return result;
}

}  // namespace accurate::dns
