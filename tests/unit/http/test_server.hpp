#pragma once
// A small HTTP/1.1 test server on 127.0.0.1 (ephemeral port, own thread) with deliberately bad behaviours.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace accurate::http::test {

/// A request as the server received it.
struct ServerRequest {
  std::string method;  ///< e.g. "GET"
  std::string target;  ///< request target as sent
  std::string head;    ///< request line and header fields, raw
  std::string body;    ///< body (Content-Length delimited)
};

/// How the server treats each accepted connection.
enum class Behaviour {
  kRespond,  ///< answer every request with respond(request)
  kReset,    ///< read one request, then reset the connection (SO_LINGER 0)
  kStall,    ///< read requests, never answer
  kGarbage,  ///< read one request, answer bytes that are not HTTP
};

/// Raw response bytes for a request.
using Responder = std::function<std::string(const ServerRequest&)>;

/// A fixed response with @p body (Content-Length) and optional extra header lines ("Name: value\r\n").
std::string fixedResponse(const std::string& body, unsigned status = 200, const std::string& extra_headers = "");

/// Self-signed certificate and key (PEM) for `localhost`, generated with the OpenSSL API.
struct TestCertificate {
  std::string cert_pem;  ///< certificate, PEM
  std::string key_pem;   ///< private key, PEM
};
/// Generates a fresh self-signed certificate valid for DNS name localhost.
TestCertificate makeSelfSignedCertificate();

/// The server. Threading: configure before start(); counters may be read from any thread.
class TestServer {
 public:
  struct Options {
    Behaviour behaviour = Behaviour::kRespond;  ///< what to do with connections
    Responder respond{};                        ///< response for kRespond (default: 200 "ok")
    int close_after = 0;                        ///< kRespond: close silently after this many responses (0: never)
    std::chrono::milliseconds delay{0};         ///< kRespond: wait this long before each response
    const TestCertificate* tls = nullptr;       ///< serve HTTPS with this certificate
  };

  explicit TestServer(Options options);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  /// The listening port on 127.0.0.1.
  std::uint16_t port() const { return port_; }
  /// "http://127.0.0.1:<port>" (or https).
  std::string url() const;
  /// Connections accepted so far.
  int accepted() const { return accepted_.load(); }
  /// Requests read so far.
  int requests() const { return requests_.load(); }
  /// Copies of the requests read so far.
  std::vector<ServerRequest> received() const;

 private:
  friend struct ServerSession;
  void record(const ServerRequest& request);

  Options options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;  // before io_: sessions die with io_
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<ServerRequest> received_;
  std::thread thread_;
};

}  // namespace accurate::http::test
