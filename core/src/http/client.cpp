#include "http/client.hpp"

#include "http/error_text.hpp"
#include "http/request_writer.hpp"
#include "http/response_parser.hpp"
#include "http/shard_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>
#include <exception>
#include <optional>

namespace accurate::http {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using Clock = std::chrono::steady_clock;

/// Completion token of every I/O step: errors come back as values, never as exceptions.
constexpr auto kTok = asio::as_tuple(asio::use_awaitable);

void onDeadline(Watchdog::Node& node) {
  auto& deadline = static_cast<HttpClientImpl::RequestDeadline&>(node);
  if (deadline.waiter != nullptr) deadline.waiter->cancel();
  if (deadline.conn != nullptr) deadline.conn->close();
}

auto readSome(Connection& conn, char* data, std::size_t size) {
  if (conn.tls) return conn.tls->async_read_some(asio::buffer(data, size), kTok);
  return conn.socket.async_read_some(asio::buffer(data, size), kTok);
}

auto writeAll(Connection& conn) {
  if (conn.tls) return asio::async_write(*conn.tls, asio::buffer(conn.out), kTok);
  return asio::async_write(conn.socket, asio::buffer(conn.out), kTok);
}

std::string malformedText(const boost::system::error_code& ec) {
  if (ec == beast_http::error::body_limit) return "response body larger than the 256 MiB limit";
  if (ec == beast_http::error::header_limit) return "response header larger than the 64 KiB limit";
  return "malformed response: " + ec.message();
}

std::string statusText(unsigned status, const std::vector<unsigned>& expected) {
  if (expected.empty()) return fmt::format("HTTP {}", status);
  return fmt::format("HTTP {} (expected {})", status, fmt::join(expected, ", "));
}

}  // namespace

HttpClientImpl::RequestDeadline::RequestDeadline() { on_expire = &onDeadline; }

HttpClientImpl::HttpClientImpl(ShardHttp& shard, BaseUrl base, sdk::StatsRecorder& recorder)
    : shard_(shard), recorder_(recorder), prefix_(std::move(base.prefix)) {
  base_pool_.origin = std::move(base.origin);
  in_flight_.prev_in_flight = in_flight_.next_in_flight = &in_flight_;
}

HttpClientImpl::~HttpClientImpl() {
  // Requests still listed belong to frames that outlive the client (only after a misuse): orphan them.
  for (InFlightLink* link = in_flight_.next_in_flight; link != &in_flight_;) {
    InFlightLink* next = link->next_in_flight;
    link->prev_in_flight = link->next_in_flight = nullptr;
    link = next;
  }
  in_flight_.prev_in_flight = in_flight_.next_in_flight = nullptr;
  closeIdle(base_pool_);
  for (auto& pool : other_pools_) closeIdle(*pool);
}

void HttpClientImpl::closeConnections() {
  ++generation_;
  closeIdle(base_pool_);
  for (auto& pool : other_pools_) closeIdle(*pool);
}

std::size_t HttpClientImpl::idleCount() const noexcept {
  std::size_t count = base_pool_.idle_count;
  for (const auto& pool : other_pools_) count += pool->idle_count;
  return count;
}

HttpClientImpl::Pool& HttpClientImpl::poolFor(const UrlView& url) {
  if (base_pool_.origin.matches(url)) return base_pool_;
  for (auto& pool : other_pools_) {
    if (pool->origin.matches(url)) return *pool;
  }
  auto pool = std::make_unique<Pool>();
  pool->origin = Origin::fromUrl(url);
  other_pools_.push_back(std::move(pool));
  return *other_pools_.back();
}

std::unique_ptr<Connection> HttpClientImpl::takeIdle(Pool& pool) {
  while (pool.idle != nullptr) {
    std::unique_ptr<Connection> conn(pool.idle);
    pool.idle = conn->next_idle;
    conn->next_idle = nullptr;
    --pool.idle_count;
    if (conn->reusable()) return conn;
  }
  return nullptr;
}

void HttpClientImpl::putIdle(Pool& pool, std::unique_ptr<Connection> conn) {
  if (pool.idle_count >= kMaxIdlePerOrigin) return;  // conn closes here
  conn->next_idle = pool.idle;
  pool.idle = conn.release();
  ++pool.idle_count;
}

void HttpClientImpl::closeIdle(Pool& pool) noexcept {
  while (pool.idle != nullptr) {
    Connection* conn = pool.idle;
    pool.idle = conn->next_idle;
    delete conn;
  }
  pool.idle_count = 0;
}

