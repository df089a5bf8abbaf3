#include "net/dns_server.hpp"

#include "net/deadline_sweeper.hpp"

#include <accurate/dns/message.hpp>
#include <accurate/sdk/errors.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <exception>
#include <utility>

namespace accurate::designate_sim {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
template <class T = void>
using Task = asio::awaitable<T, Executor>;
using UdpSocket = asio::basic_datagram_socket<asio::ip::udp, Executor>;

constexpr auto kTok = asio::as_tuple(asio::use_awaitable_t<Executor>{});

/// Attempts to find an ephemeral port free for both TCP and UDP.
constexpr int kPortAttempts = 32;

dns::ResourceRecord toWireRecord(const DnsRecord& record) {
  return dns::ResourceRecord{record.name, record.type, dns::kClassIn, record.ttl, record.data};
}

/// Drops the records of @p section that cannot be encoded alone (bad presentation data from the lookup).
void dropUnencodable(std::vector<dns::ResourceRecord>& section) {
  std::erase_if(section, [](const dns::ResourceRecord& record) {
    dns::Message single;
    single.answers.push_back(record);
    try {
      dns::encode(single);
      return false;
    } catch (const sdk::Error& e) {
      spdlog::warn("designate-sim: DNS record left out of an answer: {}", e.what());
      return true;
    }
  });
}

std::vector<std::uint8_t> encodeResponse(dns::Message& response, std::size_t limit) {
  try {
    return dns::encode(response, {.compress = true, .max_size = limit});
  } catch (const sdk::Error&) {
    dropUnencodable(response.answers);
    dropUnencodable(response.authority);
  }
  try {
    return dns::encode(response, {.compress = true, .max_size = limit});
  } catch (const sdk::Error& e) {
    // Only a question that cannot be written back could get here (decoded names always can).
    spdlog::warn("designate-sim: DNS answer not encodable, sending SERVFAIL: {}", e.what());
  }
  response.questions.clear();
  response.answers.clear();
  response.authority.clear();
  response.header.aa = false;
  response.header.rcode = dns::kRcodeServFail;
  return dns::encode(response, {.compress = true, .max_size = limit});
}

}  // namespace

std::optional<std::vector<std::uint8_t>> respondToQuery(std::span<const std::uint8_t> query, const DnsLookup& lookup,
                                                        bool over_udp, std::uint16_t max_udp_payload) {
  const auto header = dns::decodeHeader(query);
  if (!header || header->qr) return std::nullopt;  // garbage, or a response (never answer those: no loops)
  dns::Message response;
  response.header.id = header->id;
  response.header.qr = true;
  response.header.opcode = header->opcode;
  response.header.rd = header->rd;
  auto decoded = dns::decode(query);
  if (!decoded) {
    response.header.rcode = dns::kRcodeFormErr;
    return dns::encode(response);
  }
  const dns::Message& request = *decoded;
  response.questions = request.questions;
  std::size_t limit = dns::kMaxMessageSize;
  const auto edns = dns::ednsPayloadSize(request);
  if (edns) {
    response.additional.push_back(dns::ResourceRecord{".", dns::kTypeOpt, max_udp_payload, 0, "\\# 0"});
  }
  if (over_udp) {
    limit = edns ? std::clamp<std::size_t>(*edns, dns::kClassicUdpSize,
                                           std::max<std::size_t>(max_udp_payload, dns::kClassicUdpSize))
                 : dns::kClassicUdpSize;
  }
  if (header->opcode != dns::kOpcodeQuery) {
    response.header.rcode = dns::kRcodeNotImp;
    return encodeResponse(response, limit);
  }
  if (request.questions.size() != 1) {
    response.header.rcode = dns::kRcodeFormErr;
    return encodeResponse(response, limit);
  }
  const dns::Question& question = request.questions.front();
  if (question.klass != dns::kClassIn || question.type == dns::kTypeAxfr || question.type == dns::kTypeIxfr) {
    response.header.rcode = dns::kRcodeRefused;  // other classes and zone transfers are not served
    return encodeResponse(response, limit);
  }
  DnsAnswer answer;
  try {
    answer = lookup(question.name, question.type);
  } catch (const std::exception& e) {
    spdlog::warn("designate-sim: DNS lookup of {} failed: {}", question.name, e.what());
    response.header.rcode = dns::kRcodeServFail;
    return encodeResponse(response, limit);
  }
  response.header.aa = answer.authoritative;
  response.header.rcode = static_cast<std::uint8_t>(answer.rcode);
  response.answers.reserve(answer.answers.size());
  for (const auto& record : answer.answers) response.answers.push_back(toWireRecord(record));
  response.authority.reserve(answer.authority.size());
  for (const auto& record : answer.authority) response.authority.push_back(toWireRecord(record));
  return encodeResponse(response, limit);
}

struct DnsServer::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, DnsLookup l, DnsServerLimits lim)
      : executor(io.get_executor()), udp(executor), acceptor(executor), sweeper(executor), lookup(std::move(l)),
        limits(lim) {}

  Task<void> udpLoop();
  Task<void> acceptLoop();
  Task<void> serveTcp(TcpSocket socket);
  void spawn(Task<void> task);

  Executor executor;          ///< the io_context's executor
  UdpSocket udp;              ///< the UDP socket
  TcpAcceptor acceptor;       ///< the TCP listening socket
  DeadlineSweeper sweeper;    ///< open TCP connections and their deadlines
  DnsLookup lookup;           ///< answers questions
  DnsServerLimits limits;     ///< connection cap, idle timeout, UDP payload cap
  std::uint16_t port = 0;     ///< bound port (UDP and TCP)
  bool started = false;       ///< start() was called
  bool stopped = false;       ///< stop() was called
};

