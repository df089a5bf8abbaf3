/// @file task_group.cpp
/// Tracked background coroutines.

#include "runtime/task_group.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/system_error.hpp>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <system_error>

namespace accurate::runtime {

namespace asio = boost::asio;

TaskGroup::TaskGroup(asio::any_io_executor executor, ErrorHandler on_error, std::function<void()> on_empty)
    : executor_(std::move(executor)), on_error_(std::move(on_error)), on_empty_(std::move(on_empty)) {}

TaskGroup::~TaskGroup() {
  if (!entries_.empty()) {
    spdlog::critical("internal error: a task group was destroyed with {} coroutine(s) still tracked",
                     entries_.size());
    std::abort();
  }
}

void TaskGroup::spawn(std::string what, asio::awaitable<void> work) {
  entries_.emplace_back();
  const auto entry = std::prev(entries_.end());
  entry->what = std::move(what);
  asio::co_spawn(executor_, std::move(work),
                 asio::bind_cancellation_slot(entry->signal.slot(), [this, entry](std::exception_ptr error) {
                   finish(entry, std::move(error));
                 }));
  // co_spawn may run the coroutine inline up to its first suspension, which may already have finished it.
  if (cancelled_ && !entry->done) entry->signal.emit(asio::cancellation_type::terminal);
}

void TaskGroup::cancelAll() {
  cancelled_ = true;
  for (Entry& entry : entries_) {
    if (!entry.done) entry.signal.emit(asio::cancellation_type::terminal);
  }
}

void TaskGroup::finish(std::list<Entry>::iterator entry, std::exception_ptr error) {
  entry->done = true;
  ++finished_;
  if (error && !(cancelled_ && isCancellation(error)) && on_error_) on_error_(entry->what, error);
  // The entry's signal is still referenced by co_spawn's machinery until this handler returns: erase later.
  asio::post(executor_, [this, entry] {
    entries_.erase(entry);
    --finished_;
    if (entries_.empty() && on_empty_) on_empty_();
  });
}

bool isCancellation(const std::exception_ptr& error) noexcept {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    return e.code() == asio::error::operation_aborted;
  } catch (const std::system_error& e) {
    return e.code() == std::errc::operation_canceled;
  } catch (...) {
    return false;
  }
}

std::string describe(const std::exception_ptr& error) {
  if (!error) return "no exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace accurate::runtime
