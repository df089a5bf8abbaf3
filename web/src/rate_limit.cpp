#include "rate_limit.hpp"

#include <algorithm>

namespace accurate::web {

RateLimiter::RateLimiter(double per_second, double burst, Clock clock)
    : per_second_(per_second), burst_(std::max(burst, 1.0)), clock_(std::move(clock)) {}

bool RateLimiter::allow(const std::string& address) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= kMaxTrackedClients) {
      // Forget the address seen longest ago: it has refilled the most, so it loses the least.
      buckets_.erase(std::min_element(buckets_.begin(), buckets_.end(), [](const auto& a, const auto& b) {
        return a.second.updated < b.second.updated;
      }));
    }
    it = buckets_.emplace(address, Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
  bucket.updated = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

}  // namespace accurate::web
