#include "plugin/plugin_error.hpp"

namespace accurate::plugin {

PluginError::PluginError(std::string plugin, const std::string& message)
    : sdk::Error(message), plugin_(std::move(plugin)) {}
PluginError::~PluginError() = default;

}  // namespace accurate::plugin
