#pragma once
// Test doubles for the designate plugin's coroutines (no network):
//  - FakeRecorder: keeps every sample, exception and counter;
//  - ScriptedClient: an HttpClient answering from a script (queued responses matched in order, optionally by a
//    matcher function, then standing handlers), checking statuses/validate and recording samples like the core's
//    client, and remembering every request it was asked to send;
//  - FakeContext: a UserContext on a caller-owned io_context with the two above, real or instant sleeps, and
//    spawnBackground that runs the work on the same io_context, tracks it and can cancel it;
//  - runToEnd / runUntil: run the io_context until a coroutine (and everything it spawned) finished, within a
//    time bound.
// Pitfall: `runToEnd(io, [&]() -> awaitable<void> {...}())` is fine (the closure lives until runToEnd returns),
// but work passed to spawnBackground must not be a capturing lambda's coroutine — the closure dies at the end of
// the statement, before the work runs. Use a coroutine function taking its inputs as parameters.
// The FakeContext must outlive every run of its io_context.

#include "fake_recorder.hpp"

#include <accurate/sdk/host.hpp>
#include <accurate/sdk/random.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace accurate::designate::test {

using accurate::test::FakeRecorder;
using accurate::test::RecordedSample;

/// A response with @p status and @p body (content_length set; Content-Type JSON when the body looks like JSON).
inline sdk::HttpResponse respond(unsigned status, std::string body = {}, sdk::HttpHeaders headers = {}) {
  sdk::HttpResponse response;
  response.status = status;
  if (!body.empty() && (body.front() == '{' || body.front() == '[') &&
      std::none_of(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Content-Type"; })) {
    headers.emplace_back("Content-Type", "application/json");
  }
  response.headers = std::move(headers);
  response.content_length = body.size();
  response.body = std::move(body);
  return response;
}

/// A transport failure (status 0) with @p error, e.g. "connection refused".
inline sdk::HttpResponse transportFailure(std::string error) {
  sdk::HttpResponse response;
  response.error = std::move(error);
  return response;
}

/// Path and query of @p target ("http://h:1/v2/x?y" → "/v2/x?y"); relative targets unchanged.
inline std::string pathOf(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.starts_with(scheme)) {
      const std::size_t slash = target.find('/', scheme.size());
      return slash == std::string_view::npos ? std::string("/") : std::string(target.substr(slash));
    }
  }
  return std::string(target);
}

/// Value of header @p name in @p headers (case-insensitive), or nullopt.
inline std::optional<std::string> headerOf(const sdk::HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return std::nullopt;
}

/// Decides whether a scripted entry answers a request.
using RequestMatcher = std::function<bool(const sdk::HttpRequest&)>;

/// Matches @p method and a target (path and query, host stripped) starting with @p prefix.
inline RequestMatcher on(std::string method, std::string prefix) {
  return [method = std::move(method), prefix = std::move(prefix)](const sdk::HttpRequest& r) {
    return r.method == method && pathOf(r.target).starts_with(prefix);
  };
}

/// Matches @p method and exactly @p target (path and query, host stripped).
inline RequestMatcher onExact(std::string method, std::string target) {
  return [method = std::move(method), target = std::move(target)](const sdk::HttpRequest& r) {
    return r.method == method && pathOf(r.target) == target;
  };
}

/// An HttpClient that answers from a script. For each request, in this order:
///  1. the first queued entry (reply / replyTo) whose matcher accepts it (no matcher = any request) is consumed;
///  2. else the standing handlers (handle), in order of addition, until one returns a response;
///  3. else status 0 with error "fake: no scripted response for <METHOD> <target>" (listed in `unmatched`).
/// Then, like the core client: transport errors stay as they are; a status outside expected_status (or >= 400
/// when it is empty) becomes "HTTP <s>" / "HTTP <s> (expected a, b)"; validate runs on expected statuses;
/// keep_headers/keep_body false empty those parts; a sample is recorded unless record is false.
class ScriptedClient final : public sdk::HttpClient {
 public:
  /// Produces a response for a request.
  using Responder = std::function<std::optional<sdk::HttpResponse>(const sdk::HttpRequest&)>;

  explicit ScriptedClient(FakeRecorder& recorder) : recorder_(recorder) {}

