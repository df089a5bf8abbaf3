#include "config/option_table.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

namespace accurate::config {
namespace {

constexpr std::int64_t kNoMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
using K = OptionKind;

// flag, short, key, kind, command_line, optional, min, max, exclusive_min, default, arg, help
constexpr std::array kOptions{
    CoreOption{"host", 'H', "host", K::kUrl, true, false, 0, 0, false, R"("")", "URL",
               "Target base URL, e.g. http://127.0.0.1:8080"},
    CoreOption{"users", 'u', "users", K::kInteger, true, false, 0, kU32Max, false, "1", "N",
               "Peak number of concurrent users"},
    CoreOption{"spawn-rate", 'r', "spawn_rate", K::kNumber, true, false, 0, 0, true, "1", "RATE",
               "Users started per second"},
    CoreOption{"run-time", 't', "run_time", K::kDuration, true, true, 0, 0, false, "", "DURATION",
               "Stop after this long, e.g. 30s, 5m, 1h30m (default: run until stopped)"},
    CoreOption{"stop-timeout", '\0', "stop_timeout", K::kDuration, true, false, 0, 0, false, R"("0s")",
               "DURATION", "How long users may finish their current task when the run stops"},
    CoreOption{"threads", '\0', "threads", K::kInteger, true, false, 1, 1024, false, "", "N",
               "Worker threads (shards), each with its own event loop"},
    CoreOption{"headless", '\0', "headless", K::kBoolean, true, false, 0, 0, false, "false", "",
               "Run without the web UI: start at once and stop after --run-time"},
    CoreOption{"plugins", '\0', "plugins", K::kStringList, true, false, 0, 0, false, "[]", "NAMES",
               "Plugins to load, comma-separated, e.g. http,graphite"},
    CoreOption{"config", 'f', "", K::kString, true, true, 0, 0, false, "", "FILE",
               "Config file (JSON; comments and trailing commas allowed)"},
    CoreOption{"reports-dir", '\0', "reports_dir", K::kString, true, false, 0, 0, false, R"("./reports")",
               "DIR", "Where run reports are stored"},
    CoreOption{"csv", '\0', "csv", K::kString, true, true, 0, 0, false, "", "PREFIX",
               "Also write CSV files PREFIX_stats.csv, PREFIX_failures.csv, ..."},
    CoreOption{"html", '\0', "html", K::kString, true, true, 0, 0, false, "", "FILE",
               "Also write an HTML report to FILE"},
    CoreOption{"json", '\0', "json", K::kBoolean, true, false, 0, 0, false, "false", "",
               "Print the final summary as JSON on standard output"},
    CoreOption{"loglevel", '\0', "loglevel", K::kLogLevel, true, false, 0, 0, false, R"("info")", "LEVEL",
               "Log level: trace, debug, info, warn, error, critical or off"},
    CoreOption{"insecure", '\0', "insecure", K::kBoolean, true, false, 0, 0, false, "false", "",
               "Do not verify TLS certificates"},
    CoreOption{"connect-timeout", '\0', "connect_timeout", K::kDuration, true, false, 0, 0, false, R"("5s")",
               "DURATION", "TCP connect and TLS handshake timeout"},
    CoreOption{"request-timeout", '\0', "request_timeout", K::kDuration, true, false, 0, 0, false, R"("30s")",
               "DURATION", "Default timeout of a whole request"},
    CoreOption{"arrival-rate", '\0', "arrival_rate", K::kNumber, true, true, 0, 0, true, "", "RATE",
               "Open model: start this many task iterations per second in total, whatever the latency"},
    CoreOption{"shape", '\0', "shape", K::kShape, false, false, 0, 0, false, "[]", "",
               "Load shape: list of stages {duration, users, spawn_rate} (config file only)"},
    CoreOption{"threshold", '\0', "thresholds", K::kStringList, true, false, 0, 0, false, "[]", "EXPR",
               "Pass/fail threshold, e.g. \"p95<500ms\" or \"fail_ratio<0.01\" (repeatable)"},
    CoreOption{"exit-code-on-error", '\0', "exit_code_on_error", K::kInteger, true, false, 0, 255, false, "1",
               "CODE", "Exit code when any request failed (a broken --threshold always exits 3)"},
    CoreOption{"print-stats-interval", '\0', "print_stats_interval", K::kDuration, true, false, 0, 0, false,
               R"("2s")", "DURATION", "How often the console table is printed (0 disables it)"},
    CoreOption{"print-stats", '\0', "print_stats", K::kBoolean, true, false, 0, 0, false, "true", "",
               "Print the stats table on the console while running and at the end"},
    CoreOption{"master", '\0', "master", K::kBoolean, true, false, 0, 0, false, "false", "",
               "Run as the master of a cluster: drive --worker processes, run no users here"},
    CoreOption{"worker", '\0', "worker", K::kBoolean, true, false, 0, 0, false, "false", "",
               "Run as a worker of a cluster: run the users a master assigns"},
    CoreOption{"master-host", '\0', "master_host", K::kString, true, false, 0, 0, false, R"("127.0.0.1")",
               "HOST", "Worker: address of the master"},
    CoreOption{"master-port", '\0', "master_port", K::kInteger, true, false, 1, 65535, false, "5557", "PORT",
               "Worker: port of the master"},
    CoreOption{"master-bind-host", '\0', "master_bind_host", K::kString, true, false, 0, 0, false, R"("*")",
               "HOST", "Master: address to listen on for workers (* = every interface)"},
    CoreOption{"master-bind-port", '\0', "master_bind_port", K::kInteger, true, false, 1, 65535, false, "5557",
               "PORT", "Master: port to listen on for workers"},
    CoreOption{"expect-workers", '\0', "expect_workers", K::kInteger, true, false, 1, 100000, false, "1", "N",
               "Headless master: wait for this many workers before starting"},
    CoreOption{"expect-workers-max-wait", '\0', "expect_workers_max_wait", K::kDuration, true, false, 0, 0, false,
               R"("0s")", "DURATION", "Headless master: give up waiting for workers after this long (0 = forever)"},
    CoreOption{"enable-rebalancing", '\0', "enable_rebalancing", K::kBoolean, true, false, 0, 0, false, "false",
               "", "Master: re-dispatch users when workers join, go missing or come back during a test"},
    CoreOption{"master-timeout", '\0', "master_timeout", K::kDuration, true, false, 0, 0, true, R"("60s")",
               "DURATION", "Worker: stop the users and exit after this long without the master"},
    CoreOption{"cluster-key-dir", '\0', "cluster_key_dir", K::kString, true, true, 0, 0, false, "", "DIR",
               "Encrypt and authenticate the cluster with the CURVE keys in DIR (accurate only, not Locust)"},
    CoreOption{"processes", '\0', "processes", K::kInteger, true, true, -1, 1024, false, "", "N",
               "Start a master plus N local worker processes (-1 = one per CPU core)"},
    CoreOption{"web-host", '\0', "web_host", K::kString, true, false, 0, 0, false, R"("127.0.0.1")", "HOST",
               "Address the web UI listens on (and `accurate ctl` talks to)"},
    CoreOption{"web-port", '\0', "web_port", K::kInteger, true, false, 1, 65535, false, "8089", "PORT",
               "Port of the web UI"},
    CoreOption{"tls-cert", '\0', "tls_cert", K::kString, true, true, 0, 0, false, "", "FILE",
               "PEM certificate: the web UI serves HTTPS (with --tls-key)"},
    CoreOption{"tls-key", '\0', "tls_key", K::kString, true, true, 0, 0, false, "", "FILE",
               "PEM private key of --tls-cert"},
    CoreOption{"web-user", '\0', "web_user", K::kString, true, true, 0, 0, false, "", "NAME",
               "`accurate ctl`: user for the web UI's Basic authentication"},
    CoreOption{"web-password", '\0', "web_password", K::kString, true, true, 0, 0, false, "", "TEXT",
               "`accurate ctl`: password of --web-user (prefer the ACCURATE_WEB_PASSWORD variable)"},
    CoreOption{"web-token", '\0', "web_token", K::kString, true, true, 0, 0, false, "", "TEXT",
               "`accurate ctl`: bearer token for the web UI (prefer the ACCURATE_WEB_TOKEN variable)"},
    CoreOption{"seed", '\0', "seed", K::kInteger, true, true, 0, kNoMax, false, "", "N",
               "Random seed, for reproducible user behaviour (default: random)"},
};

}  // namespace

std::span<const CoreOption> coreOptions() { return kOptions; }

const CoreOption* findOptionByFlag(std::string_view flag) {
  const auto it = std::find_if(kOptions.begin(), kOptions.end(), [&](const CoreOption& o) { return o.flag == flag; });
  return it == kOptions.end() ? nullptr : &*it;
}

const CoreOption* findOptionByKey(std::string_view key) {
  if (key.empty()) return nullptr;
  const auto it = std::find_if(kOptions.begin(), kOptions.end(), [&](const CoreOption& o) { return o.key == key; });
  return it == kOptions.end() ? nullptr : &*it;
}

std::string envVarName(std::string_view flag) {
  std::string name = "ACCURATE_";
  for (const char c : flag) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string defaultText(const CoreOption& option) {
  if (option.flag == "threads") return "number of cores";
  if (option.default_json.empty()) return "none";
  std::string_view text = option.default_json;
  if (text.size() >= 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
  if (text.empty()) return "none";
  return std::string(text);
}

}  // namespace accurate::config
