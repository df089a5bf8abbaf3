#include "net/deadline_sweeper.hpp"

#include <utility>

namespace accurate::designate_sim {

DeadlineSweeper::DeadlineSweeper(Executor executor) : timer_(executor) { head_.prev = head_.next = &head_; }

DeadlineSweeper::~DeadlineSweeper() {
  // Entries still registered belong to coroutine frames destroyed later (io_context shutdown): orphan them.
  for (WatchedSocket* entry = head_.next; entry != &head_;) {
    WatchedSocket* next = entry->next;
    entry->prev = entry->next = nullptr;
    entry = next;
  }
}

void DeadlineSweeper::add(WatchedSocket& entry) noexcept {
  entry.prev = head_.prev;
  entry.next = &head_;
  head_.prev->next = &entry;
  head_.prev = &entry;
  ++count_;
}

void DeadlineSweeper::remove(WatchedSocket& entry) noexcept {
  if (entry.next == nullptr) return;
  entry.prev->next = entry.next;
  entry.next->prev = entry.prev;
  entry.prev = entry.next = nullptr;
  --count_;
}

void DeadlineSweeper::closeAll() noexcept {
  for (WatchedSocket* entry = head_.next; entry != &head_; entry = entry->next) {
    boost::system::error_code ignored;
    if (entry->socket != nullptr) entry->socket->close(ignored);
    if (entry->timer != nullptr) entry->timer->cancel();
  }
}

void DeadlineSweeper::start(std::chrono::milliseconds interval, std::shared_ptr<void> keep_alive) {
  interval_ = interval.count() > 0 ? interval : std::chrono::milliseconds(1);
  running_ = true;
  arm(std::move(keep_alive));
}

void DeadlineSweeper::stop() noexcept {
  running_ = false;
  timer_.cancel();
}

void DeadlineSweeper::arm(std::shared_ptr<void> keep_alive) {
  timer_.expires_after(interval_);
  timer_.async_wait([this, keep = std::move(keep_alive)](const boost::system::error_code& ec) mutable {
    if (ec || !running_) return;
    sweep();
    arm(std::move(keep));
  });
}

void DeadlineSweeper::sweep() noexcept {
  const auto now = WatchedSocket::Clock::now();
  for (WatchedSocket* entry = head_.next; entry != &head_; entry = entry->next) {
    if (entry->deadline <= now && entry->socket != nullptr && entry->socket->is_open()) {
      boost::system::error_code ignored;
      entry->socket->close(ignored);
    }
  }
}

}  // namespace accurate::designate_sim