  /// Queues @p response for the next request that no earlier queued entry takes. @p latency delays the answer
  /// (a real timer) and becomes its elapsed time.
  ScriptedClient& reply(sdk::HttpResponse response, std::chrono::microseconds latency = {}) {
    queue_.push_back({nullptr, std::move(response), latency});
    return *this;
  }
  /// Queues @p response for the first later request @p match accepts.
  ScriptedClient& replyTo(RequestMatcher match, sdk::HttpResponse response, std::chrono::microseconds latency = {}) {
    queue_.push_back({std::move(match), std::move(response), latency});
    return *this;
  }
  /// Adds a standing handler for requests the queue does not answer; it returns nullopt to pass.
  ScriptedClient& handle(Responder responder) {
    handlers_.push_back(std::move(responder));
    return *this;
  }
  /// Queued entries not consumed yet.
  std::size_t pending() const noexcept { return queue_.size(); }

  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest& request) override {
    sent.push_back(request);
    std::optional<sdk::HttpResponse> answer;
    std::chrono::microseconds latency{0};
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (!it->match || it->match(request)) {
        answer = std::move(it->response);
        latency = it->latency;
        queue_.erase(it);
        break;
      }
    }
    for (std::size_t i = 0; !answer && i < handlers_.size(); ++i) answer = handlers_[i](request);
    if (!answer) {
      unmatched.push_back(request.method + " " + request.target);
      answer = transportFailure("fake: no scripted response for " + request.method + " " + request.target);
    }
    if (latency.count() > 0) {
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, latency);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    sdk::HttpResponse response = std::move(*answer);
    if (response.elapsed.count() == 0) response.elapsed = latency;
    if (response.content_length == 0) response.content_length = response.body.size();
    if (response.error.empty()) check(request, response);
    if (!request.keep_headers) response.headers.clear();
    if (!request.keep_body) response.body.clear();
    if (request.record) {
      recorder_.record(sdk::Sample{request.method, request.name.empty() ? pathOf(request.target) : request.name,
                                   static_cast<std::uint64_t>(response.elapsed.count()), response.content_length,
                                   response.error});
    }
    responses.push_back(response);
    co_return response;
  }
  void closeConnections() override { ++closed; }

  std::vector<sdk::HttpRequest> sent;        ///< every request, in order (copies)
  std::vector<sdk::HttpResponse> responses;  ///< what each one got, after the checks
  std::vector<std::string> unmatched;        ///< "METHOD target" of requests nothing answered
  int closed = 0;                            ///< closeConnections calls

 private:
  struct Entry {
    RequestMatcher match;                    ///< null = any request
    sdk::HttpResponse response;              ///< the answer
    std::chrono::microseconds latency{0};    ///< delay before answering
  };

  static void check(const sdk::HttpRequest& request, sdk::HttpResponse& response) {
    const auto& expected = request.expected_status;
    const bool ok = expected.empty() ? response.status < 400
                                     : std::find(expected.begin(), expected.end(), response.status) != expected.end();
    if (!ok) {
      std::string text = "HTTP " + std::to_string(response.status);
      if (!expected.empty()) {
        text += " (expected ";
        for (std::size_t i = 0; i < expected.size(); ++i) text += (i ? ", " : "") + std::to_string(expected[i]);
        text += ")";
      }
      response.error = text;
      return;
    }
    if (request.validate) response.error = request.validate(response);
  }

  FakeRecorder& recorder_;
  std::deque<Entry> queue_;
  std::vector<Responder> handlers_;
};

/// A UserContext for one fake user on a caller-owned io_context.
class FakeContext final : public sdk::UserContext {
 public:
  explicit FakeContext(boost::asio::io_context& io, std::uint64_t user_id = 7, std::uint64_t seed = 42)
      : io_(io), user_id_(user_id), rng_(seed) {}
  ~FakeContext() override { cancelBackground(); }

  sdk::HttpClient& http() override { return client; }
  sdk::StatsRecorder& stats() override { return recorder; }
  sdk::Rng& rng() override { return rng_; }
  std::uint64_t userId() const override { return user_id_; }
  const std::string& userClass() const override { return user_class; }
  const sdk::RunSettings& settings() const override { return run_settings; }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  bool stopping() const override { return stop; }

