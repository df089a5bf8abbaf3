// ClusterSocket over real ZeroMQ sockets on 127.0.0.1 (ephemeral ports), CURVE authentication, and key files.

#include "cluster/transport.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <zmq.hpp>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace accurate::cluster {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

/// Polls @p socket (sending nothing) until a message arrives or @p timeout elapsed; returns what came.
std::vector<Received> pollFor(ClusterSocket& socket, std::chrono::milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  std::vector<Received> got;
  while (got.empty() && Steady::now() < deadline) {
    got = socket.poll(50ms);
  }
  return got;
}

/// A fresh directory under the temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "accurate-keys-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// The message of the sdk::Error @p body throws ("" when it throws none).
template <typename Body>
std::string errorOf(Body body) {
  try {
    body();
  } catch (const sdk::Error& e) {
    return e.what();
  }
  return "";
}

void writeText(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
}

TEST(TransportTest, RouterAndDealerExchangeMessagesRoutedByTheWorkersIdentity) {
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, std::nullopt);
  ASSERT_NE(router->boundPort(), 0);
  auto dealer = ClusterSocket::connectDealer("127.0.0.1", router->boundPort(), "host-a_0123", std::nullopt);
  EXPECT_EQ(dealer->boundPort(), 0);

  ASSERT_TRUE(dealer->send("ignored", "hello"));
  const std::vector<Received> at_master = pollFor(*router, 5s);
  ASSERT_EQ(at_master.size(), 1u);
  EXPECT_EQ(at_master[0].identity, "host-a_0123");
  EXPECT_EQ(at_master[0].payload, "hello");

  ASSERT_TRUE(router->send("host-a_0123", std::string("\x93\x00\xff", 3)));
  const std::vector<Received> at_worker = pollFor(*dealer, 5s);
  ASSERT_EQ(at_worker.size(), 1u);
  EXPECT_EQ(at_worker[0].identity, "");
  EXPECT_EQ(at_worker[0].payload, std::string("\x93\x00\xff", 3));
}

TEST(TransportTest, ReconnectedDealerKeepsItsIdentity) {
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, std::nullopt);
  auto dealer = ClusterSocket::connectDealer("127.0.0.1", router->boundPort(), "w_1", std::nullopt);
  ASSERT_TRUE(dealer->send("", "one"));
  ASSERT_EQ(pollFor(*router, 5s).size(), 1u);
  dealer->reconnect();
  ASSERT_TRUE(dealer->send("", "two"));
  const std::vector<Received> got = pollFor(*router, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].identity, "w_1");
  EXPECT_EQ(got[0].payload, "two");
  // The master can still reach the worker under the same routing id.
  const auto deadline = Steady::now() + 5s;
  std::vector<Received> back;
  while (back.empty() && Steady::now() < deadline) {
    router->send("w_1", "back");
    back = dealer->poll(50ms);
  }
  ASSERT_FALSE(back.empty());
  EXPECT_EQ(back[0].payload, "back");
}

TEST(TransportTest, WakeEndsAPollFromAnotherThread) {
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, std::nullopt);
  std::thread waker([&] {
    std::this_thread::sleep_for(50ms);
    router->wake();
  });
  const auto start = Steady::now();
  const std::vector<Received> got = router->poll(10s);
  const auto waited = Steady::now() - start;
  waker.join();
  EXPECT_TRUE(got.empty());
  EXPECT_LT(waited, 5s);
}

TEST(TransportTest, RouterDropsMultiPartAndEmptyMessagesAndKeepsTheNextOne) {
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, std::nullopt);
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::routing_id, std::string("raw_1"));
  raw.set(zmq::sockopt::linger, 0);
  raw.connect("tcp://127.0.0.1:" + std::to_string(router->boundPort()));
  raw.send(zmq::str_buffer("part1"), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("part2"), zmq::send_flags::none);
  raw.send(zmq::message_t(), zmq::send_flags::none);
  raw.send(zmq::str_buffer("good"), zmq::send_flags::none);
  std::vector<Received> all;
  const auto deadline = Steady::now() + 5s;
  while (all.empty() && Steady::now() < deadline) {
    for (Received& r : router->poll(50ms)) all.push_back(std::move(r));
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].identity, "raw_1");
  EXPECT_EQ(all[0].payload, "good");
}

