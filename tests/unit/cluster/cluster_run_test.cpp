// A master and two workers in one process over real sockets on 127.0.0.1: each worker runs a real Runner whose
// users record samples without network; the master's merged stats must equal what the workers recorded.

#include "cluster/master.hpp"
#include "cluster/worker_process.hpp"

#include "runtime/runner.hpp"

#include <accurate/sdk/task.hpp>

#include <gtest/gtest.h>

#include <zmq.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

namespace accurate::cluster {
namespace {

using namespace std::chrono_literals;
using runtime::RunState;
using Steady = std::chrono::steady_clock;

/// Polls @p predicate every 10 ms until true or @p timeout elapsed.
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  while (Steady::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return predicate();
}

/// Per-user state: every iteration records one sample; every 7th of a user fails.
class SampleTasks : public sdk::UserTasks {
 public:
  boost::asio::awaitable<void> work(sdk::UserContext& ctx) {
    ++n_;
    co_await ctx.sleep(2ms);
    const std::uint64_t us = 500 + (n_ * 37) % 4000;
    ctx.stats().record(sdk::Sample{"GET", "/item", us, 100, n_ % 7 == 0 ? "HTTP 500" : ""});
  }

 private:
  std::uint64_t n_ = 0;  ///< iterations of this user
};

sdk::UserClassSpec sampleClass() {
  sdk::UserClassSpec spec;
  spec.name = "web.SampleUser";
  spec.wait = sdk::WaitTime::constant(1ms);
  spec.tasks.push_back(sdk::memberTask<&SampleTasks::work>("work", 1));
  spec.make_tasks = [](sdk::UserContext&) -> std::unique_ptr<sdk::UserTasks> {
    return std::make_unique<SampleTasks>();
  };
  return spec;
}

/// One worker: its runner, report builder and protocol loop on a thread of its own.
struct WorkerRig {
  explicit WorkerRig(std::uint16_t master_port, const std::function<void(WorkerSettings&)>& adjust = {}) {
    runtime::RunnerOptions o;
    o.classes.push_back(sampleClass());
    o.settings.threads = 1;
    o.settings.stop_timeout = 200ms;
    o.snapshot_interval = 100ms;
    o.seed = 7;
    o.on_snapshot = [this](std::shared_ptr<const sdk::StatsSnapshot> s) { reports.onSnapshot(s); };
    runner = std::make_unique<runtime::Runner>(std::move(o));
    WorkerSettings s;
    s.protocol.node_id = makeNodeId();
    s.protocol.class_names = {"web.SampleUser"};
    s.protocol.accurate_version = "0.0-test";
    s.protocol.heartbeat_interval = 0.2;
    s.protocol.report_interval = 0.3;
    s.master_host = "127.0.0.1";
    s.master_port = master_port;
    s.stop_timeout = 200ms;
    if (adjust) adjust(s);
    node_id = s.protocol.node_id;
    process = std::make_unique<WorkerProcess>(std::move(s), *runner, reports);
    thread = std::thread([this] { exit_code = process->run(); });
  }
  ~WorkerRig() {
    if (thread.joinable()) {
      process->requestQuit();
      thread.join();
    }
    runner->shutdown();
  }
  /// Waits (bounded) for run() to return and joins its thread.
  bool finished(std::chrono::milliseconds timeout) {
    if (!eventually([&] { return exit_code.load() != -1; }, timeout)) return false;
    thread.join();
    return true;
  }

