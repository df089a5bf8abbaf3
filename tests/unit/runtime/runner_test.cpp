#include "fake_users.hpp"

#include "runtime/runner.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace accurate::runtime {
namespace {

using namespace std::chrono_literals;
using testing::Counters;
using testing::eventually;
using testing::fakeClass;
using testing::findEntry;
using testing::StateLog;
using Steady = std::chrono::steady_clock;
using S = RunState;

RunnerOptions baseOptions(StateLog& log) {
  RunnerOptions o;
  o.settings.threads = 2;
  o.settings.stop_timeout = 200ms;
  o.snapshot_interval = 100ms;
  o.seed = 42;
  o.on_state = [&log](RunState s) { log.push(s); };
  return o;
}

std::uint64_t exceptionCount(const sdk::StatsSnapshot& s, const std::string& message) {
  for (const sdk::ExceptionCount& e : s.exceptions) {
    if (e.message == message) return e.count;
  }
  return 0;
}

TEST(RunnerTest, FailingSetupPhaseStopsTheRunBeforeAnyUserAndKeepsItsStats) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("fake", c, /*background=*/false, /*with_boom=*/false));
  o.setup_phases.push_back(SetupPhase{"gather", [](sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
                                        ctx.stats().record(sdk::Sample{"POST", "/token", 1000, 0, "HTTP 401"});
                                        throw std::runtime_error("cannot authenticate project p1");
                                        co_return;
                                      }});
  bool second_ran = false;
  o.setup_phases.push_back(SetupPhase{"second", [&second_ran](sdk::UserContext&) -> boost::asio::awaitable<void> {
                                        second_ran = true;
                                        co_return;
                                      }});
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(5, 100).get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(5s));
  EXPECT_EQ(runner.state(), S::kStopped);
  EXPECT_EQ(c->started, 0) << "no user may start after a failed setup";
  EXPECT_FALSE(second_ran) << "later setup phases are skipped";
  EXPECT_NE(runner.setupFailure().find("cannot authenticate project p1"), std::string::npos) << runner.setupFailure();
  const auto snapshot = runner.latestSnapshot();
  EXPECT_EQ(snapshot->total.num_failures, 1u) << "the setup's samples stay for the report";
  runner.shutdown();
}