TEST(TransportTest, DealerDropsMultiPartMessagesFromTheMaster) {
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::router);
  raw.set(zmq::sockopt::linger, 0);
  raw.bind("tcp://127.0.0.1:*");
  const std::string endpoint = raw.get(zmq::sockopt::last_endpoint);
  const auto port = static_cast<std::uint16_t>(std::stoul(endpoint.substr(endpoint.rfind(':') + 1)));
  auto dealer = ClusterSocket::connectDealer("127.0.0.1", port, "w_2", std::nullopt);
  ASSERT_TRUE(dealer->send("", "hi"));
  zmq::message_t id;
  zmq::message_t body;
  raw.set(zmq::sockopt::rcvtimeo, 5000);
  ASSERT_TRUE(raw.recv(id));
  ASSERT_TRUE(raw.recv(body));
  raw.send(zmq::str_buffer("w_2"), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("b"), zmq::send_flags::none);
  raw.send(zmq::str_buffer("w_2"), zmq::send_flags::sndmore);
  raw.send(zmq::str_buffer("ok"), zmq::send_flags::none);
  std::vector<Received> all;
  const auto deadline = Steady::now() + 5s;
  while (all.empty() && Steady::now() < deadline) {
    for (Received& r : dealer->poll(50ms)) all.push_back(std::move(r));
  }
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].payload, "ok");
}

TEST(TransportTest, BindFailureNamesTheEndpoint) {
  auto first = ClusterSocket::bindRouter("127.0.0.1", 0, std::nullopt);
  const std::string message =
      errorOf([&] { (void)ClusterSocket::bindRouter("127.0.0.1", first->boundPort(), std::nullopt); });
  EXPECT_NE(message.find("tcp://127.0.0.1:" + std::to_string(first->boundPort())), std::string::npos) << message;
}

TEST(TransportTest, CurveWorkerWithAnAuthorisedKeyExchangesMessages) {
  ASSERT_TRUE(zmq_has("curve"));
  TempDir dir;
  generateKeys(dir.path(), "worker");
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, loadMasterKeys(dir.path()));
  auto dealer = ClusterSocket::connectDealer("127.0.0.1", router->boundPort(), "w_ok", loadWorkerKeys(dir.path()));
  ASSERT_TRUE(dealer->send("", "secret hello"));
  const std::vector<Received> got = pollFor(*router, 5s);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].identity, "w_ok");
  EXPECT_EQ(got[0].payload, "secret hello");
  ASSERT_TRUE(router->send("w_ok", "reply"));
  const std::vector<Received> back = pollFor(*dealer, 5s);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].payload, "reply");
  EXPECT_EQ(router->refusedConnections(), 0u);
}

TEST(TransportTest, CurveWorkerWithAnUnauthorisedKeyGetsNothingThroughAndIsCounted) {
  TempDir master_dir;
  TempDir other_dir;
  generateKeys(master_dir.path(), "worker");
  generateKeys(other_dir.path(), "worker");  // a valid pair the master never authorised
  WorkerKeys intruder = loadWorkerKeys(other_dir.path());
  intruder.master_public = loadMasterKeys(master_dir.path()).master.public_key;
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, loadMasterKeys(master_dir.path()));
  auto dealer = ClusterSocket::connectDealer("127.0.0.1", router->boundPort(), "w_bad", intruder);
  dealer->send("", "let me in");
  const auto deadline = Steady::now() + 3s;
  std::vector<Received> got;
  while (router->refusedConnections() == 0 && Steady::now() < deadline) {
    for (Received& r : router->poll(50ms)) got.push_back(std::move(r));
  }
  EXPECT_GE(router->refusedConnections(), 1u);
  for (Received& r : router->poll(200ms)) got.push_back(std::move(r));
  EXPECT_TRUE(got.empty()) << "a message passed the authentication";
}

TEST(TransportTest, PlainWorkerGetsNothingThroughToACurveMaster) {
  TempDir dir;
  generateKeys(dir.path(), "worker");
  auto router = ClusterSocket::bindRouter("127.0.0.1", 0, loadMasterKeys(dir.path()));
  auto dealer = ClusterSocket::connectDealer("127.0.0.1", router->boundPort(), "w_plain", std::nullopt);
  dealer->send("", "plain");
  EXPECT_TRUE(pollFor(*router, 700ms).empty());
}

