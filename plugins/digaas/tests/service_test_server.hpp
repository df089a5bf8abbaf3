#pragma once
// An in-process HTTP/1.1 server on 127.0.0.1 (ephemeral port) for the service client's tests: one thread accepts
// connections one at a time (non-blocking accept polled every 5 ms, so stop() is bounded), reads one request,
// asks the handler for a reply and answers with `Connection: close`. A reply with `hang = true` is never sent: the
// connection stays open until stop() (for timeout and cancel tests). Every request is remembered.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace accurate::digaas::test {

/// One received request.
struct ReceivedRequest {
  std::string method;  ///< e.g. "POST"
  std::string target;  ///< path and query
  std::string body;    ///< request body
};

/// What the handler answers.
struct Reply {
  unsigned status = 200;                      ///< HTTP status
  std::string body;                           ///< body
  std::string content_type = "application/json";  ///< Content-Type
  bool hang = false;                          ///< never answer (hold the connection until stop)
};

/// A reply that is never sent.
inline Reply hangReply() {
  Reply reply;
  reply.hang = true;
  return reply;
}

/// The server; starts in the constructor, stops in stop() / the destructor.
class TestServer {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;

  explicit TestServer(Handler handler) : handler_(std::move(handler)), acceptor_(io_) {
    namespace ip = boost::asio::ip;
    const ip::tcp::endpoint endpoint(ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    acceptor_.non_blocking(true);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }
  ~TestServer() { stop(); }

  /// "http://127.0.0.1:<port>".
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Stops accepting, closes held connections and joins the thread.
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  /// Copies of every request received so far.
  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    namespace http = boost::beast::http;
    std::vector<boost::asio::ip::tcp::socket> held;
    while (!stopping_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      socket.non_blocking(false);
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      ReceivedRequest received{std::string(request.method_string()), std::string(request.target()), request.body()};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(received);
      }
      const Reply reply = handler_(received);
      if (reply.hang) {
        held.push_back(std::move(socket));
        continue;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, reply.content_type);
      response.set(http::field::connection, "close");
      response.body() = reply.body;
      response.prepare_payload();
      http::write(socket, response, ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  Handler handler_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace accurate::digaas::test
