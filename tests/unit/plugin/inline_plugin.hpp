#pragma once
/// @file inline_plugin.hpp
/// A plugin defined inside the test executable (no library), for checks of the host's validation.

#include "plugin/loader.hpp"

#include <accurate/sdk/plugin.hpp>

#include <functional>
#include <memory>
#include <string>

namespace accurate::plugin::testing {

/// A Plugin whose declare/configure run the given functions.
class InlinePlugin : public sdk::Plugin {
 public:
  std::string description() const override { return "inline"; }
  void declare(sdk::Declarations& declarations) override {
    if (on_declare) {
      on_declare(declarations);
    }
  }
  void configure(sdk::Host& host) override {
    if (on_configure) {
      on_configure(host);
    }
  }

  std::function<void(sdk::Declarations&)> on_declare;  ///< body of declare()
  std::function<void(sdk::Host&)> on_configure;        ///< body of configure()
};

/// A LoadedPlugin named @p name around an InlinePlugin (no library: nothing to keep loaded).
inline std::shared_ptr<LoadedPlugin> inlinePlugin(const std::string& name,
                                                  std::function<void(sdk::Host&)> on_configure,
                                                  std::function<void(sdk::Declarations&)> on_declare = {}) {
  auto plugin = std::make_shared<InlinePlugin>();
  plugin->on_configure = std::move(on_configure);
  plugin->on_declare = std::move(on_declare);
  auto loaded = std::make_shared<LoadedPlugin>();
  loaded->manifest.name = name;
  loaded->version = "1.0.0";
  loaded->plugin = std::move(plugin);
  return loaded;
}

}  // namespace accurate::plugin::testing
