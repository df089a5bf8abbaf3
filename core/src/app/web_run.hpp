#pragma once
/// @file web_run.hpp
/// The web UI mode of a load run: tests are started, changed and stopped from the browser or `accurate ctl`.

#include "app/load_session.hpp"
#include "config/config.hpp"

#include <cstdio>
#include <string_view>

namespace accurate::app {

/// Serves the web UI for @p session until SIGINT/SIGTERM; each test that stops is finished (report, summary)
/// on this thread. Returns the exit code of the last finished test (0 when none ran).
/// Throws sdk::Error when the web server cannot start.
int runWithWebUi(const config::Config& config, LoadSession& session, std::FILE* console);

/// True when @p host is a loopback address or "localhost" (a name that may resolve elsewhere is not).
bool isLoopbackHost(std::string_view host);

}  // namespace accurate::app
