#pragma once
/// @file login_cache.hpp
/// Remembers recent successful Basic logins so the browser's frequent polling does not pay argon2 each time.

#include "throttle.hpp"

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace accurate::auth {

/// Per user, a keyed BLAKE2b of "user\0password" (key: random per process, never stored) and its expiry. Only
/// one entry per configured user exists, so the size is bounded by the users table. Thread-safe.
class LoginCache {
 public:
  /// @param ttl how long a verified login is remembered; @param now the clock (steady).
  LoginCache(std::chrono::seconds ttl, SteadyNow now);

  /// True when @p user logged in with exactly @p password within the ttl (compared with sodium_memcmp).
  bool contains(const std::string& user, std::string_view password);

  /// Remembers that @p user logged in with @p password (replaces the user's previous entry).
  void remember(const std::string& user, std::string_view password);

 private:
  /// A remembered login.
  struct Entry {
    std::array<unsigned char, 32> mac{};              ///< keyed BLAKE2b of "user\0password"
    std::chrono::steady_clock::time_point expires;     ///< when the entry stops counting
  };

  std::array<unsigned char, 32> macOf(const std::string& user, std::string_view password) const;

  std::chrono::seconds ttl_;                          ///< lifetime of an entry
  SteadyNow now_;                                     ///< the clock
  std::array<unsigned char, 32> key_{};               ///< random BLAKE2b key of this process
  std::mutex mutex_;                                  ///< guards entries_
  std::unordered_map<std::string, Entry> entries_;    ///< user → remembered login
};

}  // namespace accurate::auth
