#pragma once
// Helpers for the HTTP client tests: a recording StatsRecorder and a bounded coroutine runner.

#include <accurate/sdk/stats.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace accurate::http::test {

/// A sample with its views copied.
struct RecordedSample {
  std::string method;              ///< request method
  std::string name;                ///< entry name
  std::uint64_t response_time_us;  ///< duration in µs
  std::uint64_t content_length;    ///< body bytes
  std::string error;               ///< failure reason or ""
};

/// StatsRecorder test double that keeps every sample.
class RecordingStats final : public sdk::StatsRecorder {
 public:
  void record(const sdk::Sample& sample) override {
    samples.push_back({std::string(sample.method), std::string(sample.name), sample.response_time_us,
                       sample.content_length, std::string(sample.error)});
  }
  void recordException(std::string_view message) override { exceptions.emplace_back(message); }
  void count(std::string_view, std::uint64_t) override {}

  std::vector<RecordedSample> samples;  ///< samples in recording order
  std::vector<std::string> exceptions;  ///< recorded task crashes
};

/// Runs @p work on @p io until it completes or @p limit passes (then the test fails). Rethrows its exception.
template <typename T>
T runFor(boost::asio::io_context& io, boost::asio::awaitable<T> work,
         std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  struct State {
    std::optional<T> result;
    std::exception_ptr error;
    bool done = false;
  };
  // Shared with the handler so a coroutine that outlives a failed wait writes into live memory.
  auto state = std::make_shared<State>();
  boost::asio::co_spawn(io, std::move(work), [state](std::exception_ptr e, T value) {
    state->done = true;
    if (e) {
      state->error = e;
    } else {
      state->result.emplace(std::move(value));
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!state->done && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  if (!state->done) {
    ADD_FAILURE() << "coroutine did not finish within " << limit.count() << " ms";
    throw std::runtime_error("coroutine timed out");
  }
  if (state->error) std::rethrow_exception(state->error);
  return std::move(*state->result);
}

}  // namespace accurate::http::test

#include "http/client.hpp"
#include "http/client_factory.hpp"
#include "http/shard_http.hpp"

#include <accurate/sdk/http.hpp>

#include <memory>

namespace accurate::http::test {

/// A shard's HTTP state on a test-owned io_context, plus recorded stats.
class ClientTest : public ::testing::Test {
 protected:
  /// Ends whatever a failed test left in flight, while the shard still exists.
  ~ClientTest() override {
    if (!shard) return;
    closeAll(*shard);
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
  }

  /// Creates the shard state with @p options (call again to change them before creating clients).
  void makeShard(HttpOptions options = {}) { shard = makeShardHttp(io, options); }

  /// A client of the shard for @p base_url.
  std::unique_ptr<sdk::HttpClient> client(const std::string& base_url) {
    if (!shard) makeShard();
    return makeHttpClient(*shard, base_url, stats);
  }

  /// Sends @p request with @p client and waits (bounded) for the response.
  sdk::HttpResponse send(sdk::HttpClient& http, sdk::HttpRequest request,
                         std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return runFor(io, sendOwned(http, std::move(request)), limit);
  }

  /// A GET request of @p target.
  static sdk::HttpRequest get(std::string target) {
    sdk::HttpRequest request;
    request.target = std::move(target);
    return request;
  }

  static boost::asio::awaitable<sdk::HttpResponse> sendOwned(sdk::HttpClient& http, sdk::HttpRequest request) {
    co_return co_await http.send(request);
  }

  boost::asio::io_context io;          ///< the shard's io_context (run by the test thread)
  RecordingStats stats;                ///< samples of every client
  std::unique_ptr<ShardHttp> shard;    ///< the shard's HTTP state
};

}  // namespace accurate::http::test
