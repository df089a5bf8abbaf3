// The `auth` plugin: registers the web authentication provider and the `accurate auth ...` sub-commands.
#include "commands.hpp"
#include "provider.hpp"
#include "settings.hpp"

#include <accurate/sdk/plugin.hpp>

#include <spdlog/spdlog.h>

#ifndef ACCURATE_AUTH_PLUGIN_VERSION
#error "ACCURATE_AUTH_PLUGIN_VERSION must be defined by the build"
#endif

namespace accurate::auth {

/// The plugin object: options --auth-users-file, --auth-tokens-file, --auth-realm; commands auth add-user,
/// auth add-token, auth hash-password; the provider in configure().
class AuthPlugin final : public sdk::Plugin {
 public:
  std::string description() const override {
    return "Web UI authentication: HTTP Basic (argon2id) and bearer tokens, throttled per client address";
  }

  void declare(sdk::Declarations& declarations) override {
    using Type = sdk::OptionSpec::Type;
    declarations.addOption({"auth-users-file", "users_file", "Users file for the web UI (name:argon2id-hash lines)",
                            Type::kString});
    declarations.addOption({"auth-tokens-file", "tokens_file",
                            "Bearer tokens file for the web API (name:sha256:expiry lines)", Type::kString});
    declarations.addOption({"auth-realm", "realm", "Realm of the web UI's Basic authentication (default accurate)",
                            Type::kString});
    declarations.addCommand({"auth add-user", "Add or update a web UI user: auth add-user NAME [--file F] (password on stdin)",
                             [](const sdk::CommandContext& context) {
                               return addUserCommand(context.args, *context.config, processIo(), interactiveLimits());
                             }});
    declarations.addCommand({"auth add-token",
                             "Create a bearer token, printed once: auth add-token NAME [--expires-in 30d|never] [--file F]",
                             [](const sdk::CommandContext& context) {
                               return addTokenCommand(context.args, *context.config, processIo(), [] {
                                 return std::chrono::time_point_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now());
                               });
                             }});
    declarations.addCommand({"auth hash-password", "Print the argon2id hash of a password read from stdin",
                             [](const sdk::CommandContext& context) {
                               return hashPasswordCommand(context.args, processIo(), interactiveLimits());
                             }});
  }

  void configure(sdk::Host& host) override {
    std::vector<std::string> warnings;
    ProviderSettings settings = parseSettings(host.config(), warnings);
    for (const auto& warning : warnings) spdlog::warn("{}", warning);
    spdlog::info("auth: {} user(s) and {} token(s) configured", settings.users.size(), settings.tokens.size());
    host.setWebAuth(std::make_shared<AuthProvider>(std::move(settings)));
  }
};

}  // namespace accurate::auth

ACCURATE_PLUGIN(accurate::auth::AuthPlugin, "auth", ACCURATE_AUTH_PLUGIN_VERSION)
