#pragma once
/// @file web_server.hpp
/// The web UI and its JSON API (docs/web-api.md), served by cpp-httplib on threads of its own.

#include "run_control.hpp"

#include <accurate/sdk/auth.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace accurate::web {

/// How the web server listens and what it serves.
struct WebServerOptions {
  std::string host = "127.0.0.1";                 ///< listen address
  std::uint16_t port = 8089;                      ///< listen port; 0 = an ephemeral port (see WebServer::port())
  std::string tls_cert;                           ///< PEM certificate file; TLS when set (with tls_key)
  std::string tls_key;                            ///< PEM private key file
  std::filesystem::path reports_dir = "reports";  ///< where persisted reports are read from
  std::shared_ptr<sdk::WebAuthProvider> auth;     ///< guards every route when set
  std::size_t max_body_bytes = 64 * 1024;         ///< larger request bodies are refused with 413
  unsigned threads = 8;                           ///< request threads (bounded)
  std::chrono::seconds io_timeout{5};             ///< read / write / keep-alive timeout per connection
  UiInfo ui;                                      ///< facts for the UI (/info)
};

/// The web server. Owns its threads; reads the run only through RunControl.
/// Threading: construct, start() and stop() from one thread; requests are served on the server's own threads.
class WebServer {
 public:
  /// @p control must outlive the server.
  WebServer(WebServerOptions options, RunControl& control);
  /// stop().
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  /// Binds and starts serving. Throws sdk::Error "web UI: cannot listen on HOST:PORT: reason" when the address
  /// cannot be bound, and "web UI: TLS: ..." when the certificate or key cannot be loaded.
  void start();
  /// The bound port (after start()).
  std::uint16_t port() const noexcept;
  /// The base URL clients use, e.g. "http://127.0.0.1:8089" (https when TLS is on).
  std::string url() const;
  /// Stops accepting, finishes or abandons in-flight requests within the io timeout, joins the threads.
  /// Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  ///< the httplib server and its thread
};

}  // namespace accurate::web