  /// Records @p duration in `sleeps`; waits on a real timer unless `instant_sleep` (then only yields).
  boost::asio::awaitable<void> sleep(std::chrono::microseconds duration) override {
    sleeps.push_back(duration);
    if (instant_sleep) {
      co_await boost::asio::post(io_, boost::asio::use_awaitable);
    } else {
      boost::asio::steady_timer timer(io_, duration);
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  }

  /// Runs @p work on the same io_context, tracked: exceptions other than a cancellation caused by
  /// cancelBackground are recorded as "<class>: background '<what>': <what()>" (like the core).
  void spawnBackground(std::string what, boost::asio::awaitable<void> work) override {
    background_.emplace_back();
    auto entry = std::prev(background_.end());
    entry->what = std::move(what);
    ++background_started;
    boost::asio::co_spawn(io_, std::move(work),
                          boost::asio::bind_cancellation_slot(entry->signal.slot(), [this, entry](std::exception_ptr e) {
                            entry->done = true;
                            ++background_finished;
                            if (e && !(cancelled_ && isCancellation(e))) {
                              recorder.recordException(user_class + ": background '" + entry->what +
                                                       "': " + describe(e));
                            }
                          }));
  }

  void publishChange(const sdk::DnsChange& change) override { changes.push_back(change); }

  /// Background works started and not finished yet.
  std::size_t backgroundRunning() const noexcept { return background_started - background_finished; }
  /// Cancels every running background work (terminal cancellation), as the runner does after the stop timeout.
  void cancelBackground() {
    cancelled_ = true;
    for (auto& entry : background_) {
      if (!entry.done) entry.signal.emit(boost::asio::cancellation_type::terminal);
    }
  }

  FakeRecorder recorder;                    ///< the user's recorder (samples, exceptions, counters)
  ScriptedClient client{recorder};          ///< the user's HTTP client
  sdk::RunSettings run_settings;            ///< what settings() returns
  std::string user_class = "designate.test";///< what userClass() returns
  bool stop = false;                        ///< what stopping() returns
  bool instant_sleep = false;               ///< sleep() only yields instead of waiting
  std::vector<std::chrono::microseconds> sleeps;  ///< every sleep() duration, in order
  std::size_t background_started = 0;       ///< spawnBackground calls
  std::size_t background_finished = 0;      ///< background works that ended (any way)
  std::vector<sdk::DnsChange> changes;      ///< every change published, in order

  static bool isCancellation(const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const boost::system::system_error& error) {
      return error.code() == boost::asio::error::operation_aborted;
    } catch (...) {
      return false;
    }
  }
  static std::string describe(const std::exception_ptr& e) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      return error.what();
    } catch (...) {
      return "unknown exception";
    }
  }

 private:
  struct Background {
    std::string what;                              ///< name given to spawnBackground
    boost::asio::cancellation_signal signal;       ///< cancels it
    bool done = false;                             ///< finished
  };

  boost::asio::io_context& io_;
  std::uint64_t user_id_;
  sdk::Rng rng_;
  std::list<Background> background_;  ///< stable addresses for the signals
  bool cancelled_ = false;
};

/// Runs @p io until @p condition holds (checked after each handler), the io_context runs out of work, or
/// @p limit passes. Returns the condition's final value.
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

/// Runs @p work on @p io until it and everything it spawned on @p io finished (the io_context ran out of work),
/// at most @p limit; returns its value or rethrows its exception. Throws std::runtime_error when it did not
/// finish in time (the unfinished work stays on @p io; running @p io again later is safe).
template <typename T>
T runToEnd(boost::asio::io_context& io, boost::asio::awaitable<T> work,
           std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  struct State {
    std::exception_ptr failure;                                             ///< what the work threw
    bool done = false;                                                      ///< the work finished
    std::optional<std::conditional_t<std::is_void_v<T>, int, T>> result;   ///< its value
  };
  auto state = std::make_shared<State>();
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(work), [state](std::exception_ptr e) {
      state->failure = e;
      state->done = true;
    });
  } else {
    boost::asio::co_spawn(io, std::move(work), [state](std::exception_ptr e, T value) {
      state->failure = e;
      if (!e) state->result.emplace(std::move(value));
      state->done = true;
    });
  }
  io.restart();
  io.run_for(limit);
  if (!state->done) throw std::runtime_error("runToEnd: the coroutine did not finish within the time limit");
  if (state->failure) std::rethrow_exception(state->failure);
  if constexpr (!std::is_void_v<T>) return std::move(*state->result);
}

}  // namespace accurate::designate::test
