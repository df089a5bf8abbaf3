// Per-nameserver in-flight and rate limits (see nameserver_limits.hpp).
#include "nameserver_limits.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <cmath>

namespace accurate::digaas {

QueryPermit& QueryPermit::operator=(QueryPermit&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::move(other.limits_);
  }
  return *this;
}

void QueryPermit::release() noexcept {
  if (limits_) {
    limits_->releaseSlot();
    limits_.reset();
  }
}

NameserverLimits::NameserverLimits(std::uint32_t max_inflight, double max_qps)
    : max_inflight_(max_inflight), max_qps_(max_qps) {
  if (max_inflight == 0) throw sdk::Error("nameserver limits: max_inflight must be at least 1");
  if (!(max_qps > 0) || !std::isfinite(max_qps)) throw sdk::Error("nameserver limits: max_qps must be positive");
  const double capacity = std::max(1.0, std::floor(max_qps));
  const double window_seconds = std::max(1.0, capacity / max_qps);
  window_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(window_seconds));
  // Far enough in the past that the first `capacity` starts are allowed at once.
  starts_.assign(static_cast<std::size_t>(capacity), Clock::time_point::min());
}

std::variant<QueryPermit, NameserverLimits::Clock::duration> NameserverLimits::tryAcquire(Clock::time_point now) {
  {
    const std::lock_guard lock(mutex_);
    if (inflight_ >= max_inflight_) return Clock::duration(kInflightRetry);
    now = std::max(now, latest_);  // callers' clocks were read before the lock: keep the ring in order
    const Clock::time_point oldest = starts_[next_];
    if (oldest != Clock::time_point::min() && now - oldest < window_) return oldest + window_ - now;
    starts_[next_] = now;
    latest_ = now;
    next_ = (next_ + 1) % starts_.size();
    ++inflight_;
  }
  return QueryPermit(shared_from_this());
}

std::uint32_t NameserverLimits::inflight() const {
  const std::lock_guard lock(mutex_);
  return inflight_;
}

void NameserverLimits::releaseSlot() noexcept {
  const std::lock_guard lock(mutex_);
  if (inflight_ > 0) --inflight_;
}

}  // namespace accurate::digaas