TEST(RunnerTest, RunsSetupOnceThenUsersRetargetsAndStopsWithinTheStopTimeout) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("fake", c, /*background=*/true, /*with_boom=*/true));
  o.setup_phases.push_back(SetupPhase{"gather", [c](sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
                                        ++c->setup_runs;
                                        if (ctx.userId() != 0) throw std::runtime_error("setup is not user 0");
                                        ctx.stats().record(sdk::Sample{"SETUP", "/gather", 5000, 0, ""});
                                        co_await ctx.sleep(30ms);
                                        c->setup_done = true;
                                      }});
  std::atomic<int> snapshots{0};
  std::mutex last_mutex;
  std::shared_ptr<const sdk::StatsSnapshot> last;
  o.on_snapshot = [&](std::shared_ptr<const sdk::StatsSnapshot> s) {
    ++snapshots;
    std::lock_guard lock(last_mutex);
    last = std::move(s);
  };
  // Each announced state of the setup/load/stop edges comes with a snapshot already carrying it.
  std::vector<std::string> snapshot_state_at_announce;
  o.on_state = [&log, &snapshot_state_at_announce, &last_mutex, &last](RunState s) {
    {
      std::lock_guard lock(last_mutex);
      snapshot_state_at_announce.push_back(last ? last->state : "none");
    }
    log.push(s);
  };
  Runner runner(std::move(o));
  EXPECT_EQ(runner.state(), S::kReady);

  ASSERT_TRUE(runner.start(20, 1000).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kRunning, 3, 3s));
  EXPECT_EQ(runner.userCount(), 20u);
  ASSERT_TRUE(eventually([&] { return c->started == 20 && c->bg_started == 20; }, 2s));
  EXPECT_EQ(c->setup_runs, 1);
  EXPECT_EQ(c->made_before_setup, 0) << "users start only after the setup phase ended";
  const CommandResult again = runner.start(1, 1).get();
  EXPECT_FALSE(again.accepted);
  EXPECT_NE(again.reason.find("already in progress"), std::string::npos) << again.reason;
  std::this_thread::sleep_for(300ms);

  // Retarget down: the 15 newest users stop; their one-hour background sleepers end at the stop timeout.
  ASSERT_TRUE(runner.setUsers(5, 1000).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kRunning, 5, 2s));
  EXPECT_EQ(runner.userCount(), 5u);
  EXPECT_TRUE(eventually([&] { return c->live == 5; }, 2s)) << c->live;
  EXPECT_EQ(c->bg_cancelled, 15);
  // Retarget up.
  ASSERT_TRUE(runner.setUsers(8, 1000).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kRunning, 7, 2s));
  EXPECT_TRUE(eventually([&] { return c->live == 8; }, 2s)) << c->live;
  std::this_thread::sleep_for(200ms);

  const auto stop_begin = Steady::now();
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  const auto stop_took = Steady::now() - stop_begin;
  EXPECT_GE(stop_took, 190ms) << "background work runs until the stop timeout";
  EXPECT_LT(stop_took, 200ms + 800ms) << "a one-hour background sleep must not delay the stop";

  EXPECT_EQ(log.states(), (std::vector<S>{S::kSetup, S::kSpawning, S::kRunning, S::kSpawning, S::kRunning,
                                          S::kSpawning, S::kRunning, S::kStopping, S::kStopped}));
  EXPECT_EQ(runner.state(), S::kStopped);
  EXPECT_EQ(runner.userCount(), 0u);
  EXPECT_EQ(c->live, 0) << "every user is destroyed";
  EXPECT_EQ(c->made, 23);
  EXPECT_EQ(c->bg_started, 23);
  EXPECT_EQ(c->bg_cancelled, 23);
  EXPECT_EQ(c->stopped, c->started.load()) << "tasks are short: every user ran on_stop within the stop timeout";
  EXPECT_GT(c->after_boom, 0) << "a user goes on after its task threw";

  const auto snap = runner.latestSnapshot();
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->state, "stopped");
  EXPECT_EQ(snap->users, 0u);
  EXPECT_EQ(snap->max_users, 20u);
  EXPECT_EQ(findEntry(*snap, "SETUP", "/gather"), nullptr) << "setup samples are reset before the load phase";
  const sdk::EntryStats* work = findEntry(*snap, "GET", "/work");
  ASSERT_NE(work, nullptr);
  EXPECT_EQ(work->num_requests, static_cast<std::uint64_t>(c->work.load()));
  EXPECT_GT(work->num_requests, 100u);
  EXPECT_EQ(work->intended_response_times.count(), 0u) << "a closed-model user records no lag";
  EXPECT_GT(c->booms, 0);
  EXPECT_EQ(exceptionCount(*snap, "fake.boom: kaboom"), static_cast<std::uint64_t>(c->booms.load()));
  EXPECT_GE(snapshots.load(), 5);
  std::lock_guard lock(last_mutex);
  EXPECT_EQ(last, snap) << "the final snapshot is the last one published";
  ASSERT_EQ(snapshot_state_at_announce.size(), 9u);
  EXPECT_EQ(snapshot_state_at_announce[0], "setup");
  EXPECT_EQ(snapshot_state_at_announce[1], "spawning");
  EXPECT_EQ(snapshot_state_at_announce[8], "stopped");
}

TEST(RunnerTest, RunTimeStopsPacedUsersAndTheirLagIsRecorded) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("paced", c, false, false, sdk::WaitTime::pacing(20ms)));
  o.settings.run_time = 400ms;
  Runner runner(std::move(o));
  const auto begin = Steady::now();
  ASSERT_TRUE(runner.start(2, 100).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kStopped, 5, 3s));
  EXPECT_LT(Steady::now() - begin, 2s);
  const auto snap = runner.latestSnapshot();
  const sdk::EntryStats* work = findEntry(*snap, "GET", "/work");
  ASSERT_NE(work, nullptr);
  // 2 users × 400 ms / 20 ms ≈ 40 iterations.
  EXPECT_GE(work->num_requests, 25u);
  EXPECT_LE(work->num_requests, 50u);
  EXPECT_EQ(work->intended_response_times.count(), work->num_requests) << "every paced sample carries its lag";
}

TEST(RunnerTest, TestSettingsReplaceHostAndRunTimeFromThatTestOn) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("plain", c, false, false, sdk::WaitTime::constant(20ms)));
  o.settings.host = "http://configured.invalid";
  o.settings.run_time = 60s;
  auto seen_host = std::make_shared<std::string>();
  o.setup_phases.push_back({"look", [seen_host](sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
                              *seen_host = ctx.settings().host;
                              co_return;
                            }});
  Runner runner(std::move(o));
  const auto begin = Steady::now();
  ASSERT_TRUE(runner.start(2, 100, TestSettings{"http://first.invalid", 300ms}).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kStopped, 5, 3s)) << "the test's own run time ends it, not the configured 60 s";
  EXPECT_LT(Steady::now() - begin, 2s);
  EXPECT_EQ(*seen_host, "http://first.invalid");

  ASSERT_TRUE(runner.start(2, 100, TestSettings{"http://second.invalid", std::nullopt}).get().accepted);
  ASSERT_TRUE(eventually([&] { return runner.state() == S::kRunning; }, 3s));
  EXPECT_EQ(*seen_host, "http://second.invalid");
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(runner.state(), S::kRunning) << "no run time: runs until stopped";
  ASSERT_TRUE(runner.stop().get().accepted);
  EXPECT_TRUE(runner.waitUntilStopped(3s));
}

