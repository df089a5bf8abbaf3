#pragma once
/// @file registrations.hpp
/// What the loaded plugins declared and registered, each item tagged with its plugin's name. Everything that
/// came from a plugin is already bound to its library (see library_binding.hpp): holding any of it keeps that
/// library loaded.

#include <accurate/sdk/host.hpp>

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accurate::plugin {

/// A CLI option a plugin declared.
struct DeclaredOption {
  std::string plugin;     ///< name of the declaring plugin (its config section)
  sdk::OptionSpec spec;   ///< the option
};

/// A sub-command a plugin declared.
struct DeclaredCommand {
  std::string plugin;     ///< name of the declaring plugin (its config section goes to the command)
  sdk::CommandSpec spec;  ///< the command; `spec.run` keeps the plugin's library loaded
};

/// A user class a plugin registered.
struct RegisteredUserClass {
  std::string plugin;         ///< name of the registering plugin
  sdk::UserClassSpec spec;    ///< the validated spec; its functions keep the library loaded. Users' UserTasks
                              ///< objects must be destroyed before the last copy of this spec.
};

/// A setup phase a plugin registered.
struct RegisteredSetupPhase {
  std::string plugin;  ///< name of the registering plugin
  std::string name;    ///< the phase's name (logs)
  std::function<boost::asio::awaitable<void>(sdk::UserContext&)> run;  ///< the phase; keeps the library loaded
};

/// A metrics sink a plugin registered.
struct RegisteredSink {
  std::string plugin;                    ///< name of the registering plugin
  std::shared_ptr<sdk::StatsSink> sink;  ///< never null; keeps the library loaded
};

/// A lifecycle listener a plugin registered.
struct RegisteredListener {
  std::string plugin;                                ///< name of the registering plugin (report section key)
  std::shared_ptr<sdk::LifecycleListener> listener;  ///< never null; keeps the library loaded
};

/// A change observer a plugin registered.
struct RegisteredChangeObserver {
  std::string plugin;                                ///< name of the registering plugin
  std::shared_ptr<sdk::ChangeObserver> observer;     ///< never null; keeps the library loaded
};

/// The web authentication provider a plugin set.
struct RegisteredWebAuth {
  std::string plugin;                               ///< name of the registering plugin
  std::shared_ptr<sdk::WebAuthProvider> provider;   ///< never null; keeps the library loaded
};

/// Everything the configured plugins registered, in plugin order then registration order.
/// Ownership: plain values; the runtime/app takes what it needs (moving or copying is fine).
struct Registrations {
  std::vector<RegisteredUserClass> user_classes;   ///< user classes (names unique across plugins)
  std::vector<RegisteredSetupPhase> setup_phases;  ///< setup phases, to run in this order
  std::vector<RegisteredSink> sinks;               ///< metrics sinks
  std::vector<RegisteredListener> listeners;       ///< lifecycle listeners
  std::vector<RegisteredChangeObserver> change_observers;  ///< observers of published DNS changes
  std::optional<RegisteredWebAuth> web_auth;       ///< the web authentication provider, when one was set
};

}  // namespace accurate::plugin
