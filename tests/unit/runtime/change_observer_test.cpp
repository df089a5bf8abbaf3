// UserContext::publishChange: every registered ChangeObserver hears every change, on the publishing user's shard,
// with that user's context; an observer that throws is recorded and does not stop the others.
#include "fake_users.hpp"
#include "runtime/runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace accurate::runtime {
namespace {

using namespace std::chrono_literals;
using testing::Counters;
using testing::fakeClass;
using testing::StateLog;
using S = RunState;

std::uint64_t exceptionCount(const sdk::StatsSnapshot& s, const std::string& message) {
  for (const sdk::ExceptionCount& e : s.exceptions) {
    if (e.message == message) return e.count;
  }
  return 0;
}

/// Remembers what it heard (thread-safe: several shards publish at once).
class RecordingObserver final : public sdk::ChangeObserver {
 public:
  void onChange(const sdk::DnsChange& change, sdk::UserContext& ctx) override {
    std::lock_guard lock(mutex);
    names.push_back(change.name);
    users.push_back(ctx.userId());
    ctx.stats().count("observer.heard");
  }
  std::mutex mutex;                   ///< guards the vectors
  std::vector<std::string> names;     ///< change names heard
  std::vector<std::uint64_t> users;   ///< publishing user of each
};

class ThrowingObserver final : public sdk::ChangeObserver {
 public:
  void onChange(const sdk::DnsChange&, sdk::UserContext&) override { throw std::runtime_error("observer broke"); }
};

TEST(ChangeObserverTest, EveryObserverHearsEveryPublishedChangeFromThePublishingUser) {
  StateLog log;
  RunnerOptions o;
  o.settings.threads = 2;
  o.snapshot_interval = 50ms;
  o.on_state = [&log](RunState s) { log.push(s); };
  auto recording = std::make_shared<RecordingObserver>();
  o.change_observers = {std::make_shared<ThrowingObserver>(), recording};
  auto c = std::make_shared<Counters>();
  sdk::UserClassSpec spec = fakeClass("publisher", c, false, false);
  spec.tasks[0].run = [](sdk::UserTasks&, sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
    return [](sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
      if (!ctx.stopping()) {
        ctx.publishChange(sdk::DnsChange{sdk::DnsChange::Type::kZoneCreate, "z.test.",
                                         "u" + std::to_string(ctx.userId()) + ".z.test.", "", "", std::nullopt, 1.0});
      }
      co_await ctx.sleep(20ms);
    }(ctx);
  };
  o.classes.push_back(std::move(spec));
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(4, 1000).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kRunning, 1, 2s));
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  const auto snapshot = runner.latestSnapshot();
  std::lock_guard lock(recording->mutex);
  ASSERT_FALSE(recording->names.empty());
  for (std::size_t i = 0; i < recording->names.size(); ++i) {
    EXPECT_EQ(recording->names[i], "u" + std::to_string(recording->users[i]) + ".z.test.");
  }
  std::uint64_t heard = 0;
  for (const auto& counter : snapshot->counters) heard += counter.name == "observer.heard" ? counter.value : 0;
  EXPECT_EQ(heard, recording->names.size());
  EXPECT_EQ(exceptionCount(*snapshot, "change observer: observer broke"), recording->names.size());
}

}  // namespace
}  // namespace accurate::runtime
