#include "test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace accurate::http::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto kTok = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

template <typename Stream>
asio::awaitable<bool> readRequest(Stream& stream, std::string& buffer, ServerRequest& out) {
  auto [ec, n] = co_await asio::async_read_until(stream, asio::dynamic_buffer(buffer), "\r\n\r\n", kTok);
  if (ec) co_return false;
  out.head = buffer.substr(0, n);
  buffer.erase(0, n);
  const auto space1 = out.head.find(' ');
  const auto space2 = out.head.find(' ', space1 + 1);
  out.method = out.head.substr(0, space1);
  out.target = out.head.substr(space1 + 1, space2 - space1 - 1);
  std::size_t length = 0;
  const std::string head = lower(out.head);
  if (const auto at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    length = std::stoul(head.substr(at + 17));
  }
  if (buffer.size() < length) {
    auto [body_ec, m] = co_await asio::async_read(stream, asio::dynamic_buffer(buffer),
                                                   asio::transfer_exactly(length - buffer.size()), kTok);
    (void)m;
    if (body_ec) co_return false;
  }
  out.body = buffer.substr(0, length);
  buffer.erase(0, length);
  co_return true;
}

}  // namespace

struct ServerSession {
  template <typename Stream>
  static asio::awaitable<void> serve(TestServer* server, Stream& stream, tcp::socket& raw) {
    const auto& options = server->options_;
    std::string buffer;
    int answered = 0;
    for (;;) {
      ServerRequest request;
      if (!co_await readRequest(stream, buffer, request)) co_return;
      server->record(request);
      boost::system::error_code ignored;
      switch (options.behaviour) {
        case Behaviour::kReset:
          raw.set_option(asio::socket_base::linger(true, 0), ignored);
          raw.close(ignored);
          co_return;
        case Behaviour::kStall:
          continue;
        case Behaviour::kGarbage: {
          const std::string garbage = "this is not HTTP at all\r\n\r\n";
          co_await asio::async_write(stream, asio::buffer(garbage), kTok);
          raw.close(ignored);
          co_return;
        }
        case Behaviour::kRespond: {
          if (options.delay.count() > 0) {
            asio::steady_timer timer(raw.get_executor(), options.delay);
            co_await timer.async_wait(kTok);
          }
          const std::string response = options.respond ? options.respond(request) : fixedResponse("ok");
          auto [ec, n] = co_await asio::async_write(stream, asio::buffer(response), kTok);
          (void)n;
          if (ec) co_return;
          ++answered;
          if (options.close_after > 0 && answered >= options.close_after) {
            raw.close(ignored);
            co_return;
          }
          break;
        }
      }
    }
  }

  static asio::awaitable<void> session(TestServer* server, tcp::socket socket) {
    if (server->tls_) {
      asio::ssl::stream<tcp::socket> stream(std::move(socket), *server->tls_);
      auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTok);
      if (ec) co_return;
      co_await serve(server, stream, stream.next_layer());
    } else {
      co_await serve(server, socket, socket);
    }
  }

  static asio::awaitable<void> acceptLoop(TestServer* server) {
    for (;;) {
      auto [ec, socket] = co_await server->acceptor_.async_accept(kTok);
      if (ec) co_return;
      ++server->accepted_;
      asio::co_spawn(server->io_, session(server, std::move(socket)), asio::detached);
    }
  }
};

std::string fixedResponse(const std::string& body, unsigned status, const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra_headers + "\r\n" + body;
}

TestCertificate makeSelfSignedCertificate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) throw std::runtime_error("cannot create test key");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert, key, EVP_sha256());

  auto toString = [](BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return text;
  };
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, cert);
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  TestCertificate result{toString(cert_bio), toString(key_bio)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return result;
}

TestServer::TestServer(Options options) : options_(std::move(options)), acceptor_(io_) {
  if (options_.tls != nullptr) {
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->use_certificate_chain(asio::buffer(options_.tls->cert_pem));
    tls_->use_private_key(asio::buffer(options_.tls->key_pem), asio::ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, ServerSession::acceptLoop(this), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

TestServer::~TestServer() {
  io_.stop();
  thread_.join();
}

std::string TestServer::url() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

std::vector<ServerRequest> TestServer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void TestServer::record(const ServerRequest& request) {
  {
    std::lock_guard lock(mutex_);
    received_.push_back(request);
  }
  ++requests_;
}

}  // namespace accurate::http::test
