#include "config/loader.hpp"

#include "config/config_file.hpp"
#include "config/option_table.hpp"
#include "config/option_values.hpp"

#include <accurate/sdk/config.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace accurate::config {
namespace {

using boost::json::object;
using boost::json::value;

std::optional<std::string> envValue(const EnvLookup& env, const std::string& name) {
  auto found = env(name);
  if (found && found->empty()) return std::nullopt;
  return found;
}

void checkPluginNames(const std::vector<PluginDeclaration>& plugins) {
  for (std::size_t i = 0; i < plugins.size(); ++i) {
    const std::string& name = plugins[i].name;
    if (findOptionByKey(name) != nullptr) {
      throw sdk::ConfigError("", fmt::format("plugin name \"{}\" clashes with the core option of that name", name));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (plugins[j].name == name) throw sdk::ConfigError("", fmt::format("plugin \"{}\" is declared twice", name));
    }
  }
}

object defaults() {
  object out;
  for (const CoreOption& option : coreOptions()) {
    if (option.key.empty()) continue;
    if (option.flag == "threads") {
      out[option.key] = std::max(1u, std::thread::hardware_concurrency());
    } else if (option.default_json.empty()) {
      out[option.key] = nullptr;
    } else {
      out[option.key] = boost::json::parse(option.default_json);
    }
  }
  return out;
}

// Splits the config file into checked core values and raw plugin sections.
void readFile(const std::string& path, const std::vector<PluginDeclaration>& plugins, object& core, object& sections) {
  const object file = readConfigFile(path);
  for (const auto& entry : file) {
    const std::string_view key = entry.key();
    const std::string where = fmt::format("{}: $.{}", path, key);
    if (const CoreOption* option = findOptionByKey(key)) {
      core[key] = valueFromJson(*option, entry.value(), where);
      continue;
    }
    const bool is_plugin = std::any_of(plugins.begin(), plugins.end(), [&](const auto& p) { return p.name == key; });
    if (is_plugin) {
      sections[key] = sdk::requireObject(entry.value(), where);
      continue;
    }
    std::vector<std::string_view> known;
    for (const CoreOption& option : coreOptions()) {
      if (!option.key.empty()) known.push_back(option.key);
    }
    for (const auto& plugin : plugins) known.push_back(plugin.name);
    const std::string suggestion = sdk::closestMatch(key, known);
    throw sdk::ConfigError(where, suggestion.empty()
                                      ? std::string("unknown key (neither a core option nor a loaded plugin)")
                                      : fmt::format("unknown key (did you mean \"{}\"?)", suggestion));
  }
}

std::chrono::milliseconds duration(const value& v) { return sdk::parseDuration(v.get_string(), "effective config"); }

std::optional<std::string> optionalString(const value& v) {
  if (v.is_null()) return std::nullopt;
  return std::string(v.get_string());
}

std::vector<std::string> stringList(const value& v) {
  std::vector<std::string> out;
  for (const auto& item : v.get_array()) out.emplace_back(item.get_string());
  return out;
}

Config build(const object& core) {
  Config c;
  c.host = std::string(core.at("host").get_string());
  c.users = static_cast<std::uint32_t>(core.at("users").to_number<std::int64_t>());
  c.spawn_rate = core.at("spawn_rate").to_number<double>();
  if (!core.at("run_time").is_null()) c.run_time = duration(core.at("run_time"));
  c.stop_timeout = duration(core.at("stop_timeout"));
  c.connect_timeout = duration(core.at("connect_timeout"));
  c.request_timeout = duration(core.at("request_timeout"));
  c.insecure = core.at("insecure").get_bool();
  c.threads = static_cast<unsigned>(core.at("threads").to_number<std::int64_t>());
  c.master = core.at("master").get_bool();
  c.worker = core.at("worker").get_bool();
  if (c.master && c.worker) throw sdk::ConfigError("", "--master and --worker cannot be combined");
  c.role = c.master ? sdk::RunSettings::Role::kMaster
                    : c.worker ? sdk::RunSettings::Role::kWorker : sdk::RunSettings::Role::kStandalone;
  c.reports_dir = std::string(core.at("reports_dir").get_string());
  c.headless = core.at("headless").get_bool();
  c.plugins = stringList(core.at("plugins"));
  c.csv_prefix = optionalString(core.at("csv"));
  c.html_file = optionalString(core.at("html"));
  c.json = core.at("json").get_bool();
  c.log_level = spdlog::level::from_str(std::string(core.at("loglevel").get_string()));
  if (!core.at("arrival_rate").is_null()) c.arrival_rate = core.at("arrival_rate").to_number<double>();
  for (const auto& item : core.at("shape").get_array()) {
    const object& stage = item.get_object();
    ShapeStage s;
    s.duration = duration(stage.at("duration"));
    s.users = static_cast<std::uint32_t>(stage.at("users").to_number<std::int64_t>());
    s.spawn_rate = stage.contains("spawn_rate") ? stage.at("spawn_rate").to_number<double>() : c.spawn_rate;
    c.shape.push_back(s);
  }
  if (c.arrival_rate && !c.shape.empty()) {
    throw sdk::ConfigError("", "arrival_rate (open model) and shape cannot be combined");
  }
  c.thresholds = stringList(core.at("thresholds"));
  c.exit_code_on_error = static_cast<int>(core.at("exit_code_on_error").to_number<std::int64_t>());
  c.print_stats_interval = duration(core.at("print_stats_interval"));
  c.print_stats = core.at("print_stats").get_bool();
  c.master_host = std::string(core.at("master_host").get_string());
  c.master_port = static_cast<std::uint16_t>(core.at("master_port").to_number<std::int64_t>());
  c.master_bind_host = std::string(core.at("master_bind_host").get_string());
  c.master_bind_port = static_cast<std::uint16_t>(core.at("master_bind_port").to_number<std::int64_t>());
  c.expect_workers = static_cast<std::uint32_t>(core.at("expect_workers").to_number<std::int64_t>());
  c.expect_workers_max_wait = duration(core.at("expect_workers_max_wait"));
  c.enable_rebalancing = core.at("enable_rebalancing").get_bool();
  c.master_timeout = duration(core.at("master_timeout"));
  c.cluster_key_dir = optionalString(core.at("cluster_key_dir"));
  if (!core.at("processes").is_null()) {
    c.processes = static_cast<int>(core.at("processes").to_number<std::int64_t>());
    if (*c.processes == 0) throw sdk::ConfigError("--processes", "expected -1 (one per CPU core) or 1 to 1024, got 0");
    if (c.worker) throw sdk::ConfigError("--processes", "cannot be combined with --worker");
  }
  c.web_host = std::string(core.at("web_host").get_string());
  c.web_port = static_cast<std::uint16_t>(core.at("web_port").to_number<std::int64_t>());
  c.tls_cert = optionalString(core.at("tls_cert"));
  c.tls_key = optionalString(core.at("tls_key"));
  if (c.tls_cert.has_value() != c.tls_key.has_value())
    throw sdk::ConfigError(c.tls_cert ? "--tls-key" : "--tls-cert", "--tls-cert and --tls-key go together");
  c.web_user = optionalString(core.at("web_user"));
  c.web_password = optionalString(core.at("web_password"));
  c.web_token = optionalString(core.at("web_token"));
  if (!core.at("seed").is_null()) c.seed = static_cast<std::uint64_t>(core.at("seed").to_number<std::int64_t>());
  return c;
}

}  // namespace

