#include "line_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace accurate::graphite {
namespace {

using namespace std::chrono_literals;
using Clock = LineQueue::Clock;

std::vector<std::string> lines(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("m " + std::to_string(i) + " 1\n");
  return out;
}

std::string drain(LineQueue& queue) {
  std::string text;
  while (!queue.empty()) text += queue.take(1).text;
  return text;
}

TEST(LineQueue, DropsTheOldestLinesWhenFullAndCountsThem) {
  LineQueue queue(3, 10s);
  EXPECT_EQ(queue.push(lines(0, 2)), 0u);
  EXPECT_EQ(queue.push(lines(2, 5)), 2u);
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(drain(queue), "m 2 1\nm 3 1\nm 4 1\n");
  EXPECT_EQ(queue.push(lines(0, 10)), 7u);
  EXPECT_EQ(drain(queue), "m 7 1\nm 8 1\nm 9 1\n");
}

TEST(LineQueue, TakesWholeLinesUpToTheByteBudgetAndPutsThemBackInOrder) {
  LineQueue queue(100, 10s);
  queue.push(lines(0, 5));
  LineBatch batch = queue.take(12);  // each line is 6 bytes
  EXPECT_EQ(batch.text, "m 0 1\nm 1 1\n");
  EXPECT_EQ(batch.lines.size(), 2u);
  EXPECT_EQ(queue.putBack(std::move(batch)), 0u);
  EXPECT_EQ(drain(queue), "m 0 1\nm 1 1\nm 2 1\nm 3 1\nm 4 1\n");
  EXPECT_TRUE(queue.take(100).lines.empty());
}

TEST(LineQueue, RequeuesTheLinesWrittenWithinTheWindowBeforeTheLossAheadOfNewOnes) {
  LineQueue queue(100, 5s);
  const Clock::time_point t0 = Clock::now();
  queue.push(lines(0, 2));
  queue.markWritten(queue.take(1000), t0);        // m 0, m 1 written at t0
  queue.push(lines(2, 3));
  queue.markWritten(queue.take(1000), t0 + 4s);   // m 2 written at t0+4
  queue.push(lines(3, 4));                        // m 3 still queued
  EXPECT_EQ(queue.requeueRecent(t0 + 8s), 1u);    // only m 2 is within 5 s before the loss
  LineBatch batch = queue.take(1000);
  EXPECT_EQ(batch.text, "m 2 1\nm 3 1\n");
  EXPECT_TRUE(batch.lines[0].resend);
  EXPECT_FALSE(batch.lines[1].resend);
  EXPECT_EQ(queue.requeueRecent(t0 + 8s), 0u);    // the memory was used up
}

TEST(LineQueue, RequeuesOnlyAsManyRecentLinesAsFitKeepingTheNewest) {
  LineQueue queue(3, 5s);
  const Clock::time_point t0 = Clock::now();
  queue.push(lines(0, 3));
  queue.markWritten(queue.take(1000), t0);
  queue.push(lines(3, 5));
  EXPECT_EQ(queue.requeueRecent(t0), 1u);
  EXPECT_EQ(drain(queue), "m 2 1\nm 3 1\nm 4 1\n");
}

}  // namespace
}  // namespace accurate::graphite
