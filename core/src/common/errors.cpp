#include <accurate/sdk/errors.hpp>

namespace accurate::sdk {

Error::Error(const std::string& message) : std::runtime_error(message) {}
Error::~Error() = default;

ConfigError::ConfigError(std::string path, const std::string& reason)
    : Error(path.empty() ? reason : path + ": " + reason), path_(std::move(path)) {}
ConfigError::~ConfigError() = default;

}  // namespace accurate::sdk
