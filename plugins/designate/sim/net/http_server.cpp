#include "net/http_server.hpp"

#include "net/deadline_sweeper.hpp"
#include "net/request_parser.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <exception>
#include <string>
#include <string_view>
#include <utility>

namespace accurate::designate_sim {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;
template <class T = void>
using Task = asio::awaitable<T, Executor>;

/// Completion token of every I/O step: errors come back as values, never as exceptions.
constexpr auto kTok = asio::as_tuple(asio::use_awaitable_t<Executor>{});

/// Bytes asked of the kernel per read.
constexpr std::size_t kReadSize = 4096;
/// How long a connection that got an error answer may keep sending before it is closed.
constexpr std::chrono::milliseconds kLingerTime{2000};
/// Pause before accepting again after the process ran out of descriptors or memory.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

constexpr std::string_view kRejectResponse =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 37\r\n"
    "Connection: close\r\n\r\ndesignate-sim: too many connections\r\n";
static_assert(std::string_view("designate-sim: too many connections\r\n").size() == 37);

/// How reading a request ended.
enum class ReadOutcome { kRequest, kClosed, kBadRequest, kHeaderTooLarge, kBodyTooLarge };

/// One client connection: everything reused from one request to the next.
struct Connection {
  Connection(TcpSocket&& s, DeadlineSweeper& sw)
      : socket(std::move(s)), delay_timer(socket.get_executor()), sweeper(sw) {
    watch.socket = &socket;
    watch.timer = &delay_timer;
    sweeper.add(watch);
  }
  ~Connection() { sweeper.remove(watch); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void expectPeerWithin(std::chrono::milliseconds timeout) { watch.deadline = Clock::now() + timeout; }
  void noDeadline() { watch.deadline = Clock::time_point::max(); }

  TcpSocket socket;                   ///< the client's socket
  SteadyTimer delay_timer;            ///< waits out SimResponse::delay
  DeadlineSweeper& sweeper;           ///< closes the socket at watch.deadline
  WatchedSocket watch;                ///< this connection's entry in the sweeper
  boost::beast::flat_buffer buffer;   ///< received bytes not parsed yet
  SimRequest request;                 ///< the current request (strings reused)
  std::string head;                   ///< serialised status line and header fields
};

void appendNumber(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

/// True for a header field the server writes itself.
bool ownedByServer(std::string_view name) {
  return boost::beast::iequals(name, "content-length") || boost::beast::iequals(name, "connection") ||
         boost::beast::iequals(name, "transfer-encoding");
}

/// Serialises the status line and fields of @p response into @p head. Returns whether a body follows.
bool serializeHead(std::string& head, const SimResponse& response, bool keep_alive, bool http10, bool head_request) {
  unsigned status = response.status;
  if (status < 100 || status > 999) status = 500;
  head.clear();
  head.append("HTTP/1.1 ");
  appendNumber(head, status);
  head.push_back(' ');
  const auto reason = beast_http::obsolete_reason(beast_http::int_to_status(status));
  if (reason.front() == '<') {
    head.append("Unknown");
  } else {
    head.append(reason.data(), reason.size());
  }
  head.append("\r\n");
  for (const auto& [name, value] : response.headers) {
    // A CR or LF would let a value start a new field or end the header: such fields are dropped.
    if (name.empty() || ownedByServer(name) || name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    head.append(name).append(": ").append(value).append("\r\n");
  }
  const bool bodyless_status = status < 200 || status == 204 || status == 304;
  if (!bodyless_status) {
    head.append("Content-Length: ");
    appendNumber(head, response.body.size());
    head.append("\r\n");
  }
  if (!keep_alive) {
    head.append("Connection: close\r\n");
  } else if (http10) {
    head.append("Connection: keep-alive\r\n");
  }
  head.append("\r\n");
  return !bodyless_status && !head_request && !response.body.empty();
}

ReadOutcome classify(const boost::system::error_code& ec) {
  if (ec == beast_http::error::header_limit) return ReadOutcome::kHeaderTooLarge;
  if (ec == beast_http::error::body_limit) return ReadOutcome::kBodyTooLarge;
  return ReadOutcome::kBadRequest;
}

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, HttpHandler h, HttpServerLimits l)
      : executor(io.get_executor()), acceptor(executor), accept_timer(executor), sweeper(executor),
        handler(std::move(h)), limits(l) {}

  Task<void> acceptLoop();
  Task<void> serve(TcpSocket socket);
  Task<ReadOutcome> readRequest(Connection& c, RequestParser& parser);
  Task<void> answerErrorAndClose(Connection& c, ReadOutcome outcome);
  SimResponse callHandler(const SimRequest& request);
  void reject(TcpSocket& socket);
  void spawn(Task<void> task);

  Executor executor;                   ///< the io_context's executor
  TcpAcceptor acceptor;                ///< the listening socket
  SteadyTimer accept_timer;            ///< backoff after accept failures
  DeadlineSweeper sweeper;             ///< open connections and their deadlines
  HttpHandler handler;                 ///< answers requests
  HttpServerLimits limits;             ///< sizes, timeout, connection cap
  asio::ip::tcp::endpoint local;       ///< bound endpoint
  std::size_t starting = 0;            ///< accepted connections whose coroutine has not started yet
  bool started = false;                ///< start() was called
  bool stopped = false;                ///< stop() was called
};

void HttpServer::State::spawn(Task<void> task) {
  asio::co_spawn(executor, std::move(task), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("designate-sim: HTTP connection failed: {}", e.what());
    } catch (...) {
      spdlog::error("designate-sim: HTTP connection failed with an unknown exception");
    }
  });
}

