#include "http/shard_http.hpp"

#include <openssl/ssl.h>

namespace accurate::http {

ShardHttp::ShardHttp(boost::asio::io_context& io, const HttpOptions& options)
    : io_(io), options_(options), watchdog_(io, kWatchdogTick), dns_(io) {
  head_.prev = &head_;
  head_.next = &head_;
}

boost::asio::ssl::context& ShardHttp::tlsContext() {
  if (tls_) return *tls_;
  auto& tls = tls_.emplace(boost::asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  tls.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_compression);
  // Without system CA paths verification fails later with a clear "unable to get local issuer" reason.
  boost::system::error_code ignored;
  tls.set_default_verify_paths(ignored);
  tls.set_verify_mode(options_.insecure ? boost::asio::ssl::verify_none : boost::asio::ssl::verify_peer);
  return tls;
}

ShardHttp::~ShardHttp() {
  for (ConnectionHook* hook = head_.next; hook != &head_;) {
    ConnectionHook* next = hook->next;
    static_cast<Connection*>(hook)->shard = nullptr;
    hook->prev = hook->next = nullptr;
    hook = next;
  }
}

void ShardHttp::attach(Connection& connection) noexcept {
  connection.prev = head_.prev;
  connection.next = &head_;
  head_.prev->next = &connection;
  head_.prev = &connection;
  ++connections_;
}

void ShardHttp::detach(Connection& connection) noexcept {
  if (connection.prev == nullptr) return;
  connection.prev->next = connection.next;
  connection.next->prev = connection.prev;
  connection.prev = connection.next = nullptr;
  --connections_;
}

void ShardHttp::closeAll() noexcept {
  for (ConnectionHook* hook = head_.next; hook != &head_; hook = hook->next) {
    auto* connection = static_cast<Connection*>(hook);
    connection->closed_by_shard = true;
    connection->close();
  }
}

}  // namespace accurate::http
