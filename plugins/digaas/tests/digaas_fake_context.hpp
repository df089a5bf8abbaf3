#pragma once
// Test doubles for the poller's coroutines: a recorder that keeps everything, a UserContext on a caller-owned
// io_context (real sleeps, tracked and cancellable background work, no HTTP), and a UDP DNS server on
// 127.0.0.1 (ephemeral port) that answers through the codec with a caller-supplied function.
// The FakeContext and the server must outlive every run of their io_context.

#include <accurate/dns/message.hpp>
#include "fake_recorder.hpp"

#include <accurate/sdk/host.hpp>
#include <accurate/sdk/random.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace accurate::digaas::test {

using accurate::test::FakeRecorder;
using accurate::test::RecordedSample;

/// An HttpClient the poller must never use.
class NoHttp final : public sdk::HttpClient {
 public:
  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest&) override {
    throw std::logic_error("the poller must not send HTTP requests");
    co_return sdk::HttpResponse{};
  }
  void closeConnections() override {}
};

/// A UserContext for one fake user on a caller-owned io_context.
class FakeContext final : public sdk::UserContext {
 public:
  explicit FakeContext(boost::asio::io_context& io) : io_(io) {}
  ~FakeContext() override { cancelBackground(); }

  sdk::HttpClient& http() override { return http_; }
  sdk::StatsRecorder& stats() override { return recorder; }
  sdk::Rng& rng() override { return rng_; }
  std::uint64_t userId() const override { return 1; }
  const std::string& userClass() const override { return user_class_; }
  const sdk::RunSettings& settings() const override { return run_settings_; }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  bool stopping() const override { return false; }
  boost::asio::awaitable<void> sleep(std::chrono::microseconds duration) override {
    sleeps.push_back(duration);
    boost::asio::steady_timer timer(io_, duration);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  void spawnBackground(std::string what, boost::asio::awaitable<void> work) override {
    background_.emplace_back();
    auto entry = std::prev(background_.end());
    entry->what = std::move(what);
    boost::asio::co_spawn(io_, std::move(work),
                          boost::asio::bind_cancellation_slot(entry->signal.slot(), [this, entry](std::exception_ptr e) {
                            entry->done = true;
                            ++background_finished;
                            if (e) entry->failed = true;
                          }));
  }
  void publishChange(const sdk::DnsChange&) override {}

  /// Cancels every running background work (terminal), as the runner does after the stop timeout.
  void cancelBackground() {
    for (auto& entry : background_) {
      if (!entry.done) entry.signal.emit(boost::asio::cancellation_type::terminal);
    }
  }
  /// Background works that ended with an exception.
  std::size_t backgroundFailed() const {
    std::size_t n = 0;
    for (const auto& entry : background_) n += entry.failed ? 1 : 0;
    return n;
  }

  FakeRecorder recorder;                          ///< the user's recorder
  std::vector<std::chrono::microseconds> sleeps;  ///< every sleep() duration, in order
  std::size_t background_finished = 0;            ///< background works that ended (any way)

 private:
  struct Background {
    std::string what;                         ///< name given to spawnBackground
    boost::asio::cancellation_signal signal;  ///< cancels it
    bool done = false;                        ///< finished
    bool failed = false;                      ///< finished with an exception
  };
  boost::asio::io_context& io_;
  NoHttp http_;
  sdk::Rng rng_{42};
  std::string user_class_ = "digaas.test";
  sdk::RunSettings run_settings_;
  std::list<Background> background_;  ///< stable addresses for the signals
};

/// A UDP DNS server on 127.0.0.1 (ephemeral port) answering each decodable query with answer(query); a nullopt
/// answer drops the query (the client times out). Runs on the io_context given; stop() closes it.
class TestDnsServer {
 public:
  using Answer = std::function<std::optional<dns::Message>(const dns::Message& query)>;

  TestDnsServer(boost::asio::io_context& io, Answer answer)
      : socket_(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)),
        answer_(std::move(answer)) {
    boost::asio::co_spawn(io, serve(), boost::asio::detached);
  }
  /// The port it listens on.
  std::uint16_t port() const { return socket_.local_endpoint().port(); }
  /// Stops serving (pending receive aborts).
  void stop() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  /// Arrival times of the queries received.
  std::vector<std::chrono::steady_clock::time_point> arrivals;

 private:
  boost::asio::awaitable<void> serve() {
    std::array<std::uint8_t, 4096> buffer{};
    for (;;) {
      boost::asio::ip::udp::endpoint from;
      boost::system::error_code error;
      const std::size_t n = co_await socket_.async_receive_from(
          boost::asio::buffer(buffer), from, boost::asio::redirect_error(boost::asio::use_awaitable, error));
      if (error) co_return;
      arrivals.push_back(std::chrono::steady_clock::now());
      auto query = dns::decode(std::span<const std::uint8_t>(buffer.data(), n));
      if (!query) continue;
      std::optional<dns::Message> reply = answer_(*query);
      if (!reply) continue;
      const std::vector<std::uint8_t> wire = dns::encode(*reply);
      co_await socket_.async_send_to(boost::asio::buffer(wire), from,
                                     boost::asio::redirect_error(boost::asio::use_awaitable, error));
    }
  }

  boost::asio::ip::udp::socket socket_;
  Answer answer_;
};

/// A response to @p query: same id and question, QR and AA set, rcode @p rcode, answer records @p answers.
inline dns::Message replyTo(const dns::Message& query, std::uint8_t rcode, std::vector<dns::ResourceRecord> answers) {
  dns::Message reply;
  reply.header.id = query.header.id;
  reply.header.qr = true;
  reply.header.aa = true;
  reply.header.rcode = rcode;
  reply.questions = query.questions;
  reply.answers = std::move(answers);
  return reply;
}

/// An SOA record of @p zone with serial @p serial.
inline dns::ResourceRecord soa(const std::string& zone, std::uint32_t serial) {
  return {zone, dns::kTypeSoa, dns::kClassIn, 300,
          "ns1." + zone + " admin." + zone + " " + std::to_string(serial) + " 3600 600 86400 300"};
}

/// Runs @p io until @p condition holds or @p limit passes; returns the condition's final value.
inline bool runUntil(boost::asio::io_context& io, const std::function<bool()>& condition,
                     std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    if (io.run_one_for(deadline - now) == 0 && io.stopped()) break;
  }
  return condition();
}

}  // namespace accurate::digaas::test
