#include "login_cache.hpp"

#include "password_hash.hpp"

#include <sodium.h>

namespace accurate::auth {

LoginCache::LoginCache(std::chrono::seconds ttl, SteadyNow now) : ttl_(ttl), now_(std::move(now)) {
  ensureSodium();
  randombytes_buf(key_.data(), key_.size());
}

std::array<unsigned char, 32> LoginCache::macOf(const std::string& user, std::string_view password) const {
  std::array<unsigned char, 32> mac{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), mac.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(user.data()), user.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(password.data()), password.size());
  crypto_generichash_final(&state, mac.data(), mac.size());
  sodium_memzero(&state, sizeof state);
  return mac;
}

bool LoginCache::contains(const std::string& user, std::string_view password) {
  if (ttl_.count() <= 0) return false;
  const auto mac = macOf(user, password);
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(user);
  if (it == entries_.end()) return false;
  if (now_() >= it->second.expires) {
    entries_.erase(it);
    return false;
  }
  return sodium_memcmp(mac.data(), it->second.mac.data(), mac.size()) == 0;
}

void LoginCache::remember(const std::string& user, std::string_view password) {
  if (ttl_.count() <= 0) return;
  const auto mac = macOf(user, password);
  const std::lock_guard lock(mutex_);
  entries_[user] = Entry{mac, now_() + ttl_};
}

}  // namespace accurate::auth