Task<void> HttpServer::State::acceptLoop() {
  auto self = shared_from_this();
  while (!stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(kTok);
    if (stopped || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory ||
          ec.value() == ENFILE) {
        spdlog::warn("designate-sim: HTTP accept failed: {} (retrying)", ec.message());
        accept_timer.expires_after(kAcceptBackoff);
        auto [wait_ec] = co_await accept_timer.async_wait(kTok);
        if (wait_ec) co_return;
      }
      continue;
    }
    if (sweeper.size() + starting >= limits.max_connections) {
      reject(socket);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    ++starting;
    spawn(serve(std::move(socket)));
  }
}

void HttpServer::State::reject(TcpSocket& socket) {
  // A fresh socket's send buffer is empty, so the short answer goes out without waiting.
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kRejectResponse), ignored);
  socket.shutdown(asio::socket_base::shutdown_send, ignored);
  socket.close(ignored);
}

SimResponse HttpServer::State::callHandler(const SimRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    SimResponse response;
    response.status = 500;
    response.headers.emplace_back("Content-Type", "text/plain");
    response.body = std::string("designate-sim: internal error: ") + e.what() + "\n";
    return response;
  } catch (...) {
    SimResponse response;
    response.status = 500;
    response.headers.emplace_back("Content-Type", "text/plain");
    response.body = "designate-sim: internal error\n";
    return response;
  }
}

Task<ReadOutcome> HttpServer::State::readRequest(Connection& c, RequestParser& parser) {
  bool continue_sent = false;
  for (;;) {
    if (c.buffer.size() != 0) {
      boost::system::error_code ec;
      const std::size_t used = parser.put(c.buffer.data(), ec);
      c.buffer.consume(used);
      if (ec == beast_http::error::need_more) {
        ec = {};
      } else if (ec) {
        co_return classify(ec);
      } else if (parser.is_done()) {
        co_return ReadOutcome::kRequest;
      } else if (used != 0 && c.buffer.size() != 0) {
        continue;
      }
    }
    if (parser.is_header_done() && parser.expectsContinue() && !continue_sent) {
      continue_sent = true;
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [ec, n] = co_await asio::async_write(c.socket, asio::buffer(kContinue), kTok);
      if (ec) co_return ReadOutcome::kClosed;
    }
    auto [ec, n] = co_await c.socket.async_read_some(c.buffer.prepare(kReadSize), kTok);
    if (ec) co_return ReadOutcome::kClosed;  // EOF, reset, or closed by the sweeper / stop()
    c.buffer.commit(n);
  }
}

