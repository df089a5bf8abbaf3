#include "web_server.hpp"

#include "bounded_task_queue.hpp"
#include "request_guard.hpp"
#include "responses.hpp"
#include "router.hpp"
#include "routes.hpp"
#include "security.hpp"

#include <accurate/sdk/errors.hpp>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>

namespace accurate::web {

namespace {

/// Most requests served on one keep-alive connection.
constexpr std::size_t kKeepAliveMaxCount = 100;
/// Accepted connections that may wait for a free thread, per thread.
constexpr std::size_t kPendingPerThread = 4;
/// How long start() waits for the accept loop to run.
constexpr std::chrono::seconds kStartTimeout{10};

std::string hostForUrl(const std::string& host) {
  return host.find(':') != std::string::npos && !host.starts_with("[") ? "[" + host + "]" : host;
}

}  // namespace

struct WebServer::Impl {
  Impl(WebServerOptions opts, RunControl& run)
      : options(std::move(opts)),
        control(run),
        tls(!options.tls_cert.empty() || !options.tls_key.empty()),
        router(tls),
        context{control, options.ui, options.reports_dir},
        guard(options.auth, options.max_body_bytes, router) {
    addControlRoutes(router, context);
    addDownloadRoutes(router, context);
    addReportRoutes(router, context);
    addPageRoutes(router);
  }

  void configure(httplib::Server& server);

  WebServerOptions options;                 ///< as given
  RunControl& control;                      ///< the run
  bool tls;                                 ///< HTTPS
  Router router;                            ///< every route
  RouteContext context;                     ///< what the routes read
  RequestGuard guard;                       ///< authentication and body limits
  std::unique_ptr<httplib::Server> server;  ///< the httplib server (SSLServer with TLS)
  std::thread thread;                       ///< runs the accept loop
  std::atomic<bool> loop_done{false};       ///< the accept loop returned
  std::uint16_t port = 0;                   ///< bound port
  bool stopped = false;                     ///< stop() ran
};

void WebServer::Impl::configure(httplib::Server& http) {
  const unsigned threads = std::max(options.threads, 1u);
  http.new_task_queue = [threads] { return new BoundedTaskQueue(threads, threads * kPendingPerThread); };
  const auto timeout = std::max<std::chrono::seconds>(options.io_timeout, std::chrono::seconds(1));
  http.set_read_timeout(timeout);
  http.set_write_timeout(timeout);
  http.set_keep_alive_timeout(static_cast<time_t>(timeout.count()));
  http.set_keep_alive_max_count(kKeepAliveMaxCount);
  http.set_payload_max_length(options.max_body_bytes);
  http.set_default_headers(securityHeaders());
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, which would let a second server share the port.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });

  http.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) { return guard.check(request, response); });
  const auto dispatch = [this](const httplib::Request& request, httplib::Response& response) {
    router.dispatch(request, response);
  };
  http.Get(".*", dispatch);
  http.Post(".*", dispatch);
  http.Put(".*", dispatch);
  http.Patch(".*", dispatch);
  http.Delete(".*", dispatch);
  http.Options(".*", dispatch);

  // httplib's own error answers (bad request line, 413, ...) get a JSON body like every other error.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        sendError(response, response.status, defaultErrorMessage(response.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler([](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("web UI: {} {} failed: {}", request.method, request.path, e.what());
    } catch (...) {
      spdlog::error("web UI: {} {} failed", request.method, request.path);
    }
    sendError(response, 500, "internal error");
  });
  // Method, path and status only: never headers (Authorization) or bodies.
  http.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    spdlog::debug("web UI: {} {} {} {}", request.remote_addr, request.method, request.path, response.status);
  });
}

WebServer::WebServer(WebServerOptions options, RunControl& control)
    : impl_(std::make_unique<Impl>(std::move(options), control)) {}

WebServer::~WebServer() { stop(); }

void WebServer::start() {
  Impl& impl = *impl_;
  if (impl.server) throw sdk::Error("web UI: already started");
  const WebServerOptions& options = impl.options;
  if (impl.tls) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      throw sdk::Error("web UI: TLS: both a certificate and a key are needed (got only the " +
                       std::string(options.tls_cert.empty() ? "key" : "certificate") + ")");
    }
    auto secure = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!secure->is_valid()) {
      throw sdk::Error("web UI: TLS: cannot load certificate " + options.tls_cert + " or key " + options.tls_key);
    }
    impl.server = std::move(secure);
  } else {
    impl.server = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *impl.server;
  impl.configure(http);

  errno = 0;
  int bound = -1;
  if (options.port == 0) {
    bound = http.bind_to_any_port(options.host);
  } else if (http.bind_to_port(options.host, options.port)) {
    bound = options.port;
  }
  if (bound <= 0) {
    const int error = errno;
    impl.server.reset();
    throw sdk::Error("web UI: cannot listen on " + hostForUrl(options.host) + ":" + std::to_string(options.port) +
                     ": " + (error != 0 ? std::strerror(error) : "address not available"));
  }
  impl.port = static_cast<std::uint16_t>(bound);
  impl.loop_done = false;
  impl.thread = std::thread([&impl] {
    try {
      impl.server->listen_after_bind();
    } catch (const std::exception& error) {
      spdlog::error("web UI: the server stopped: {}", error.what());
    }
    impl.loop_done = true;
  });
  // stop() only works once the accept loop runs: wait for it (bounded).
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!http.is_running() && !impl.loop_done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::debug("web UI: listening on {}", url());
}

std::uint16_t WebServer::port() const noexcept { return impl_->port; }

std::string WebServer::url() const {
  return std::string(impl_->tls ? "https://" : "http://") + hostForUrl(impl_->options.host) + ":" +
         std::to_string(impl_->port);
}

void WebServer::stop() {
  Impl& impl = *impl_;
  if (!impl.server || impl.stopped) return;
  impl.stopped = true;
  impl.server->stop();
  if (impl.thread.joinable()) impl.thread.join();
}

}  // namespace accurate::web
