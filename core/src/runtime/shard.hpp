#pragma once
/// @file shard.hpp
/// A shard: one thread running one io_context, with its own stats, HTTP state, arrival queue and users.

#include "runtime/arrival_queue.hpp"
#include "runtime/user.hpp"

#include "http/client_factory.hpp"
#include "stats/shard_stats.hpp"

#include <accurate/sdk/host.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace accurate::runtime {

/// Read-only data of a run that every shard shares. Built once before the shards start.
struct RunEnvironment {
  sdk::RunSettings settings;                                ///< the run's settings (host, stop timeout...)
  std::vector<std::unique_ptr<const ClassRuntime>> classes; ///< prepared user classes (stable addresses)
  http::HttpOptions http;                                   ///< HTTP client settings
  std::vector<std::shared_ptr<sdk::ChangeObserver>> change_observers;  ///< hear UserContext::publishChange
};

/// One shard. Construction and start()/join() happen on the control side; every other method runs on the
/// shard's own thread (post to io() to call them), so the hot path takes no lock.
class Shard {
 public:
  /// Stats taken from the shard, tagged with the stats epoch they belong to.
  struct TaggedDelta {
    std::uint64_t epoch = 0;     ///< the shard's stats epoch when the delta was taken
    stats::StatsDelta delta;     ///< what was recorded since the previous take
  };

  /// @param on_user_finished called on the shard thread when a load user's loop ended by itself (not by a
  /// stop), with its id; it must only post elsewhere. @p env must outlive the shard.
  Shard(unsigned index, const RunEnvironment& env, std::function<void(std::uint64_t)> on_user_finished);
  /// Joins the thread. Users still alive (which only happens when a coroutine ignored cancellation) are
  /// deliberately leaked, with an error logged, rather than freed under running code.
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  /// Starts the shard's thread (control side, once).
  void start();
  /// Stops the io_context and joins the thread (control side; idempotent).
  void join();
  /// The shard's io_context (post work to it from any thread).
  boost::asio::io_context& io() noexcept { return io_; }
  /// True when called from the shard's own thread.
  bool isCurrentThread() const noexcept { return thread_.get_id() == std::this_thread::get_id(); }
  /// Index of the shard (0-based).
  unsigned index() const noexcept { return index_; }

  // --- shard thread only ---

  /// The shard's stats.
  stats::ShardStats& stats() noexcept { return stats_; }
  /// The shard's HTTP state.
  http::ShardHttp& http() noexcept { return *http_; }
  /// The run's settings.
  const sdk::RunSettings& settings() const noexcept { return env_.settings; }
  /// The run's change observers (see UserContext::publishChange).
  const std::vector<std::shared_ptr<sdk::ChangeObserver>>& changeObservers() const noexcept {
    return env_.change_observers;
  }
  /// The shard's open-model arrival queue.
  ArrivalQueue& arrivals() noexcept { return arrivals_; }

  /// Creates and starts user @p id of class @p class_index, seeding its rng with @p seed. @p open_model: the
  /// user takes its iterations from the arrival queue.
  void spawnUser(std::uint64_t id, std::size_t class_index, std::uint64_t seed, bool open_model);
  /// Gracefully stops user @p id: it finishes its current task (and on_stop) within the stop timeout, then it
  /// and its background work are cancelled. Unknown ids are ignored.
  void stopUser(std::uint64_t id);
  /// Runs @p phases (which must outlive the run) with the context of user 0; @p on_done is called on this
  /// thread once they ended and their background work is joined (or cancelled by a stop), with the failure of
  /// the phase that threw ("" when all succeeded).
  void runSetup(const std::vector<SetupPhase>& phases, std::uint64_t seed,
                std::function<void(const std::string& failure)> on_done);
  /// Stops everything: the arrival generator at once, users gracefully (no new task; waits end; the current
  /// task may go on), then after the stop timeout every user and background coroutine is cancelled (User::
  /// cancel: requests already sent still complete within the HTTP stop grace and are recorded; idle
  /// connections close). @p on_empty is called on this thread when no user, setup context or generator remains.
  void stopAll(std::function<void()> on_empty);
  /// Starts the open-model generator at @p rate arrivals per second from @p start.
  void startArrivals(double rate, Clock::time_point start);
  /// Moves out the stats recorded since the last take.
  TaggedDelta takeDelta();
  /// Drops recorded stats and enters stats epoch @p epoch.
  void resetStats(std::uint64_t epoch);
  /// Load users (setup context excluded) currently on the shard, stopping ones included.
  std::size_t loadUsers() const noexcept { return load_users_; }
  /// Called by a user when it may have become retirable (main ended and background empty).
  void userMayRetire(std::uint64_t id);

 private:
  /// A user and what to do when it is gone.
  struct Slot {
    std::shared_ptr<User> user;        ///< the user (shared only so timers can hold a weak_ptr)
    std::function<void()> on_retired;  ///< called after it is destroyed (setup completion)
  };
  /// co_spawns @p body as @p user's main coroutine, bound to its cancellation signal.
  void launch(const std::shared_ptr<User>& user, boost::asio::awaitable<void> body);
  /// Cancels every user (end of the stop timeout of stop generation @p generation).
  void hardStopAll(std::uint64_t generation);
  /// Calls the stopAll callback once nothing is left.
  void checkEmpty();

  unsigned index_;                                   ///< shard number
  const RunEnvironment& env_;                        ///< shared run data
  std::function<void(std::uint64_t)> on_user_finished_;  ///< tells the control thread a loop ended by itself
  boost::asio::io_context io_{1};                    ///< the shard's event loop (one thread)
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;  ///< keeps io_ running
  stats::ShardStats stats_;                          ///< the shard's stats
  std::uint64_t stats_epoch_ = 0;                    ///< stats epoch (bumped by resets)
  std::unique_ptr<http::ShardHttp> http_;            ///< HTTP state shared by the shard's clients
  ArrivalQueue arrivals_;                            ///< open-model dispatcher
  std::unordered_map<std::uint64_t, Slot> users_;    ///< live users by id (0 = setup context)
  std::size_t load_users_ = 0;                       ///< users_ without the setup context
  boost::asio::steady_timer stop_deadline_;          ///< end of the stop timeout of stopAll()
  std::uint64_t stop_generation_ = 0;                ///< bumped by each stopAll()
  bool stopping_all_ = false;                        ///< stopAll() in progress
  std::function<void()> on_empty_;                   ///< stopAll() callback
  std::thread thread_;                               ///< runs io_
};

}  // namespace accurate::runtime
