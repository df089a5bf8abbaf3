#include "carbon_sender.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>
#include <variant>

namespace accurate::graphite {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kBatchBytes = 64 * 1024;

double seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

}  // namespace

/// One TCP connection to Carbon, shared by the writer and the watcher that notices its end.
struct CarbonSender::Connection {
  explicit Connection(asio::io_context& io) : socket(io) {}
  tcp::socket socket;  ///< the connected socket
  bool dead = false;   ///< Carbon closed it or it failed (set by the watcher)
  std::string why;     ///< why it is dead
};

CarbonSender::CarbonSender(SenderSettings settings)
    : settings_(std::move(settings)),
      target_(fmt::format("{}:{}", settings_.host, settings_.port)),
      queue_(settings_.capacity, settings_.resend_window) {
  if (!settings_.log_lines.empty()) {
    log_file_ = std::fopen(settings_.log_lines.c_str(), "a");
    if (log_file_ == nullptr) {
      throw sdk::Error(fmt::format("cannot open {} for writing: {}", settings_.log_lines, std::strerror(errno)));
    }
  }
  asio::co_spawn(io_, run(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

CarbonSender::~CarbonSender() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
  if (log_file_ != nullptr) std::fclose(log_file_);
}

void CarbonSender::enqueue(std::vector<std::string> lines) {
  if (lines.empty()) return;
  std::size_t dropped = 0;
  bool first_drop = false;
  {
    std::lock_guard lock(mutex_);
    dropped = queue_.push(std::move(lines));
    if (dropped > 0) {
      first_drop = episode_dropped_ == 0;
      episode_dropped_ += dropped;
      status_.dropped += dropped;
    }
  }
  if (first_drop) {
    spdlog::warn("graphite: queue full ({} lines) while {} is not taking them: dropping the oldest lines",
                 queue_.capacity(), target_);
  }
  wake();
}

void CarbonSender::wake() {
  asio::post(io_, [this] { wake_.cancel(); });
}

bool CarbonSender::waitDrained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return drained_.wait_for(lock, timeout, [this] { return queue_.empty() && in_flight_ == 0; });
}

SenderStatus CarbonSender::status() const {
  std::lock_guard lock(mutex_);
  SenderStatus copy = status_;
  copy.queued = queue_.size() + in_flight_;
  return copy;
}

asio::awaitable<std::string> CarbonSender::connect(tcp::socket& socket) {
  auto attempt = [this, &socket]() -> asio::awaitable<std::string> {
    tcp::resolver resolver(io_);
    auto [resolve_error, endpoints] = co_await resolver.async_resolve(settings_.host, std::to_string(settings_.port),
                                                                      tcp::resolver::numeric_service, kTuple);
    if (resolve_error) co_return fmt::format("resolving {}: {}", settings_.host, resolve_error.message());
    auto [connect_error, endpoint] = co_await asio::async_connect(socket, endpoints, kTuple);
    (void)endpoint;
    if (connect_error) co_return fmt::format("connect: {}", connect_error.message());
    co_return std::string();
  };
  asio::steady_timer timer(io_, settings_.connect_timeout);
  auto outcome = co_await (attempt() || timer.async_wait(kTuple));
  if (outcome.index() == 1) co_return fmt::format("connect: timed out after {} s", seconds(settings_.connect_timeout));
  co_return std::get<0>(std::move(outcome));
}

asio::awaitable<void> CarbonSender::watch(std::shared_ptr<Connection> connection, asio::steady_timer& wake) {
  // Carbon never sends anything: a read completes only when the connection ends.
  std::array<char, 256> buffer{};
  for (;;) {
    auto [error, n] = co_await connection->socket.async_read_some(asio::buffer(buffer), kTuple);
    if (error) {
      if (!connection->dead) {
        connection->dead = true;
        connection->why = error == asio::error::eof ? std::string("closed by Carbon") : error.message();
      }
      wake.cancel();
      co_return;
    }
    (void)n;
  }
}

void CarbonSender::logWritten(const LineBatch& batch) {
  if (log_file_ == nullptr) return;
  for (const QueuedLine& line : batch.lines) {
    if (!line.resend) std::fwrite(line.text.data(), 1, line.text.size(), log_file_);
  }
  std::fflush(log_file_);
}

asio::awaitable<std::string> CarbonSender::writeLoop(std::shared_ptr<Connection> connection) {
  for (;;) {
    if (connection->dead) co_return connection->why;
    LineBatch batch;
    {
      std::lock_guard lock(mutex_);
      batch = queue_.take(kBatchBytes);
      in_flight_ = batch.lines.size();
    }
    if (batch.lines.empty()) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(kTuple);
      continue;
    }
    asio::steady_timer timer(io_, settings_.write_timeout);
    auto outcome = co_await (asio::async_write(connection->socket, asio::buffer(batch.text), kTuple) ||
                             timer.async_wait(kTuple));
    std::string error;
    if (outcome.index() == 1) {
      error = fmt::format("write timed out after {} s", seconds(settings_.write_timeout));
    } else if (auto [write_error, n] = std::get<0>(outcome); write_error) {
      error = connection->dead ? connection->why : write_error.message();
    }
    if (error.empty() && connection->dead) error = connection->why;  // may have died while the write completed
    if (!error.empty()) {
      std::lock_guard lock(mutex_);
      const std::size_t dropped = queue_.putBack(std::move(batch));
      status_.dropped += dropped;
      episode_dropped_ += dropped;
      in_flight_ = 0;
      co_return error;
    }
    logWritten(batch);
    std::uint64_t episode = 0;
    {
      std::lock_guard lock(mutex_);
      for (const QueuedLine& line : batch.lines) ++(line.resend ? status_.resent : status_.written);
      queue_.markWritten(std::move(batch), LineQueue::Clock::now());
      in_flight_ = 0;
      std::swap(episode, episode_dropped_);
      if (queue_.empty()) drained_.notify_all();
    }
    if (episode > 0) {
      spdlog::warn("graphite: dropped {} lines (the oldest) while the queue to {} was full", episode, target_);
    }
  }
}

