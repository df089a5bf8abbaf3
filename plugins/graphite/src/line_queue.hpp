#pragma once
/// @file line_queue.hpp
/// The sender's bounded queue of Carbon lines (oldest dropped when full) and its memory of the lines written in
/// the last seconds, re-sent after a reconnect because TCP loses what was written into a dead connection.
/// Pure data structure; the sender guards it with its mutex.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace accurate::graphite {

/// One queued line.
struct QueuedLine {
  std::string text;     ///< the Carbon line, ending in '\n'
  bool resend = false;  ///< a repeat of a line already written once (not logged or counted as sent again)
};

/// Lines taken out of the queue to be written in one go.
struct LineBatch {
  std::vector<QueuedLine> lines;  ///< the lines, oldest first
  std::string text;               ///< their concatenation, what is written to the socket
};

/// Bounded FIFO of lines plus the recently written ones. Threading: not synchronised.
class LineQueue {
 public:
  using Clock = std::chrono::steady_clock;

  /// @p capacity: most queued lines; @p resend_window: how far back lines are re-sent after a reconnect.
  LineQueue(std::size_t capacity, std::chrono::milliseconds resend_window);

  /// Appends @p lines; when over capacity drops the oldest queued lines. Returns how many were dropped.
  std::size_t push(std::vector<std::string> lines);
  /// Moves lines from the front into a batch until it holds at least @p max_bytes (at least one line when any).
  LineBatch take(std::size_t max_bytes);
  /// Puts an unwritten batch back at the front, in order; when that overflows the capacity the oldest lines
  /// are dropped. Returns how many were dropped.
  std::size_t putBack(LineBatch batch);
  /// Remembers a written batch at time @p now for re-sending; forgets lines older than the window.
  void markWritten(LineBatch batch, Clock::time_point now);
  /// After a lost connection noticed at @p lost_at: puts the lines written since lost_at − window back at the
  /// front (marked resend), as many as fit; forgets the rest. Returns how many were re-queued.
  std::size_t requeueRecent(Clock::time_point lost_at);

  std::size_t size() const noexcept { return lines_.size(); }
  bool empty() const noexcept { return lines_.empty(); }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  /// A written line and when.
  struct Written {
    Clock::time_point at;  ///< when its batch was written
    std::string text;      ///< the line
  };
  std::size_t trimToCapacity();

  std::size_t capacity_;                  ///< most queued lines
  std::chrono::milliseconds window_;      ///< re-send window
  std::deque<QueuedLine> lines_;          ///< waiting to be written, oldest first
  std::deque<Written> written_;           ///< written within the window, oldest first
};

}  // namespace accurate::graphite
