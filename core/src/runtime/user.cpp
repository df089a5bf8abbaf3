/// @file user.cpp
/// The runtime's UserContext and the user's task loop.

#include "runtime/user.hpp"

#include "runtime/arrival_queue.hpp"
#include "runtime/shard.hpp"

#include "http/client_factory.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

namespace accurate::runtime {

namespace asio = boost::asio;

namespace {

/// Microseconds of a non-negative duration (0 for a negative one).
std::uint64_t toMicros(Clock::duration d) noexcept {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return us > 0 ? static_cast<std::uint64_t>(us) : 0;
}

}  // namespace

ClassRuntime::ClassRuntime(sdk::UserClassSpec class_spec)
    : spec(std::move(class_spec)), picker(spec.tasks, spec.name) {
  if (!spec.make_tasks) throw sdk::ConfigError("", "user class '" + spec.name + "': has no make_tasks function");
  checkWaitTime(spec.wait, spec.name);
}

void LagRecorder::record(const sdk::Sample& sample) {
  if (lag_us_) {
    stats_.recordWithLag(sample, *lag_us_);
  } else {
    stats_.record(sample);
  }
}

User::User(Shard& shard, std::uint64_t id, const ClassRuntime* cls, std::uint64_t seed)
    : shard_(shard),
      id_(id),
      cls_(cls),
      class_name_(cls ? cls->spec.name : std::string("setup")),
      recorder_(shard.stats()),
      rng_(seed),
      wake_timer_(shard.io()),
      stop_timer_(shard.io()),
      background_(
          shard.io().get_executor(),
          [this](const std::string& what, std::exception_ptr error) {
            recorder_.recordException(class_name_ + ": background '" + what + "': " + describe(error));
          },
          // Retire from a separate handler: the group must not be destroyed inside its own callback.
          [this] { asio::post(shard_.io(), [shard = &shard_, id = id_] { shard->userMayRetire(id); }); }) {}

User::~User() = default;

sdk::HttpClient& User::http() {
  if (!http_) http_ = http::makeHttpClient(shard_.http(), shard_.settings().host, recorder_);
  return *http_;
}

const sdk::RunSettings& User::settings() const { return shard_.settings(); }

asio::any_io_executor User::executor() { return shard_.io().get_executor(); }

asio::awaitable<void> User::sleep(std::chrono::microseconds duration) {
  asio::steady_timer timer(shard_.io(), duration);
  co_await timer.async_wait(asio::use_awaitable);
}

void User::spawnBackground(std::string what, asio::awaitable<void> work) {
  background_.spawn(std::move(what), std::move(work));
}

void User::publishChange(const sdk::DnsChange& change) {
  for (const auto& observer : shard_.changeObservers()) {
    try {
      observer->onChange(change, *this);
    } catch (const std::exception& e) {
      recorder_.recordException(std::string("change observer: ") + e.what());
    }
  }
}

void User::beginStop() {
  if (stopping_) return;
  stopping_ = true;
  wake_timer_.cancel();
}

void User::cancel() {
  beginStop();
  if (cancelled_) return;
  cancelled_ = true;
  stop_timer_.cancel();
  wake_timer_.cancel();
  // Tell the HTTP client first, so the cancellation below does not abort a request already sent: it completes
  // (within the client's stop grace) and is recorded, then its send() throws. Nothing new is sent.
  if (http_) http::stopClient(*http_);
  if (!main_done_) main_signal_.emit(asio::cancellation_type::terminal);
  background_.cancelAll();
}

asio::awaitable<bool> User::waitUntil(Clock::time_point deadline) {
  if (stopping_) co_return false;
  wake_timer_.expires_at(deadline);
  (void)co_await wake_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !stopping_;
}

asio::awaitable<bool> User::guarded(const std::string& step, std::function<asio::awaitable<void>()> body) {
  std::exception_ptr error;
  try {
    co_await body();
    co_return true;
  } catch (...) {
    error = std::current_exception();
  }
  // A cancellation caused by this user's stop is the expected way out, not a crash.
  if (cancelled_ || (stopping_ && isCancellation(error))) co_return false;
  last_error_ = class_name_ + "." + step + ": " + describe(error);
  recorder_.recordException(last_error_);
  co_return false;
}

asio::awaitable<void> User::runLoop(bool open_model) {
  const sdk::UserClassSpec& spec = cls_->spec;
  try {
    tasks_ = spec.make_tasks(*this);
    if (!tasks_) throw sdk::Error("make_tasks returned no task instance");
  } catch (...) {
    recorder_.recordException(class_name_ + ".make_tasks: " + describe(std::current_exception()));
    co_return;
  }
  if (!co_await guarded("on_start", [this] { return tasks_->onStart(*this); })) co_return;

  std::optional<PacingSchedule> pacing;
  if (!open_model && isPaced(spec.wait)) pacing.emplace(pacingPeriod(spec.wait));
  while (!stopping_) {
    // 1. When to start, and the intended start for the lag.
    std::optional<Clock::time_point> intended;
    if (open_model) {
      intended = co_await shard_.arrivals().acquire(*this);
      if (!intended) continue;  // woken without an arrival: stopping (checked by the loop)
    } else if (pacing) {
      const IterationSlot slot = pacing->next(Clock::now());
      if (slot.start > Clock::now() && !co_await waitUntil(slot.start)) break;
      intended = slot.intended;
    }
    if (stopping_) break;
    // 2. Run one task; its samples carry the lag from the intended start.
    const sdk::TaskSpec& task = cls_->picker.pick(rng_);
    if (intended) recorder_.setLag(toMicros(Clock::now() - *intended));
    const bool ok = co_await guarded(task.name, [this, &task] { return task.run(*tasks_, *this); });
    recorder_.clearLag();
    (void)ok;  // a crash is recorded and the user goes on
    if (stopping_) break;
    // 3. Wait (closed model), or at least yield so a task that never suspends cannot starve the shard.
    const std::chrono::microseconds delay =
        open_model || pacing ? std::chrono::microseconds(0) : delayAfterTask(spec.wait, rng_);
    if (delay.count() > 0) {
      if (!co_await waitUntil(Clock::now() + delay)) break;
    } else {
      co_await asio::post(shard_.io().get_executor(), asio::use_awaitable);
    }
  }
  if (!cancelled_) (void)co_await guarded("on_stop", [this] { return tasks_->onStop(*this); });
}

asio::awaitable<void> User::runSetup(const std::vector<SetupPhase>& phases, std::shared_ptr<std::string> failure) {
  for (const SetupPhase& phase : phases) {
    if (stopping_) break;
    spdlog::info("setup phase '{}' starting", phase.name);
    const auto started = Clock::now();
    if (co_await guarded(phase.name, [this, &phase] { return phase.run(*this); })) {
      spdlog::info("setup phase '{}' done in {:.3f} s", phase.name,
                   std::chrono::duration<double>(Clock::now() - started).count());
    } else if (!stopping_) {
      spdlog::error("setup phase '{}' failed, stopping the run: {}", phase.name, last_error_);
      *failure = last_error_;
      break;
    }
  }
}

}  // namespace accurate::runtime
