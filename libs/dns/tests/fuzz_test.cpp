// Bounded random-input tests of the DNS codec: random bytes and damaged copies of valid messages from fixed
// seeds, within a time budget of a few seconds. Properties: decoding never crashes (the sanitizer build checks
// memory safety) and allocates in proportion to its input; whatever decodes re-encodes without error and
// decodes back to the same message (compressed and uncompressed).
#include <accurate/dns/message.hpp>
#include "dns_fuzz_support.hpp"
#include "dns_print.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

namespace accurate::dns {
namespace {

using testing::Bytes;
using Clock = std::chrono::steady_clock;

/// Decoded bytes per input byte at most (the worst case, a 2-byte pointer to a 255-octet name of escaped
/// bytes, is about 170 plus the vectors' spare capacity).
constexpr std::size_t kMaxAmplification = 512;

constexpr int kIterations = 60000;
constexpr auto kTimeBudgetPerSeed = std::chrono::milliseconds(1000);
constexpr int kMinIterations = 3000;  // even the sanitizer build gets this far within the budget

TEST(DnsFuzz, RandomAndMutatedMessagesNeverCrashAndRoundTrip) {
  const auto seeds = testing::fuzzCorpus();
  for (std::uint64_t seed : {20240601u, 7u}) {
    testing::Mutator mutator(seed);
    const auto start = Clock::now();
    int iterations = 0;
    int decoded_ok = 0;
    for (; iterations < kIterations / 2; ++iterations) {
      if (iterations % 512 == 0 && Clock::now() - start > kTimeBudgetPerSeed) break;
      const Bytes input = mutator.below(5) == 0 ? mutator.random() : mutator.mutate(seeds[mutator.below(seeds.size())]);
      const auto decoded = decode(input);
      if (!decoded) continue;
      ++decoded_ok;
      ASSERT_LE(testing::footprint(*decoded), kMaxAmplification * input.size() + 4096)
          << "seed " << seed << " iteration " << iterations;
      for (bool compress : {true, false}) {
        Bytes again;
        try {
          again = encode(*decoded, {.compress = compress});
        } catch (const sdk::Error& e) {
          FAIL() << "seed " << seed << " iteration " << iterations << ": a decoded message does not encode: "
                 << e.what();
        }
        const auto round = decode(again);
        ASSERT_TRUE(round) << "seed " << seed << " iteration " << iterations << ": " << round.error().message();
        ASSERT_EQ(*round, *decoded) << "seed " << seed << " iteration " << iterations;
      }
    }
    std::cout << "[ fuzz ] seed " << seed << ": " << iterations << " inputs, " << decoded_ok << " decoded in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() << " ms\n";
    EXPECT_GE(iterations, kMinIterations) << "time budget ran out early";
    EXPECT_GT(decoded_ok, iterations / 20);  // the mutations must keep many inputs valid, or the round trip is untested
  }
}

TEST(DnsFuzz, EveryTruncationOfAValidResponseFailsCleanly) {
  for (const Bytes& wire : testing::fuzzCorpus()) {
    ASSERT_TRUE(decode(wire));
    for (std::size_t size = 0; size < wire.size(); ++size) {
      const Bytes cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(size));
      const auto decoded = decode(cut);
      // A cut right after the last whole record of a section may still decode if later counts are zero;
      // here every message ends with a record, so every proper prefix is short.
      ASSERT_FALSE(decoded) << "prefix of " << size << " bytes decoded";
      EXPECT_EQ(decoded.error(), make_error_code(DecodeErrc::kTruncated)) << "prefix of " << size << " bytes";
    }
  }
}

TEST(DnsFuzz, EverySingleBitFlipOfAValidResponseDecodesOrFailsWithoutCrashing) {
  const Bytes wire = testing::fuzzCorpus()[4];  // the response with every section filled
  int failures = 0;
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    Bytes flipped = wire;
    flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    const auto decoded = decode(flipped);
    if (!decoded) {
      ++failures;
      continue;
    }
    ASSERT_LE(testing::footprint(*decoded), kMaxAmplification * flipped.size() + 4096);
    const auto again = decode(encode(*decoded, {.compress = false}));
    ASSERT_TRUE(again) << "bit " << bit;
    ASSERT_EQ(*again, *decoded) << "bit " << bit;
  }
  EXPECT_GT(failures, 0);  // some flips must break the message, or the decoder checks nothing
}

TEST(DnsFuzz, HugeSectionCountsFailAsTruncatedWithoutReadingFurther) {
  Bytes wire = testing::fuzzCorpus()[4];
  for (std::size_t field : {4u, 6u, 8u, 10u}) {
    Bytes huge = wire;
    huge[field] = huge[field + 1] = 0xFF;
    const auto start = Clock::now();
    const auto decoded = decode(huge);
    ASSERT_FALSE(decoded) << "count at offset " << field;
    EXPECT_EQ(decoded.error(), make_error_code(DecodeErrc::kTruncated));
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(100));
  }
}

TEST(DnsFuzz, PointerLoopsAreRejectedWhereverTheyAre) {
  const Bytes wire = testing::fuzzCorpus()[4];
  int rejected = 0;
  for (std::size_t at = 12; at + 1 < wire.size(); ++at) {
    Bytes loop = wire;  // a pointer to itself at every offset
    loop[at] = static_cast<std::uint8_t>(0xC0 | (at >> 8));
    loop[at + 1] = static_cast<std::uint8_t>(at & 0xFF);
    const auto decoded = decode(loop);
    if (!decoded) {
      ++rejected;
      continue;
    }
    ASSERT_LE(testing::footprint(*decoded), kMaxAmplification * loop.size() + 4096);
  }
  EXPECT_GT(rejected, 0);
}

TEST(DnsFuzz, TheWorstCaseAmplificationStaysWithinItsBound) {
  // One 255-octet name of bytes that print as \DDD, then as many questions pointing at it as fit in 16 KiB
  // (the ratio is the same at 64 KiB; 16 KiB keeps the test fast).
  Bytes wire = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int label = 0; label < 4; ++label) {
    const std::size_t length = label < 3 ? 63 : 61;
    wire.push_back(static_cast<std::uint8_t>(length));
    wire.insert(wire.end(), length, 0x01);
  }
  wire.push_back(0);
  for (int b : {0, 1, 0, 1}) wire.push_back(static_cast<std::uint8_t>(b));
  std::size_t questions = 1;
  while (wire.size() + 6 <= 16384) {
    for (int b : {0xC0, 12, 0, 1, 0, 1}) wire.push_back(static_cast<std::uint8_t>(b));
    ++questions;
  }
  wire[4] = static_cast<std::uint8_t>(questions >> 8);
  wire[5] = static_cast<std::uint8_t>(questions & 0xFF);
  const auto start = Clock::now();
  const auto decoded = decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message();
  ASSERT_EQ(decoded->questions.size(), questions);
  EXPECT_EQ(decoded->questions.back().name.size(), 250u * 4 + 4);  // 250 bytes as \DDD, 4 dots
  const std::size_t used = testing::footprint(*decoded);
  std::cout << "[ fuzz ] worst case: " << wire.size() << " bytes decode to " << used << " bytes in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() << " ms\n";
  EXPECT_LE(used, kMaxAmplification * wire.size());
  EXPECT_FALSE(decode(Bytes(kMaxMessageSize + 1, 0)));  // and nothing larger is read at all
}

}  // namespace
}  // namespace accurate::dns
