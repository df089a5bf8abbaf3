#pragma once
/// @file bounded_task_queue.hpp
/// httplib's task queue with a bound: a fixed number of threads and at most a fixed number of accepted
/// connections waiting for one. When the queue is full the accepting thread waits, so further clients wait in
/// the kernel's listen backlog instead of growing memory (httplib 0.11's ThreadPool queue is unbounded).

#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace accurate::web {

/// Threading: enqueue() from httplib's accepting thread; shutdown() once, from the same thread (httplib calls
/// it when its accept loop ends). The destructor shuts down if needed.
class BoundedTaskQueue final : public httplib::TaskQueue {
 public:
  /// @p threads workers (at least 1); at most @p max_pending queued tasks (at least 1).
  BoundedTaskQueue(std::size_t threads, std::size_t max_pending);
  ~BoundedTaskQueue() override;
  BoundedTaskQueue(const BoundedTaskQueue&) = delete;
  BoundedTaskQueue& operator=(const BoundedTaskQueue&) = delete;

  /// Queues @p fn; waits while max_pending tasks are already waiting.
  void enqueue(std::function<void()> fn) override;
  /// Runs what is queued, then joins the workers. Idempotent.
  void shutdown() override;

 private:
  void work();

  std::vector<std::thread> threads_;         ///< the workers
  std::deque<std::function<void()>> tasks_;  ///< queued tasks (at most max_pending_)
  std::size_t max_pending_;                  ///< queue bound
  bool shutting_down_ = false;               ///< set by shutdown()
  std::mutex mutex_;                         ///< guards tasks_ and shutting_down_
  std::condition_variable task_ready_;       ///< a task was queued or shutdown began
  std::condition_variable space_ready_;      ///< a task was taken from the queue
};

}  // namespace accurate::web
