/// @file transport.cpp
/// ClusterSocket over cppzmq: a ROUTER (master) or DEALER (worker) with Locust's options, an eventfd to wake a
/// poll from other threads, and for CURVE a ZAP handler thread that admits only the authorised worker keys.

#include "cluster/transport.hpp"

#include <accurate/sdk/errors.hpp>

#include <spdlog/spdlog.h>

#include <zmq.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

namespace accurate::cluster {

namespace {

/// Messages a single poll() hands back at most (the rest waits for the next poll, keeping the loop responsive).
constexpr std::size_t kMaxBatch = 10000;
/// Largest message accepted from a peer (a bigger one drops the connection).
constexpr std::int64_t kMaxMessageBytes = 64LL << 20;
/// How long a closing socket may still flush queued messages.
constexpr int kLingerMs = 500;
/// Pause between closing and reopening a DEALER on reconnect().
constexpr std::chrono::milliseconds kReconnectPause{100};
/// Minimum time between two warnings about the same refused key.
constexpr std::chrono::seconds kRefusalWarningPeriod{60};

/// Throws sdk::Error when libzmq was built without CURVE.
void requireCurve() {
  if (!zmq_has("curve")) {
    throw sdk::Error("cluster encryption: this libzmq was built without CURVE support (zmq_has(\"curve\") is false)");
  }
}

/// A Linux eventfd: signalled from any thread, polled with the ZeroMQ sockets.
class EventFd {
 public:
  EventFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw sdk::Error(std::string("cluster socket: cannot create an eventfd: ") + std::strerror(errno));
  }
  ~EventFd() { ::close(fd_); }
  EventFd(const EventFd&) = delete;
  EventFd& operator=(const EventFd&) = delete;
  /// Makes the fd readable. Any thread; async-signal-safe.
  void signal() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd_, &one, sizeof one);
  }
  /// Makes the fd unreadable again.
  void drain() noexcept {
    std::uint64_t value = 0;
    [[maybe_unused]] const ssize_t n = ::read(fd_, &value, sizeof value);
  }
  int fd() const noexcept { return fd_; }

 private:
  int fd_;  ///< the eventfd
};

/// Z85 text of a 32-byte binary key.
std::string z85Encode(const std::string& binary) {
  std::array<char, 41> text{};
  if (binary.size() != 32 ||
      zmq_z85_encode(text.data(), reinterpret_cast<const std::uint8_t*>(binary.data()), binary.size()) == nullptr) {
    return {};
  }
  return std::string(text.data(), 40);
}

/// Applies the options both socket kinds share (Locust's keepalive, bounded linger and message size).
void commonOptions(zmq::socket_t& socket, const std::string& host) {
  socket.set(zmq::sockopt::tcp_keepalive, 1);
  socket.set(zmq::sockopt::tcp_keepalive_idle, 30);
  socket.set(zmq::sockopt::linger, kLingerMs);
  socket.set(zmq::sockopt::maxmsgsize, kMaxMessageBytes);
  if (host.find(':') != std::string::npos) socket.set(zmq::sockopt::ipv6, 1);  // a literal IPv6 address
}

