#pragma once
/// @file task.hpp
/// Simulated users: the per-user context the core provides, the per-user task instance a plugin provides,
/// weighted task trees, wait times and user classes.

#include <accurate/sdk/changes.hpp>
#include <accurate/sdk/random.hpp>
#include <accurate/sdk/http.hpp>
#include <accurate/sdk/stats.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace accurate::sdk {

struct RunSettings;

/// Services the core gives one simulated user (also used for the setup phase and plugin commands).
/// Owned by the core; outlives the user's tasks and every background coroutine the user started.
/// Threading: use only from coroutines on the user's shard.
class UserContext {
 public:
  virtual ~UserContext() = default;
  /// The user's HTTP client, with the run's host as base URL.
  virtual HttpClient& http() = 0;
  /// The shard's stats recorder.
  virtual StatsRecorder& stats() = 0;
  /// A random generator private to this user (seeded per user).
  virtual Rng& rng() = 0;
  /// Process-unique user number, starting at 1 (0 for the setup phase and commands).
  virtual std::uint64_t userId() const = 0;
  /// Name of the user class, e.g. "designate.large".
  virtual const std::string& userClass() const = 0;
  /// Read-only run settings (host, users, timeouts...).
  virtual const RunSettings& settings() const = 0;
  /// Executor of the user's shard, for timers and sockets a task creates itself.
  virtual boost::asio::any_io_executor executor() = 0;
  /// True once the run is stopping: long tasks should return early.
  virtual bool stopping() const = 0;
  /// Sleeps for @p duration; returns early (throwing on cancellation) when the run stops.
  virtual boost::asio::awaitable<void> sleep(std::chrono::microseconds duration) = 0;
  /// Starts @p work as tracked background work of this user (e.g. a status poller). It runs on the user's
  /// shard, its exceptions are recorded as task crashes, and the runner cancels it after the stop timeout and
  /// joins it before the user is destroyed. @p what names it in error messages.
  virtual void spawnBackground(std::string what, boost::asio::awaitable<void> work) = 0;
  /// Tells every registered ChangeObserver (of any plugin) about @p change, synchronously, on this thread.
  /// Observers only start background work of this user, so the call returns at once. Since ABI 1.2.
  virtual void publishChange(const DnsChange& change) = 0;
};

/// Per-user task state a plugin defines (one instance per simulated user, so it needs no locks).
class UserTasks {
 public:
  virtual ~UserTasks() = default;
  /// Runs once when the user starts, before its first task.
  virtual boost::asio::awaitable<void> onStart(UserContext&) { co_return; }
  /// Runs once when the user stops (also on a graceful run stop, within the stop timeout).
  virtual boost::asio::awaitable<void> onStop(UserContext&) { co_return; }
};

/// The body of a leaf task: receives the user's UserTasks instance and context.
using TaskFunction = std::function<boost::asio::awaitable<void>(UserTasks&, UserContext&)>;

/// A node of a user class's weighted task tree: a leaf task, or a weighted group of nodes.
struct TaskSpec {
  std::string name;                ///< task name (logs, exceptions, report)
  double weight = 1;               ///< relative weight among its siblings (> 0, or 0 to disable)
  TaskFunction run;                ///< the task body; empty for a group
  std::vector<TaskSpec> children;  ///< the group's members; empty for a leaf
};

namespace detail {
/// The class a member function pointer belongs to.
template <typename T>
struct MemberClass;
template <typename C, typename R, typename... A>
struct MemberClass<R (C::*)(A...)> {
  using type = C;  ///< the owning class
};
}  // namespace detail

/// Makes a leaf TaskSpec that calls member function @p Method (`awaitable<void> Method(UserContext&)`) of the
/// plugin's UserTasks subclass.
template <auto Method>
TaskSpec memberTask(std::string name, double weight) {
  using Class = typename detail::MemberClass<decltype(Method)>::type;
  return TaskSpec{std::move(name), weight,
                  [](UserTasks& tasks, UserContext& ctx) -> boost::asio::awaitable<void> {
                    return (static_cast<Class&>(tasks).*Method)(ctx);
                  },
                  {}};
}

/// How long a user waits between two tasks.
struct WaitTime {
  /// The kinds of wait.
  enum class Kind {
    kNone,        ///< no wait: the next task starts at once
    kBetween,     ///< uniform random in [min, max] after each task
    kConstant,    ///< exactly min after each task
    kPacing,      ///< tasks start every min, however long they take (latency also from intended start)
    kThroughput,  ///< per_second task starts per second per user (pacing of 1/per_second)
  };
  Kind kind = Kind::kNone;              ///< which wait
  std::chrono::microseconds min{0};     ///< kBetween lower bound, kConstant wait, kPacing period
  std::chrono::microseconds max{0};     ///< kBetween upper bound
  double per_second = 0;                ///< kThroughput rate per user

  /// Uniform random wait in [lo, hi].
  static WaitTime between(std::chrono::microseconds lo, std::chrono::microseconds hi) {
    return {Kind::kBetween, lo, hi, 0};
  }
  /// Fixed wait after each task.
  static WaitTime constant(std::chrono::microseconds t) { return {Kind::kConstant, t, t, 0}; }
  /// Task starts every @p t.
  static WaitTime pacing(std::chrono::microseconds t) { return {Kind::kPacing, t, t, 0}; }
  /// @p n task starts per second per user.
  static WaitTime throughput(double n) { return {Kind::kThroughput, {}, {}, n}; }
};

/// A kind of simulated user a plugin provides.
struct UserClassSpec {
  std::string name;                    ///< unique class name, e.g. "http.api" or "designate.large"
  double weight = 1;                   ///< relative share of the users (ignored when fixed_count is set)
  std::optional<std::uint32_t> fixed_count;  ///< exact number of users of this class, taken first
  WaitTime wait;                       ///< wait between tasks (the run's open model overrides it)
  std::vector<TaskSpec> tasks;         ///< weighted top-level tasks (or groups)
  /// Creates the per-user task state; called on the user's shard when the user starts. Must not return null.
  std::function<std::unique_ptr<UserTasks>(UserContext&)> make_tasks;
};

}  // namespace accurate::sdk
