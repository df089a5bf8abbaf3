// The DNS client against scripted UDP and TCP servers on 127.0.0.1 (one ephemeral port for both), all on the
// test's io_context; every run is bounded by a deadline.
#include <accurate/dns/client.hpp>
#include "dns_print.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/system_error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace accurate::dns {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;
using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
constexpr auto kRunLimit = 5s;  // no test may run longer

/// Datagrams the UDP server sends back for one query.
using UdpScript = std::function<std::vector<Bytes>(const Message& query)>;
/// Bytes the TCP server writes for one query before it closes; nullopt: write nothing and wait for the client
/// to close.
using TcpScript = std::function<std::optional<Bytes>(const Message& query)>;

const Question kQuestion{"www.example.test.", kTypeA, kClassIn};
constexpr std::uint16_t kId = 0x4242;

/// A response to @p query with A records @p addresses at the question's name.
Message answer(const Message& query, const std::vector<std::string>& addresses) {
  Message response;
  response.header = query.header;
  response.header.qr = true;
  response.header.aa = true;
  response.questions = query.questions;
  for (const auto& address : addresses) {
    response.answers.push_back({query.questions.at(0).name, kTypeA, kClassIn, 60, address});
  }
  return response;
}

Bytes withLengthPrefix(const Bytes& message) {
  Bytes out(message.size() + 2);  // sized up front: g++ 12 -O2 warns (array-bounds) on insert after a 2-byte init
  out[0] = static_cast<std::uint8_t>(message.size() >> 8);
  out[1] = static_cast<std::uint8_t>(message.size() & 0xFF);
  std::copy(message.begin(), message.end(), out.begin() + 2);
  return out;
}

class DnsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int attempt = 0; attempt < 20; ++attempt) {  // one free port for both protocols
      acceptor_.open(tcp::v4());
      acceptor_.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
      acceptor_.listen();
      const auto port = acceptor_.local_endpoint().port();
      boost::system::error_code ec;
      udp_.open(udp::v4());
      udp_.bind(udp::endpoint(asio::ip::address_v4::loopback(), port), ec);
      if (!ec) {
        server_ = udp::endpoint(asio::ip::address_v4::loopback(), port);
        return;
      }
      udp_.close();
      acceptor_.close();
    }
    FAIL() << "no free port for UDP and TCP";
  }

  void TearDown() override {
    boost::system::error_code ignored;
    udp_.close(ignored);
    acceptor_.close(ignored);
    io_.restart();
    io_.run_for(200ms);  // let the server loops see their sockets closed and end
  }

  /// Serves UDP queries with @p script.
  void serveUdp(UdpScript script) {
    asio::co_spawn(io_, [this, script = std::move(script)]() -> asio::awaitable<void> {
      Bytes buffer(kMaxMessageSize);
      udp::endpoint peer;
      for (;;) {
        auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buffer), peer, kTok);
        if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
        if (ec) continue;
        ++udp_queries_;
        const auto query = decode(std::span<const std::uint8_t>(buffer.data(), n));
        if (!query) continue;
        udp_seen_.push_back(*query);
        for (const Bytes& datagram : script(*query)) {
          co_await udp_.async_send_to(asio::buffer(datagram), peer, kTok);
        }
      }
    }, asio::detached);
  }

  /// Serves one TCP connection with @p script (then stops accepting).
  void serveTcp(TcpScript script) {
    asio::co_spawn(io_, [this, script = std::move(script)]() -> asio::awaitable<void> {
      auto [accept_ec, socket] = co_await acceptor_.async_accept(kTok);
      if (accept_ec) co_return;
      std::array<std::uint8_t, 2> prefix{};
      auto [ec, n] = co_await asio::async_read(socket, asio::buffer(prefix), kTok);
      if (ec) co_return;
      Bytes message(static_cast<std::size_t>(prefix[0]) << 8 | prefix[1]);
      std::tie(ec, n) = co_await asio::async_read(socket, asio::buffer(message), kTok);
      if (ec) co_return;
      const auto query = decode(message);
      if (!query) co_return;
      tcp_seen_.push_back(*query);
      const auto reply = script(*query);
      if (reply) {
        co_await asio::async_write(socket, asio::buffer(*reply), kTok);
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
      Bytes rest(1);  // wait for the client to close the connection
      std::tie(ec, n) = co_await asio::async_read(socket, asio::buffer(rest), kTok);
      tcp_peer_closed_ = ec == asio::error::eof;
    }, asio::detached);
  }

  /// Runs @p task to its end on the test's io_context (at most kRunLimit); rethrows what it throws.
  template <class T>
  T run(asio::awaitable<T> task, asio::cancellation_slot slot = {}) {
    std::optional<T> result;
    std::exception_ptr error;
    bool done = false;
    asio::co_spawn(io_, std::move(task), asio::bind_cancellation_slot(slot, [&](std::exception_ptr e, T value) {
                     done = true;
                     error = e;
                     if (!e) result = std::move(value);
                   }));
    const auto deadline = Clock::now() + kRunLimit;
    while (!done && Clock::now() < deadline) io_.run_one_for(50ms);
    if (!done) throw std::runtime_error("the query did not finish within 5 s");
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }

  QueryResult ask(std::chrono::milliseconds timeout = 2000ms, Question question = kQuestion) {
    return run(query(io_.get_executor(), server_, std::move(question), kId, timeout));
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_};
  udp::socket udp_{io_};
  udp::endpoint server_;
  int udp_queries_ = 0;             ///< datagrams the UDP server received
  std::vector<Message> udp_seen_;   ///< decoded UDP queries
  std::vector<Message> tcp_seen_;   ///< decoded TCP queries
  bool tcp_peer_closed_ = false;    ///< the client closed a connection the TCP server held open
};

