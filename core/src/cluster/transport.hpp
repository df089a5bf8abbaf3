#pragma once
/// @file transport.hpp
/// ZeroMQ sockets of the cluster (ROUTER on the master, DEALER on a worker) with Locust's options, optional
/// CURVE encryption and authentication, and the key files behind --cluster-key-dir.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace accurate::cluster {

/// A CURVE key pair in Z85 text (40 characters each).
struct CurveKeyPair {
  std::string public_key;  ///< Z85 public key
  std::string secret_key;  ///< Z85 secret key
};

/// The keys a master needs: its own pair and the public keys of the workers it admits.
struct MasterKeys {
  CurveKeyPair master;                   ///< the master's pair
  std::set<std::string> worker_keys;     ///< Z85 public keys of authorised workers
};

/// The keys a worker needs: its own pair and the master's public key.
struct WorkerKeys {
  CurveKeyPair worker;         ///< the worker's pair
  std::string master_public;   ///< Z85 public key of the master
};

/// Key directory layout (documented in docs/cluster.md):
///   master.key / master.key_secret                 the master's pair
///   worker.key / worker.key_secret                 this machine's worker pair
///   authorized_workers/<name>.key                  public keys the master admits
/// Throws sdk::Error naming the file and the reason (missing, unreadable, not a 40-char Z85 key, secret file
/// readable by group or others).
MasterKeys loadMasterKeys(const std::filesystem::path& dir);
WorkerKeys loadWorkerKeys(const std::filesystem::path& dir);
/// Creates the master pair (unless present), a worker pair named @p worker_name (worker.key* for "worker",
/// else <name>.key*), and authorizes it. Secret files are 0600, written atomically. Returns the files written.
std::vector<std::filesystem::path> generateKeys(const std::filesystem::path& dir, const std::string& worker_name);

/// One received message.
struct Received {
  std::string identity;  ///< ROUTER: the sender's routing id; DEALER: empty
  std::string payload;   ///< the msgpack bytes
};

/// A socket of the cluster. Threading: one owner thread (ZeroMQ sockets are not thread-safe); wake() may be
/// called from any thread.
class ClusterSocket {
 public:
  /// Master: ROUTER bound on tcp://@p host:@p port ("*" = all; port 0 = random, see boundPort). With @p keys,
  /// CURVE server plus a ZAP handler that admits only keys.worker_keys. Throws sdk::Error when the bind fails.
  static std::unique_ptr<ClusterSocket> bindRouter(const std::string& host, std::uint16_t port,
                                                   const std::optional<MasterKeys>& keys);
  /// Worker: DEALER with routing id @p identity connected to tcp://@p host:@p port, reconnecting with
  /// exponential backoff (100 ms .. 5 s). With @p keys, a CURVE client.
  static std::unique_ptr<ClusterSocket> connectDealer(const std::string& host, std::uint16_t port,
                                                      const std::string& identity,
                                                      const std::optional<WorkerKeys>& keys);
  virtual ~ClusterSocket() = default;
  /// Sends @p payload (to routing id @p identity on a ROUTER; ignored on a DEALER). Never blocks: returns false
  /// when the message could not be queued (peer unknown, queue full).
  virtual bool send(const std::string& identity, const std::string& payload) = 0;
  /// Waits up to @p timeout for a message (or a wake()), then returns every message already received.
  virtual std::vector<Received> poll(std::chrono::milliseconds timeout) = 0;
  /// Makes a poll() in progress return early. Any thread.
  virtual void wake() = 0;
  /// The bound TCP port (ROUTER; 0 for a DEALER).
  virtual std::uint16_t boundPort() const = 0;
  /// Closes and reopens the DEALER with the same identity (Locust's reconnect). No-op for a ROUTER.
  virtual void reconnect() = 0;
  /// Connections the ZAP handler refused since the start (CURVE only), for tests and logs.
  virtual std::uint64_t refusedConnections() const = 0;
};

}  // namespace accurate::cluster