  ReportBuilder reports;                     ///< fed by the runner's snapshots
  std::unique_ptr<runtime::Runner> runner;   ///< runs the users
  std::unique_ptr<WorkerProcess> process;    ///< the protocol loop
  std::string node_id;                       ///< this worker's node id
  std::atomic<int> exit_code{-1};            ///< run()'s result (-1 while running)
  std::thread thread;                        ///< calls run()
};

MasterSettings masterSettings() {
  MasterSettings s;
  s.protocol.classes = {DispatchClass{"SampleUser", 1, std::nullopt}};  // the Python-style bare name
  s.protocol.stop_timeout = 0.2;
  s.protocol.parsed_options = msgpack::Value(msgpack::Map{});
  s.bind_host = "127.0.0.1";
  s.bind_port = 0;
  s.snapshot_interval = 100ms;
  return s;
}

TEST(ClusterRunTest, MasterMergesExactlyWhatBothWorkersRecorded) {
  std::mutex states_mutex;
  std::vector<RunState> states;
  std::vector<std::string> snapshot_state_at_announce;
  std::shared_ptr<const sdk::StatsSnapshot> last_published;
  MasterSettings settings = masterSettings();
  settings.on_snapshot = [&](std::shared_ptr<const sdk::StatsSnapshot> s) {
    std::lock_guard lock(states_mutex);
    last_published = std::move(s);
  };
  settings.on_state = [&](RunState s) {
    std::lock_guard lock(states_mutex);
    states.push_back(s);
    snapshot_state_at_announce.push_back(last_published ? last_published->state : "none");
  };
  Master master(std::move(settings));
  ASSERT_NE(master.port(), 0);
  WorkerRig a(master.port());
  WorkerRig b(master.port());
  ASSERT_TRUE(eventually([&] { return master.activeWorkers() == 2; }, 5s)) << master.activeWorkers();
  EXPECT_EQ(master.workers().size(), 2u);

  ASSERT_TRUE(master.start(4, 100).get().accepted);
  ASSERT_TRUE(eventually([&] { return master.userCount() == 4; }, 5s)) << master.userCount();
  EXPECT_TRUE(eventually([&] { return a.runner->userCount() == 2 && b.runner->userCount() == 2; }, 5s))
      << a.runner->userCount() << " + " << b.runner->userCount();
  ASSERT_TRUE(eventually([&] { return master.latestSnapshot()->total.num_requests > 0; }, 5s));

  ASSERT_TRUE(master.stop().get().accepted);
  ASSERT_TRUE(master.waitUntilStopped(10s));
  EXPECT_EQ(master.state(), RunState::kStopped);
  ASSERT_TRUE(a.runner->waitUntilStopped(5s));
  ASSERT_TRUE(b.runner->waitUntilStopped(5s));

  const auto at_a = a.runner->latestSnapshot();
  const auto at_b = b.runner->latestSnapshot();
  const auto merged = master.latestSnapshot();
  EXPECT_GT(at_a->total.num_requests, 0u) << "both workers ran users";
  EXPECT_GT(at_b->total.num_requests, 0u) << "both workers ran users";
  EXPECT_EQ(merged->total.num_requests, at_a->total.num_requests + at_b->total.num_requests);
  EXPECT_EQ(merged->total.num_failures, at_a->total.num_failures + at_b->total.num_failures);
  EXPECT_EQ(merged->total.total_response_time_us,
            at_a->total.total_response_time_us + at_b->total.total_response_time_us);
  EXPECT_EQ(merged->total.response_times.count(),
            at_a->total.response_times.count() + at_b->total.response_times.count());
  EXPECT_GT(merged->total.num_failures, 0u);
  EXPECT_EQ(merged->state, "stopped");
  {
    std::lock_guard lock(states_mutex);
    ASSERT_FALSE(states.empty());
    EXPECT_EQ(states.front(), RunState::kSpawning);
    EXPECT_EQ(states.back(), RunState::kStopped);
    EXPECT_EQ(snapshot_state_at_announce.front(), "spawning") << "a snapshot carrying Spawning comes first";
    EXPECT_EQ(snapshot_state_at_announce.back(), "stopped") << "a snapshot carrying Stopped comes first";
  }

  // Shutting the master down sends quit: both workers leave with exit code 0.
  const auto before = Steady::now();
  master.shutdown();
  EXPECT_LT(Steady::now() - before, 3s);
  ASSERT_TRUE(a.finished(5s));
  ASSERT_TRUE(b.finished(5s));
  EXPECT_EQ(a.exit_code.load(), 0);
  EXPECT_EQ(b.exit_code.load(), 0);
  EXPECT_FALSE(master.start(1, 1).get().accepted) << "a shut-down master refuses commands";
}

TEST(ClusterRunTest, WorkerThatQuitsOnItsOwnLeavesTheMaster) {
  Master master(masterSettings());
  WorkerRig a(master.port());
  ASSERT_TRUE(eventually([&] { return master.activeWorkers() == 1; }, 5s));
  a.process->requestQuit();
  ASSERT_TRUE(a.finished(5s));
  EXPECT_EQ(a.exit_code.load(), 0);
  EXPECT_TRUE(eventually([&] { return master.workers().empty(); }, 3s)) << "the worker's quit removes it";
  master.shutdown();
  master.shutdown();  // idempotent
  EXPECT_EQ(master.state(), RunState::kStopped);
}

TEST(ClusterRunTest, LoadShapeDrivesTheWorkersAndStopsAfterItsLastStage) {
  MasterSettings settings = masterSettings();
  settings.shape = {runtime::ShapeStage{400ms, 2, 100}, runtime::ShapeStage{400ms, 3, 100}};
  Master master(std::move(settings));
  WorkerRig a(master.port());
  ASSERT_TRUE(eventually([&] { return master.activeWorkers() == 1; }, 5s));
  ASSERT_TRUE(master.start(1, 1).get().accepted);  // the shape's users, not these
  EXPECT_FALSE(master.setUsers(9, 1).get().accepted) << "a load shape drives the user count";
  EXPECT_TRUE(eventually([&] { return a.runner->userCount() == 2; }, 3s)) << a.runner->userCount();
  EXPECT_TRUE(eventually([&] { return a.runner->userCount() == 3; }, 3s)) << a.runner->userCount();
  ASSERT_TRUE(master.waitUntilStopped(5s));
  EXPECT_EQ(master.state(), RunState::kStopped);
  master.shutdown();
  ASSERT_TRUE(a.finished(5s));
}

TEST(ClusterRunTest, MasterWithoutWorkersQuitsAtOnceAndRefusesCommands) {
  Master master(masterSettings());
  EXPECT_EQ(master.state(), RunState::kReady);
  EXPECT_FALSE(master.start(2, 1).get().accepted) << "no worker is ready";
  const auto before = Steady::now();
  master.quit();
  EXPECT_TRUE(master.waitUntilStopped(2s));
  EXPECT_LT(Steady::now() - before, 1s);
  EXPECT_EQ(master.state(), RunState::kStopped);
  EXPECT_FALSE(master.stop().get().accepted);
}

TEST(ClusterRunTest, EncryptedClusterRunsWithAuthorisedKeys) {
  std::string dir_pattern = (std::filesystem::temp_directory_path() / "accurate-cluster-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir_pattern.data()), nullptr);
  const std::filesystem::path dir = dir_pattern;
  generateKeys(dir, "worker");
  MasterSettings settings = masterSettings();
  settings.keys = loadMasterKeys(dir);
  Master master(std::move(settings));
  WorkerRig a(master.port(), [&](WorkerSettings& s) { s.keys = loadWorkerKeys(dir); });
  ASSERT_TRUE(eventually([&] { return master.activeWorkers() == 1; }, 5s));
  ASSERT_TRUE(master.start(2, 100).get().accepted);
  EXPECT_TRUE(eventually([&] { return master.latestSnapshot()->total.num_requests > 0; }, 5s));
  master.shutdown();  // during the test: the worker's final report still arrives within the quit's wait
  ASSERT_TRUE(a.finished(5s));
  EXPECT_EQ(a.exit_code.load(), 0);
  EXPECT_EQ(master.state(), RunState::kStopped);
  EXPECT_EQ(master.latestSnapshot()->total.num_requests, a.runner->latestSnapshot()->total.num_requests);
  std::filesystem::remove_all(dir);
}

/// A hand-driven master: a raw ROUTER the test reads and writes frame by frame.
class RawMaster {
 public:
  RawMaster() : socket_(context_, zmq::socket_type::router) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind("tcp://127.0.0.1:*");
    const std::string endpoint = socket_.get(zmq::sockopt::last_endpoint);
    port_ = static_cast<std::uint16_t>(std::stoul(endpoint.substr(endpoint.rfind(':') + 1)));
  }
  std::uint16_t port() const { return port_; }
  /// The next message of type @p type (others are skipped), waiting up to @p timeout; nullopt when none came.
  std::optional<Envelope> next(std::string_view type, std::chrono::milliseconds timeout) {
    const auto deadline = Steady::now() + timeout;
    while (Steady::now() < deadline) {
      std::vector<zmq::message_t> frames;
      socket_.set(zmq::sockopt::rcvtimeo, 50);
      zmq::message_t frame;
      if (!socket_.recv(frame)) continue;
      identity_ = frame.to_string();
      bool more = frame.more();
      while (more) {
        zmq::message_t part;
        if (!socket_.recv(part)) break;
        more = part.more();
        frames.push_back(std::move(part));
      }
      if (frames.size() != 1) continue;
      Envelope message = decodeEnvelope(frames[0].to_string_view());
      if (message.type == type) return message;
    }
    return std::nullopt;
  }
  /// Sends raw frames (after the routing identity of the last sender).
  void sendFrames(const std::vector<std::string>& frames) {
    socket_.send(zmq::buffer(identity_), zmq::send_flags::sndmore);
    for (std::size_t i = 0; i < frames.size(); ++i) {
      socket_.send(zmq::buffer(frames[i]), i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
  void send(std::string type, msgpack::Value data) {
    sendFrames({encodeEnvelope(Envelope{std::move(type), std::move(data), identity_})});
  }
  const std::string& identity() const { return identity_; }

 private:
  zmq::context_t context_;   ///< own context
  zmq::socket_t socket_;     ///< the ROUTER
  std::uint16_t port_ = 0;   ///< bound port
  std::string identity_;     ///< routing id of the latest sender
};

TEST(ClusterRunTest, WorkerDropsGarbageFromTheMasterAndLeavesWithAReportOnQuit) {
  RawMaster master;
  WorkerRig worker(master.port());
  const std::optional<Envelope> ready = master.next("client_ready", 5s);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->data, msgpack::Value(-1));
  EXPECT_EQ(ready->node_id, worker.node_id);
  EXPECT_EQ(master.identity(), worker.node_id) << "the routing id is the node id";

  master.sendFrames({std::string("\xc1\x00", 2)});  // not msgpack
  master.sendFrames({"two", "frames"});
  master.send("ack", ackValue(0));
  const std::optional<Envelope> heartbeat = master.next("heartbeat", 5s);
  ASSERT_TRUE(heartbeat) << "the worker survived the garbage and connected";
  const msgpack::Value* version = heartbeat->data.find("accurate");
  ASSERT_NE(version, nullptr);
  EXPECT_EQ(*version, msgpack::Value("0.0-test"));

  // `reconnect`: the worker reopens its socket under the same identity and carries on without a new handshake.
  // (The raw ROUTER, like Locust's, has no ROUTER_HANDOVER: it refuses a connection whose routing id is still
  // in use, so the new connection must come after the master saw the old one end.)
  master.send("reconnect", msgpack::Nil{});
  ASSERT_TRUE(master.next("heartbeat", 5s));
  EXPECT_EQ(master.identity(), worker.node_id);

  master.send("quit", msgpack::Nil{});
  ASSERT_TRUE(master.next("stats", 5s)) << "a final report before leaving";
  ASSERT_TRUE(master.next("quit", 5s));
  ASSERT_TRUE(worker.finished(5s));
  EXPECT_EQ(worker.exit_code.load(), 0);
}

TEST(ClusterRunTest, WorkerGivesUpWithExitCode1WhenTheMasterFallsSilent) {
  RawMaster master;
  WorkerRig worker(master.port(), [](WorkerSettings& s) {
    s.protocol.master_silence = 0.3;
    s.protocol.master_timeout = 0.8;
  });
  ASSERT_TRUE(master.next("client_ready", 5s));
  master.send("ack", ackValue(3));
  master.send("heartbeat", msgpack::Nil{});  // a master that sends heartbeats can be lost
  const auto start = Steady::now();
  ASSERT_TRUE(worker.finished(5s));
  EXPECT_EQ(worker.exit_code.load(), 1);
  EXPECT_GT(Steady::now() - start, 500ms);
}

TEST(ClusterRunTest, MasterDropsUndecodableAndMisaddressedFramesAndKeepsServing) {
  Master master(masterSettings());
  zmq::context_t context;
  zmq::socket_t rogue(context, zmq::socket_type::dealer);
  rogue.set(zmq::sockopt::routing_id, std::string("rogue_1"));
  rogue.set(zmq::sockopt::linger, 0);
  rogue.set(zmq::sockopt::rcvtimeo, 300);
  rogue.connect("tcp://127.0.0.1:" + std::to_string(master.port()));
  rogue.send(zmq::str_buffer("\xc1"), zmq::send_flags::none);
  rogue.send(zmq::buffer(encodeEnvelope(Envelope{"client_ready", msgpack::Value(-1), "someone_else"})),
             zmq::send_flags::none);
  zmq::message_t reply;
  EXPECT_FALSE(rogue.recv(reply)) << "no ack for a message whose node id is not its sender's";
  EXPECT_TRUE(master.workers().empty());

  rogue.send(zmq::buffer(encodeEnvelope(Envelope{"client_ready", msgpack::Value(-1), "rogue_1"})),
             zmq::send_flags::none);
  rogue.set(zmq::sockopt::rcvtimeo, 5000);
  ASSERT_TRUE(rogue.recv(reply));
  EXPECT_EQ(decodeEnvelope(reply.to_string_view()).type, "ack");
  EXPECT_TRUE(eventually([&] { return master.workers().size() == 1; }, 2s));
  master.shutdown();
}

}  // namespace
}  // namespace accurate::cluster
