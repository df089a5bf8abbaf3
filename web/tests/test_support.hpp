#pragma once
// Shared helpers of the web tests: a fake RunControl that records calls, snapshot builders, a server
// started on 127.0.0.1 with an ephemeral port, and a temporary directory.

#include "run_control.hpp"
#include "web_server.hpp"

#include <accurate/sdk/stats.hpp>

#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace accurate::web::test {

/// A RunControl that records every command and answers with configurable results.
class FakeRunControl : public RunControl {
 public:
  ControlResult swarm(const SwarmRequest& request) override {
    std::lock_guard lock(mutex_);
    swarms.push_back(request);
    return swarm_result;
  }
  ControlResult stop() override {
    std::lock_guard lock(mutex_);
    ++stops;
    return stop_result;
  }
  ControlResult resetStats() override {
    std::lock_guard lock(mutex_);
    ++resets;
    return reset_result;
  }
  std::shared_ptr<const sdk::StatsSnapshot> snapshot() const override {
    std::lock_guard lock(mutex_);
    return snap;
  }
  RunInfo info() const override {
    std::lock_guard lock(mutex_);
    return run;
  }

  std::vector<SwarmRequest> swarmCalls() const {
    std::lock_guard lock(mutex_);
    return swarms;
  }
  int stopCalls() const {
    std::lock_guard lock(mutex_);
    return stops;
  }
  /// Replaces the snapshot while the server runs.
  void setSnapshot(std::shared_ptr<const sdk::StatsSnapshot> next) {
    std::lock_guard lock(mutex_);
    snap = std::move(next);
  }
  /// Replaces the run info while the server runs.
  void setRun(RunInfo next) {
    std::lock_guard lock(mutex_);
    run = std::move(next);
  }
  int resetCalls() const {
    std::lock_guard lock(mutex_);
    return resets;
  }

  // Configure before the server starts.
  ControlResult swarm_result{true, ""};
  ControlResult stop_result{true, ""};
  ControlResult reset_result{true, ""};
  std::shared_ptr<const sdk::StatsSnapshot> snap = std::make_shared<const sdk::StatsSnapshot>();
  RunInfo run;

 private:
  mutable std::mutex mutex_;
  std::vector<SwarmRequest> swarms;
  int stops = 0;
  int resets = 0;
};

/// An entry with the given response times (µs), failures and content length per request.
inline sdk::EntryStats makeEntry(std::string method, std::string name, const std::vector<std::uint64_t>& times_us,
                                 std::uint64_t failures = 0, std::uint64_t bytes_each = 0) {
  sdk::EntryStats entry;
  entry.method = std::move(method);
  entry.name = std::move(name);
  for (std::uint64_t t : times_us) {
    entry.response_times.record(t);
    entry.total_response_time_us += t;
    entry.total_content_length += bytes_each;
  }
  entry.num_requests = times_us.size();
  entry.num_failures = failures;
  return entry;
}

/// A snapshot with two entries, their total, an error, an exception, a counter and three history points.
inline std::shared_ptr<sdk::StatsSnapshot> sampleSnapshot() {
  auto snapshot = std::make_shared<sdk::StatsSnapshot>();
  snapshot->time = 1700000100;
  snapshot->start_time = 1700000000;
  snapshot->state = "running";
  snapshot->users = 5;
  snapshot->max_users = 7;
  snapshot->entries.push_back(makeEntry("GET", "/a", {1000, 2000, 3000, 4000}, 1, 100));
  snapshot->entries.back().current_rps = 4;
  snapshot->entries.back().current_fail_per_sec = 0.5;
  snapshot->entries.push_back(makeEntry("POST", "/b<x>", {10000, 20000}, 0, 10));
  snapshot->entries.back().current_rps = 2;
  sdk::EntryStats total;
  total.name = "Aggregated";
  for (const sdk::EntryStats& entry : snapshot->entries) total.merge(entry);
  total.method = "";
  total.name = "Aggregated";
  total.current_rps = 6;
  total.current_fail_per_sec = 0.5;
  snapshot->total = total;
  snapshot->errors.push_back({"GET", "/a", "HTTP 500", 1});
  snapshot->exceptions.push_back({"task crashed: boom", 2});
  snapshot->counters.push_back({"skipped.remove_domain", 3});
  for (int i = 0; i < 3; ++i) {
    sdk::HistoryPoint point;
    point.time = 1700000098 + i;
    point.users = static_cast<std::uint32_t>(3 + i);
    point.rps = 5 + i;
    point.p50_ms = 10 + i;
    point.p95_ms = 20 + i;
    point.p99_ms = 30 + i;
    point.avg_ms = 12;
    point.total_requests = static_cast<std::uint64_t>(100 * (i + 1));
    point.total_failures = static_cast<std::uint64_t>(i);
    snapshot->history.push_back(point);
  }
  return snapshot;
}

/// A fresh directory under the system temp directory, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() / ("accurate-web-test-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Options for a test server on 127.0.0.1, ephemeral port, short timeouts.
inline WebServerOptions testOptions() {
  WebServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 4;
  options.io_timeout = std::chrono::seconds(2);
  options.max_body_bytes = 4096;
  options.ui.version = "0.1.0-test";
  return options;
}

/// A client of @p server with short timeouts.
inline httplib::Client clientFor(const WebServer& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(5));
  client.set_write_timeout(std::chrono::seconds(5));
  return client;
}

/// A raw TCP connection to 127.0.0.1:@p port (-1 on failure).
inline int connectRaw(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

/// Sends @p request over a raw connection and returns everything the server answers until it closes the
/// connection (at most 5 s).
inline std::string rawExchange(std::uint16_t port, const std::string& request) {
  const int fd = connectRaw(port);
  if (fd < 0) return "connect failed";
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return "send failed";
  }
  std::string answer;
  char buffer[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd waiter{fd, POLLIN, 0};
    if (::poll(&waiter, 1, 200) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace accurate::web::test
