#pragma once
/// @file task_group.hpp
/// Tracked background coroutines: each is co_spawned with a cancellation slot the group keeps, its exception is
/// reported, and the owner learns when the group is empty, so nothing outlives its owner.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <cstddef>
#include <exception>
#include <functional>
#include <list>
#include <string>

namespace accurate::runtime {

/// A set of background coroutines running on one executor (one shard). Each user owns one, so stopping a single
/// user (retarget) cancels and joins exactly its own work.
/// Threading: every method runs on the executor's thread. Lifetime: destroy only when empty() (the owner waits
/// for on_empty after cancelAll()); the destructor of a non-empty group terminates the process, because a
/// running coroutine would otherwise use freed memory.
class TaskGroup {
 public:
  /// Receives a coroutine's escaped exception (never its cancellation once the group is cancelled).
  using ErrorHandler = std::function<void(const std::string& what, std::exception_ptr error)>;

  /// @param executor where the coroutines run. @param on_error called on the executor's thread for each
  /// coroutine that ends with an exception. @param on_empty called (from a posted handler, never inside
  /// spawn or cancelAll) each time the last coroutine has ended and its bookkeeping is gone.
  TaskGroup(boost::asio::any_io_executor executor, ErrorHandler on_error, std::function<void()> on_empty);
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup();

  /// Starts @p work; @p what names it in error reports. After cancelAll(), new work is cancelled at once.
  void spawn(std::string what, boost::asio::awaitable<void> work);
  /// Emits terminal cancellation to every running coroutine (they end at their next suspension point).
  void cancelAll();
  /// True when no coroutine is running and none awaits its bookkeeping.
  bool empty() const noexcept { return entries_.empty(); }
  /// Coroutines not yet ended.
  std::size_t running() const noexcept { return entries_.size() - finished_; }
  /// True once cancelAll() was called.
  bool cancelled() const noexcept { return cancelled_; }

 private:
  /// One spawned coroutine.
  struct Entry {
    std::string what;                          ///< name for error reports
    boost::asio::cancellation_signal signal;   ///< its cancellation slot's signal
    bool done = false;                         ///< the coroutine has ended (signal must no longer be emitted)
  };
  /// Bookkeeping after a coroutine ended.
  void finish(std::list<Entry>::iterator entry, std::exception_ptr error);

  boost::asio::any_io_executor executor_;  ///< where coroutines and bookkeeping run
  ErrorHandler on_error_;                  ///< reports escaped exceptions
  std::function<void()> on_empty_;         ///< told when the group becomes empty
  std::list<Entry> entries_;               ///< spawned coroutines (stable addresses for the signals)
  std::size_t finished_ = 0;               ///< entries whose coroutine ended but which are not erased yet
  bool cancelled_ = false;                 ///< cancelAll() was called
};

/// True when @p error is the operation_aborted that cancellation raises in a coroutine.
bool isCancellation(const std::exception_ptr& error) noexcept;

/// what() of @p error, or "unknown exception".
std::string describe(const std::exception_ptr& error);

}  // namespace accurate::runtime