TEST_F(DnsClientTest, ReturnsTheAnswerOverUdp) {
  serveUdp([](const Message& q) { return std::vector<Bytes>{encode(answer(q, {"192.0.2.1"}))}; });
  const auto result = ask();
  EXPECT_EQ(result.error, "");
  ASSERT_TRUE(result.response);
  ASSERT_EQ(result.response->answers.size(), 1u);
  EXPECT_EQ(result.response->answers[0].data, "192.0.2.1");
  EXPECT_FALSE(result.used_tcp);
  EXPECT_GT(result.elapsed.count(), 0);
  EXPECT_LT(result.elapsed, 2000ms);
  ASSERT_EQ(udp_seen_.size(), 1u);  // the query itself: one question, our id, no recursion, no EDNS
  EXPECT_EQ(udp_seen_[0].header.id, kId);
  EXPECT_FALSE(udp_seen_[0].header.qr);
  EXPECT_FALSE(udp_seen_[0].header.rd);
  EXPECT_EQ(udp_seen_[0].questions, std::vector<Question>{kQuestion});
  EXPECT_TRUE(udp_seen_[0].additional.empty());
}

TEST_F(DnsClientTest, IgnoresAnswersWithAnotherIdQuestionOrNoQrThenAcceptsTheMatchingOne) {
  serveUdp([](const Message& q) {
    std::vector<Bytes> out;
    Message other_id = answer(q, {"192.0.2.1"});
    other_id.header.id = kId + 1;
    out.push_back(encode(other_id));
    Message not_response = answer(q, {"192.0.2.2"});
    not_response.header.qr = false;
    out.push_back(encode(not_response));
    Message other_name = answer(q, {"192.0.2.3"});
    other_name.questions[0].name = "other.example.test.";
    out.push_back(encode(other_name));
    Message other_type = answer(q, {"192.0.2.4"});
    other_type.questions[0].type = kTypeAaaa;
    out.push_back(encode(other_type));
    out.push_back(Bytes{1, 2, 3, 4, 5});  // not even a header
    Message right = answer(q, {"192.0.2.99"});
    right.questions[0].name = "WWW.Example.TEST.";  // names compare case-insensitively
    out.push_back(encode(right));
    return out;
  });
  const auto result = ask();
  EXPECT_EQ(result.error, "");
  ASSERT_TRUE(result.response);
  ASSERT_EQ(result.response->answers.size(), 1u);
  EXPECT_EQ(result.response->answers[0].data, "192.0.2.99");
  EXPECT_EQ(result.response->header.id, kId);
}