TEST(RunnerTest, OpenModelRunsAtTheArrivalRateIgnoringWaitTimes) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  // A one-second constant wait would allow at most 4 iterations: the open model must ignore it.
  o.classes.push_back(fakeClass("open", c, false, false, sdk::WaitTime::constant(1s)));
  o.arrival_rate = 100;
  o.settings.run_time = 500ms;
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(4, 1000).get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  const auto snap = runner.latestSnapshot();
  const sdk::EntryStats* work = findEntry(*snap, "GET", "/work");
  ASSERT_NE(work, nullptr);
  EXPECT_GE(work->num_requests, 30u);
  EXPECT_LE(work->num_requests, 60u);
  EXPECT_EQ(work->intended_response_times.count(), work->num_requests);
  EXPECT_EQ(findEntry(*snap, "ARRIVAL", "open model"), nullptr) << "4 idle users absorb 100/s of 2 ms tasks";
}

TEST(RunnerTest, OpenModelDropsArrivalsBeyondTheQueueBound) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.settings.threads = 1;
  o.classes.push_back(fakeClass("open", c, false, false));
  o.arrival_rate = 2000;  // one user doing ~2 ms tasks serves at most ~500/s: the queue (10) overflows
  o.settings.run_time = 300ms;
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(1, 1000).get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  const auto snap = runner.latestSnapshot();
  const sdk::EntryStats* dropped = findEntry(*snap, "ARRIVAL", "open model");
  ASSERT_NE(dropped, nullptr);
  EXPECT_GT(dropped->num_failures, 100u);
  EXPECT_EQ(dropped->num_failures, dropped->num_requests);
  const bool listed = std::any_of(snap->errors.begin(), snap->errors.end(), [](const sdk::ErrorCount& e) {
    return e.error == "arrival dropped: no idle user";
  });
  EXPECT_TRUE(listed);
}

TEST(RunnerTest, LoadShapeDrivesUsersAndEndsTheRun) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("shaped", c, false, false));
  o.shape = {ShapeStage{300ms, 4, 1000}, ShapeStage{300ms, 2, 1000}};
  Runner runner(std::move(o));
  const auto begin = Steady::now();
  ASSERT_TRUE(runner.start(0, 1).get().accepted);  // arguments are ignored with a shape
  EXPECT_FALSE(runner.setUsers(10, 1).get().accepted) << "a shape owns the user count";
  ASSERT_TRUE(log.waitFor(S::kStopped, 7, 3s));
  const auto took = Steady::now() - begin;
  EXPECT_GE(took, 550ms);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(log.states(), (std::vector<S>{S::kSetup, S::kSpawning, S::kRunning, S::kSpawning, S::kRunning,
                                          S::kStopping, S::kStopped}));
  EXPECT_EQ(runner.latestSnapshot()->max_users, 4u);
  EXPECT_EQ(c->made, 4);
}

TEST(RunnerTest, SpawnRateSpreadsUserStartsOverTime) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("ramp", c, false, false));
  Runner runner(std::move(o));
  const auto begin = Steady::now();
  ASSERT_TRUE(runner.start(10, 50).get().accepted);  // user k starts k / 50 s after setup: the last at 180 ms
  ASSERT_TRUE(eventually([&] { return c->made >= 1; }, 1s));
  EXPECT_LT(c->made, 10) << "users must not all start at once";
  ASSERT_TRUE(log.waitFor(S::kRunning, 3, 2s));
  const auto took = Steady::now() - begin;
  EXPECT_GE(took, 170ms);
  EXPECT_LT(took, 1s);
  EXPECT_EQ(runner.userCount(), 10u);
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
}

TEST(RunnerTest, StopDuringSetupCancelsItAndStartsNoUser) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  o.settings.stop_timeout = 100ms;
  o.classes.push_back(fakeClass("never", c, false, false));
  o.setup_phases.push_back(SetupPhase{"slow", [](sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
                                        co_await ctx.sleep(std::chrono::hours(1));
                                      }});
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(5, 100).get().accepted);
  std::this_thread::sleep_for(50ms);
  const auto begin = Steady::now();
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  EXPECT_LT(Steady::now() - begin, 1s);
  EXPECT_EQ(log.states(), (std::vector<S>{S::kSetup, S::kStopping, S::kStopped}));
  EXPECT_EQ(c->made, 0);
  // A new run can start after a stop.
  ASSERT_TRUE(runner.start(1, 100).get().accepted);
  EXPECT_EQ(runner.state(), S::kSetup);
}

