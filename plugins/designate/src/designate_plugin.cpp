// The `designate` plugin: OpenStack Designate v2 load (13 tasks in two user classes), the gather setup phase and
// the `accurate designate prepare` command.
#include "gather.hpp"
#include "prepare.hpp"
#include "settings.hpp"
#include "user_tasks.hpp"

#include <accurate/sdk/plugin.hpp>

#include <spdlog/spdlog.h>

#include <memory>

#ifndef ACCURATE_DESIGNATE_PLUGIN_VERSION
#error "ACCURATE_DESIGNATE_PLUGIN_VERSION must be defined by the build"
#endif

namespace accurate::designate {
namespace {

/// The gather setup phase over the shared state (kept alive by the shared_ptr for the whole phase).
boost::asio::awaitable<void> gatherPhase(std::shared_ptr<DesignateState> state, sdk::UserContext& ctx) {
  co_await gatherAll(ctx, state->settings, state->client, state->pools.all());
}

/// The plugin object: declares the CLI options and `designate prepare`, registers the classes and the gather phase.
class DesignatePlugin final : public sdk::Plugin {
 public:
  std::string description() const override {
    return "OpenStack Designate v2: zone and recordset tasks, identity, gather phase, data preparation";
  }

  void declare(sdk::Declarations& declarations) override {
    using Type = sdk::OptionSpec::Type;
    declarations.addOption({"designate-large-tenants", "large_tenants",
                            "Project ids added to the large tenant pool (comma-separated)", Type::kStringList});
    declarations.addOption({"designate-small-tenants", "small_tenants",
                            "Project ids added to the small tenant pool (comma-separated)", Type::kStringList});
    declarations.addOption({"designate-auth-mode", "auth_mode",
                            "noauth | keystone_password | keystone_app_credential | rackspace_api_key",
                            Type::kString});
    declarations.addOption({"designate-identity-url", "identity_url",
                            "Identity endpoint for the token modes, e.g. http://127.0.0.1:5000", Type::kString});
    declarations.addOption({"designate-async-interval", "async_interval",
                            "Status poll interval after a write (e.g. 3s)", Type::kString});
    declarations.addOption({"designate-async-timeout", "async_timeout",
                            "Give up waiting for ACTIVE/COMPLETE/404 after this (e.g. 120s)", Type::kString});
    declarations.addOption({"designate-wait-min", "wait_min", "Shortest wait between two tasks of a user (e.g. 100ms)",
                            Type::kString});
    declarations.addOption({"designate-wait-max", "wait_max", "Longest wait between two tasks of a user (e.g. 1s)",
                            Type::kString});
    declarations.addOption({"designate-zone-suffix", "zone_suffix",
                            "Parent domain of generated zone names (absolute, e.g. accurate.test.)", Type::kString});
    declarations.addCommand(prepareCommand());
  }

  void configure(sdk::Host& host) override {
    auto state = std::make_shared<DesignateState>(parseSettings(host.config()), DataGen::makeRunToken());
    std::size_t classes = 0;
    for (const ClassKind kind : {ClassKind::kLarge, ClassKind::kSmall}) {
      if (auto spec = makeUserClass(state, kind)) {
        host.addUserClass(std::move(*spec));
        ++classes;
      }
    }
    if (classes == 0) spdlog::warn("designate: no user class registered (no tenant with a positive task weight)");
    host.addSetupPhase("designate gather",
                       [state](sdk::UserContext& ctx) { return gatherPhase(state, ctx); });
  }
};

}  // namespace
}  // namespace accurate::designate

ACCURATE_PLUGIN(accurate::designate::DesignatePlugin, "designate", ACCURATE_DESIGNATE_PLUGIN_VERSION)
