#pragma once
/// @file run_state.hpp
/// The runner's state machine as a pure, socket-free transition function.

#include <string>
#include <string_view>

namespace accurate::runtime {

/// States of a run, in their normal order.
enum class RunState {
  kReady,     ///< constructed, nothing started
  kSetup,     ///< setup phases running on shard 0
  kSpawning,  ///< load phase: users being started or stopped towards the target
  kRunning,   ///< load phase: the target user count is reached
  kStopping,  ///< users finishing (stop timeout), background work being cancelled
  kStopped,   ///< every user and background coroutine joined; final snapshot published
};

/// Events that drive the state machine.
enum class RunEvent {
  kStart,          ///< start(users, spawn_rate)
  kSetupDone,      ///< every setup phase ended
  kSpawnComplete,  ///< the target user count is reached
  kRetarget,       ///< setUsers(users, spawn_rate), or the next load-shape stage
  kStopRequested,  ///< stop(), run time elapsed or the last load-shape stage ended
  kAllStopped,     ///< every user and background coroutine of every shard is gone
  kQuit,           ///< quit(): stop if needed, then the runner shuts down
};

/// Outcome of one event.
struct Transition {
  bool accepted = false;  ///< false when the event is invalid in the current state
  RunState next = RunState::kReady;  ///< the state after the event (the current one when refused)
  std::string reason;     ///< why the event was refused (empty when accepted)
};

/// Applies @p event to @p state. Pure: no side effects, no clock, no sockets.
/// Valid transitions: Ready/Stopped --start--> Setup; Setup --setup_done--> Spawning;
/// Spawning --spawn_complete--> Running; Setup/Spawning --retarget--> same state; Running --retarget--> Spawning;
/// Setup/Spawning/Running --stop_requested--> Stopping; Stopping --all_stopped--> Stopped;
/// quit: Ready/Stopped --> Stopped, Setup/Spawning/Running/Stopping --> Stopping. Everything else is refused.
Transition transition(RunState state, RunEvent event);

/// Lower-case name used in snapshots and the web API: "ready", "setup", "spawning", "running", "stopping",
/// "stopped".
std::string_view toString(RunState state) noexcept;

/// Name of an event for messages, e.g. "stop_requested".
std::string_view toString(RunEvent event) noexcept;

}  // namespace accurate::runtime
