// HttpClientImpl's part of a run's stop: the list of requests in progress, the hard stop that caps or abandons
// them, and how a failed operation tells the caller's cancellation from the stop.
#include "http/client.hpp"

#include "http/shard_http.hpp"

namespace accurate::http {

namespace asio = boost::asio;

void HttpClientImpl::InFlightLink::unlink() noexcept {
  if (next_in_flight == nullptr) return;
  prev_in_flight->next_in_flight = next_in_flight;
  next_in_flight->prev_in_flight = prev_in_flight;
  prev_in_flight = next_in_flight = nullptr;
}

void HttpClientImpl::track(RequestDeadline& deadline) noexcept {
  deadline.unlink();
  deadline.prev_in_flight = in_flight_.prev_in_flight;
  deadline.next_in_flight = &in_flight_;
  in_flight_.prev_in_flight->next_in_flight = &deadline;
  in_flight_.prev_in_flight = &deadline;
}

std::size_t HttpClientImpl::inFlightCount() const noexcept {
  std::size_t count = 0;
  for (const InFlightLink* link = in_flight_.next_in_flight; link != &in_flight_; link = link->next_in_flight) {
    ++count;
  }
  return count;
}

void HttpClientImpl::stop() noexcept {
  if (stopping_) return;
  stopping_ = true;
  const auto cap = std::chrono::steady_clock::now() + shard_.options().stop_grace;
  for (InFlightLink* link = in_flight_.next_in_flight; link != &in_flight_; link = link->next_in_flight) {
    auto* d = static_cast<RequestDeadline*>(link);
    if (!d->sending) {
      // Still resolving or connecting: nothing has left, so the request is dropped without a sample. Its
      // coroutine resumes with an error and send() sees `abandoned`.
      d->abandoned = true;
      if (d->waiter != nullptr) d->waiter->cancel();
      if (d->conn != nullptr) d->conn->close();
      continue;
    }
    // Sent (or being sent): let it complete, but not later than the cap. The watchdog expires it there.
    if (cap < d->request_deadline) {
      d->request_deadline = cap;
      d->stop_capped = true;
      d->stop_limit = std::chrono::duration_cast<std::chrono::milliseconds>(cap - d->start);
    }
    if (d->at > d->request_deadline) d->at = d->request_deadline;
  }
  closeConnections();  // idle ones now; those in use are dropped when their request ends (generation bump)
}

bool HttpClientImpl::cancelledByCaller(const asio::cancellation_state& state) const noexcept {
  // While stopping, DrainFilter forwards nothing: a noted cancellation did not abort any I/O.
  return state.cancelled() != asio::cancellation_type::none && !stopping_;
}

}  // namespace accurate::http