asio::awaitable<void> CarbonSender::run() {
  auto backoff = settings_.backoff_min;
  int failures = 0;  // failed connects since the last connection (or the start)
  auto outage_began = std::chrono::steady_clock::now();
  for (;;) {
    auto connection = std::make_shared<Connection>(io_);
    std::string error = co_await connect(connection->socket);
    if (!error.empty()) {
      {
        std::lock_guard lock(mutex_);
        status_.last_error = error;
      }
      if (failures++ == 0) {
        spdlog::warn("graphite: cannot reach Carbon at {} ({}); retrying every {}-{} s, lines wait in the queue "
                     "(at most {})", target_, error, seconds(settings_.backoff_min), seconds(settings_.backoff_max),
                     queue_.capacity());
      }
      asio::steady_timer timer(io_, backoff);
      co_await timer.async_wait(kTuple);
      backoff = std::min(backoff * 2, settings_.backoff_max);
      continue;
    }
    boost::system::error_code ignored;
    connection->socket.set_option(tcp::no_delay(true), ignored);
    std::uint64_t connections = 0;
    {
      std::lock_guard lock(mutex_);
      status_.connected = true;
      connections = ++status_.connections;
    }
    if (connections == 1 && failures == 0) {
      spdlog::info("graphite: sending metrics to {}", target_);
    } else {
      const double down = std::chrono::duration<double>(std::chrono::steady_clock::now() - outage_began).count();
      spdlog::info("graphite: connected to {} after {:.1f} s without a connection ({} failed attempts)", target_,
                   down, failures);
    }
    failures = 0;
    backoff = settings_.backoff_min;
    asio::co_spawn(io_, watch(connection, wake_), asio::detached);
    error = co_await writeLoop(connection);
    connection->dead = true;
    connection->socket.close(ignored);
    outage_began = std::chrono::steady_clock::now();
    std::size_t requeued = 0;
    std::size_t queued = 0;
    {
      std::lock_guard lock(mutex_);
      status_.connected = false;
      status_.last_error = error;
      requeued = queue_.requeueRecent(outage_began);
      queued = queue_.size();
    }
    spdlog::warn("graphite: connection to {} lost ({}); reconnecting ({} lines queued, {} of them written in the "
                 "last {} s and sent again)", target_, error, queued, requeued, seconds(settings_.resend_window));
  }
}

}  // namespace accurate::graphite
