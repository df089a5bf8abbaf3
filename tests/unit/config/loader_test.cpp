#include "config/loader.hpp"

#include "temp_dir.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <functional>

#include "unit/config/error_of.hpp"

namespace accurate::config {
namespace {

using std::chrono::milliseconds;
using test::TempDir;

using test::errorOf;

std::vector<PluginDeclaration> graphitePlugin() {
  return {{"graphite",
           {{"graphite-host", "host", "Carbon host", sdk::OptionSpec::Type::kString},
            {"graphite-port", "port", "Carbon port", sdk::OptionSpec::Type::kInteger},
            {"graphite-tags", "tags", "Tags", sdk::OptionSpec::Type::kStringList},
            {"graphite-enabled", "enabled", "On/off", sdk::OptionSpec::Type::kBoolean}}}};
}

TEST(LoadConfig, UsesTheDocumentedDefaults) {
  const Config c = loadConfig({}, mapEnvironment({}), {});
  EXPECT_EQ(c.host, "");
  EXPECT_EQ(c.users, 1u);
  EXPECT_DOUBLE_EQ(c.spawn_rate, 1);
  EXPECT_FALSE(c.run_time.has_value());
  EXPECT_EQ(c.connect_timeout, milliseconds(5000));
  EXPECT_EQ(c.request_timeout, milliseconds(30000));
  EXPECT_EQ(c.print_stats_interval, milliseconds(2000));
  EXPECT_TRUE(c.print_stats);
  EXPECT_EQ(c.reports_dir, "./reports");
  EXPECT_EQ(c.log_level, spdlog::level::info);
  EXPECT_EQ(c.exit_code_on_error, 1);
  EXPECT_GE(c.threads, 1u);
  EXPECT_EQ(c.role, sdk::RunSettings::Role::kStandalone);
  EXPECT_FALSE(c.seed.has_value());
  EXPECT_FALSE(c.config_file.has_value());
  EXPECT_TRUE(c.effective.as_object().at("run_time").is_null());
}

TEST(LoadConfig, AppliesFileThenEnvironmentThenCommandLineForCoreOptions) {
  TempDir dir;
  const std::string path = dir.write("config.jsonc", R"({"users": 10, "spawn_rate": 2, "run_time": "1m", "host": "http://file"})");
  CommandLineValues cli;
  cli.config_file = path;
  cli.core["users"] = 30;
  const Config c = loadConfig(cli, mapEnvironment({{"ACCURATE_USERS", "20"}, {"ACCURATE_SPAWN_RATE", "4"}}), {});
  EXPECT_EQ(c.users, 30u);             // CLI beats environment and file
  EXPECT_DOUBLE_EQ(c.spawn_rate, 4);   // environment beats file
  EXPECT_EQ(c.run_time, milliseconds(60'000));  // file beats default
  EXPECT_EQ(c.host, "http://file");
  EXPECT_EQ(c.config_file, path);
}

TEST(LoadConfig, ReadsTheConfigFileNamedByTheEnvironmentWhenTheCommandLineNamesNone) {
  TempDir dir;
  const std::string path = dir.write("c.json", R"({"users": 7})");
  EXPECT_EQ(loadConfig({}, mapEnvironment({{"ACCURATE_CONFIG", path}}), {}).users, 7u);
}

TEST(LoadConfig, IgnoresEmptyEnvironmentVariables) {
  EXPECT_EQ(loadConfig({}, mapEnvironment({{"ACCURATE_USERS", ""}}), {}).users, 1u);
}

TEST(LoadConfig, AppliesFileThenEnvironmentThenCommandLineForPluginOptions) {
  TempDir dir;
  const std::string path = dir.write("config.json", R"({
    "graphite": {"host": "file-host", "port": 2003, "prefix": "accurate", "tags": ["a"], "enabled": false}})");
  CommandLineValues cli;
  cli.config_file = path;
  cli.plugins["graphite"] = boost::json::object{{"host", "cli-host"}};
  const Config c = loadConfig(
      cli, mapEnvironment({{"ACCURATE_GRAPHITE_HOST", "env-host"}, {"ACCURATE_GRAPHITE_PORT", "2004"},
                           {"ACCURATE_GRAPHITE_TAGS", "x, y"}, {"ACCURATE_GRAPHITE_ENABLED", "yes"}}),
      graphitePlugin());
  const boost::json::object& section = c.pluginSection("graphite");
  EXPECT_EQ(section.at("host"), "cli-host");
  EXPECT_EQ(section.at("port"), 2004);
  EXPECT_EQ(section.at("prefix"), "accurate");  // only in the file
  EXPECT_EQ(section.at("tags"), (boost::json::array{"x", "y"}));
  EXPECT_EQ(section.at("enabled"), true);
  EXPECT_EQ(c.effective.as_object().at("graphite"), section);
}

TEST(LoadConfig, GivesEveryLoadedPluginASection) {
  const Config c = loadConfig({}, mapEnvironment({}), graphitePlugin());
  EXPECT_TRUE(c.pluginSection("graphite").empty());
  EXPECT_THROW(c.pluginSection("designate"), sdk::Error);
}

TEST(LoadConfig, AcceptsCommentsAndTrailingCommas) {
  TempDir dir;
  const std::string path = dir.write("config.jsonc", R"(// the test
{
  /* users */ "users": 3,
  "plugins": ["graphite",],
  "graphite": {"host": "h",},
}
// end)");
  CommandLineValues cli;
  cli.config_file = path;
  const Config c = loadConfig(cli, mapEnvironment({}), graphitePlugin());
  EXPECT_EQ(c.users, 3u);
  EXPECT_EQ(c.plugins, std::vector<std::string>{"graphite"});
}

TEST(LoadConfig, ReportsABadFileValueWithTheFileAndJsonPath) {
  TempDir dir;
  const std::string path = dir.write("config.jsonc", R"({"users": "ten"})");
  CommandLineValues cli;
  cli.config_file = path;
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }),
            path + ": $.users: expected a non-negative integer, got \"ten\"");
}

TEST(LoadConfig, ReportsABadEnvironmentValueWithTheVariableName) {
  EXPECT_EQ(errorOf([] { loadConfig({}, mapEnvironment({{"ACCURATE_USERS", "ten"}}), {}); }),
            "environment ACCURATE_USERS: expected a non-negative integer, got \"ten\"");
  EXPECT_EQ(errorOf([] { loadConfig({}, mapEnvironment({{"ACCURATE_RUN_TIME", "5x"}}), {}); }),
            "environment ACCURATE_RUN_TIME: cannot parse duration \"5x\" (use e.g. 30s, 5m, 1h30m)");
  EXPECT_EQ(errorOf([] { loadConfig({}, mapEnvironment({{"ACCURATE_GRAPHITE_PORT", "x"}}), graphitePlugin()); }),
            "environment ACCURATE_GRAPHITE_PORT: expected an integer, got \"x\"");
  EXPECT_EQ(errorOf([] { loadConfig({}, mapEnvironment({{"ACCURATE_HOST", "example.com"}}), {}); }),
            "environment ACCURATE_HOST: expected a URL starting with http:// or https://, got \"example.com\"");
}

TEST(LoadConfig, RefusesAnUnknownTopLevelKeyWithASuggestion) {
  TempDir dir;
  CommandLineValues cli;
  cli.config_file = dir.write("a.json", R"({"uzers": 3})");
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }),
            *cli.config_file + ": $.uzers: unknown key (did you mean \"users\"?)");
  cli.config_file = dir.write("b.json", R"({"grafite": {}})");
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), graphitePlugin()); }),
            *cli.config_file + ": $.grafite: unknown key (did you mean \"graphite\"?)");
  cli.config_file = dir.write("c.json", R"({"designate": {}})");
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }),
            *cli.config_file + ": $.designate: unknown key (neither a core option nor a loaded plugin)");
  cli.config_file = dir.write("d.json", R"({"config": "x.json"})");
  EXPECT_NE(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }).find("$.config: unknown key"), std::string::npos);
}

