#include "http/watchdog.hpp"

namespace accurate::http {

Watchdog::Node::~Node() { disarm(*this); }

Watchdog::Watchdog(boost::asio::io_context& io, std::chrono::milliseconds tick)
    : timer_(io), period_(tick), alive_(std::make_shared<Watchdog*>(this)) {
  head_.prev = &head_;
  head_.next = &head_;
}

Watchdog::~Watchdog() {
  // Orphan whatever is still armed so the nodes' destructors do not touch this watchdog.
  for (Node* n = head_.next; n != &head_;) {
    Node* next = n->next;
    n->prev = n->next = nullptr;
    n->owner = nullptr;
    n = next;
  }
  head_.prev = head_.next = nullptr;
}

void Watchdog::arm(Node& node) noexcept {
  node.expired = false;
  if (node.owner == this) return;
  disarm(node);
  node.owner = this;
  node.prev = head_.prev;
  node.next = &head_;
  head_.prev->next = &node;
  head_.prev = &node;
  ++armed_;
  if (!ticking_) startTicking();
}

void Watchdog::disarm(Node& node) noexcept {
  if (node.owner == nullptr) return;
  node.prev->next = node.next;
  node.next->prev = node.prev;
  node.prev = node.next = nullptr;
  --node.owner->armed_;
  node.owner = nullptr;
}

void Watchdog::startTicking() {
  ticking_ = true;
  timer_.expires_after(period_);
  timer_.async_wait([alive = std::weak_ptr<Watchdog*>(alive_)](const boost::system::error_code& ec) {
    const auto self = alive.lock();
    if (!self) return;
    (*self)->ticking_ = false;
    if (ec) return;
    (*self)->tick();
  });
}

void Watchdog::tick() {
  const auto now = Clock::now();
  for (Node* n = head_.next; n != &head_;) {
    Node* next = n->next;
    if (n->at <= now) {
      disarm(*n);
      n->expired = true;
      if (n->on_expire != nullptr) n->on_expire(*n);
    }
    n = next;
  }
  if (armed_ > 0) startTicking();
}

}  // namespace accurate::http
