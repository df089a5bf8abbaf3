#include "bounded_task_queue.hpp"

#include <algorithm>

namespace accurate::web {

BoundedTaskQueue::BoundedTaskQueue(std::size_t threads, std::size_t max_pending)
    : max_pending_(std::max<std::size_t>(max_pending, 1)) {
  threads = std::max<std::size_t>(threads, 1);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  space_ready_.wait(lock, [this] { return tasks_.size() < max_pending_ || shutting_down_; });
  tasks_.push_back(std::move(fn));
  lock.unlock();
  task_ready_.notify_one();
}

void BoundedTaskQueue::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_ && threads_.empty()) return;
    shutting_down_ = true;
  }
  task_ready_.notify_all();
  space_ready_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void BoundedTaskQueue::work() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      task_ready_.wait(lock, [this] { return !tasks_.empty() || shutting_down_; });
      if (tasks_.empty()) return;  // shutting down and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    space_ready_.notify_one();
    task();
  }
}

}  // namespace accurate::web
