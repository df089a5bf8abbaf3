/// @file run_state.cpp
/// The runner's transition table.

#include "runtime/run_state.hpp"

namespace accurate::runtime {

namespace {

Transition accept(RunState next) { return Transition{true, next, {}}; }

Transition refuse(RunState state, RunEvent event, std::string_view why) {
  std::string reason = "cannot ";
  reason += toString(event);
  reason += " while ";
  reason += toString(state);
  reason += ": ";
  reason += why;
  return Transition{false, state, std::move(reason)};
}

bool inLoad(RunState s) { return s == RunState::kSetup || s == RunState::kSpawning || s == RunState::kRunning; }

}  // namespace

Transition transition(RunState state, RunEvent event) {
  switch (event) {
    case RunEvent::kStart:
      if (state == RunState::kReady || state == RunState::kStopped) return accept(RunState::kSetup);
      if (state == RunState::kStopping) return refuse(state, event, "the previous run is still stopping");
      return refuse(state, event, "a run is already in progress (use setUsers to change the user count)");
    case RunEvent::kSetupDone:
      if (state == RunState::kSetup) return accept(RunState::kSpawning);
      return refuse(state, event, "no setup phase is running");
    case RunEvent::kSpawnComplete:
      if (state == RunState::kSpawning) return accept(RunState::kRunning);
      return refuse(state, event, "users are not being spawned");
    case RunEvent::kRetarget:
      if (state == RunState::kSetup || state == RunState::kSpawning) return accept(state);
      if (state == RunState::kRunning) return accept(RunState::kSpawning);
      return refuse(state, event, "no run is in progress");
    case RunEvent::kStopRequested:
      if (inLoad(state)) return accept(RunState::kStopping);
      if (state == RunState::kStopping) return refuse(state, event, "the run is already stopping");
      return refuse(state, event, "no run is in progress");
    case RunEvent::kAllStopped:
      if (state == RunState::kStopping) return accept(RunState::kStopped);
      return refuse(state, event, "the run is not stopping");
    case RunEvent::kQuit:
      if (state == RunState::kReady || state == RunState::kStopped) return accept(RunState::kStopped);
      return accept(RunState::kStopping);
  }
  return refuse(state, event, "unknown event");
}

std::string_view toString(RunState state) noexcept {
  switch (state) {
    case RunState::kReady: return "ready";
    case RunState::kSetup: return "setup";
    case RunState::kSpawning: return "spawning";
    case RunState::kRunning: return "running";
    case RunState::kStopping: return "stopping";
    case RunState::kStopped: return "stopped";
  }
  return "unknown";
}

std::string_view toString(RunEvent event) noexcept {
  switch (event) {
    case RunEvent::kStart: return "start";
    case RunEvent::kSetupDone: return "setup_done";
    case RunEvent::kSpawnComplete: return "spawn_complete";
    case RunEvent::kRetarget: return "retarget";
    case RunEvent::kStopRequested: return "stop_requested";
    case RunEvent::kAllStopped: return "all_stopped";
    case RunEvent::kQuit: return "quit";
  }
  return "unknown";
}

}  // namespace accurate::runtime
