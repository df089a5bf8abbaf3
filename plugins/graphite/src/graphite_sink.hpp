#pragma once
/// @file graphite_sink.hpp
/// The sdk::StatsSink that formats due snapshots into Carbon lines and hands them to the CarbonSender.

#include "carbon_sender.hpp"
#include "snapshot_formatter.hpp"

#include <accurate/sdk/sink.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>

namespace accurate::graphite {

/// Graphite sink. Threading: onSnapshot() comes from the aggregator thread, flush() from the main thread; both
/// take one short lock around the formatter (no I/O under it); the network is the sender's thread's business.
class GraphiteSink final : public sdk::StatsSink {
 public:
  /// Starts the sender (throws sdk::Error when sender.log_lines cannot be opened). @p flush_timeout bounds flush().
  GraphiteSink(FormatSettings format, SenderSettings sender,
               std::chrono::milliseconds flush_timeout = std::chrono::seconds(5));

  /// Formats @p snapshot when it is due (see SnapshotFormatter::due) and queues its lines; never blocks on I/O.
  void onSnapshot(std::shared_ptr<const sdk::StatsSnapshot> snapshot) override;
  /// Queues the latest snapshot if it was not sent (the final one), waits at most flush_timeout for the queue
  /// to drain, and logs what was not sent, dropped or capped. The sender keeps running (another test may follow).
  void flush() override;
  /// The sender's counters (tests, messages).
  SenderStatus status() const { return sender_.status(); }

 private:
  void send(FormattedPoint point);

  std::chrono::milliseconds flush_timeout_;           ///< longest wait in flush()
  std::mutex mutex_;                                  ///< guards the members below
  SnapshotFormatter formatter_;                       ///< snapshot → lines (guarded)
  std::shared_ptr<const sdk::StatsSnapshot> latest_;  ///< the latest snapshot received (guarded)
  bool latest_sent_ = false;                          ///< latest_ was formatted (guarded)
  std::uint64_t capped_ = 0;                          ///< compat response times left out by the cap (guarded)
  std::uint64_t capped_reported_ = 0;                 ///< part of capped_ already logged (guarded)
  std::uint64_t dropped_reported_ = 0;                ///< sender drops already reported by flush() (guarded)
  std::size_t compat_cap_ = 0;                        ///< the cap, for messages
  CarbonSender sender_;                               ///< the queue and the sender thread
};

}  // namespace accurate::graphite
