#include "stats/histogram_layout.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/stats.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

using accurate::sdk::Histogram;
using accurate::stats::kBucketCount;
using accurate::stats::kMaxTrackableUs;

constexpr std::uint64_t kOneHourUs = 3'600'000'000ULL;

/// Log-uniform values between 1 µs and 1 h, fixed seed.
std::vector<std::uint64_t> logUniformValues(std::size_t n, std::uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(0.0, std::log(static_cast<double>(kOneHourUs)));
  std::vector<std::uint64_t> values;
  values.reserve(n);
  for (std::size_t i = 0; i < n; ++i) values.push_back(static_cast<std::uint64_t>(std::llround(std::exp(exponent(rng)))));
  return values;
}

double relativeError(std::uint64_t reported, std::uint64_t exact) {
  return std::abs(static_cast<double>(reported) - static_cast<double>(exact)) / static_cast<double>(exact);
}

void expectSameHistogram(const Histogram& a, const Histogram& b) {
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.nonZeroBuckets(), b.nonZeroBuckets());
}

TEST(Histogram, BucketsAreContiguousAndIndexedConsistently) {
  EXPECT_EQ(Histogram::bucketLowest(0), 0u);
  for (std::uint32_t i = 0; i + 1 < kBucketCount; ++i) {
    ASSERT_EQ(Histogram::bucketHighest(i) + 1, Histogram::bucketLowest(i + 1)) << "bucket " << i;
    ASSERT_EQ(Histogram::bucketIndex(Histogram::bucketLowest(i)), i);
    ASSERT_EQ(Histogram::bucketIndex(Histogram::bucketHighest(i)), i);
  }
  EXPECT_EQ(Histogram::bucketHighest(kBucketCount - 1), kMaxTrackableUs);
  EXPECT_GE(kMaxTrackableUs, std::uint64_t{1} << 40);
}

TEST(Histogram, ValuesBelow2048HaveTheirOwnBucket) {
  for (std::uint64_t v = 0; v < 2048; ++v) {
    ASSERT_EQ(Histogram::bucketLowest(Histogram::bucketIndex(v)), v);
    ASSERT_EQ(Histogram::bucketHighest(Histogram::bucketIndex(v)), v);
  }
  // Width-2 buckets start at 2048.
  EXPECT_EQ(Histogram::bucketIndex(2048), Histogram::bucketIndex(2049));
  EXPECT_NE(Histogram::bucketIndex(2049), Histogram::bucketIndex(2050));
}

TEST(Histogram, ReportsEveryValueFrom1UsTo1HourWithin0Point1Percent) {
  const auto values = logUniformValues(20000, 42);
  for (const std::uint64_t v : values) {
    const std::uint32_t index = Histogram::bucketIndex(v);
    ASSERT_LE(Histogram::bucketLowest(index), v);
    ASSERT_GE(Histogram::bucketHighest(index), v);
    // Any value the histogram can report for this bucket lies within the bucket's bounds.
    ASSERT_LE(relativeError(Histogram::bucketLowest(index), v), 0.001) << v;
    ASSERT_LE(relativeError(Histogram::bucketHighest(index), v), 0.001) << v;
  }
}

TEST(Histogram, QuantilesMatchSortedDataWithin0Point1Percent) {
  auto values = logUniformValues(20000, 7);
  Histogram h;
  for (const std::uint64_t v : values) h.record(v);
  std::sort(values.begin(), values.end());
  const std::uint64_t n = values.size();
  ASSERT_EQ(h.count(), n);
  for (const std::uint64_t permille : {1, 10, 100, 250, 500, 750, 900, 950, 990, 999}) {
    const std::uint64_t rank = std::max<std::uint64_t>(1, (permille * n + 999) / 1000);
    const std::uint64_t exact = values[rank - 1];
    const std::uint64_t reported = h.valueAtQuantile(static_cast<double>(permille) / 1000.0);
    EXPECT_LE(relativeError(reported, exact), 0.001) << "q=" << permille << "/1000 exact=" << exact
                                                     << " reported=" << reported;
  }
}

TEST(Histogram, QuantileOfAnUnevenRankUsesTheCeiling) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.valueAtQuantile(0.07), 7u);    // 0.07 * 100 is 7.000000000000001 in doubles
  EXPECT_EQ(h.valueAtQuantile(0.071), 8u);
  EXPECT_EQ(h.valueAtQuantile(0.5), 50u);
  EXPECT_EQ(h.valueAtQuantile(0.001), 1u);  // rank at least 1
}