TEST(LoadConfig, RefusesAPluginSectionThatIsNotAnObject) {
  TempDir dir;
  CommandLineValues cli;
  cli.config_file = dir.write("a.json", R"({"graphite": [1]})");
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), graphitePlugin()); }),
            *cli.config_file + ": $.graphite: expected an object, got [1]");
}

TEST(LoadConfig, ReportsAMissingConfigFile) {
  CommandLineValues cli;
  cli.config_file = "/nonexistent/accurate.json";
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }),
            "/nonexistent/accurate.json: cannot read the config file (No such file or directory)");
}

TEST(LoadConfig, ReadsAndValidatesTheShape) {
  TempDir dir;
  CommandLineValues cli;
  cli.config_file = dir.write("shape.json", R"({"spawn_rate": 5, "shape": [
      {"duration": "1m", "users": 10, "spawn_rate": 2}, {"duration": 30, "users": 0}]})");
  const Config c = loadConfig(cli, mapEnvironment({}), {});
  ASSERT_EQ(c.shape.size(), 2u);
  EXPECT_EQ(c.shape[0].duration, milliseconds(60'000));
  EXPECT_EQ(c.shape[0].users, 10u);
  EXPECT_DOUBLE_EQ(c.shape[0].spawn_rate, 2);
  EXPECT_EQ(c.shape[1].duration, milliseconds(30'000));
  EXPECT_DOUBLE_EQ(c.shape[1].spawn_rate, 5);  // the run's spawn rate
  EXPECT_EQ(c.effective.as_object().at("shape").as_array()[1].as_object().at("duration"), "30s");
}

TEST(LoadConfig, ReportsShapeErrorsWithTheStagePath) {
  TempDir dir;
  CommandLineValues cli;
  const auto check = [&](const std::string& shape, const std::string& expected) {
    cli.config_file = dir.write("s.json", R"({"shape": )" + shape + "}");
    EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }), *cli.config_file + ": " + expected);
  };
  check(R"({"duration": "1m"})", "$.shape: expected an array, got {\"duration\":\"1m\"}");
  check(R"([{"duration": "1m", "users": -3}])", "$.shape[0].users: expected a non-negative integer, got -3");
  check(R"([{"duration": "1m", "users": 1}, {"users": 1}])", "$.shape[1]: missing \"duration\"");
  check(R"([{"duration": "1x", "users": 1}])",
        "$.shape[0].duration: cannot parse duration \"1x\" (use e.g. 30s, 5m, 1h30m)");
  check(R"([{"duration": "1m", "users": 1, "spawnrate": 1}])",
        "$.shape[0].spawnrate: unknown key (did you mean \"spawn_rate\"?)");
  check(R"([{"duration": "1m", "users": 1, "spawn_rate": 0}])",
        "$.shape[0].spawn_rate: expected a positive number, got 0");
}

