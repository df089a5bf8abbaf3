#include "line_queue.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace accurate::graphite {

LineQueue::LineQueue(std::size_t capacity, std::chrono::milliseconds resend_window)
    : capacity_(std::max<std::size_t>(capacity, 1)), window_(resend_window) {}

std::size_t LineQueue::trimToCapacity() {
  const std::size_t excess = lines_.size() > capacity_ ? lines_.size() - capacity_ : 0;
  lines_.erase(lines_.begin(), lines_.begin() + static_cast<std::ptrdiff_t>(excess));
  return excess;
}

std::size_t LineQueue::push(std::vector<std::string> lines) {
  std::size_t skipped = 0;
  if (lines.size() > capacity_) {  // only the newest capacity_ lines can stay anyway
    skipped = lines.size() - capacity_;
    lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(skipped));
  }
  for (std::string& line : lines) lines_.push_back(QueuedLine{std::move(line), false});
  return skipped + trimToCapacity();
}

LineBatch LineQueue::take(std::size_t max_bytes) {
  LineBatch batch;
  while (!lines_.empty() && (batch.text.empty() || batch.text.size() < max_bytes)) {
    batch.text += lines_.front().text;
    batch.lines.push_back(std::move(lines_.front()));
    lines_.pop_front();
  }
  return batch;
}

std::size_t LineQueue::putBack(LineBatch batch) {
  lines_.insert(lines_.begin(), std::make_move_iterator(batch.lines.begin()),
                std::make_move_iterator(batch.lines.end()));
  // Over capacity, the oldest go: here the front, i.e. the batch itself.
  return trimToCapacity();
}

void LineQueue::markWritten(LineBatch batch, Clock::time_point now) {
  for (QueuedLine& line : batch.lines) written_.push_back(Written{now, std::move(line.text)});
  while (!written_.empty() && (written_.front().at < now - window_ || written_.size() > capacity_)) {
    written_.pop_front();
  }
}

std::size_t LineQueue::requeueRecent(Clock::time_point lost_at) {
  const auto since = lost_at - window_;
  auto first = std::find_if(written_.begin(), written_.end(), [&](const Written& w) { return w.at >= since; });
  const std::size_t room = capacity_ > lines_.size() ? capacity_ - lines_.size() : 0;
  const auto recent = static_cast<std::size_t>(std::distance(first, written_.end()));
  if (recent > room) first += static_cast<std::ptrdiff_t>(recent - room);  // keep the newest that fit
  std::vector<QueuedLine> again;
  for (auto it = first; it != written_.end(); ++it) again.push_back(QueuedLine{std::move(it->text), true});
  written_.clear();
  lines_.insert(lines_.begin(), std::make_move_iterator(again.begin()), std::make_move_iterator(again.end()));
  return again.size();
}

}  // namespace accurate::graphite