std::string HttpClientImpl::failureText(const boost::system::error_code& ec, const RequestDeadline& deadline,
                                        const Connection* conn, bool cancelled) {
  if (deadline.abandoned) throw boost::system::system_error(asio::error::operation_aborted);
  if (deadline.expired) {
    if (deadline.connect_limited) return fmt::format("connect timeout after {} ms", deadline.connect_timeout.count());
    if (deadline.stop_capped) return fmt::format("timeout after {} ms (run stopping)", deadline.stop_limit.count());
    return fmt::format("timeout after {} ms", deadline.request_timeout.count());
  }
  if (conn != nullptr && conn->closed_by_shard) return "connection closed at shutdown";
  if (cancelled || ec == asio::error::operation_aborted) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  return transportErrorText(ec);
}

void HttpClientImpl::checkResponse(const sdk::HttpRequest& request, sdk::HttpResponse& response) {
  const auto& expected = request.expected_status;
  const bool status_ok = expected.empty()
                             ? response.status < 400
                             : std::find(expected.begin(), expected.end(), response.status) != expected.end();
  if (!status_ok) {
    response.error = statusText(response.status, expected);
    return;
  }
  if (!request.validate) return;
  try {
      response.error = request.validate(response);
    } catch (const std::exception& e) {
      response.error = std::string("validate threw: ") + e.what();
  } catch (...) {
    response.error = "validate threw an unknown exception";
  }
}