TEST(LoadConfig, RefusesConflictingRoles) {
  CommandLineValues cli;
  cli.core["master"] = true;
  cli.core["worker"] = true;
  EXPECT_EQ(errorOf([&] { loadConfig(cli, mapEnvironment({}), {}); }), "--master and --worker cannot be combined");
  cli.core.erase("worker");
  EXPECT_EQ(loadConfig(cli, mapEnvironment({}), {}).role, sdk::RunSettings::Role::kMaster);
}

TEST(LoadConfig, ReadsEveryKindOfCoreOptionFromTheEnvironment) {
  const Config c = loadConfig(
      {}, mapEnvironment({{"ACCURATE_HEADLESS", "true"}, {"ACCURATE_THRESHOLD", "p95<500, fail_ratio<0.01"},
                          {"ACCURATE_LOGLEVEL", "WARNING"}, {"ACCURATE_ARRIVAL_RATE", "12.5"},
                          {"ACCURATE_SEED", "42"}, {"ACCURATE_CSV", "out/run"}, {"ACCURATE_WEB_PORT", "9000"},
                          {"ACCURATE_PRINT_STATS", "off"}}),
      {});
  EXPECT_TRUE(c.headless);
  EXPECT_EQ(c.thresholds, (std::vector<std::string>{"p95<500", "fail_ratio<0.01"}));
  EXPECT_EQ(c.log_level, spdlog::level::warn);
  EXPECT_EQ(c.arrival_rate, 12.5);
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.csv_prefix, "out/run");
  EXPECT_EQ(c.web_port, 9000);
  EXPECT_FALSE(c.print_stats);
}

TEST(LoadConfig, ExposesRunSettings) {
  CommandLineValues cli;
  cli.core["host"] = "http://127.0.0.1:1";
  cli.core["users"] = 5;
  cli.core["threads"] = 3;
  cli.core["stop_timeout"] = "2s";
  const sdk::RunSettings s = loadConfig(cli, mapEnvironment({}), {}).runSettings();
  EXPECT_EQ(s.host, "http://127.0.0.1:1");
  EXPECT_EQ(s.users, 5u);
  EXPECT_EQ(s.threads, 3u);
  EXPECT_EQ(s.stop_timeout, milliseconds(2000));
}

TEST(RequireHost, ExplainsHowToGiveTheHost) {
  const Config c = loadConfig({}, mapEnvironment({}), {});
  EXPECT_EQ(errorOf([&] { requireHost(c); }),
            "$.host: required: give --host (-H), ACCURATE_HOST or \"host\" in the config file");
}

}  // namespace
}  // namespace accurate::config
