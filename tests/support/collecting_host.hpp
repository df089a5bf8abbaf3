#pragma once
// A Declarations and a Host that only collect what a plugin declares and registers, for tests that load a
// plugin library and drive it the way the host does (plugins/*/tests/plugin_library_test.cpp).

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/host.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace accurate::test {

/// Keeps every declared option and command.
class CollectingDeclarations final : public sdk::Declarations {
 public:
  void addOption(sdk::OptionSpec option) override { options.push_back(std::move(option)); }
  void addCommand(sdk::CommandSpec command) override { commands.push_back(std::move(command)); }
  std::vector<sdk::OptionSpec> options;    ///< declared CLI options, in order
  std::vector<sdk::CommandSpec> commands;  ///< declared sub-commands, in order
};

/// Gives the plugin @p config as its section and keeps the user classes, setup phases and web authentication
/// provider it registers.
class CollectingHost final : public sdk::Host {
 public:
  /// A setup phase body.
  using SetupPhase = std::function<boost::asio::awaitable<void>(sdk::UserContext&)>;

  explicit CollectingHost(boost::json::object config) : config_(std::move(config)) {}
  const boost::json::object& config() const override { return config_; }
  const sdk::RunSettings& settings() const override { return run_settings; }
  void addUserClass(sdk::UserClassSpec spec) override { classes.push_back(std::move(spec)); }
  void addSetupPhase(std::string name, SetupPhase phase) override { phases.emplace_back(std::move(name), std::move(phase)); }
  void addSink(std::shared_ptr<sdk::StatsSink> sink) override {
    sinks.push_back(std::move(sink));
    ++others;
  }
  void addLifecycleListener(std::shared_ptr<sdk::LifecycleListener> listener) override {
    listeners.push_back(std::move(listener));
    ++others;
  }
  void addChangeObserver(std::shared_ptr<sdk::ChangeObserver> observer) override {
    change_observers.push_back(std::move(observer));
  }
  void setWebAuth(std::shared_ptr<sdk::WebAuthProvider> provider) override {
    if (web_auth) throw sdk::ConfigError("", "web auth already set");
    web_auth = std::move(provider);
  }

  std::vector<sdk::UserClassSpec> classes;                   ///< registered user classes, in order
  std::vector<std::pair<std::string, SetupPhase>> phases;    ///< registered setup phases (name, body)
  std::shared_ptr<sdk::WebAuthProvider> web_auth;           ///< the web authentication provider, if one was set
  std::vector<std::shared_ptr<sdk::StatsSink>> sinks;                ///< registered sinks, in order
  std::vector<std::shared_ptr<sdk::LifecycleListener>> listeners;    ///< registered listeners, in order
  std::vector<std::shared_ptr<sdk::ChangeObserver>> change_observers;///< registered change observers, in order
  int others = 0;                                            ///< sinks and listeners registered
  sdk::RunSettings run_settings;                             ///< what settings() returns (tests may change it)

 private:
  boost::json::object config_;   ///< the plugin's config section
};

}  // namespace accurate::test