/// "tcp://host:port", with brackets around a literal IPv6 address.
std::string tcpEndpoint(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos && host.front() != '[';
  return "tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// Receives the rest of a multipart message and throws it away.
void discardRest(zmq::socket_t& socket, bool more) {
  while (more) {
    zmq::message_t part;
    if (!socket.recv(part, zmq::recv_flags::dontwait)) return;
    more = part.more();
  }
}

/// The ZAP handler of a CURVE master: a REP socket on inproc://zeromq.zap.01 served by its own thread, admitting
/// only the authorised Z85 client keys. Must be constructed before the ROUTER binds and destroyed after it closed
/// (libzmq admits everyone when no handler is bound).
class ZapHandler {
 public:
  ZapHandler(zmq::context_t& context, std::set<std::string> allowed)
      : allowed_(std::move(allowed)), socket_(context, zmq::socket_type::rep) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind("inproc://zeromq.zap.01");
    thread_ = std::thread([this] { serve(); });
  }
  ~ZapHandler() {
    stop_.signal();
    if (thread_.joinable()) thread_.join();
  }
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  std::uint64_t refused() const noexcept { return refused_.load(); }

 private:
  /// The handler thread: answers requests until stop_ is signalled.
  void serve() {
    try {
      for (;;) {
        std::array<zmq::pollitem_t, 2> items{{{socket_.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, stop_.fd(), ZMQ_POLLIN, 0}}};
        try {
          zmq::poll(items.data(), items.size(), std::chrono::milliseconds(-1));
        } catch (const zmq::error_t& e) {
          if (e.num() == EINTR) continue;
          throw;
        }
        if (items[1].revents & ZMQ_POLLIN) break;
        if (items[0].revents & ZMQ_POLLIN) answerOne();
      }
    } catch (const std::exception& e) {
      spdlog::error("cluster: the CURVE authentication handler stopped: {}", e.what());
    }
    socket_.close();
  }

  /// Reads one ZAP request (RFC 27) and replies 200 or 400.
  void answerOne() {
    std::vector<zmq::message_t> frames;
    bool more = true;
    while (more) {
      zmq::message_t frame;
      if (!socket_.recv(frame, zmq::recv_flags::dontwait)) break;
      more = frame.more();
      frames.push_back(std::move(frame));
    }
    // version, request id, domain, address, routing id, mechanism, credentials...
    const std::string version = frames.size() > 0 ? frames[0].to_string() : "";
    const std::string request_id = frames.size() > 1 ? frames[1].to_string() : "";
    const std::string address = frames.size() > 3 ? frames[3].to_string() : "?";
    const std::string mechanism = frames.size() > 5 ? frames[5].to_string() : "";
    std::string key;
    if (frames.size() > 6 && mechanism == "CURVE") key = z85Encode(frames[6].to_string());
    const bool ok = version == "1.0" && !key.empty() && allowed_.count(key) > 0;
    if (!ok) {
      ++refused_;
      warnRefused(key.empty() ? "(no CURVE key)" : key, address);
    }
    const std::array<std::string, 6> reply{"1.0", request_id, ok ? "200" : "400",
                                           ok ? "OK" : "key not authorised", ok ? key : "", ""};
    for (std::size_t i = 0; i < reply.size(); ++i) {
      const auto flags = i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
      if (!socket_.send(zmq::buffer(reply[i]), flags)) return;
    }
  }

  /// One warning per refused key per kRefusalWarningPeriod.
  void warnRefused(const std::string& key, const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    if (last_warning_.size() > 1024) last_warning_.clear();  // bounded against key-spraying peers
    auto [it, inserted] = last_warning_.try_emplace(key, now);
    if (!inserted && now - it->second < kRefusalWarningPeriod) return;
    it->second = now;
    spdlog::warn("cluster: refused a worker connection from {} with CURVE key {}: the key is not in "
                 "authorized_workers",
                 address, key);
  }

  std::set<std::string> allowed_;     ///< authorised Z85 client keys
  zmq::socket_t socket_;              ///< the REP socket (owned by the thread once it runs)
  EventFd stop_;                      ///< asks the thread to end
  std::atomic<std::uint64_t> refused_{0};  ///< refusals since the start
  std::map<std::string, std::chrono::steady_clock::time_point> last_warning_;  ///< handler thread only
  std::thread thread_;                ///< serves the requests
};

/// Both socket kinds. Threading: one owner thread; wake() from any thread.
class ZmqClusterSocket final : public ClusterSocket {
 public:
  /// A ROUTER bound on @p host:@p port.
  ZmqClusterSocket(const std::string& host, std::uint16_t port, const std::optional<MasterKeys>& keys)
      : router_(true), context_(1) {
    if (keys) {
      requireCurve();
      zap_ = std::make_unique<ZapHandler>(context_, keys->worker_keys);
    }
    socket_ = zmq::socket_t(context_, zmq::socket_type::router);
    commonOptions(socket_, host);
    socket_.set(zmq::sockopt::router_handover, 1);  // a reconnecting worker takes its routing id back at once
    if (keys) {
      socket_.set(zmq::sockopt::curve_server, 1);
      socket_.set(zmq::sockopt::curve_secretkey, keys->master.secret_key);
      socket_.set(zmq::sockopt::zap_domain, std::string("accurate"));
    }
    const std::string endpoint = tcpEndpoint(host, port);
    try {
      socket_.bind(endpoint);
    } catch (const zmq::error_t& e) {
      close();
      throw sdk::Error("cluster master: cannot bind " + endpoint + ": " + e.what());
    }
    const std::string last = socket_.get(zmq::sockopt::last_endpoint);
    const std::size_t colon = last.rfind(':');
    bound_port_ = static_cast<std::uint16_t>(std::stoul(last.substr(colon + 1)));
  }

  /// A DEALER connected to @p host:@p port as @p identity.
  ZmqClusterSocket(const std::string& host, std::uint16_t port, std::string identity,
                   const std::optional<WorkerKeys>& keys)
      : router_(false), context_(1), host_(host), port_(port), identity_(std::move(identity)), worker_keys_(keys) {
    if (identity_.empty() || identity_.size() > 255) {
      throw sdk::Error("cluster worker: the node id must be 1 to 255 bytes long");
    }
    if (keys) requireCurve();
    openDealer();
  }

  ~ZmqClusterSocket() override { close(); }

