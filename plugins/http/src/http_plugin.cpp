// The generic `http` plugin: user classes of weighted request tasks described in the config file.
#include "schema.hpp"
#include "user_class.hpp"

#include <accurate/sdk/plugin.hpp>

#ifndef ACCURATE_HTTP_PLUGIN_VERSION
#error "ACCURATE_HTTP_PLUGIN_VERSION must be defined by the build"
#endif

namespace accurate::http_plugin {

/// The plugin object: declares --http-path and registers the configured user classes.
class HttpPlugin final : public sdk::Plugin {
 public:
  std::string description() const override {
    return "Generic HTTP load: weighted request tasks with placeholders, defined in the config file";
  }

  void declare(sdk::Declarations& declarations) override {
    declarations.addOption({"http-path", "path",
                            "Path requested by the default class http.get (when no user_classes are configured)",
                            sdk::OptionSpec::Type::kString});
  }

  void configure(sdk::Host& host) override {
    for (const UserClassDef& def : parseSection(host.config())) host.addUserClass(makeUserClass(def));
  }
};

}  // namespace accurate::http_plugin

ACCURATE_PLUGIN(accurate::http_plugin::HttpPlugin, "http", ACCURATE_HTTP_PLUGIN_VERSION)
