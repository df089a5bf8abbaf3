#include "plugin/host_impl.hpp"

#include "plugin/library_binding.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin/user_class_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace accurate::plugin {
namespace {

template <typename T>
void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

bool hasUserClass(const Registrations& registrations, const std::string& name, std::string* plugin) {
  const auto& classes = registrations.user_classes;
  const auto it = std::find_if(classes.begin(), classes.end(),
                               [&](const RegisteredUserClass& c) { return c.spec.name == name; });
  if (it == classes.end()) {
    return false;
  }
  *plugin = it->plugin;
  return true;
}

}  // namespace

HostImpl::HostImpl(std::shared_ptr<const LoadedPlugin> plugin, boost::json::object config,
                   const sdk::RunSettings& settings, Registrations& into)
    : plugin_(std::move(plugin)), config_(std::move(config)), settings_(settings), into_(into) {}

void HostImpl::configure() {
  if (configured_) {
    throw PluginError(name(), fmt::format("plugin '{}': configured twice", name()));
  }
  configured_ = true;
  try {
    plugin_->plugin->configure(*this);
  } catch (const sdk::ConfigError&) {
    throw;
  } catch (const PluginError&) {
    throw;
  } catch (const std::exception& e) {
    throw PluginError(name(), fmt::format("plugin '{}': configure failed: {}", name(), e.what()));
  } catch (...) {
    throw PluginError(name(), fmt::format("plugin '{}': configure failed: an exception that is not a "
                                          "std::exception",
                                          name()));
  }
  append(into_.user_classes, staged_.user_classes);
  append(into_.setup_phases, staged_.setup_phases);
  append(into_.sinks, staged_.sinks);
  append(into_.listeners, staged_.listeners);
  append(into_.change_observers, staged_.change_observers);
  if (staged_.web_auth) {
    into_.web_auth = std::move(staged_.web_auth);
    staged_.web_auth.reset();
  }
}

void HostImpl::addUserClass(sdk::UserClassSpec spec) {
  checkUserClass(name(), spec);
  std::string owner;
  if (hasUserClass(into_, spec.name, &owner) || hasUserClass(staged_, spec.name, &owner)) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': user class '{}' is already registered by plugin '{}'",
                                           name(), spec.name, owner));
  }
  bindUserClass(plugin_->library, spec);
  staged_.user_classes.push_back(RegisteredUserClass{name(), std::move(spec)});
}

void HostImpl::addSetupPhase(std::string phase_name,
                             std::function<boost::asio::awaitable<void>(sdk::UserContext&)> phase) {
  if (phase_name.empty()) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': a setup phase has an empty name", name()));
  }
  if (!phase) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': setup phase '{}' has no function", name(), phase_name));
  }
  staged_.setup_phases.push_back(
      RegisteredSetupPhase{name(), std::move(phase_name), bindToLibrary(plugin_->library, std::move(phase))});
}

void HostImpl::addSink(std::shared_ptr<sdk::StatsSink> sink) {
  if (!sink) {
    throw PluginError(name(), fmt::format("plugin '{}': addSink was given a null sink", name()));
  }
  staged_.sinks.push_back(RegisteredSink{name(), bindToLibrary(plugin_->library, std::move(sink))});
}

void HostImpl::addLifecycleListener(std::shared_ptr<sdk::LifecycleListener> listener) {
  if (!listener) {
    throw PluginError(name(), fmt::format("plugin '{}': addLifecycleListener was given a null listener", name()));
  }
  staged_.listeners.push_back(RegisteredListener{name(), bindToLibrary(plugin_->library, std::move(listener))});
}

void HostImpl::addChangeObserver(std::shared_ptr<sdk::ChangeObserver> observer) {
  if (!observer) {
    throw PluginError(name(), fmt::format("plugin '{}': addChangeObserver was given a null observer", name()));
  }
  staged_.change_observers.push_back(
      RegisteredChangeObserver{name(), bindToLibrary(plugin_->library, std::move(observer))});
}

void HostImpl::setWebAuth(std::shared_ptr<sdk::WebAuthProvider> provider) {
  if (!provider) {
    throw PluginError(name(), fmt::format("plugin '{}': setWebAuth was given a null provider", name()));
  }
  const auto& existing = staged_.web_auth ? staged_.web_auth : into_.web_auth;
  if (existing) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': a web authentication provider is already set by plugin "
                                           "'{}' (at most one per run)",
                                           name(), existing->plugin));
  }
  staged_.web_auth = RegisteredWebAuth{name(), bindToLibrary(plugin_->library, std::move(provider))};
}

Registrations configurePlugins(const std::vector<std::shared_ptr<LoadedPlugin>>& plugins,
                               const boost::json::object& sections, const sdk::RunSettings& settings) {
  Registrations registrations;
  for (const auto& plugin : plugins) {
    boost::json::object section;
    if (const auto* value = sections.if_contains(plugin->name())) {
      if (!value->is_object()) {
        throw sdk::ConfigError("$." + plugin->name(), "must be an object");
      }
      section = value->get_object();
    }
    HostImpl host(plugin, std::move(section), settings, registrations);
    host.configure();
  }
  return registrations;
}

}  // namespace accurate::plugin
