#pragma once
// The one-line message of the sdk::ConfigError an action throws ("no error" when it throws none).

#include <accurate/sdk/errors.hpp>

#include <functional>
#include <string>

namespace accurate::config::test {

inline std::string errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace accurate::config::test
