#pragma once
/// @file throttle.hpp
/// Throttling of failed logins per client address, in a table of bounded size.

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace accurate::auth {

/// The clock the throttle and the login cache read (injectable for tests).
using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

/// The throttling rules.
struct ThrottleSettings {
  unsigned max_failures = 5;                  ///< failures within the window that lock an address (≥ 1)
  std::chrono::seconds window{60};            ///< sliding window counting failures
  std::chrono::seconds lockout{60};           ///< how long a locked address is refused
  std::size_t max_addresses = 10000;          ///< addresses tracked at most; the least recently seen is evicted
};

/// The key an address is tracked under: IPv4 as is (also when IPv4-mapped IPv6), IPv6 by its /64 prefix (one
/// host usually owns a whole /64), anything unparsable as given.
std::string addressKey(std::string_view remote_addr);

/// Counts failed logins per address and locks an address after too many. Thread-safe (one mutex; every method
/// is O(max_failures)).
class FailureThrottle {
 public:
  /// @param settings the rules; @param now the clock (steady).
  FailureThrottle(ThrottleSettings settings, SteadyNow now);

  /// How long @p key stays locked (rounded up to whole seconds, ≥ 1), or none when it is not locked.
  std::optional<std::chrono::seconds> lockedFor(const std::string& key);

  /// Records a failed attempt from @p key; locks it when it reaches max_failures within the window.
  /// @return true when this failure locked the address.
  bool recordFailure(const std::string& key);

  /// Number of addresses currently tracked (for tests and bounds).
  std::size_t size() const;

 private:
  /// What is known about one address.
  struct Entry {
    std::vector<std::chrono::steady_clock::time_point> failures;  ///< recent failure times, oldest first
    std::optional<std::chrono::steady_clock::time_point> locked_until;  ///< end of the lockout, if locked
    std::list<std::string>::iterator recency;                     ///< position in recency_ (front = newest)
  };

  /// The entry of @p key, created (evicting the least recently seen when full) and marked most recent.
  Entry& touch(const std::string& key);

  ThrottleSettings settings_;                      ///< the rules
  SteadyNow now_;                                  ///< the clock
  mutable std::mutex mutex_;                       ///< guards the members below
  std::unordered_map<std::string, Entry> entries_;  ///< address key → state
  std::list<std::string> recency_;                 ///< keys, most recently seen first
};

}  // namespace accurate::auth
