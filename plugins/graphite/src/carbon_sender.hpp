#pragma once
/// @file carbon_sender.hpp
/// Sends Carbon plaintext lines over TCP from a thread of its own: bounded queue (oldest dropped when full),
/// connect with backoff (0.1 s doubling to 5 s), reconnect on any error, re-send of the last seconds' lines after
/// a reconnect. enqueue() never blocks beyond a short lock.

#include "line_queue.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace accurate::graphite {

/// Where and how to send.
struct SenderSettings {
  std::string host = "127.0.0.1";                  ///< Carbon host name or IP address
  std::uint16_t port = 2003;                       ///< Carbon plaintext port
  std::size_t capacity = 100000;                   ///< most queued lines
  std::chrono::milliseconds connect_timeout{3000}; ///< one resolve + connect attempt
  std::chrono::milliseconds write_timeout{10000};  ///< one batch write; beyond it the connection is dropped
  std::chrono::milliseconds backoff_min{100};      ///< first wait after a failed connect
  std::chrono::milliseconds backoff_max{5000};     ///< longest wait between connects (doubling from backoff_min)
  std::chrono::milliseconds resend_window{10000};  ///< lines written this long before a lost connection are re-sent
  std::string log_lines;                           ///< file that receives each line when first written; "" = none
};

/// Counters of a sender (a consistent copy).
struct SenderStatus {
  std::size_t queued = 0;          ///< lines not yet written (queued or in the batch being written)
  std::uint64_t written = 0;       ///< lines written to Carbon for the first time
  std::uint64_t resent = 0;        ///< repeats written after reconnects
  std::uint64_t dropped = 0;       ///< lines dropped because the queue was full
  std::uint64_t connections = 0;   ///< successful connects
  bool connected = false;          ///< a connection is up now
  std::string last_error;          ///< the latest connect/write error ("" when none yet)
};

/// The sender. Threading: enqueue(), waitDrained() and status() may be called from any thread; all network I/O
/// happens on the sender's own io_context thread.
class CarbonSender {
 public:
  /// Starts the sender thread. Throws sdk::Error when settings.log_lines cannot be opened for writing.
  explicit CarbonSender(SenderSettings settings);
  /// Stops the thread; lines still queued are discarded (call waitDrained() first to send them).
  ~CarbonSender();
  CarbonSender(const CarbonSender&) = delete;
  CarbonSender& operator=(const CarbonSender&) = delete;

  /// Queues @p lines (each ending in '\n'). Drops the oldest queued lines when over capacity: the first drop of
  /// an episode logs one warning, the episode's count is logged once lines flow again.
  void enqueue(std::vector<std::string> lines);
  /// Waits until every queued line has been written, at most @p timeout. Returns true when nothing is left.
  bool waitDrained(std::chrono::milliseconds timeout);
  /// The counters now.
  SenderStatus status() const;
  /// Most queued lines.
  std::size_t capacity() const noexcept { return settings_.capacity; }
  /// "host:port" for messages.
  const std::string& target() const noexcept { return target_; }

 private:
  struct Connection;
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<std::string> connect(boost::asio::ip::tcp::socket& socket);
  boost::asio::awaitable<std::string> writeLoop(std::shared_ptr<Connection> connection);
  static boost::asio::awaitable<void> watch(std::shared_ptr<Connection> connection, boost::asio::steady_timer& wake);
  void logWritten(const LineBatch& batch);
  void wake();

  SenderSettings settings_;                 ///< as given
  std::string target_;                      ///< "host:port"
  std::FILE* log_file_ = nullptr;           ///< settings_.log_lines opened for appending (sender thread only)
  boost::asio::io_context io_;              ///< the sender thread's context (declared before what uses it)
  boost::asio::steady_timer wake_{io_};     ///< the idle writer waits on it; cancelled by enqueue()
  mutable std::mutex mutex_;                ///< guards everything below
  std::condition_variable drained_;         ///< notified when the queue becomes empty
  LineQueue queue_;                         ///< lines waiting (guarded)
  std::size_t in_flight_ = 0;               ///< lines of the batch being written (guarded)
  SenderStatus status_;                     ///< counters (guarded; queued is computed)
  std::uint64_t episode_dropped_ = 0;       ///< drops since the current full-queue episode began (guarded)
  std::thread thread_;                      ///< runs io_ (started last)
};

}  // namespace accurate::graphite
