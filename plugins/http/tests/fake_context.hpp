#pragma once
// A UserContext whose HTTP client records the requests it is asked to send (no network), and a helper that
// runs a coroutine to completion.

#include <accurate/sdk/random.hpp>
#include <accurate/sdk/host.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <stdexcept>
#include <vector>

namespace accurate::http_plugin::test {

/// Records copies of the requests sent and answers each with `reply`.
class RecordingClient final : public sdk::HttpClient {
 public:
  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest& request) override {
    sent.push_back(request);
    sdk::HttpResponse response = reply;
    if (request.validate && response.error.empty()) response.error = request.validate(response);
    responses.push_back(response);
    co_return response;
  }
  void closeConnections() override {}

  std::vector<sdk::HttpRequest> sent;         ///< every request, in order
  std::vector<sdk::HttpResponse> responses;   ///< what each one got (after validate)
  sdk::HttpResponse reply{200, {}, "{\"id\": 1}", 9, {}, {}};  ///< the canned answer
};

/// Ignores samples.
class NullRecorder final : public sdk::StatsRecorder {
 public:
  void record(const sdk::Sample&) override {}
  void recordException(std::string_view) override {}
  void count(std::string_view, std::uint64_t) override {}
};

/// A user context for one fake user.
class FakeContext final : public sdk::UserContext {
 public:
  explicit FakeContext(boost::asio::io_context& io, std::uint64_t user_id = 7) : io_(io), user_id_(user_id) {}
  sdk::HttpClient& http() override { return client; }
  sdk::StatsRecorder& stats() override { return recorder_; }
  accurate::sdk::Rng& rng() override { return rng_; }
  std::uint64_t userId() const override { return user_id_; }
  const std::string& userClass() const override { return class_name_; }
  const sdk::RunSettings& settings() const override { return settings_; }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  bool stopping() const override { return false; }
  boost::asio::awaitable<void> sleep(std::chrono::microseconds) override { co_return; }
  void spawnBackground(std::string, boost::asio::awaitable<void>) override {
    throw std::logic_error("not used by the http plugin");
  }
  void publishChange(const sdk::DnsChange&) override { throw std::logic_error("not used by the http plugin"); }

  RecordingClient client;  ///< the user's client

 private:
  boost::asio::io_context& io_;
  std::uint64_t user_id_;
  NullRecorder recorder_;
  accurate::sdk::Rng rng_{42};
  std::string class_name_ = "http.test";
  sdk::RunSettings settings_;
};

/// Runs @p work on @p io until it completes; rethrows its exception.
inline void runToEnd(boost::asio::io_context& io, boost::asio::awaitable<void> work) {
  std::exception_ptr failure;
  bool done = false;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) {
    failure = e;
    done = true;
  });
  io.restart();
  io.run_for(std::chrono::seconds(5));
  if (!done) throw std::runtime_error("coroutine did not finish");
  if (failure) std::rethrow_exception(failure);
}

}  // namespace accurate::http_plugin::test