TEST_F(DnsClientTest, RepeatsATruncatedAnswerOverTcp) {
  serveUdp([](const Message& q) {
    Message truncated = answer(q, {});
    truncated.header.tc = true;
    return std::vector<Bytes>{encode(truncated)};
  });
  std::vector<std::string> many;
  for (int i = 0; i < 100; ++i) many.push_back("10.0.0." + std::to_string(i));
  serveTcp([&](const Message& q) { return std::optional<Bytes>(withLengthPrefix(encode(answer(q, many)))); });
  const auto result = ask();
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.used_tcp);
  ASSERT_TRUE(result.response);
  EXPECT_EQ(result.response->answers.size(), 100u);
  ASSERT_EQ(tcp_seen_.size(), 1u);
  EXPECT_EQ(tcp_seen_[0].header.id, kId);
  EXPECT_EQ(tcp_seen_[0].questions, std::vector<Question>{kQuestion});
}

TEST_F(DnsClientTest, GoesToTcpEvenWhenTheTruncatedUdpAnswerDoesNotDecode) {
  serveUdp([](const Message& q) {
    Message truncated = answer(q, {"192.0.2.1", "192.0.2.2"});
    truncated.header.tc = true;
    Bytes wire = encode(truncated);
    wire.resize(wire.size() - 7);  // cut inside the last record
    return std::vector<Bytes>{wire};
  });
  serveTcp([](const Message& q) { return std::optional<Bytes>(withLengthPrefix(encode(answer(q, {"192.0.2.7"})))); });
  const auto result = ask();
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.used_tcp);
  ASSERT_TRUE(result.response);
  EXPECT_EQ(result.response->answers.at(0).data, "192.0.2.7");
}

TEST_F(DnsClientTest, ReportsATcpServerThatClosesBeforeTheAnswer) {
  serveUdp([](const Message& q) {
    Message truncated = answer(q, {});
    truncated.header.tc = true;
    return std::vector<Bytes>{encode(truncated)};
  });
  serveTcp([](const Message&) { return std::optional<Bytes>(Bytes{}); });
  const auto result = ask();
  EXPECT_EQ(result.error, "TCP: connection closed before the answer");
  EXPECT_TRUE(result.used_tcp);
  EXPECT_FALSE(result.response);
  EXPECT_LT(result.elapsed, 2000ms);
}

TEST_F(DnsClientTest, ReportsATcpServerThatClosesInsideTheAnswer) {
  serveUdp([](const Message& q) {
    Message truncated = answer(q, {});
    truncated.header.tc = true;
    return std::vector<Bytes>{encode(truncated)};
  });
  serveTcp([](const Message&) { return std::optional<Bytes>(Bytes{0, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}); });
  const auto result = ask();
  EXPECT_EQ(result.error, "TCP: connection closed inside the answer (10 of 100 bytes)");
  EXPECT_FALSE(result.response);
}

TEST_F(DnsClientTest, TimesOutWhenTheServerNeverAnswers) {
  serveUdp([](const Message&) { return std::vector<Bytes>{}; });
  const auto result = ask(150ms);
  EXPECT_EQ(result.error, "timeout after 150 ms");
  EXPECT_FALSE(result.response);
  EXPECT_FALSE(result.used_tcp);
  EXPECT_GE(result.elapsed, 150ms);
  EXPECT_LT(result.elapsed, 1500ms);
  EXPECT_EQ(udp_queries_, 1);  // no retransmission: the caller polls again
}

