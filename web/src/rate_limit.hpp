#pragma once
/// @file rate_limit.hpp
/// A request rate limit per client address (token buckets), so that one client flooding the API cannot take the
/// CPU the load runs on. Applied before authentication: unauthenticated floods are capped too.

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace accurate::web {

/// Requests per second one address may sustain (a browser tab makes about 2, `accurate ctl` fewer).
inline constexpr double kClientRequestsPerSecond = 200;
/// Requests one address may make at once (a page load with its assets is about 10).
inline constexpr double kClientBurst = 400;
/// Addresses tracked at most; the least recently seen is forgotten beyond it (memory stays bounded).
inline constexpr std::size_t kMaxTrackedClients = 4096;

/// Token buckets per address. Threading: allow() from any request thread.
class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// @p clock is injectable for tests.
  explicit RateLimiter(double per_second = kClientRequestsPerSecond, double burst = kClientBurst,
                       Clock clock = [] { return std::chrono::steady_clock::now(); });

  /// Takes one token for @p address: true when the request may proceed.
  bool allow(const std::string& address);

 private:
  /// One address's bucket.
  struct Bucket {
    double tokens = 0;                              ///< requests it may make now
    std::chrono::steady_clock::time_point updated;  ///< when tokens was last refilled
  };

  double per_second_;                               ///< refill rate, tokens per second
  double burst_;                                    ///< bucket size
  Clock clock_;                                     ///< time source
  std::mutex mutex_;                                ///< guards buckets_
  std::unordered_map<std::string, Bucket> buckets_; ///< address → bucket
};

}  // namespace accurate::web
