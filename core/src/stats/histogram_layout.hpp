#pragma once
/// @file histogram_layout.hpp
/// Bucket layout of sdk::Histogram: unit buckets for 0..2047 µs, then every power of two [2^e, 2^(e+1)) with
/// e >= 11 split into 1024 linear sub-buckets of width 2^(e-10). The widest bucket is 1/1024 of its lowest
/// value, so a bucket's midpoint is within 0.05 % of any value in it.

#include <cstdint>

namespace accurate::stats {

/// Number of linear sub-buckets per power of two (and log2 of it).
inline constexpr unsigned kSubBucketBits = 10;
/// Number of linear sub-buckets per power of two.
inline constexpr std::uint64_t kSubBucketCount = std::uint64_t{1} << kSubBucketBits;
/// Values below this (2048 µs) get one bucket each.
inline constexpr std::uint64_t kUnitBucketLimit = kSubBucketCount * 2;
/// Largest power of two covered: values up to 2^(kMaxExponent+1) - 1 µs (about 25 days) are tracked.
inline constexpr unsigned kMaxExponent = 40;
/// Largest trackable value in µs; larger values are clamped to it.
inline constexpr std::uint64_t kMaxTrackableUs = (std::uint64_t{1} << (kMaxExponent + 1)) - 1;
/// Number of buckets of a histogram that has seen kMaxTrackableUs (valid indexes are 0 .. kBucketCount - 1).
inline constexpr std::uint32_t kBucketCount =
    static_cast<std::uint32_t>(kUnitBucketLimit + (kMaxExponent - kSubBucketBits) * kSubBucketCount);

}  // namespace accurate::stats
