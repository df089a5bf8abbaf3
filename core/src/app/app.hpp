#pragma once
/// @file app.hpp
/// The accurate executable's start-up: plugins, options, sub-commands, then the load run.

namespace accurate::app {

/// Exit codes of the executable.
enum ExitCode : int {
  kExitOk = 0,              ///< the run succeeded
  kExitRequestsFailed = 1,  ///< some requests failed (default of --exit-code-on-error)
  kExitConfigError = 2,     ///< configuration, CLI or plugin error (one line on stderr)
  kExitThresholdBroken = 3, ///< a --threshold was broken
  kExitInternalError = 4,   ///< an unexpected error (a bug): one line on stderr
};

/// Runs the executable with @p argc / @p argv and returns the exit code. Never throws.
int run(int argc, char** argv);

}  // namespace accurate::app
