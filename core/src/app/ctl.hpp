#pragma once
/// @file ctl.hpp
/// `accurate ctl`: drives a running accurate web UI from scripts (the original tool's control script).

#include "config/config.hpp"

#include <string>
#include <vector>

namespace accurate::app {

/// Runs `accurate ctl ACTION [ARGS]` against the web UI at --url (default http(s)://--web-host:--web-port):
///   start   (users, spawn rate, host and run time from --users, --spawn-rate, --host, --run-time)
///   stop | reset | status
///   wait STATE [--timeout SECONDS]   (polls /status every 0.5 s)
/// Credentials: --web-token / ACCURATE_WEB_TOKEN (bearer), else --web-user with ACCURATE_WEB_PASSWORD
/// (Basic). TLS: verified unless --insecure; --ca-file FILE for a private CA. Prints one line per action
/// (the raw JSON with --json). Returns 0 on success, 1 when the UI refused or the wait timed out, and throws
/// sdk::Error (exit 2) for bad arguments or an unreachable UI.
int runCtl(const config::Config& config, const std::vector<std::string>& args);

}  // namespace accurate::app
