#include "carbon_sender.hpp"
#include "graphite_sink.hpp"
#include "line_server.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace accurate::graphite {
namespace {

using namespace std::chrono_literals;
using test::LineServer;

std::vector<std::string> lines(const std::string& name, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(name + " " + std::to_string(i) + " 1000\n");
  return out;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const auto& p : parts) text += p;
  return text;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

SenderSettings to(std::uint16_t port) {
  SenderSettings s;
  s.port = port;
  s.backoff_min = 10ms;
  s.backoff_max = 50ms;
  return s;
}

/// A temporary file path, removed at the end of the test.
struct TempFile {
  TempFile() : path(std::filesystem::temp_directory_path() /
                    ("accurate-graphite-test." + std::to_string(::getpid()) + "." +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name())) {}
  ~TempFile() { std::filesystem::remove(path); }
  std::string read() const {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::filesystem::path path;
};

TEST(CarbonSender, DeliversQueuedLinesInOrder) {
  LineServer server;
  CarbonSender sender(to(server.port()));
  const auto sent = lines("a.b", 200);
  sender.enqueue(sent);
  EXPECT_TRUE(sender.waitDrained(5s));
  EXPECT_TRUE(server.waitFor([&](const std::string& r) { return r.size() >= joined(sent).size(); }, 5s));
  EXPECT_EQ(server.received(), joined(sent));
  const SenderStatus status = sender.status();
  EXPECT_EQ(status.written, 200u);
  EXPECT_EQ(status.connections, 1u);
  EXPECT_EQ(status.queued, 0u);
  EXPECT_TRUE(status.connected);
}

TEST(CarbonSender, ReconnectsAndResendsRecentLinesWhenCarbonClosesConnections) {
  LineServer server(2, 50ms);  // the first two connections close 50 ms after their first read
  TempFile log;
  SenderSettings settings = to(server.port());
  settings.log_lines = log.path.string();
  CarbonSender sender(settings);
  const auto first = lines("first", 5);
  sender.enqueue(first);
  // Each closed connection lost what it carried: the sender reconnects and re-sends the recent lines.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (sender.status().connections < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(server.accepted(), 3);
  const auto second = lines("second", 3);
  sender.enqueue(second);
  EXPECT_TRUE(sender.waitDrained(5s));
  EXPECT_TRUE(server.waitFor([&](const std::string& r) { return r.find(joined(second)) != std::string::npos; }, 5s));
  const std::string received = server.received();
  // Written into connections 1 and 2, lost when they closed (from the sender's view), re-sent into the next.
  for (const std::string& line : first) EXPECT_EQ(occurrences(received, line), 3u) << line;
  for (const std::string& line : second) EXPECT_EQ(occurrences(received, line), 1u) << line;
  const SenderStatus status = sender.status();
  EXPECT_EQ(status.connections, 3u);
  EXPECT_EQ(status.written, 8u);
  EXPECT_EQ(status.resent, 10u);
  EXPECT_TRUE(status.connected);
  // The log has every line once, however often it was re-sent.
  EXPECT_EQ(log.read(), joined(first) + joined(second));
}

TEST(CarbonSender, WaitDrainedGivesUpAfterItsTimeoutWhenNoCarbonListens) {
  const auto start = std::chrono::steady_clock::now();
  {
    CarbonSender sender(to(test::closedPort()));
    sender.enqueue(lines("x", 10));
    EXPECT_FALSE(sender.waitDrained(300ms));
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, 300ms);
    EXPECT_LT(waited, 2s);
    const SenderStatus status = sender.status();
    EXPECT_EQ(status.queued, 10u);
    EXPECT_EQ(status.written, 0u);
    EXPECT_FALSE(status.connected);
    EXPECT_NE(status.last_error.find("refused"), std::string::npos) << status.last_error;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);  // the destructor does not hang either
}

TEST(CarbonSender, DropsTheOldestLinesWhenTheQueueIsFull) {
  SenderSettings settings = to(test::closedPort());
  settings.capacity = 5;
  CarbonSender sender(settings);
  sender.enqueue(lines("x", 4));
  sender.enqueue(lines("y", 8));
  const SenderStatus status = sender.status();
  EXPECT_EQ(status.dropped, 7u);
  EXPECT_EQ(status.queued, 5u);
}

sdk::StatsSnapshot snapshotWith(double time, std::uint64_t requests) {
  sdk::StatsSnapshot s;
  s.time = time;
  s.start_time = 990;
  s.total.name = "Aggregated";
  s.total.num_requests = requests;
  for (std::uint64_t i = 0; i < requests; ++i) s.total.response_times.record(1000);
  s.total.total_response_time_us = 1000 * requests;
  return s;
}

TEST(GraphiteSink, SendsDueSnapshotsAndTheFinalOneAtFlush) {
  LineServer server;
  GraphiteSink sink(FormatSettings{}, to(server.port()), 5s);
  sink.onSnapshot(std::make_shared<const sdk::StatsSnapshot>(snapshotWith(1000.2, 1)));
  sink.onSnapshot(std::make_shared<const sdk::StatsSnapshot>(snapshotWith(1000.7, 3)));  // same slot: not due
  sink.onSnapshot(std::make_shared<const sdk::StatsSnapshot>(snapshotWith(1001.1, 4)));
  sink.onSnapshot(std::make_shared<const sdk::StatsSnapshot>(snapshotWith(1001.9, 6)));  // the final one
  sink.flush();
  EXPECT_TRUE(server.waitFor([](const std::string& r) { return r.find("accurate.total.requests 6 1001\n") != std::string::npos; }, 5s));
  const std::string received = server.received();
  EXPECT_EQ(occurrences(received, "accurate.total.requests 1 1000\n"), 1u);
  EXPECT_EQ(occurrences(received, "accurate.total.requests 3 "), 0u);
  EXPECT_EQ(occurrences(received, "accurate.total.requests 4 1001\n"), 1u);
  EXPECT_EQ(occurrences(received, "accurate.total.requests "), 3u);
  EXPECT_EQ(sink.status().queued, 0u);
}

TEST(GraphiteSink, FlushReturnsWithinItsTimeoutWhenCarbonIsDown) {
  GraphiteSink sink(FormatSettings{}, to(test::closedPort()), 200ms);
  sink.onSnapshot(std::make_shared<const sdk::StatsSnapshot>(snapshotWith(1000.2, 1)));
  const auto start = std::chrono::steady_clock::now();
  sink.flush();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_GT(sink.status().queued, 0u);
}

}  // namespace
}  // namespace accurate::graphite
