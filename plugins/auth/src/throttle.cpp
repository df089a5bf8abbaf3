#include "throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace accurate::auth {

std::string addressKey(std::string_view remote_addr) {
  std::string text(remote_addr);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (const auto zone = text.find('%'); zone != std::string::npos) text.resize(zone);
  unsigned char bytes[16];
  if (text.find(':') != std::string::npos && inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char out[INET6_ADDRSTRLEN];
    if (std::memcmp(bytes, kMapped, sizeof kMapped) == 0) {
      inet_ntop(AF_INET, bytes + 12, out, sizeof out);
      return out;
    }
    std::memset(bytes + 8, 0, 8);
    inet_ntop(AF_INET6, bytes, out, sizeof out);
    return std::string(out) + "/64";
  }
  return std::string(remote_addr.substr(0, 128));
}

FailureThrottle::FailureThrottle(ThrottleSettings settings, SteadyNow now)
    : settings_(settings), now_(std::move(now)) {
  settings_.max_failures = std::max(1u, settings_.max_failures);
  settings_.max_addresses = std::max<std::size_t>(1, settings_.max_addresses);
}

std::optional<std::chrono::seconds> FailureThrottle::lockedFor(const std::string& key) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.locked_until) return std::nullopt;
  const auto now = now_();
  if (now >= *it->second.locked_until) {
    it->second.locked_until.reset();
    return std::nullopt;
  }
  const auto left = std::chrono::ceil<std::chrono::seconds>(*it->second.locked_until - now);
  return std::max(left, std::chrono::seconds(1));
}

bool FailureThrottle::recordFailure(const std::string& key) {
  const std::lock_guard lock(mutex_);
  const auto now = now_();
  Entry& entry = touch(key);
  if (entry.locked_until && now < *entry.locked_until) return false;  // already locked: not extended
  entry.locked_until.reset();
  auto& failures = entry.failures;
  std::erase_if(failures, [&](auto at) { return now - at >= settings_.window; });
  failures.push_back(now);
  if (failures.size() >= settings_.max_failures) {
    failures.clear();
    entry.locked_until = now + settings_.lockout;
    return true;
  }
  return false;
}

std::size_t FailureThrottle::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

FailureThrottle::Entry& FailureThrottle::touch(const std::string& key) {
  if (const auto it = entries_.find(key); it != entries_.end()) {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return it->second;
  }
  if (entries_.size() >= settings_.max_addresses) {
    entries_.erase(recency_.back());
    recency_.pop_back();
  }
  recency_.push_front(key);
  Entry& entry = entries_[key];
  entry.recency = recency_.begin();
  return entry;
}

}  // namespace accurate::auth