  bool send(const std::string& identity, const std::string& payload) override {
    try {
      if (router_) {
        if (!socket_.send(zmq::buffer(identity), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
      }
      return socket_.send(zmq::buffer(payload), zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t& e) {
      if (e.num() != EHOSTUNREACH) spdlog::debug("cluster: send failed: {}", e.what());
      return false;
    }
  }

  std::vector<Received> poll(std::chrono::milliseconds timeout) override {
    std::array<zmq::pollitem_t, 2> items{{{socket_.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, wake_.fd(), ZMQ_POLLIN, 0}}};
    try {
      zmq::poll(items.data(), items.size(), std::max(timeout, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw sdk::Error(std::string("cluster socket: poll failed: ") + e.what());
    }
    if (items[1].revents & ZMQ_POLLIN) wake_.drain();
    std::vector<Received> out;
    while (out.size() < kMaxBatch) {
      if (!receiveOne(out)) break;
    }
    return out;
  }

  void wake() override { wake_.signal(); }

  std::uint16_t boundPort() const override { return bound_port_; }

  void reconnect() override {
    if (router_) return;
    socket_.close();
    // A ROUTER without ROUTER_HANDOVER (Locust's) refuses a connection whose routing id it still holds; a
    // receiving master drops the old connection within a few ms of its end, so the new one comes a little later.
    std::this_thread::sleep_for(kReconnectPause);
    openDealer();
  }

  std::uint64_t refusedConnections() const override { return zap_ ? zap_->refused() : 0; }

 private:
  /// Creates and connects the DEALER.
  void openDealer() {
    socket_ = zmq::socket_t(context_, zmq::socket_type::dealer);
    commonOptions(socket_, host_);
    socket_.set(zmq::sockopt::routing_id, identity_);
    socket_.set(zmq::sockopt::reconnect_ivl, 100);
    socket_.set(zmq::sockopt::reconnect_ivl_max, 5000);
    if (worker_keys_) {
      socket_.set(zmq::sockopt::curve_serverkey, worker_keys_->master_public);
      socket_.set(zmq::sockopt::curve_publickey, worker_keys_->worker.public_key);
      socket_.set(zmq::sockopt::curve_secretkey, worker_keys_->worker.secret_key);
    }
    const std::string endpoint = tcpEndpoint(host_, port_);
    try {
      socket_.connect(endpoint);
    } catch (const zmq::error_t& e) {
      throw sdk::Error("cluster worker: cannot connect to " + endpoint + ": " + e.what());
    }
  }

  /// Receives one message without waiting; appends it to @p out when well-formed. False when none was waiting.
  bool receiveOne(std::vector<Received>& out) {
    zmq::message_t first;
    try {
      if (!socket_.recv(first, zmq::recv_flags::dontwait)) return false;
      if (!router_) {
        if (first.more()) {
          discardRest(socket_, true);
          spdlog::warn("cluster: dropped a multi-part message from the master");
        } else if (first.size() == 0) {
          spdlog::warn("cluster: dropped an empty message from the master");
        } else {
          out.push_back(Received{{}, first.to_string()});
        }
        return true;
      }
      if (!first.more()) return true;  // a ROUTER always gets the identity first; nothing to route
      zmq::message_t payload;
      if (!socket_.recv(payload, zmq::recv_flags::dontwait)) return true;
      if (payload.more()) {
        discardRest(socket_, true);
        spdlog::warn("cluster: dropped a multi-part message from {}", first.to_string_view());
      } else if (payload.size() == 0) {
        spdlog::warn("cluster: dropped an empty message from {}", first.to_string_view());
      } else {
        out.push_back(Received{first.to_string(), payload.to_string()});
      }
      return true;
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) return true;
      spdlog::warn("cluster: receive failed: {}", e.what());
      return false;
    }
  }

  /// Closes the socket first (no handshake may reach a stopped ZAP handler), then the handler, then the context.
  void close() {
    socket_.close();
    zap_.reset();
    context_.close();
  }

  bool router_;                         ///< ROUTER (master) or DEALER (worker)
  zmq::context_t context_;              ///< this socket's own context (ZAP is per context)
  std::unique_ptr<ZapHandler> zap_;     ///< CURVE master: the authentication handler
  zmq::socket_t socket_;                ///< the ROUTER or DEALER
  EventFd wake_;                        ///< wakes a poll in progress
  std::uint16_t bound_port_ = 0;        ///< ROUTER: the bound port
  std::string host_;                    ///< DEALER: master host
  std::uint16_t port_ = 0;              ///< DEALER: master port
  std::string identity_;                ///< DEALER: routing id (node id)
  std::optional<WorkerKeys> worker_keys_;  ///< DEALER: CURVE client keys
};

}  // namespace

std::unique_ptr<ClusterSocket> ClusterSocket::bindRouter(const std::string& host, std::uint16_t port,
                                                         const std::optional<MasterKeys>& keys) {
  return std::make_unique<ZmqClusterSocket>(host, port, keys);
}

std::unique_ptr<ClusterSocket> ClusterSocket::connectDealer(const std::string& host, std::uint16_t port,
                                                            const std::string& identity,
                                                            const std::optional<WorkerKeys>& keys) {
  return std::make_unique<ZmqClusterSocket>(host, port, identity, keys);
}

}  // namespace accurate::cluster