void DnsServer::State::spawn(Task<void> task) {
  asio::co_spawn(executor, std::move(task), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("designate-sim: DNS server task failed: {}", e.what());
    } catch (...) {
      spdlog::error("designate-sim: DNS server task failed with an unknown exception");
    }
  });
}

Task<void> DnsServer::State::udpLoop() {
  auto self = shared_from_this();
  std::vector<std::uint8_t> buffer(dns::kMaxMessageSize);
  asio::ip::udp::endpoint peer;
  while (!stopped) {
    auto [ec, n] = co_await udp.async_receive_from(asio::buffer(buffer), peer, kTok);
    if (stopped || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
    if (ec) continue;  // e.g. an ICMP error reported for an earlier send
    auto response = respondToQuery(std::span(buffer.data(), n), lookup, true, limits.max_udp_payload);
    if (!response) continue;
    co_await udp.async_send_to(asio::buffer(*response), peer, kTok);  // a failed send is the client's loss
  }
}

Task<void> DnsServer::State::acceptLoop() {
  auto self = shared_from_this();
  while (!stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(kTok);
    if (stopped || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
        SteadyTimer pause(executor, std::chrono::milliseconds(50));
        co_await pause.async_wait(kTok);
      }
      continue;
    }
    if (sweeper.size() >= limits.max_tcp_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    spawn(serveTcp(std::move(socket)));
  }
}

Task<void> DnsServer::State::serveTcp(TcpSocket socket) {
  auto self = shared_from_this();
  WatchedSocket watch;
  watch.socket = &socket;
  sweeper.add(watch);
  struct Unregister {
    DeadlineSweeper& sweeper;
    WatchedSocket& watch;
    ~Unregister() { sweeper.remove(watch); }
  } unregister{sweeper, watch};
  std::vector<std::uint8_t> message;
  std::array<std::uint8_t, 2> length_bytes{};
  while (!stopped) {
    watch.deadline = Clock::now() + limits.tcp_idle_timeout;
    auto [ec, n] = co_await asio::async_read(socket, asio::buffer(length_bytes), kTok);
    if (ec) break;
    const std::size_t length = static_cast<std::size_t>(length_bytes[0]) << 8 | length_bytes[1];
    if (length == 0) break;
    message.resize(length);
    std::tie(ec, n) = co_await asio::async_read(socket, asio::buffer(message), kTok);
    if (ec || stopped) break;
    watch.deadline = Clock::time_point::max();
    const auto response = respondToQuery(message, lookup, false, limits.max_udp_payload);
    if (!response) continue;
    length_bytes = {static_cast<std::uint8_t>(response->size() >> 8),
                    static_cast<std::uint8_t>(response->size() & 0xFF)};
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(length_bytes), asio::buffer(*response)};
    watch.deadline = Clock::now() + limits.tcp_idle_timeout;
    std::tie(ec, n) = co_await asio::async_write(socket, buffers, kTok);
    if (ec) break;
  }
  boost::system::error_code ignored;
  socket.close(ignored);
}

DnsServer::DnsServer(asio::io_context& io, const asio::ip::address& address, std::uint16_t port, DnsLookup lookup,
                     DnsServerLimits limits)
    : state_(std::make_shared<State>(io, std::move(lookup), limits)) {
  auto& acceptor = state_->acceptor;
  auto& udp = state_->udp;
  for (int attempt = 0;; ++attempt) {
    const asio::ip::tcp::endpoint tcp_endpoint(address, port);
    acceptor.open(tcp_endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(tcp_endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    const std::uint16_t bound = acceptor.local_endpoint().port();
    const asio::ip::udp::endpoint udp_endpoint(address, bound);
    boost::system::error_code ec;
    udp.open(udp_endpoint.protocol());
    udp.bind(udp_endpoint, ec);
    if (!ec) {
      state_->port = bound;
      return;
    }
    udp.close();
    acceptor.close();
    // A fixed port must be free for both; an ephemeral one is retried with another port.
    if (port != 0 || attempt + 1 >= kPortAttempts) {
      throw boost::system::system_error(ec, "UDP bind to " + address.to_string() + ":" + std::to_string(bound));
    }
  }
}

DnsServer::~DnsServer() { stop(); }

void DnsServer::start() {
  if (state_->started || state_->stopped) return;
  state_->started = true;
  const auto interval = std::clamp(state_->limits.tcp_idle_timeout / 4, std::chrono::milliseconds(5),
                                   std::chrono::milliseconds(1000));
  state_->sweeper.start(interval, state_);
  state_->spawn(state_->udpLoop());
  state_->spawn(state_->acceptLoop());
}

void DnsServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->udp.close(ignored);
  state_->acceptor.close(ignored);
  state_->sweeper.closeAll();
  state_->sweeper.stop();
}

std::uint16_t DnsServer::port() const { return state_->port; }

}  // namespace accurate::designate_sim