asio::awaitable<sdk::HttpResponse> HttpClientImpl::send(const sdk::HttpRequest& request) {
  // After the hard stop (or when the caller is already cancelled) nothing is sent and nothing is recorded.
  if (stopping_ || (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
    throw boost::system::system_error(asio::error::operation_aborted);
  }
  // Shield the exchange: a cancellation that arrives while the client is stopping is noted in the state but not
  // forwarded to the I/O (DrainFilter), so a request already sent completes and is recorded. The exchange reads
  // every outcome as a value, so the noted cancellation must not make its co_awaits throw.
  const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  co_await asio::this_coro::reset_cancellation_state(asio::enable_terminal_cancellation(), DrainFilter{&stopping_});

  const auto start = Clock::now();
  sdk::HttpResponse response;
  Pool* pool = &base_pool_;
  std::string_view prefix = prefix_;
  std::string_view path = request.target;
  bool valid_target = true;
  if (isAbsoluteUrl(path)) {
    UrlView url;
    if (const char* reason = parseUrl(path, url)) {
      response.error = fmt::format("invalid URL '{}': {}", request.target, reason);
      valid_target = false;
    } else {
      pool = &poolFor(url);
      prefix = {};
      path = url.path;
    }
  }

  RequestDeadline deadline;
  deadline.start = start;
  deadline.request_timeout = request.timeout.value_or(shard_.options().request_timeout);
  deadline.connect_timeout = shard_.options().connect_timeout;
  deadline.request_deadline = start + deadline.request_timeout;
  track(deadline);

  std::unique_ptr<Connection> conn;
  std::optional<BufferPool::Lease> buffer;
  bool reusable = false;  // the connection may carry another request
  std::exception_ptr failure;  // the exchange's exception (cancellation, abandon at stop): rethrown, not recorded
  try {
  if (valid_target) {
    conn = takeIdle(*pool);
    bool need_connect = !conn;
    bool serialised = false;
    bool retried = false;
    for (;;) {
      if (need_connect) {
        if (!conn) conn = std::make_unique<Connection>(shard_, generation_);
        response.error = co_await connect(pool->origin, *conn, deadline);
        if (deadline.abandoned) throw boost::system::system_error(asio::error::operation_aborted);
        if (!response.error.empty()) break;
        need_connect = false;
      }
      if (!serialised) {
        writeRequest(conn->out, request, pool->origin, prefix, path);
        serialised = true;
      }
      const bool reused = conn->exchanges > 0;
      deadline.sending = true;  // from here on a stop lets the request complete instead of abandoning it
      deadline.conn = conn.get();
      deadline.connect_limited = false;
      deadline.at = deadline.request_deadline;
      shard_.watchdog().arm(deadline);

      boost::system::error_code io_ec;     // transport failure
      boost::system::error_code parse_ec;  // the response is malformed
      bool got_bytes = false;              // any response byte arrived
      auto [write_ec, written] = co_await writeAll(*conn);
      (void)written;
      io_ec = write_ec;
      if (!io_ec) {
        if (!buffer) buffer.emplace(shard_.buffers());
        std::optional<ResponseParser> parser;
        parser.emplace(response, request.keep_headers, request.keep_body);
        if (request.method == "HEAD") parser->skip(true);
        std::size_t have = 0;  // bytes in the buffer
        std::size_t used = 0;  // of which the parser consumed
        bool complete = false;
        for (;;) {
          while (used < have) {
            boost::system::error_code ec;
            const std::size_t consumed = parser->put(asio::buffer(buffer->data() + used, have - used), ec);
            used += consumed;
            if (ec == beast_http::error::need_more) break;
            if (ec) {
              parse_ec = ec;
              break;
            }
            if (parser->is_done()) {
              if (response.status < 100 || response.status >= 200 || response.status == 101) {
                complete = true;
                break;
              }
              response.status = 0;  // an interim response (100 Continue...): the real one follows
              response.headers.clear();
              parser.emplace(response, request.keep_headers, request.keep_body);
              if (request.method == "HEAD") parser->skip(true);
            } else if (consumed == 0) {
              break;
            }
          }
          if (parse_ec) break;
          if (complete) {
            reusable = parser->keep_alive() && used == have;
            break;
          }
          std::memmove(buffer->data(), buffer->data() + used, have - used);
          have -= used;
          used = 0;
          if (have == buffer->size()) {  // only a header can fill the buffer: body bytes are consumed
            if (buffer->size() >= 2 * ResponseParser::kMaxHeader) {
              parse_ec = beast_http::error::header_limit;
              break;
            }
            buffer->grow(buffer->size() * 2, have);
          }
          auto [read_ec, n] = co_await readSome(*conn, buffer->data() + have, buffer->size() - have);
          if (read_ec) {
            if (got_bytes && (read_ec == asio::error::eof || read_ec == asio::ssl::error::stream_truncated)) {
              boost::system::error_code eof_ec;
              parser->put_eof(eof_ec);  // completes a body delimited by the end of the connection
              if (!eof_ec) break;
            }
            io_ec = read_ec;
            break;
          }
          got_bytes = true;
          have += n;
        }
      }
      if (!io_ec && !parse_ec) {
        ++conn->exchanges;
        break;
      }
      if (io_ec && !got_bytes && reused && !retried && isPeerClosed(io_ec) && !deadline.expired &&
          !conn->closed_by_shard) {
        // The server closed the idle keep-alive connection before we used it: resend once on a new one (unless
        // the client is stopping: the server never saw this request, so it is abandoned like one not yet sent).
        if (stopping_) throw boost::system::system_error(asio::error::operation_aborted);
        deadline.sending = false;
        auto fresh = std::make_unique<Connection>(shard_, generation_);
        fresh->out.swap(conn->out);
        conn = std::move(fresh);
        need_connect = true;
        retried = true;
        continue;
      }
      response.status = 0;  // no complete response
      if (parse_ec && !deadline.expired && !conn->closed_by_shard) {
        response.error = malformedText(parse_ec);
      } else {
        const bool cancelled = cancelledByCaller(co_await asio::this_coro::cancellation_state);
        response.error = failureText(io_ec ? io_ec : parse_ec, deadline, conn.get(), cancelled);
      }
      break;
    }
  }
  } catch (...) {
    failure = std::current_exception();
  }
  Watchdog::disarm(deadline);
  deadline.unlink();
  deadline.conn = nullptr;
  buffer.reset();
  if (conn) {
    if (!failure && reusable && conn->reusable() && conn->generation == generation_) {
      putIdle(*pool, std::move(conn));
    } else {
      conn.reset();
    }
  }
  // Unshield. A cancellation noted during the exchange stays noted (the shield stays installed, forwarding
  // nothing while the client is stopping), so the caller's next co_await throws; otherwise the default state
  // (terminal cancellation only) returns.
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  if ((co_await asio::this_coro::cancellation_state).cancelled() == asio::cancellation_type::none) {
    co_await asio::this_coro::reset_cancellation_state();
  }
  if (failure) std::rethrow_exception(failure);

  if (response.error.empty()) checkResponse(request, response);
  response.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);

  if (request.record) {
    std::string name_storage;
    std::string_view name = request.name;
    if (name.empty()) {
      if (!valid_target) {
        name = request.target;
      } else if (prefix.empty() && !path.empty() && path.front() == '/') {
        name = path;
      } else {
        appendTarget(name_storage, prefix, path);
        name = name_storage;
      }
    }
    recorder_.record(sdk::Sample{request.method, name, static_cast<std::uint64_t>(response.elapsed.count()),
                                 response.content_length, response.error});
  }
  // Stopped during the exchange: the request is recorded; now the owner's cancellation takes effect.
  if (stopping_) throw boost::system::system_error(asio::error::operation_aborted);
  co_return response;
}

}  // namespace accurate::http
