#pragma once
/// @file master.hpp
/// A cluster master: a LoadControl that runs no users itself but drives workers over ZeroMQ, merges their
/// reports into one Aggregator and publishes the same snapshots a local runner does.

#include "cluster/master_core.hpp"
#include "cluster/transport.hpp"
#include "runtime/load_control.hpp"
#include "runtime/user_plan.hpp"

#include <accurate/sdk/stats.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accurate::cluster {

/// Everything a master needs.
struct MasterSettings {
  MasterOptions protocol;                         ///< classes, rebalancing, liveness, stop timeout, options map
  std::string bind_host = "*";                    ///< --master-bind-host
  std::uint16_t bind_port = 5557;                 ///< --master-bind-port (0 = random)
  std::optional<MasterKeys> keys;                 ///< CURVE keys (--cluster-key-dir); none = plain, Locust-compatible
  std::string host;                               ///< default target base URL
  std::optional<std::chrono::milliseconds> run_time;  ///< default load-phase duration
  std::vector<runtime::ShapeStage> shape;         ///< load shape: drives users and stops after its last stage
  std::chrono::milliseconds snapshot_interval{1000};  ///< aggregation period
  unsigned stats_window_seconds = 10;             ///< sliding window of current RPS, in snapshots
  /// Receives every published snapshot on the master's thread. Must not block.
  std::function<void(std::shared_ptr<const sdk::StatsSnapshot>)> on_snapshot;
  /// Receives every state change on the master's thread, after state() shows it (Setup is never used; for
  /// Spawning and Stopped a snapshot carrying the new state is published first). Must not block.
  std::function<void(runtime::RunState)> on_state;
};

/// Threading: construction binds the socket (throws sdk::Error when it cannot) and starts the master thread;
/// every public method may be called from any thread except the callbacks.
class Master final : public runtime::LoadControl {
 public:
  explicit Master(MasterSettings settings);
  ~Master() override;
  Master(const Master&) = delete;
  Master& operator=(const Master&) = delete;

  std::future<runtime::CommandResult> start(std::uint32_t users, double spawn_rate,
                                            std::optional<runtime::TestSettings> test = std::nullopt) override;
  std::future<runtime::CommandResult> setUsers(std::uint32_t users, double spawn_rate) override;
  std::future<runtime::CommandResult> stop() override;
  std::future<runtime::CommandResult> resetStats() override;
  /// Stops a running test, then sends `quit` to every worker; later commands are refused.
  void quit() override;
  void shutdown() override;
  runtime::RunState state() const noexcept override;
  std::string setupFailure() const override { return {}; }
  std::uint32_t userCount() const noexcept override;
  std::shared_ptr<const sdk::StatsSnapshot> latestSnapshot() const override;
  bool waitUntilStopped(std::optional<std::chrono::milliseconds> timeout = std::nullopt) const override;
  std::vector<runtime::WorkerStatus> workers() const override;
  /// The bound port (useful with port 0).
  std::uint16_t port() const noexcept;
  /// Workers connected and not missing.
  std::size_t activeWorkers() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  ///< all state; the master thread owns most of it
};

}  // namespace accurate::cluster
