// Observing one change on one nameserver (see observation.hpp).
#include "observation.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/system/system_error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <variant>

namespace accurate::digaas {
namespace {

using namespace std::chrono_literals;

double seconds(std::chrono::milliseconds duration) { return std::chrono::duration<double>(duration).count(); }

double epochNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// @p span seconds as a sleep duration, rounded up, at least 1 µs (so a wait never degenerates into a spin).
std::chrono::microseconds sleepFor(double span) {
  return std::chrono::microseconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(span * 1e6))));
}

}  // namespace

ObservationMachine::ObservationMachine(sdk::DnsChange change, std::chrono::milliseconds interval,
                                       std::chrono::milliseconds timeout, double now)
    : change_(std::move(change)),
      question_(questionFor(change_)),
      interval_(seconds(interval)),
      timeout_(seconds(timeout)) {
  if (change_.start_time <= 0) change_.start_time = now;
  deadline_ = change_.start_time + timeout_;
}

ObservationStep ObservationMachine::next(double now) {
  if (state_ == State::kSucceeded) return {ObservationStep::Kind::kSucceeded, 0};
  if (state_ == State::kFailed) return {ObservationStep::Kind::kFailed, 0};
  const bool checked = result_.queries > 0;
  if (checked && now >= deadline_) {
    state_ = State::kFailed;
    result_.propagated = false;
    result_.seconds = timeout_;
    result_.error = fmt::format("not propagated after {:g} s ({})", timeout_, last_.empty() ? "no answer" : last_);
    return {ObservationStep::Kind::kFailed, 0};
  }
  if (in_flight_ || now < next_check_) {
    return {ObservationStep::Kind::kWait, checked ? std::min(next_check_, deadline_) : next_check_};
  }
  return {ObservationStep::Kind::kQuery, 0};
}

void ObservationMachine::queryStarted(double now) {
  next_check_ = now + interval_;
  in_flight_ = true;
  ++result_.queries;
}

void ObservationMachine::queryFinished(double now, const dns::Message* response, const std::string& error) {
  in_flight_ = false;
  if (state_ != State::kRunning) return;
  if (response == nullptr) {
    result_.answer = error.empty() ? "no answer" : error;
    last_ = "last query: " + result_.answer;
    return;
  }
  const Verdict verdict = checkPropagated(change_, *response);
  result_.answer = verdict.answer;
  if (!verdict.propagated) {
    last_ = "last answer: " + verdict.answer;
    return;
  }
  state_ = State::kSucceeded;
  result_.propagated = true;
  result_.seconds = std::max(0.0, now - change_.start_time);
  result_.error.clear();
}

boost::asio::awaitable<ObservationResult> observeChange(sdk::UserContext& ctx, ObservationParams params) {
  ObservationMachine machine(std::move(params.change), params.interval, params.timeout, epochNow());
  const boost::asio::ip::udp::endpoint server(boost::asio::ip::make_address(params.nameserver.host),
                                              params.nameserver.port);
  for (;;) {
    const double now = epochNow();
    const ObservationStep step = machine.next(now);
    switch (step.kind) {
      case ObservationStep::Kind::kSucceeded:
      case ObservationStep::Kind::kFailed: co_return machine.result();
      case ObservationStep::Kind::kWait: co_await ctx.sleep(sleepFor(step.until - now)); continue;
      case ObservationStep::Kind::kQuery: break;
    }
    auto acquired = params.limits->tryAcquire(NameserverLimits::Clock::now());
    if (const auto* wait = std::get_if<NameserverLimits::Clock::duration>(&acquired)) {
      double span = std::chrono::duration<double>(*wait).count();
      if (machine.result().queries > 0) span = std::min(span, machine.deadline() - now);  // do not oversleep
      co_await ctx.sleep(sleepFor(span));
      continue;
    }
    QueryPermit permit = std::move(std::get<QueryPermit>(acquired));
    machine.queryStarted(epochNow());
    const auto id = static_cast<std::uint16_t>(ctx.rng()() & 0xFFFFu);
    const dns::QueryResult result =
        co_await dns::query(ctx.executor(), server, machine.question(), id, params.query_timeout);
    const double answered = epochNow();
    permit.release();
    machine.queryFinished(answered, result.response ? &*result.response : nullptr, result.error);
  }
}

std::string propagationEntryName(sdk::DnsChange::Type type, const NameserverAddress& nameserver) {
  return fmt::format("{} @ {}", sdk::changeTypeName(type), nameserver.label);
}

boost::asio::awaitable<void> observePropagation(sdk::UserContext& ctx, std::shared_ptr<const Settings> settings,
                                                std::shared_ptr<NameserverLimits> limits,
                                                NameserverAddress nameserver, sdk::DnsChange change) {
  const std::string name = propagationEntryName(change.type, nameserver);
  ObservationParams params{std::move(change), std::move(nameserver), settings->interval, settings->timeout,
                           settings->query_timeout, std::move(limits)};
  ObservationResult result;
  try {
    result = co_await observeChange(ctx, std::move(params));
  } catch (const boost::system::system_error& error) {
    if (error.code() == boost::asio::error::operation_aborted) ctx.stats().count("propagation.unfinished");
    throw;
  }
  const double micros = std::round(std::max(0.0, result.seconds) * 1e6);
  ctx.stats().record(sdk::Sample{"propagation", name, static_cast<std::uint64_t>(micros), 0, result.error});
}

}  // namespace accurate::digaas