TEST(TransportTest, GeneratedKeysLoadWithPrivateSecretsAndAreKeptOnTheSecondRun) {
  TempDir dir;
  const std::vector<fs::path> written = generateKeys(dir.path(), "worker");
  EXPECT_EQ(written.size(), 5u);  // master pair, worker pair, authorised copy
  for (const char* secret : {"master.key_secret", "worker.key_secret"}) {
    struct stat st {};
    ASSERT_EQ(::stat((dir.path() / secret).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << secret;
  }
  const MasterKeys master = loadMasterKeys(dir.path());
  const WorkerKeys worker = loadWorkerKeys(dir.path());
  EXPECT_EQ(master.master.public_key.size(), 40u);
  EXPECT_EQ(worker.master_public, master.master.public_key);
  EXPECT_EQ(master.worker_keys, std::set<std::string>{worker.worker.public_key});

  // A second worker: the master pair stays, the new key is authorised next to the first.
  const std::vector<fs::path> more = generateKeys(dir.path(), "web-02");
  EXPECT_EQ(more.size(), 3u);
  EXPECT_TRUE(fs::exists(dir.path() / "web-02.key_secret"));
  const MasterKeys again = loadMasterKeys(dir.path());
  EXPECT_EQ(again.master.public_key, master.master.public_key);
  EXPECT_EQ(again.worker_keys.size(), 2u);
  EXPECT_TRUE(generateKeys(dir.path(), "worker").empty()) << "nothing to write when every key is there";

  // An authorised copy that differs from the pair is never overwritten.
  writeText(dir.path() / "authorized_workers" / "worker.key", worker.master_public + "\n");
  const std::string message = errorOf([&] { generateKeys(dir.path(), "worker"); });
  EXPECT_NE(message.find("authorized_workers/worker.key"), std::string::npos) << message;
  EXPECT_EQ(loadMasterKeys(dir.path()).master.public_key, master.master.public_key);
}

TEST(TransportTest, SecretKeyReadableByOthersIsRefusedNamingTheFile) {
  TempDir dir;
  generateKeys(dir.path(), "worker");
  const fs::path secret = dir.path() / "master.key_secret";
  ASSERT_EQ(::chmod(secret.c_str(), 0644), 0);
  const std::string message = errorOf([&] { (void)loadMasterKeys(dir.path()); });
  EXPECT_NE(message.find(secret.string()), std::string::npos) << message;
  EXPECT_NE(message.find("group or others"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  // The worker's secret is checked the same way.
  ASSERT_EQ(::chmod((dir.path() / "worker.key_secret").c_str(), 0640), 0);
  EXPECT_NE(errorOf([&] { (void)loadWorkerKeys(dir.path()); }).find("worker.key_secret"), std::string::npos);
}

TEST(TransportTest, MalformedMissingOrMismatchedKeysAreRefused) {
  TempDir dir;
  generateKeys(dir.path(), "worker");
  const std::string worker_public = loadWorkerKeys(dir.path()).worker.public_key;
  writeText(dir.path() / "authorized_workers" / "bad.key", "not-a-key\n");
  std::string message = errorOf([&] { (void)loadMasterKeys(dir.path()); });
  EXPECT_NE(message.find("bad.key"), std::string::npos) << message;
  EXPECT_NE(message.find("not a 40-character Z85 key"), std::string::npos) << message;
  fs::remove(dir.path() / "authorized_workers" / "bad.key");

  // 40 characters, one outside the Z85 alphabet.
  writeText(dir.path() / "master.key", std::string(39, 'a') + "~");
  message = errorOf([&] { (void)loadWorkerKeys(dir.path()); });
  EXPECT_NE(message.find("master.key"), std::string::npos) << message;

  // A valid key that is not the secret's public half.
  writeText(dir.path() / "master.key", worker_public + "\n");
  message = errorOf([&] { (void)loadMasterKeys(dir.path()); });
  EXPECT_NE(message.find("does not match"), std::string::npos) << message;

  fs::remove(dir.path() / "worker.key");
  message = errorOf([&] { (void)loadWorkerKeys(dir.path()); });
  EXPECT_NE(message.find("worker.key: missing"), std::string::npos) << message;

  EXPECT_NE(errorOf([&] { generateKeys(dir.path(), "../evil"); }).find("../evil"), std::string::npos);
  EXPECT_NE(errorOf([&] { generateKeys(dir.path(), "master"); }), "");
}

TEST(TransportTest, MasterWithoutAuthorisedWorkersIsRefused) {
  TempDir dir;
  generateKeys(dir.path(), "worker");
  fs::remove(dir.path() / "authorized_workers" / "worker.key");
  const std::string message = errorOf([&] { (void)loadMasterKeys(dir.path()); });
  EXPECT_NE(message.find("authorized_workers"), std::string::npos) << message;
}

}  // namespace
}  // namespace accurate::cluster