Task<void> HttpServer::State::answerErrorAndClose(Connection& c, ReadOutcome outcome) {
  SimResponse response;
  response.headers.emplace_back("Content-Type", "text/plain");
  switch (outcome) {
    case ReadOutcome::kBodyTooLarge:
      response.status = 413;
      response.body = "designate-sim: request body larger than " + std::to_string(limits.max_body_bytes) + " bytes\n";
      break;
    case ReadOutcome::kHeaderTooLarge:
      response.status = 431;
      response.body =
          "designate-sim: request header larger than " + std::to_string(limits.max_header_bytes) + " bytes\n";
      break;
    default:
      response.status = 400;
      response.body = "designate-sim: malformed HTTP request\n";
      break;
  }
  serializeHead(c.head, response, false, false, false);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(c.head), asio::buffer(response.body)};
  c.expectPeerWithin(std::min(limits.idle_timeout, kLingerTime));
  auto [ec, n] = co_await asio::async_write(c.socket, buffers, kTok);
  if (ec) co_return;
  boost::system::error_code ignored;
  c.socket.shutdown(asio::socket_base::shutdown_send, ignored);
  // Drain what the client still sends (until EOF or the deadline), so it reads the answer instead of a reset.
  for (;;) {
    c.buffer.clear();
    auto [read_ec, read_n] = co_await c.socket.async_read_some(c.buffer.prepare(kReadSize), kTok);
    if (read_ec) co_return;
  }
}

Task<void> HttpServer::State::serve(TcpSocket socket) {
  auto self = shared_from_this();
  Connection c(std::move(socket), sweeper);
  --starting;
  while (!stopped) {
    RequestParser parser(c.request, limits.max_header_bytes, limits.max_body_bytes);
    c.expectPeerWithin(limits.idle_timeout);
    const ReadOutcome outcome = co_await readRequest(c, parser);
    if (outcome == ReadOutcome::kClosed || stopped) break;
    if (outcome != ReadOutcome::kRequest) {
      co_await answerErrorAndClose(c, outcome);
      break;
    }
    c.noDeadline();
    SimResponse response = callHandler(c.request);
    if (response.delay.count() > 0) {
      c.delay_timer.expires_after(response.delay);
      auto [ec] = co_await c.delay_timer.async_wait(kTok);
      if (ec || stopped || !c.socket.is_open()) break;
    }
    const bool keep_alive = parser.keep_alive();
    const bool with_body = serializeHead(c.head, response, keep_alive, parser.version() < 11,
                                         c.request.method == "HEAD");
    c.expectPeerWithin(limits.idle_timeout);
    boost::system::error_code ec;
    if (with_body) {
      const std::array<asio::const_buffer, 2> buffers{asio::buffer(c.head), asio::buffer(response.body)};
      std::tie(ec, std::ignore) = co_await asio::async_write(c.socket, buffers, kTok);
    } else {
      std::tie(ec, std::ignore) = co_await asio::async_write(c.socket, asio::buffer(c.head), kTok);
    }
    if (ec) break;
    if (!keep_alive) {
      boost::system::error_code ignored;
      c.socket.shutdown(asio::socket_base::shutdown_send, ignored);
      break;
    }
  }
  boost::system::error_code ignored;
  c.socket.close(ignored);
}

HttpServer::HttpServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, HttpHandler handler,
                       HttpServerLimits limits)
    : state_(std::make_shared<State>(io, std::move(handler), limits)) {
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  state_->local = acceptor.local_endpoint();
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  if (state_->started || state_->stopped) return;
  state_->started = true;
  const auto interval = std::clamp(state_->limits.idle_timeout / 4, std::chrono::milliseconds(5),
                                   std::chrono::milliseconds(1000));
  state_->sweeper.start(interval, state_);
  state_->spawn(state_->acceptLoop());
}

void HttpServer::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
  state_->accept_timer.cancel();
  state_->sweeper.closeAll();
  state_->sweeper.stop();
}

asio::ip::tcp::endpoint HttpServer::localEndpoint() const { return state_->local; }

std::size_t HttpServer::connectionCount() const { return state_->sweeper.size(); }

}  // namespace accurate::designate_sim
