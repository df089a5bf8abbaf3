#pragma once
/// @file net_test_util.hpp
/// Helpers of the transport tests: an io_context on a background thread, and blocking POSIX client sockets whose
/// every receive gives up after a timeout (so no test can hang).

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace accurate::designate_sim::test {

/// Runs an io_context on its own thread until destroyed.
class IoThread {
 public:
  IoThread() : guard_(io.get_executor()), thread_([this] { io.run(); }) {}
  ~IoThread() {
    guard_.reset();
    io.stop();
    thread_.join();
  }
  /// Runs @p fn on the io thread and waits for it (at most 5 s).
  template <class Fn>
  auto call(Fn fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::move(fn));
    auto result = task.get_future();
    boost::asio::post(io, [&task] { task(); });
    if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      throw std::runtime_error("io thread did not run the call within 5 s");
    }
    return result.get();
  }

  boost::asio::io_context io;  ///< the context under test

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;  ///< keeps run() going
  std::thread thread_;                                                            ///< runs io
};

/// A blocking client socket (TCP or UDP) on 127.0.0.1 with receive and send timeouts.
class ClientSocket {
 public:
  ClientSocket(int type, std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    fd_ = ::socket(AF_INET, type, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    setTimeout(timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect() to 127.0.0.1:" + std::to_string(port) + " failed");
    }
  }
  ~ClientSocket() { close(); }
  ClientSocket(const ClientSocket&) = delete;
  ClientSocket& operator=(const ClientSocket&) = delete;

  void setTimeout(std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  /// Sends all of @p data; false on error.
  bool send(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::send(fd_, p, size, MSG_NOSIGNAL);
      if (n <= 0) return false;
      p += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }
  bool send(const std::string& text) { return send(text.data(), text.size()); }
  /// One receive: bytes (empty on EOF), nullopt on error or timeout.
  std::optional<std::string> receiveSome(std::size_t max = 65536) {
    std::string out(max, '\0');
    const ssize_t n = ::recv(fd_, out.data(), max, 0);
    if (n < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(n));
    return out;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;  ///< the socket
};

/// A parsed HTTP response read by readResponse().
struct Response {
  unsigned status = 0;                                      ///< status code
  std::vector<std::pair<std::string, std::string>> headers; ///< fields as received
  std::string body;                                         ///< body (by Content-Length)
  /// Value of the first field named @p name (exact case), or "".
  std::string header(const std::string& name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return "";
  }
  bool has(const std::string& name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return true;
    }
    return false;
  }
};

/// Reads one response (header + Content-Length body) from @p socket; @p pending keeps bytes of the next one.
/// Returns nullopt on timeout, error or EOF before a complete response.
inline std::optional<Response> readResponse(ClientSocket& socket, std::string& pending) {
  for (int reads = 0; reads < 10000; ++reads) {
    const auto end = pending.find("\r\n\r\n");
    if (end != std::string::npos) {
      Response response;
      const std::string head = pending.substr(0, end);
      std::size_t line_end = head.find("\r\n");
      const std::string status_line = head.substr(0, line_end);
      if (status_line.size() < 12) return std::nullopt;
      response.status = static_cast<unsigned>(std::stoul(status_line.substr(9, 3)));
      std::size_t length = 0;
      while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::size_t count = line_end == std::string::npos ? std::string::npos : line_end - start;
        const std::string line = head.substr(start, count);
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(value.begin());
        response.headers.emplace_back(line.substr(0, colon), value);
        if (line.substr(0, colon) == "Content-Length") length = std::stoul(value);
      }
      if (pending.size() >= end + 4 + length) {
        response.body = pending.substr(end + 4, length);
        pending.erase(0, end + 4 + length);
        return response;
      }
    }
    auto more = socket.receiveSome();
    if (!more || more->empty()) return std::nullopt;
    pending += *more;
  }
  return std::nullopt;
}

/// Reads until EOF; true when EOF (or a reset) came before the timeout. Discards the bytes.
inline bool waitForClose(ClientSocket& socket) {
  for (int reads = 0; reads < 100000; ++reads) {
    errno = 0;
    auto more = socket.receiveSome();
    if (more && more->empty()) return true;
    if (!more) return errno == ECONNRESET;
  }
  return false;
}

}  // namespace accurate::designate_sim::test
