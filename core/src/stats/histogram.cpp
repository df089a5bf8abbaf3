/// @file histogram.cpp
/// sdk::Histogram: log-linear microsecond buckets (see histogram_layout.hpp).

#include "stats/histogram_layout.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/stats.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

namespace accurate::sdk {

using stats::kBucketCount;
using stats::kMaxTrackableUs;
using stats::kSubBucketBits;
using stats::kSubBucketCount;
using stats::kUnitBucketLimit;

namespace {

/// Buckets are added in steps of one power of two so a growing maximum reallocates at most ~32 times.
std::size_t grownSize(std::uint32_t index) {
  const std::size_t wanted = (static_cast<std::size_t>(index) / kSubBucketCount + 1) * kSubBucketCount;
  return std::min<std::size_t>(wanted, kBucketCount);
}

/// Makes @p counts at least @p index + 1 long, reserving exactly what it uses (no geometric over-allocation).
void growTo(std::vector<std::uint64_t>& counts, std::uint32_t index) {
  if (index < counts.size()) return;
  const std::size_t size = grownSize(index);
  counts.reserve(size);
  counts.resize(size, 0);
}

/// Middle of bucket @p index: within 0.05 % of every value in it.
std::uint64_t bucketMiddle(std::uint32_t index) {
  const std::uint64_t low = Histogram::bucketLowest(index);
  return low + (Histogram::bucketHighest(index) - low) / 2;
}

}  // namespace

std::uint32_t Histogram::bucketIndex(std::uint64_t value_us) noexcept {
  const std::uint64_t v = std::min(value_us, kMaxTrackableUs);
  if (v < kUnitBucketLimit) return static_cast<std::uint32_t>(v);
  const unsigned exponent = static_cast<unsigned>(std::bit_width(v)) - 1;  // >= 11
  const unsigned shift = exponent - kSubBucketBits;
  const std::uint64_t sub = (v >> shift) - kSubBucketCount;  // 0 .. 1023
  return static_cast<std::uint32_t>(kUnitBucketLimit + (exponent - kSubBucketBits - 1) * kSubBucketCount + sub);
}

std::uint64_t Histogram::bucketLowest(std::uint32_t index) noexcept {
  const std::uint64_t i = std::min<std::uint64_t>(index, kBucketCount - 1);
  if (i < kUnitBucketLimit) return i;
  const std::uint64_t k = i - kUnitBucketLimit;
  const unsigned shift = static_cast<unsigned>(k / kSubBucketCount) + 1;  // exponent - 10
  return (kSubBucketCount + k % kSubBucketCount) << shift;
}

std::uint64_t Histogram::bucketHighest(std::uint32_t index) noexcept {
  const std::uint64_t i = std::min<std::uint64_t>(index, kBucketCount - 1);
  if (i < kUnitBucketLimit) return i;
  const unsigned shift = static_cast<unsigned>((i - kUnitBucketLimit) / kSubBucketCount) + 1;
  return bucketLowest(index) + (std::uint64_t{1} << shift) - 1;
}

void Histogram::record(std::uint64_t value_us, std::uint64_t count) {
  if (count == 0) return;
  const std::uint64_t v = std::min(value_us, kMaxTrackableUs);
  const std::uint32_t index = bucketIndex(v);
  growTo(counts_, index);
  counts_[index] += count;
  if (total_count_ == 0) {
    min_ = v;
    max_ = v;
  } else {
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  total_count_ += count;
}

void Histogram::merge(const Histogram& other) {
  if (other.total_count_ == 0) return;
  if (other.counts_.size() > counts_.size()) {
    counts_.reserve(other.counts_.size());
    counts_.resize(other.counts_.size(), 0);
  }
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  if (total_count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  total_count_ += other.total_count_;
}

void Histogram::subtract(const Histogram& older) {
  if (older.total_count_ == 0) return;
  // Check first so a wrong argument leaves this histogram untouched.
  bool fits = older.total_count_ <= total_count_;
  for (std::size_t i = 0; fits && i < older.counts_.size(); ++i) {
    const std::uint64_t mine = i < counts_.size() ? counts_[i] : 0;
    fits = older.counts_[i] <= mine;
  }
  if (!fits) {
    throw Error("histogram subtract: the subtracted histogram is not an earlier state of this one (it has counts "
                "this one lacks)");
  }
  const std::size_t n = std::min(older.counts_.size(), counts_.size());
  for (std::size_t i = 0; i < n; ++i) counts_[i] -= older.counts_[i];
  total_count_ -= older.total_count_;
  if (total_count_ == 0) {
    min_ = 0;
    max_ = 0;
    return;
  }
  const auto first = std::find_if(counts_.begin(), counts_.end(), [](std::uint64_t c) { return c != 0; });
  const auto last = std::find_if(counts_.rbegin(), counts_.rend(), [](std::uint64_t c) { return c != 0; });
  const auto first_index = static_cast<std::uint32_t>(first - counts_.begin());
  const auto last_index = static_cast<std::uint32_t>(counts_.rend() - last - 1);
  // Every remaining value lies within the old [min, max] and within the bounds of the remaining buckets.
  min_ = std::max(min_, bucketLowest(first_index));
  max_ = std::min(max_, bucketHighest(last_index));
}

void Histogram::clear() {
  counts_.clear();
  total_count_ = 0;
  min_ = 0;
  max_ = 0;
}

std::uint64_t Histogram::valueAtQuantile(double q) const {
  if (total_count_ == 0) return 0;
  if (!(q > 0)) return min_;  // also NaN
  if (q >= 1) return max_;
  // The tiny relative slack keeps q * count that lands a rounding error above an integer on that integer
  // (0.07 * 100 is 7.000000000000001 in doubles).
  const double exact_rank = q * static_cast<double>(total_count_);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(exact_rank * (1 - 1e-12))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucketMiddle(static_cast<std::uint32_t>(i)), min_, max_);
  }
  return max_;  // unreachable while total_count_ equals the sum of counts_
}

std::vector<std::pair<std::uint32_t, std::uint64_t>> Histogram::nonZeroBuckets() const {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) out.emplace_back(static_cast<std::uint32_t>(i), counts_[i]);
  }
  return out;
}

void Histogram::addBucket(std::uint32_t index, std::uint64_t count) {
  if (index >= kBucketCount) {
    throw Error("histogram bucket index " + std::to_string(index) + " is out of range (valid: 0.." +
                std::to_string(kBucketCount - 1) + ")");
  }
  if (count == 0) return;
  growTo(counts_, index);
  counts_[index] += count;
  const std::uint64_t low = bucketLowest(index);
  const std::uint64_t high = bucketHighest(index);
  if (total_count_ == 0) {
    min_ = low;
    max_ = high;
  } else {
    min_ = std::min(min_, low);
    max_ = std::max(max_, high);
  }
  total_count_ += count;
}

}  // namespace accurate::sdk