TEST(Histogram, MinAndMaxAreExact) {
  Histogram h;
  for (const std::uint64_t v : {123'457ULL, 9'999'999ULL, 55'555ULL, 3'600'000'001ULL}) h.record(v);
  EXPECT_EQ(h.min(), 55'555u);
  EXPECT_EQ(h.max(), 3'600'000'001u);
  EXPECT_EQ(h.valueAtQuantile(0.0), 55'555u);
  EXPECT_EQ(h.valueAtQuantile(-1.0), 55'555u);
  EXPECT_EQ(h.valueAtQuantile(1.0), 3'600'000'001u);
  EXPECT_EQ(h.valueAtQuantile(2.0), 3'600'000'001u);
}

TEST(Histogram, QuantilesStayWithinMinAndMax) {
  Histogram h;
  h.record(1'000'001);  // the middle of its bucket would be above it
  EXPECT_EQ(h.valueAtQuantile(0.5), 1'000'001u);
}

TEST(Histogram, EmptyHistogramReportsZero) {
  const Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.valueAtQuantile(0.5), 0u);
  EXPECT_TRUE(h.nonZeroBuckets().empty());
}

TEST(Histogram, RecordsRepeatedCountsAndIgnoresZeroCount) {
  Histogram h;
  h.record(500, 3);
  h.record(900, 0);
  EXPECT_EQ(h.count(), 3u);
  EXPECT_EQ(h.max(), 500u);
  ASSERT_EQ(h.nonZeroBuckets().size(), 1u);
  EXPECT_EQ(h.nonZeroBuckets()[0].second, 3u);
}

TEST(Histogram, ClampsValuesAboveTheTrackableMaximum) {
  Histogram h;
  h.record(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(h.max(), kMaxTrackableUs);
  EXPECT_EQ(Histogram::bucketIndex(std::numeric_limits<std::uint64_t>::max()), kBucketCount - 1);
  EXPECT_LE(relativeError(h.valueAtQuantile(0.5), kMaxTrackableUs), 0.001);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  const auto values = logUniformValues(5000, 3);
  Histogram all, low, high;
  for (std::size_t i = 0; i < values.size(); ++i) {
    all.record(values[i]);
    (values[i] < 10'000 ? low : high).record(values[i]);
  }
  Histogram merged = low;
  merged.merge(high);
  expectSameHistogram(merged, all);
  Histogram merged_other_way = high;
  merged_other_way.merge(low);
  expectSameHistogram(merged_other_way, all);
  Histogram into_empty;
  into_empty.merge(all);
  expectSameHistogram(into_empty, all);
}

TEST(Histogram, SubtractLeavesOnlyTheNewerCounts) {
  Histogram h;
  for (std::uint64_t v = 1'000'000; v < 1'010'000; v += 10) h.record(v);  // old: ~1 s
  const Histogram older = h;
  Histogram recent;
  for (std::uint64_t v = 100; v < 1100; ++v) {  // new: 0.1 .. 1.1 ms
    h.record(v);
    recent.record(v);
  }
  h.subtract(older);
  EXPECT_EQ(h.count(), recent.count());
  EXPECT_EQ(h.nonZeroBuckets(), recent.nonZeroBuckets());
  EXPECT_EQ(h.min(), 100u);
  EXPECT_EQ(h.max(), 1099u);  // unit buckets: the bucket bound is the value
  EXPECT_EQ(h.valueAtQuantile(0.5), recent.valueAtQuantile(0.5));
}

TEST(Histogram, SubtractingEverythingLeavesAnEmptyHistogram) {
  Histogram h;
  h.record(5'000'000);
  const Histogram same = h;
  h.subtract(same);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.valueAtQuantile(0.99), 0u);
}

TEST(Histogram, SubtractRefusesAHistogramThatIsNotAnEarlierState) {
  Histogram h;
  h.record(10);
  Histogram other;
  other.record(20);
  EXPECT_THROW(h.subtract(other), accurate::sdk::Error);
  EXPECT_EQ(h.count(), 1u);  // untouched
  EXPECT_EQ(h.min(), 10u);
}

TEST(Histogram, NonZeroBucketsRoundTripThroughAddBucket) {
  const auto values = logUniformValues(3000, 11);
  Histogram h;
  for (const std::uint64_t v : values) h.record(v);
  const auto buckets = h.nonZeroBuckets();
  ASSERT_TRUE(std::is_sorted(buckets.begin(), buckets.end()));
  Histogram rebuilt;
  for (const auto& [index, count] : buckets) rebuilt.addBucket(index, count);
  EXPECT_EQ(rebuilt.count(), h.count());
  EXPECT_EQ(rebuilt.nonZeroBuckets(), buckets);
  EXPECT_EQ(rebuilt.min(), Histogram::bucketLowest(Histogram::bucketIndex(h.min())));
  EXPECT_EQ(rebuilt.max(), Histogram::bucketHighest(Histogram::bucketIndex(h.max())));
  for (const double q : {0.1, 0.5, 0.9, 0.99}) {
    EXPECT_LE(relativeError(rebuilt.valueAtQuantile(q), h.valueAtQuantile(q)), 0.001) << q;
  }
}

TEST(Histogram, AddBucketThrowsOnOutOfRangeIndex) {
  Histogram h;
  EXPECT_THROW(h.addBucket(kBucketCount, 1), accurate::sdk::Error);
  EXPECT_THROW(h.addBucket(std::numeric_limits<std::uint32_t>::max(), 1), accurate::sdk::Error);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_NO_THROW(h.addBucket(kBucketCount - 1, 2));
  EXPECT_EQ(h.count(), 2u);
  EXPECT_EQ(h.max(), kMaxTrackableUs);
}

TEST(Histogram, ClearForgetsEverything) {
  Histogram h;
  h.record(42);
  h.record(4'200'000);
  h.clear();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_TRUE(h.nonZeroBuckets().empty());
  h.record(7);
  EXPECT_EQ(h.min(), 7u);
  EXPECT_EQ(h.max(), 7u);
}

}  // namespace
