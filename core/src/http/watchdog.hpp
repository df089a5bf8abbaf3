#pragma once
/// @file watchdog.hpp
/// The per-shard timeout watchdog: one steady_timer ticking while deadlines are armed, scanning an intrusive
/// list of in-flight operations and expiring those whose deadline passed. Arming and disarming are O(1) and
/// allocate nothing.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace accurate::http {

/// Scans armed deadlines every tick and expires the late ones. Threading: the shard's thread only.
class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  /// One armed deadline, usually a member of a request's coroutine frame. Must be disarmed (or expired)
  /// before it is destroyed (its destructor does that).
  struct Node {
    Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    ~Node();

    Clock::time_point at{};          ///< when the operation expires
    void (*on_expire)(Node&) = nullptr;  ///< called once when the deadline passes (must not disarm others)
    bool expired = false;            ///< set by the watchdog just before on_expire
    Node* prev = nullptr;            ///< intrusive list link (null when not armed)
    Node* next = nullptr;            ///< intrusive list link (null when not armed)
    Watchdog* owner = nullptr;       ///< watchdog the node is armed in, or null
  };

  /// Creates a watchdog ticking every @p tick on @p io while anything is armed.
  Watchdog(boost::asio::io_context& io, std::chrono::milliseconds tick);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  /// Arms @p node (deadline node.at); clears node.expired. Re-arming an armed node only moves its deadline.
  void arm(Node& node) noexcept;
  /// Disarms @p node if armed. O(1).
  static void disarm(Node& node) noexcept;
  /// Number of armed nodes (for tests).
  std::size_t armedCount() const noexcept { return armed_; }

 private:
  void startTicking();
  void tick();

  boost::asio::steady_timer timer_;     ///< the one tick timer
  std::chrono::milliseconds period_;    ///< tick period
  Node head_;                           ///< sentinel of the circular armed list
  std::size_t armed_ = 0;               ///< armed nodes
  bool ticking_ = false;                ///< a tick wait is pending
  std::shared_ptr<Watchdog*> alive_;    ///< handlers hold a weak_ptr: a late tick after destruction is a no-op
};

}  // namespace accurate::http
