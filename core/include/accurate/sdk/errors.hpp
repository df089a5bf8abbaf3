#pragma once
/// @file errors.hpp
/// The only exception types that may cross the plugin boundary. All are defined in the core library.

#include <accurate/sdk/version.hpp>

#include <stdexcept>
#include <string>

namespace accurate::sdk {

/// Base of every accurate error. `what()` is one line that names the thing and the reason.
class ACCURATE_API Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
  ~Error() override;
};

/// Invalid configuration (file, environment, CLI or a plugin's section). Makes the process exit with code 2.
class ACCURATE_API ConfigError : public Error {
 public:
  /// @param path JSON path of the offending value, e.g. `$.designate.tenants.large[0]`; may be empty.
  /// @param reason why the value is refused.
  ConfigError(std::string path, const std::string& reason);
  ~ConfigError() override;
  /// JSON path of the offending value (empty when not tied to one value).
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;  ///< JSON path of the offending value
};

}  // namespace accurate::sdk
