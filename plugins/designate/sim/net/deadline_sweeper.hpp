#pragma once
/// @file deadline_sweeper.hpp
/// Idle and I/O timeouts of the simulator's TCP connections: each connection sets a deadline before it waits for
/// its peer, and one periodic timer closes the sockets whose deadline has passed (cheaper than a timer raced
/// against every read). The sweeper also keeps the list of open connections, so a server can count and close them.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <memory>

namespace accurate::designate_sim {

/// The executor every simulator socket and coroutine uses (the io_context's concrete type: no indirection).
using Executor = boost::asio::io_context::executor_type;
/// A TCP socket on that executor.
using TcpSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
/// A TCP acceptor on that executor.
using TcpAcceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
/// A steady timer on that executor.
using SteadyTimer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                      boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;

/// One watched connection. Owned by the connection's coroutine; registered with a sweeper while it lives.
struct WatchedSocket {
  using Clock = std::chrono::steady_clock;
  TcpSocket* socket = nullptr;                    ///< closed when the deadline passes or on closeAll()
  SteadyTimer* timer = nullptr;                   ///< optional timer cancelled by closeAll() (e.g. a send delay)
  Clock::time_point deadline = Clock::time_point::max();  ///< when to give up on the peer (max = never)
  WatchedSocket* prev = nullptr;                  ///< previous in the sweeper's list
  WatchedSocket* next = nullptr;                  ///< next in the sweeper's list
};

/// Closes watched sockets whose deadline passed, checked every `interval`. Threading: the io_context's thread only.
class DeadlineSweeper {
 public:
  /// A sweeper whose timer runs on @p executor.
  explicit DeadlineSweeper(Executor executor);
  ~DeadlineSweeper();
  DeadlineSweeper(const DeadlineSweeper&) = delete;
  DeadlineSweeper& operator=(const DeadlineSweeper&) = delete;

  /// Registers @p entry (not owned; it must call remove() before it is destroyed).
  void add(WatchedSocket& entry) noexcept;
  /// Unregisters @p entry; a no-op when it is not registered.
  void remove(WatchedSocket& entry) noexcept;
  /// Number of registered entries (open connections).
  std::size_t size() const noexcept { return count_; }
  /// Closes every registered socket and cancels their timers (their coroutines then end). Never throws.
  void closeAll() noexcept;

  /// Starts checking every @p interval. @p keep_alive (the owner of this sweeper) is held by the pending timer
  /// wait, so the sweeper outlives it; stop() releases it.
  void start(std::chrono::milliseconds interval, std::shared_ptr<void> keep_alive);
  /// Stops checking (the pending wait completes with operation_aborted).
  void stop() noexcept;

 private:
  void arm(std::shared_ptr<void> keep_alive);
  void sweep() noexcept;

  SteadyTimer timer_;                      ///< the periodic check
  std::chrono::milliseconds interval_{0};  ///< time between checks
  WatchedSocket head_;                     ///< sentinel of the circular list
  std::size_t count_ = 0;                  ///< registered entries
  bool running_ = false;                   ///< between start() and stop()
};

}  // namespace accurate::designate_sim
