#pragma once
/// @file host.hpp
/// What the host offers a plugin: declaration of CLI options and sub-commands, then configuration and
/// registration of what the plugin provides.

#include <accurate/sdk/auth.hpp>
#include <accurate/sdk/changes.hpp>
#include <accurate/sdk/lifecycle.hpp>
#include <accurate/sdk/sink.hpp>
#include <accurate/sdk/task.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accurate::sdk {

/// The run's core settings, read-only for plugins.
struct RunSettings {
  /// Where this process runs in a cluster.
  enum class Role { kStandalone, kMaster, kWorker };
  std::string host;                              ///< target base URL, e.g. "http://127.0.0.1:8080"
  std::uint32_t users = 1;                       ///< target number of users
  double spawn_rate = 1;                         ///< users started per second
  std::optional<std::chrono::milliseconds> run_time;  ///< load-phase duration; none = until stopped
  std::chrono::milliseconds stop_timeout{0};     ///< grace period for users to finish at stop
  std::chrono::milliseconds connect_timeout{5000};    ///< TCP+TLS connect timeout
  std::chrono::milliseconds request_timeout{30000};   ///< default whole-request timeout
  bool insecure = false;                         ///< skip TLS certificate verification
  unsigned threads = 1;                          ///< shards (one io_context thread each)
  Role role = Role::kStandalone;                 ///< standalone, master or worker
  std::string reports_dir;                       ///< where persisted reports go
};

/// A CLI option a plugin adds. Its value lands in the plugin's config section under `key`, with the
/// precedence file < environment (`ACCURATE_<FLAG>` in upper case, dashes as underscores) < CLI.
struct OptionSpec {
  /// The value type, used to convert the CLI/environment string.
  enum class Type { kString, kInteger, kNumber, kBoolean, kStringList };
  std::string flag;             ///< long flag without dashes, e.g. "graphite-host"
  std::string key;              ///< key in the plugin's config section, e.g. "host"
  std::string help;             ///< one line for --help
  Type type = Type::kString;    ///< how the value is converted
};

/// What a plugin sub-command receives.
struct CommandContext {
  std::vector<std::string> args;          ///< arguments after the sub-command words
  const boost::json::object* config;      ///< the plugin's config section (never null)
  const RunSettings* settings;            ///< the run settings (host, timeouts...; never null)
  /// Runs @p body to completion on a fresh io_context with a UserContext whose HTTP client targets the
  /// configured host, and returns what it returns.
  std::function<int(std::function<boost::asio::awaitable<int>(UserContext&)> body)> run;
};

/// A sub-command a plugin adds, e.g. `accurate designate prepare`.
struct CommandSpec {
  std::string name;             ///< words after `accurate`, e.g. "designate prepare"
  std::string help;             ///< one line for `accurate --help`
  std::function<int(const CommandContext&)> run;  ///< runs the command; returns the exit code
};

/// Collects a plugin's CLI options and sub-commands before the command line is parsed.
/// Threading: main thread only, during start-up.
class Declarations {
 public:
  virtual ~Declarations() = default;
  /// Adds a CLI option (see OptionSpec). Throws ConfigError when the flag is already taken.
  virtual void addOption(OptionSpec option) = 0;
  /// Adds a sub-command. Throws ConfigError when the name is already taken.
  virtual void addCommand(CommandSpec command) = 0;
};

/// The host as a plugin sees it while configuring. Everything registered is owned by the host from then on;
/// the plugin's library stays loaded as long as anything it handed out is alive.
/// Threading: main thread only, during start-up.
class Host {
 public:
  virtual ~Host() = default;
  /// This plugin's config section after file, environment and CLI merge; empty when absent.
  virtual const boost::json::object& config() const = 0;
  /// The run's settings.
  virtual const RunSettings& settings() const = 0;
  /// Registers a user class. Throws ConfigError when the name is taken or the spec is invalid.
  virtual void addUserClass(UserClassSpec spec) = 0;
  /// Registers a setup phase: runs once before the load phase (on shard 0, with a UserContext of user 0);
  /// stats are reset when all setup phases end. @p name appears in logs.
  virtual void addSetupPhase(std::string name,
                             std::function<boost::asio::awaitable<void>(UserContext&)> phase) = 0;
  /// Registers a metrics sink.
  virtual void addSink(std::shared_ptr<StatsSink> sink) = 0;
  /// Registers a lifecycle listener.
  virtual void addLifecycleListener(std::shared_ptr<LifecycleListener> listener) = 0;
  /// Sets the web authentication provider (at most one per run; a second throws ConfigError).
  virtual void setWebAuth(std::shared_ptr<WebAuthProvider> provider) = 0;
  /// Registers an observer of the DNS changes users publish (see changes.hpp). Since ABI 1.2.
  virtual void addChangeObserver(std::shared_ptr<ChangeObserver> observer) = 0;
};

}  // namespace accurate::sdk
