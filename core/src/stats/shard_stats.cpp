/// @file shard_stats.cpp
/// ShardStats: lock-free (single-thread) recording of samples, handed out as deltas.

#include "stats/shard_stats.hpp"

#include <chrono>
#include <cstring>
#include <ctime>

namespace accurate::stats {

namespace {

// Hash constants from wyhash (public domain): odd, with balanced bits.
constexpr std::uint64_t kSeed0 = 0xa0761d6478bd642fULL;
constexpr std::uint64_t kSeed1 = 0xe7037ed1a0b428dbULL;

/// 64x64 -> 128-bit multiply folded to 64 bits (the wyhash mixer).
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) noexcept {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline std::uint64_t load32(const char* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// Folds @p s into @p h (wyhash-style, overlapping loads, no byte loop). Inlined into the lookup;
/// std::hash<string_view> was about a third of the record cost.
inline std::uint64_t hashInto(std::uint64_t h, std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = load64(p);
      b = load64(p + n - 8);
    } else if (n >= 4) {
      a = load32(p);
      b = load32(p + n - 4);
    } else if (n > 0) {
      a = (std::uint64_t{static_cast<unsigned char>(p[0])} << 16) |
          (std::uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) | static_cast<unsigned char>(p[n - 1]);
    }
  } else {
    const char* const last = p + n - 16;
    for (; p < last; p += 16) h = mix(load64(p) ^ kSeed1, load64(p + 8) ^ h);
    a = load64(last);
    b = load64(last + 8);
  }
  return mix(kSeed1 ^ s.size(), mix(a ^ kSeed1, b ^ h ^ kSeed0));
}

/// Current time in epoch seconds from the realtime (system) clock. The coarse variant is the same clock at
/// tick resolution (a few ms) and costs ~4 ns instead of ~27 ns for system_clock::now() on a VM.
double nowEpochSeconds() noexcept {
#ifdef CLOCK_REALTIME_COARSE
  timespec ts{};
  if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) == 0) {
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
#endif
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::size_t ShardStats::KeyHash::operator()(EntryKeyView k) const noexcept {
  return hashInto(hashInto(0, k.method), k.name);
}

std::size_t ShardStats::KeyHash::operator()(ErrorKeyView k) const noexcept {
  return hashInto(hashInto(hashInto(0, k.method), k.name), k.error);
}

std::size_t ShardStats::KeyHash::operator()(std::string_view s) const noexcept { return hashInto(0, s); }

sdk::EntryStats& ShardStats::add(const sdk::Sample& sample) {
  const EntryKeyView key{sample.method, sample.name};
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    it = entries_.emplace(EntryKey{std::string(key.method), std::string(key.name)}, sdk::EntryStats{}).first;
  }
  sdk::EntryStats& entry = it->second;
  const double now = nowEpochSeconds();
  if (entry.num_requests == 0) entry.first_sample_time = now;
  entry.last_sample_time = now;
  ++entry.num_requests;
  entry.total_response_time_us += sample.response_time_us;
  entry.total_content_length += sample.content_length;
  entry.response_times.record(sample.response_time_us);
  if (!sample.error.empty()) {
    ++entry.num_failures;
    const ErrorKeyView error_key{sample.method, sample.name, sample.error};
    auto err = errors_.find(error_key);
    if (err == errors_.end()) {
      errors_.emplace(ErrorKey{std::string(sample.method), std::string(sample.name), std::string(sample.error)}, 1);
    } else {
      ++err->second;
    }
  }
  return entry;
}

void ShardStats::record(const sdk::Sample& sample) { add(sample); }

void ShardStats::recordWithLag(const sdk::Sample& sample, std::uint64_t lag_us) {
  add(sample).intended_response_times.record(sample.response_time_us + lag_us);
}

void ShardStats::recordException(std::string_view message) {
  auto it = exceptions_.find(message);
  if (it == exceptions_.end()) {
    exceptions_.emplace(std::string(message), 1);
  } else {
    ++it->second;
  }
}

void ShardStats::count(std::string_view counter, std::uint64_t n) {
  auto it = counters_.find(counter);
  if (it == counters_.end()) {
    counters_.emplace(std::string(counter), n);
  } else {
    it->second += n;
  }
}

StatsDelta ShardStats::takeDelta() {
  StatsDelta delta;
  delta.entries.reserve(entries_.size());
  while (!entries_.empty()) {
    auto node = entries_.extract(entries_.begin());
    sdk::EntryStats& entry = delta.entries.emplace_back(std::move(node.mapped()));
    entry.method = std::move(node.key().method);
    entry.name = std::move(node.key().name);
  }
  delta.errors.reserve(errors_.size());
  while (!errors_.empty()) {
    auto node = errors_.extract(errors_.begin());
    delta.errors.push_back(sdk::ErrorCount{std::move(node.key().method), std::move(node.key().name),
                                           std::move(node.key().error), node.mapped()});
  }
  delta.exceptions.reserve(exceptions_.size());
  while (!exceptions_.empty()) {
    auto node = exceptions_.extract(exceptions_.begin());
    delta.exceptions.push_back(sdk::ExceptionCount{std::move(node.key()), node.mapped()});
  }
  delta.counters.reserve(counters_.size());
  while (!counters_.empty()) {
    auto node = counters_.extract(counters_.begin());
    delta.counters.push_back(sdk::CounterValue{std::move(node.key()), node.mapped()});
  }
  reset();
  return delta;
}

void ShardStats::reset() {
  // Fresh maps (not clear()) so the bucket arrays of a past burst of keys are released too.
  entries_ = decltype(entries_){};
  errors_ = decltype(errors_){};
  exceptions_ = decltype(exceptions_){};
  counters_ = decltype(counters_){};
}

}  // namespace accurate::stats
