#include "async_poll.hpp"

#include <algorithm>

namespace accurate::designate {
namespace {

using SteadyClock = std::chrono::steady_clock;

/// Longest single sleep, so a stop is noticed quickly.
constexpr std::chrono::milliseconds kSleepSlice{250};

}  // namespace

boost::asio::awaitable<bool> sleepUntil(sdk::UserContext& ctx, SteadyClock::time_point deadline) {
  while (!ctx.stopping()) {
    const auto now = SteadyClock::now();
    if (now >= deadline) co_return true;
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
    co_await ctx.sleep(std::min<std::chrono::microseconds>(left, kSleepSlice));
  }
  co_return false;
}

boost::asio::awaitable<AsyncOutcome> watchAsync(sdk::UserContext& ctx, DesignateClient& client, const Tenant& tenant,
                                                AsyncWatch watch, std::chrono::milliseconds interval,
                                                std::chrono::milliseconds timeout) {
  PollMachine machine(watch.kind, watch.goal, watch.write_start, interval, timeout);
  PollStep step = machine.start();
  AsyncOutcome outcome;
  while (step.kind == PollStep::Kind::kPollAt) {
    if (!co_await sleepUntil(ctx, step.poll_at)) co_return outcome;  // stopping: nothing recorded
    sdk::HttpResponse response = co_await client.send(ctx, tenant, watch.status_request);
    const PollObservation seen =
        observe(response.status, response.body, response.status == 0 ? response.error : std::string());
    outcome.last_body = std::move(response.body);
    step = machine.onObservation(seen, SteadyClock::now());
  }
  outcome.finished = true;
  outcome.success = step.success;
  outcome.reason = step.success ? std::string() : step.reason;
  outcome.elapsed = step.elapsed;
  if (watch.record) {
    const auto us = step.elapsed.count();
    ctx.stats().record(sdk::Sample{watch.write_method, watch.async_name,
                                   us > 0 ? static_cast<std::uint64_t>(us) : 0u, 0, outcome.reason});
  }
  co_return outcome;
}

}  // namespace accurate::designate
