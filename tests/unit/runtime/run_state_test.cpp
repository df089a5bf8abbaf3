#include "runtime/run_state.hpp"

#include <gtest/gtest.h>

#include <map>
#include <utility>

namespace accurate::runtime {
namespace {

constexpr RunState kStates[] = {RunState::kReady,   RunState::kSetup,    RunState::kSpawning,
                                RunState::kRunning, RunState::kStopping, RunState::kStopped};
constexpr RunEvent kEvents[] = {RunEvent::kStart,         RunEvent::kSetupDone,  RunEvent::kSpawnComplete,
                                RunEvent::kRetarget,      RunEvent::kStopRequested, RunEvent::kAllStopped,
                                RunEvent::kQuit};

TEST(RunStateTest, TransitionTableMatchesTheDesignForEveryStateAndEvent) {
  using S = RunState;
  using E = RunEvent;
  const std::map<std::pair<S, E>, S> valid = {
      {{S::kReady, E::kStart}, S::kSetup},
      {{S::kStopped, E::kStart}, S::kSetup},
      {{S::kSetup, E::kSetupDone}, S::kSpawning},
      {{S::kSpawning, E::kSpawnComplete}, S::kRunning},
      {{S::kSetup, E::kRetarget}, S::kSetup},
      {{S::kSpawning, E::kRetarget}, S::kSpawning},
      {{S::kRunning, E::kRetarget}, S::kSpawning},
      {{S::kSetup, E::kStopRequested}, S::kStopping},
      {{S::kSpawning, E::kStopRequested}, S::kStopping},
      {{S::kRunning, E::kStopRequested}, S::kStopping},
      {{S::kStopping, E::kAllStopped}, S::kStopped},
      {{S::kReady, E::kQuit}, S::kStopped},
      {{S::kSetup, E::kQuit}, S::kStopping},
      {{S::kSpawning, E::kQuit}, S::kStopping},
      {{S::kRunning, E::kQuit}, S::kStopping},
      {{S::kStopping, E::kQuit}, S::kStopping},
      {{S::kStopped, E::kQuit}, S::kStopped},
  };
  int checked = 0;
  for (S state : kStates) {
    for (E event : kEvents) {
      const Transition t = transition(state, event);
      const auto it = valid.find({state, event});
      if (it != valid.end()) {
        EXPECT_TRUE(t.accepted) << toString(state) << " + " << toString(event) << ": " << t.reason;
        EXPECT_EQ(t.next, it->second) << toString(state) << " + " << toString(event);
        EXPECT_TRUE(t.reason.empty());
      } else {
        EXPECT_FALSE(t.accepted) << toString(state) << " + " << toString(event);
        EXPECT_EQ(t.next, state) << "a refused event must not change the state";
        EXPECT_NE(t.reason.find(std::string(toString(event))), std::string::npos) << t.reason;
        EXPECT_NE(t.reason.find(std::string(toString(state))), std::string::npos) << t.reason;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6 * 7);
}

TEST(RunStateTest, RefusalReasonsExplainTheCommonMistakes) {
  EXPECT_NE(transition(RunState::kRunning, RunEvent::kStart).reason.find("already in progress"), std::string::npos);
  EXPECT_NE(transition(RunState::kStopping, RunEvent::kStart).reason.find("still stopping"), std::string::npos);
  EXPECT_NE(transition(RunState::kReady, RunEvent::kStopRequested).reason.find("no run"), std::string::npos);
  EXPECT_NE(transition(RunState::kStopping, RunEvent::kStopRequested).reason.find("already stopping"),
            std::string::npos);
}

TEST(RunStateTest, StateNamesAreTheSnapshotStrings) {
  EXPECT_EQ(toString(RunState::kReady), "ready");
  EXPECT_EQ(toString(RunState::kSetup), "setup");
  EXPECT_EQ(toString(RunState::kSpawning), "spawning");
  EXPECT_EQ(toString(RunState::kRunning), "running");
  EXPECT_EQ(toString(RunState::kStopping), "stopping");
  EXPECT_EQ(toString(RunState::kStopped), "stopped");
  EXPECT_EQ(toString(RunEvent::kStopRequested), "stop_requested");
}

}  // namespace
}  // namespace accurate::runtime
