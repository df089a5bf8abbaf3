#pragma once
/// @file environment.hpp
/// Access to environment variables, injectable so tests need not touch the process environment.

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace accurate::config {

/// Returns the value of environment variable @p name, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// Reads the process environment (getenv). Threading: safe as long as nothing calls setenv concurrently.
EnvLookup processEnvironment();

/// Reads from @p variables (a copy is kept), for tests.
EnvLookup mapEnvironment(std::map<std::string, std::string> variables);

}  // namespace accurate::config