Config loadConfig(const CommandLineValues& cli, const EnvLookup& env, const std::vector<PluginDeclaration>& plugins) {
  checkPluginNames(plugins);
  object core = defaults();
  object sections;
  for (const auto& plugin : plugins) sections[plugin.name] = object();

  // 1. The config file.
  std::optional<std::string> config_file = cli.config_file;
  if (!config_file) config_file = envValue(env, envVarName("config"));
  if (config_file) readFile(*config_file, plugins, core, sections);

  // 2. The environment.
  for (const CoreOption& option : coreOptions()) {
    if (option.key.empty() || !option.command_line) continue;
    const std::string name = envVarName(option.flag);
    if (const auto text = envValue(env, name)) core[option.key] = valueFromText(option, *text, "environment " + name);
  }
  for (const auto& plugin : plugins) {
    object& section = sections[plugin.name].as_object();
    for (const auto& spec : plugin.options) {
      const std::string name = envVarName(spec.flag);
      if (const auto text = envValue(env, name)) section[spec.key] = pluginValueFromText(spec.type, *text, "environment " + name);
    }
  }

  // 3. The command line (already checked by parseCommandLine).
  for (const auto& entry : cli.core) core[entry.key()] = entry.value();
  for (const auto& entry : cli.plugins) {
    auto* section = sections.if_contains(entry.key());
    if (section == nullptr) throw sdk::ConfigError("", fmt::format("options given for plugin \"{}\", which is not loaded", std::string_view(entry.key())));
    for (const auto& option : entry.value().as_object()) section->as_object()[option.key()] = option.value();
  }

  Config config = build(core);
  config.config_file = config_file;
  object effective = core;
  for (const auto& entry : sections) effective[entry.key()] = entry.value();
  config.plugin_sections = std::move(sections);
  config.effective = std::move(effective);
  return config;
}

}  // namespace accurate::config
