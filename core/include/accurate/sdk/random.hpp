#pragma once
/// @file random.hpp
/// The random generator each simulated user owns: small (32 bytes, so 10,000 idle users stay cheap) and fast.

#include <cstdint>
#include <limits>

namespace accurate::sdk {

/// xoshiro256** (Blackman and Vigna), seeded through splitmix64. Satisfies UniformRandomBitGenerator, so it works
/// with every <random> distribution. Threading: not synchronised; each user owns its own.
class Rng {
 public:
  using result_type = std::uint64_t;  ///< type of the generated values

  /// Seeds the 256-bit state from @p seed (any value, including 0).
  explicit Rng(std::uint64_t seed = 0x9E3779B97F4A7C15ULL) noexcept { this->seed(seed); }

  /// Re-seeds the state from @p seed.
  void seed(std::uint64_t seed) noexcept {
    for (auto& word : state_) {
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }

  /// Smallest value operator() returns.
  static constexpr result_type min() noexcept { return 0; }
  /// Largest value operator() returns.
  static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

  /// The next 64 random bits.
  result_type operator()() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

  std::uint64_t state_[4];  ///< the generator's 256-bit state
};

}  // namespace accurate::sdk
