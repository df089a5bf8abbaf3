#include "graphite_sink.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace accurate::graphite {

GraphiteSink::GraphiteSink(FormatSettings format, SenderSettings sender, std::chrono::milliseconds flush_timeout)
    : flush_timeout_(flush_timeout),
      formatter_(format),
      compat_cap_(format.compat_cap),
      sender_(std::move(sender)) {}

void GraphiteSink::send(FormattedPoint point) {
  // Called with mutex_ held; enqueue() only takes the sender's own short lock.
  if (point.compat_capped > 0) {
    if (capped_ == 0) {
      spdlog::warn("graphite: compat mode sends at most {} response_time lines per entry per point; {} response "
                   "times left out at {} (the total is logged at the end)", compat_cap_, point.compat_capped,
                   point.timestamp);
      capped_reported_ = point.compat_capped;
    }
    capped_ += point.compat_capped;
  }
  sender_.enqueue(std::move(point.lines));
}

void GraphiteSink::onSnapshot(std::shared_ptr<const sdk::StatsSnapshot> snapshot) {
  if (!snapshot) return;
  std::lock_guard lock(mutex_);
  latest_ = std::move(snapshot);
  latest_sent_ = formatter_.due(*latest_);
  if (latest_sent_) send(formatter_.format(*latest_));
}

void GraphiteSink::flush() {
  {
    std::lock_guard lock(mutex_);
    if (latest_ && !latest_sent_) {
      latest_sent_ = true;
      send(formatter_.format(*latest_));
    }
  }
  const bool drained = sender_.waitDrained(flush_timeout_);
  const SenderStatus status = sender_.status();
  std::lock_guard lock(mutex_);
  if (!drained) {
    spdlog::warn("graphite: {} lines not sent to {} within {} s ({}); they stay queued while accurate runs",
                 status.queued, sender_.target(), static_cast<double>(flush_timeout_.count()) / 1000.0,
                 status.last_error.empty() ? std::string("Carbon is slow") : "last error: " + status.last_error);
  }
  if (status.dropped > dropped_reported_) {
    spdlog::warn("graphite: {} lines dropped in all because the queue (max {} lines) was full", status.dropped,
                 sender_.capacity());
  }
  dropped_reported_ = status.dropped;
  if (capped_ > capped_reported_) {
    spdlog::warn("graphite: compat mode left out {} response times in all (at most {} lines per entry per point)",
                 capped_, compat_cap_);
    capped_reported_ = capped_;
  }
  spdlog::debug("graphite: {} lines written to {}, {} re-sent after reconnects, {} dropped", status.written,
                sender_.target(), status.resent, status.dropped);
}

}  // namespace accurate::graphite
