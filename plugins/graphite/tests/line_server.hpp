#pragma once
// A TCP server on 127.0.0.1 (ephemeral port) for the sender tests: accepts connections one at a time on its own
// thread, keeps every byte received, and can close each of the first N connections right after its first read
// (Carbon restarting). Every wait is bounded.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace accurate::graphite::test {

class LineServer {
 public:
  /// @p close_first: how many connections are closed by the server @p close_delay after their first read.
  explicit LineServer(int close_first = 0, std::chrono::milliseconds close_delay = std::chrono::milliseconds(0))
      : close_first_(close_first), close_delay_(close_delay) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 8) != 0) {
      throw std::runtime_error("LineServer: cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~LineServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  std::uint16_t port() const { return port_; }
  /// Everything received so far, over all connections.
  std::string received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  /// Connections accepted so far.
  int accepted() const { return accepted_; }
  /// Polls @p predicate (on received()) every 10 ms until true or @p timeout passes.
  bool waitFor(const std::function<bool(const std::string&)>& predicate, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (predicate(received())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return predicate(received());
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      const bool close_early = accepted_++ < close_first_;
      while (!stop_) {
        pollfd c{fd, POLLIN, 0};
        if (::poll(&c, 1, 20) <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        {
          std::lock_guard lock(mutex_);
          received_.append(buffer, static_cast<std::size_t>(n));
        }
        if (close_early) {
          std::this_thread::sleep_for(close_delay_);
          break;
        }
      }
      ::close(fd);
    }
  }

  int close_first_;                 // connections closed after their first read
  std::chrono::milliseconds close_delay_;  // wait between that read and the close
  int listen_fd_ = -1;              // listening socket
  std::uint16_t port_ = 0;          // its port
  std::atomic<bool> stop_{false};   // ends serve()
  std::atomic<int> accepted_{0};    // connections accepted
  mutable std::mutex mutex_;        // guards received_
  std::string received_;            // bytes received
  std::thread thread_;              // runs serve()
};

/// A 127.0.0.1 port with nothing listening (bound, then closed).
inline std::uint16_t closedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace accurate::graphite::test
