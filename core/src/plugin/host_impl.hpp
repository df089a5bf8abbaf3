#pragma once
/// @file host_impl.hpp
/// The host side of sdk::Host: runs one plugin's configure() and collects what it registers.

#include "plugin/loader.hpp"
#include "plugin/registrations.hpp"

#include <accurate/sdk/host.hpp>

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace accurate::plugin {

/// sdk::Host for one plugin. Everything registered is validated, bound to the plugin's library and tagged with
/// the plugin's name; it is staged and added to the shared Registrations only when configure() succeeds, so a
/// failing plugin leaves nothing half-registered.
/// Threading: main thread only, during start-up. @p settings and @p into must outlive the HostImpl.
class ACCURATE_API HostImpl final : public sdk::Host {
 public:
  /// @param plugin the loaded plugin (kept alive by the HostImpl).
  /// @param config the plugin's config section after file, environment and CLI merge.
  /// @param settings the run's settings.
  /// @param into where the registrations of every plugin accumulate (used for cross-plugin uniqueness).
  HostImpl(std::shared_ptr<const LoadedPlugin> plugin, boost::json::object config, const sdk::RunSettings& settings,
           Registrations& into);

  /// Calls the plugin's configure(*this), then adds what it registered to `into`. sdk::ConfigError and
  /// PluginError pass through unchanged; any other exception becomes PluginError
  /// `plugin 'x': configure failed: <what>`. Call once.
  void configure();

  const boost::json::object& config() const override { return config_; }
  const sdk::RunSettings& settings() const override { return settings_; }
  /// Validates (see checkUserClass), checks the name is unique across plugins, binds and stages @p spec.
  void addUserClass(sdk::UserClassSpec spec) override;
  /// Stages a setup phase. Throws sdk::ConfigError for an empty name or function.
  void addSetupPhase(std::string name,
                     std::function<boost::asio::awaitable<void>(sdk::UserContext&)> phase) override;
  /// Stages a sink. Throws PluginError for a null sink.
  void addSink(std::shared_ptr<sdk::StatsSink> sink) override;
  /// Stages a lifecycle listener. Throws PluginError for a null listener.
  void addLifecycleListener(std::shared_ptr<sdk::LifecycleListener> listener) override;
  /// Stages the web authentication provider. Throws sdk::ConfigError when one is already set (by any plugin),
  /// PluginError for a null provider.
  void setWebAuth(std::shared_ptr<sdk::WebAuthProvider> provider) override;
  /// Stages a change observer. Throws PluginError for a null observer.
  void addChangeObserver(std::shared_ptr<sdk::ChangeObserver> observer) override;

 private:
  const std::string& name() const noexcept { return plugin_->name(); }

  std::shared_ptr<const LoadedPlugin> plugin_;  ///< the plugin being configured
  boost::json::object config_;                  ///< its config section
  const sdk::RunSettings& settings_;            ///< the run's settings
  Registrations& into_;                         ///< registrations of the plugins configured before
  Registrations staged_;                        ///< this plugin's registrations until configure() succeeds
  bool configured_ = false;                     ///< configure() was called
};

/// Configures every plugin in @p plugins in order (each with `sections[<plugin name>]`, an empty object when
/// absent) and returns everything they registered. Throws sdk::ConfigError `$.<name>: must be an object` when a
/// section is not an object, and whatever HostImpl::configure throws.
ACCURATE_API Registrations configurePlugins(const std::vector<std::shared_ptr<LoadedPlugin>>& plugins,
                                            const boost::json::object& sections, const sdk::RunSettings& settings);

}  // namespace accurate::plugin