TEST(RunnerTest, BrokenUsersAreRecordedAndNotCountedAsRunning) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  sdk::UserClassSpec broken = fakeClass("broken", c, false, false);
  broken.make_tasks = [](sdk::UserContext&) -> std::unique_ptr<sdk::UserTasks> { return nullptr; };
  o.classes.push_back(std::move(broken));
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(3, 1000).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kRunning, 3, 2s));
  EXPECT_TRUE(eventually([&] { return runner.userCount() == 0; }, 2s));
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  EXPECT_EQ(exceptionCount(*runner.latestSnapshot(), "broken.make_tasks: make_tasks returned no task instance"), 3u);
}

TEST(RunnerTest, BackgroundExceptionsAreRecorded) {
  auto c = std::make_shared<Counters>();
  StateLog log;
  RunnerOptions o = baseOptions(log);
  sdk::UserClassSpec spec = fakeClass("bg", c, false, false);
  spec.tasks[0].run = [](sdk::UserTasks&, sdk::UserContext& ctx) -> boost::asio::awaitable<void> {
    if (ctx.userId() == 1 && !ctx.stopping()) {
      ctx.spawnBackground("poller", []() -> boost::asio::awaitable<void> {
        throw std::runtime_error("poll failed");
        co_return;
      }());
    }
    return [](sdk::UserContext& ctx) -> boost::asio::awaitable<void> { co_await ctx.sleep(5ms); }(ctx);
  };
  o.classes.push_back(std::move(spec));
  Runner runner(std::move(o));
  ASSERT_TRUE(runner.start(1, 100).get().accepted);
  ASSERT_TRUE(log.waitFor(S::kRunning, 3, 2s));
  std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(runner.stop().get().accepted);
  ASSERT_TRUE(runner.waitUntilStopped(3s));
  EXPECT_GT(exceptionCount(*runner.latestSnapshot(), "bg: background 'poller': poll failed"), 0u);
}

TEST(RunnerTest, RefusesInvalidCommandsWithAReason) {
  StateLog log;
  auto c = std::make_shared<Counters>();
  RunnerOptions o = baseOptions(log);
  o.classes.push_back(fakeClass("x", c, false, false));
  Runner runner(std::move(o));
  CommandResult r = runner.stop().get();
  EXPECT_FALSE(r.accepted);
  EXPECT_NE(r.reason.find("no run"), std::string::npos) << r.reason;
  EXPECT_FALSE(runner.setUsers(3, 1).get().accepted);
  r = runner.start(3, 0).get();
  EXPECT_FALSE(r.accepted);
  EXPECT_NE(r.reason.find("spawn rate"), std::string::npos) << r.reason;
  EXPECT_TRUE(runner.resetStats().get().accepted);
  EXPECT_TRUE(runner.waitUntilStopped(1s)) << "nothing started: nothing to wait for";
  runner.shutdown();
  EXPECT_EQ(runner.state(), S::kStopped);
  r = runner.start(1, 1).get();
  EXPECT_FALSE(r.accepted);
  EXPECT_NE(r.reason.find("shut down"), std::string::npos) << r.reason;
  runner.shutdown();  // idempotent
}

TEST(RunnerTest, RejectsBadOptionsAtConstruction) {
  StateLog log;
  auto c = std::make_shared<Counters>();
  RunnerOptions zero_threads = baseOptions(log);
  zero_threads.settings.threads = 0;
  EXPECT_THROW(Runner{zero_threads}, sdk::ConfigError);
  RunnerOptions bad_rate = baseOptions(log);
  bad_rate.arrival_rate = -1;
  EXPECT_THROW(Runner{bad_rate}, sdk::ConfigError);
  RunnerOptions bad_wait = baseOptions(log);
  bad_wait.classes.push_back(fakeClass("w", c, false, false, sdk::WaitTime::pacing(0ms)));
  EXPECT_THROW(Runner{bad_wait}, sdk::ConfigError);
  RunnerOptions bad_shape = baseOptions(log);
  bad_shape.shape = {ShapeStage{0ms, 1, 1}};
  EXPECT_THROW(Runner{bad_shape}, sdk::ConfigError);
}

}  // namespace
}  // namespace accurate::runtime