TEST_F(DnsClientTest, TheTimeoutCoversTheTcpFallbackAndClosesTheConnection) {
  serveUdp([](const Message& q) {
    Message truncated = answer(q, {});
    truncated.header.tc = true;
    return std::vector<Bytes>{encode(truncated)};
  });
  serveTcp([](const Message&) { return std::optional<Bytes>(); });
  const auto result = ask(200ms);
  EXPECT_EQ(result.error, "timeout after 200 ms");
  EXPECT_TRUE(result.used_tcp);
  EXPECT_LT(result.elapsed, 1500ms);
  io_.run_for(100ms);  // the server notices the closed connection
  EXPECT_TRUE(tcp_peer_closed_);
}

TEST_F(DnsClientTest, ReportsConnectionRefusedWhenNothingListensOnThePort) {
  boost::system::error_code ignored;
  udp_.close(ignored);  // the port is free now: the kernel answers with ICMP port unreachable
  const auto result = ask(2000ms);
  EXPECT_EQ(result.error, "connection refused");
  EXPECT_FALSE(result.response);
  EXPECT_LT(result.elapsed, 1000ms);
}

TEST_F(DnsClientTest, ReportsAMalformedAnswer) {
  serveUdp([](const Message& q) {
    Bytes wire = encode(answer(q, {"192.0.2.1"}));
    wire.resize(wire.size() - 3);  // the A record's address is cut short
    return std::vector<Bytes>{wire};
  });
  const auto result = ask();
  EXPECT_EQ(result.error, "malformed response: DNS message ends inside a field");
  EXPECT_FALSE(result.response);
}

TEST_F(DnsClientTest, ReportsAQuestionThatCannotBeEncoded) {
  const auto result = ask(2000ms, Question{"a..test.", kTypeA, kClassIn});
  EXPECT_EQ(result.error, "bad question: DNS name \"a..test.\" has an empty label");
  EXPECT_EQ(udp_queries_, 0);
}

TEST_F(DnsClientTest, ThrowsOperationAbortedWhenTheAwaitingCoroutineIsCancelled) {
  serveUdp([](const Message&) { return std::vector<Bytes>{}; });
  asio::cancellation_signal signal;
  asio::steady_timer cancel_soon(io_, 50ms);
  cancel_soon.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
  const auto start = Clock::now();
  try {
    run(query(io_.get_executor(), server_, kQuestion, kId, 4000ms), signal.slot());
    FAIL() << "expected operation_aborted";
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), asio::error::operation_aborted);
  }
  EXPECT_LT(Clock::now() - start, 1500ms);
}

TEST_F(DnsClientTest, CancellationDuringTheTcpFallbackClosesTheConnection) {
  serveUdp([](const Message& q) {
    Message truncated = answer(q, {});
    truncated.header.tc = true;
    return std::vector<Bytes>{encode(truncated)};
  });
  serveTcp([](const Message&) { return std::optional<Bytes>(); });
  asio::cancellation_signal signal;
  asio::steady_timer cancel_soon(io_, 100ms);
  cancel_soon.async_wait([&](boost::system::error_code) { signal.emit(asio::cancellation_type::terminal); });
  EXPECT_THROW(run(query(io_.get_executor(), server_, kQuestion, kId, 4000ms), signal.slot()),
               boost::system::system_error);
  ASSERT_EQ(tcp_seen_.size(), 1u);  // the cancellation came during the TCP exchange
  io_.run_for(100ms);
  EXPECT_TRUE(tcp_peer_closed_);
}

TEST_F(DnsClientTest, LosesARaceAgainstTheCallersOwnTimerWithoutHanging) {
  using namespace asio::experimental::awaitable_operators;
  serveUdp([](const Message&) { return std::vector<Bytes>{}; });
  const auto race = [this]() -> asio::awaitable<int> {
    asio::steady_timer timer(io_, 80ms);
    auto winner = co_await (query(io_.get_executor(), server_, kQuestion, kId, 4000ms) ||
                            timer.async_wait(asio::use_awaitable));
    co_return static_cast<int>(winner.index());
  };
  const auto start = Clock::now();
  EXPECT_EQ(run(race()), 1);
  EXPECT_LT(Clock::now() - start, 1500ms);
}

}  // namespace
}  // namespace accurate::dns
