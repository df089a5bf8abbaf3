#pragma once
/// @file sink.hpp
/// Metrics sinks (e.g. Graphite): receive every published snapshot.

#include <accurate/sdk/stats.hpp>

#include <memory>

namespace accurate::sdk {

/// Receives each snapshot the aggregator publishes (about once per second) and the final one.
/// Threading: called from the aggregator thread only, never concurrently. Must not block: queue and send from
/// a thread or executor of the sink's own.
class StatsSink {
 public:
  virtual ~StatsSink() = default;
  /// A new snapshot; the sink may keep the pointer.
  virtual void onSnapshot(std::shared_ptr<const StatsSnapshot> snapshot) = 0;
  /// The run has ended: send what is queued, waiting at most a few seconds.
  virtual void flush() {}
};

}  // namespace accurate::sdk
