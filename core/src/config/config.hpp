#pragma once
/// @file config.hpp
/// The effective configuration of one run, after defaults < config file < environment < command line.

#include <accurate/sdk/host.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <spdlog/common.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace accurate::config {

/// One stage of a load shape: ramp to `users` at `spawn_rate`, then hold until `duration` has passed.
struct ShapeStage {
  std::chrono::milliseconds duration{0};  ///< length of the stage (ramp included)
  std::uint32_t users = 0;                ///< target users during the stage
  double spawn_rate = 1;                  ///< users started (or stopped) per second; the run's spawn_rate if unset
};

/// The effective configuration. Built by loadConfig(); read-only afterwards (safe to share between threads).
struct Config {
  // --- sdk::RunSettings fields (see runSettings()) ---
  std::string host;                                   ///< target base URL; "" when not given
  std::uint32_t users = 1;                            ///< peak number of users
  double spawn_rate = 1;                              ///< users started per second (> 0)
  std::optional<std::chrono::milliseconds> run_time;  ///< load-phase duration; none = until stopped
  std::chrono::milliseconds stop_timeout{0};          ///< grace period for users to finish at stop
  std::chrono::milliseconds connect_timeout{5000};    ///< TCP connect + TLS handshake timeout
  std::chrono::milliseconds request_timeout{30000};   ///< default whole-request timeout
  bool insecure = false;                              ///< skip TLS certificate verification
  unsigned threads = 1;                               ///< shards (one io_context thread each), >= 1
  sdk::RunSettings::Role role = sdk::RunSettings::Role::kStandalone;  ///< from master / worker
  std::string reports_dir = "./reports";              ///< where persisted reports go

  // --- the rest of the core options ---
  bool headless = false;                              ///< run without the web UI
  std::vector<std::string> plugins;                   ///< plugins to load, in order
  std::optional<std::string> config_file;             ///< the config file that was read, if any
  std::optional<std::string> csv_prefix;              ///< write CSV files with this prefix
  std::optional<std::string> html_file;               ///< write an HTML report to this file
  bool json = false;                                  ///< print the final summary JSON on stdout
  spdlog::level::level_enum log_level = spdlog::level::info;  ///< log level
  std::optional<double> arrival_rate;                 ///< open model: task iterations per second in total
  std::vector<ShapeStage> shape;                      ///< load shape stages; empty = users/spawn_rate/run_time
  std::vector<std::string> thresholds;                ///< pass/fail threshold expressions, e.g. "p95<500"
  int exit_code_on_error = 1;                         ///< exit code when requests failed (a broken threshold exits 3)
  std::chrono::milliseconds print_stats_interval{2000};  ///< console table period; 0 = never while running
  bool print_stats = true;                            ///< print the console table at all
  bool master = false;                                ///< run as a cluster master
  bool worker = false;                                ///< run as a cluster worker
  std::string master_host = "127.0.0.1";              ///< worker: the master's address
  std::uint16_t master_port = 5557;                   ///< worker: the master's port
  std::string master_bind_host = "*";                 ///< master: listen address for workers
  std::uint16_t master_bind_port = 5557;              ///< master: listen port for workers
  std::uint32_t expect_workers = 1;                   ///< headless master: workers to wait for before starting
  std::chrono::milliseconds expect_workers_max_wait{0};  ///< headless master: give up waiting after; 0 = never
  bool enable_rebalancing = false;                    ///< master: re-dispatch when the workers change
  std::chrono::milliseconds master_timeout{60000};    ///< worker: give up after this long without the master
  std::optional<std::string> cluster_key_dir;         ///< CURVE keys directory; none = plain (Locust-compatible)
  std::optional<int> processes;                       ///< master + this many local workers (-1 = one per core)
  std::string web_host = "127.0.0.1";                 ///< web UI listen address
  std::uint16_t web_port = 8089;                      ///< web UI port
  std::optional<std::string> tls_cert;                ///< web UI certificate (PEM file); HTTPS when set
  std::optional<std::string> tls_key;                 ///< web UI private key (PEM file)
  std::optional<std::string> web_user;                ///< `accurate ctl`: Basic auth user
  std::optional<std::string> web_password;            ///< `accurate ctl`: Basic auth password (a secret)
  std::optional<std::string> web_token;               ///< `accurate ctl`: bearer token (a secret)
  std::optional<std::uint64_t> seed;                  ///< RNG seed; none = random

  // --- JSON views ---
  boost::json::object plugin_sections;  ///< plugin name -> its merged section (an object, {} when absent)
  boost::json::value effective;         ///< the whole effective config (core keys + plugin sections)

  /// The fields plugins see through sdk::Host::settings().
  sdk::RunSettings runSettings() const;
  /// `effective` with every secret replaced by "***" (see redactSecrets), for reports and logs.
  boost::json::value redacted() const;
  /// The section of loaded plugin @p name (an empty object when the files and options gave it nothing).
  /// @throws sdk::Error when @p name is not a loaded plugin.
  const boost::json::object& pluginSection(std::string_view name) const;
};

/// A copy of @p value where the value of every object key containing password, secret, token, api_key,
/// apikey or credential (case-insensitive), at any depth, and every string that looksLikePasswordHash(), is
/// replaced by "***".
boost::json::value redactSecrets(const boost::json::value& value);

/// True when @p text is a password hash in crypt(3) or libsodium form ("$argon2id$...", "$y$...", ...).
bool looksLikePasswordHash(std::string_view text);

/// True when @p key names a secret (see redactSecrets).
bool isSecretKey(std::string_view key);

/// Throws sdk::ConfigError `$.host: required ...` when the run has no target host.
void requireHost(const Config& config);

}  // namespace accurate::config
