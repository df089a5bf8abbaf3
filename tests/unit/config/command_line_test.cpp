#include "config/command_line.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <functional>

#include "unit/config/error_of.hpp"

namespace accurate::config {
namespace {

using test::errorOf;

std::vector<PluginDeclaration> httpPlugin() {
  return {{"http", {{"http-path", "path", "Path of the default class", sdk::OptionSpec::Type::kString},
                    {"http-verbose", "verbose", "Verbose", sdk::OptionSpec::Type::kBoolean},
                    {"http-ratio", "ratio", "Ratio", sdk::OptionSpec::Type::kNumber}}}};
}

TEST(ParseCommandLine, ReadsShortAndLongOptions) {
  const auto parsed = parseCommandLine({"-H", "http://127.0.0.1:8080", "-u", "10", "--spawn-rate=2.5", "-t5m",
                                        "--headless", "--print-stats=false", "-f", "c.json"},
                                       {});
  const auto& core = parsed.values.core;
  EXPECT_EQ(core.at("host"), "http://127.0.0.1:8080");
  EXPECT_EQ(core.at("users"), 10);
  EXPECT_EQ(core.at("spawn_rate"), 2.5);
  EXPECT_EQ(core.at("run_time"), "5m");
  EXPECT_EQ(core.at("headless"), true);
  EXPECT_EQ(core.at("print_stats"), false);
  EXPECT_EQ(parsed.values.config_file, "c.json");
  EXPECT_FALSE(core.contains("threads"));  // only what was given
  EXPECT_FALSE(parsed.help);
}

TEST(ParseCommandLine, AccumulatesRepeatedListOptions) {
  const auto parsed = parseCommandLine({"--threshold", "p95<500", "--threshold", "fail_ratio<0.01",
                                        "--plugins", "http,graphite", "--plugins", "digaas"},
                                       {});
  EXPECT_EQ(parsed.values.core.at("thresholds"), (boost::json::array{"p95<500", "fail_ratio<0.01"}));
  EXPECT_EQ(parsed.values.core.at("plugins"), (boost::json::array{"http", "graphite", "digaas"}));
}

TEST(ParseCommandLine, PutsPluginOptionsInThePluginSection) {
  const auto parsed = parseCommandLine({"--http-path", "/health", "--http-verbose", "--http-ratio", "0.5"}, httpPlugin());
  const auto& section = parsed.values.plugins.at("http").as_object();
  EXPECT_EQ(section.at("path"), "/health");
  EXPECT_EQ(section.at("verbose"), true);
  EXPECT_EQ(section.at("ratio"), 0.5);
}

TEST(ParseCommandLine, ReportsBadValuesWithTheFlag) {
  EXPECT_EQ(errorOf([] { parseCommandLine({"--run-time", "5x"}, {}); }),
            "--run-time: cannot parse duration \"5x\" (use e.g. 30s, 5m, 1h30m)");
  EXPECT_EQ(errorOf([] { parseCommandLine({"-u", "ten"}, {}); }),
            "--users: expected a non-negative integer, got \"ten\"");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--web-port", "70000"}, {}); }),
            "--web-port: expected an integer between 1 and 65535, got 70000");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--loglevel", "loud"}, {}); }),
            "--loglevel: expected one of trace, debug, info, warn, error, critical, off, got \"loud\"");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--headless=maybe"}, {}); }),
            "--headless: expected true or false, got \"maybe\"");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--http-ratio", "x"}, httpPlugin()); }),
            "--http-ratio: expected a number, got \"x\"");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--spawn-rate", "0"}, {}); }),
            "--spawn-rate: expected a positive number, got 0");
}

TEST(ParseCommandLine, RefusesUnknownOptionsWithASuggestion) {
  EXPECT_EQ(errorOf([] { parseCommandLine({"--uzers", "3"}, {}); }), "--uzers: unknown option (did you mean --users?)");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--http-pth=/x"}, httpPlugin()); }),
            "--http-pth: unknown option (did you mean --http-path?)");
  EXPECT_EQ(errorOf([] { parseCommandLine({"--zzzzzzzz"}, {}); }), "--zzzzzzzz: unknown option (see --help)");
  EXPECT_EQ(errorOf([] { parseCommandLine({"-Z"}, {}); }), "-Z: unknown option (see --help)");
  // A value that looks like an option is still the value of the option before it.
  EXPECT_EQ(parseCommandLine({"--csv", "--weird"}, {}).values.core.at("csv"), "--weird");
}

TEST(ParseCommandLine, ReportsAMissingArgument) {
  EXPECT_EQ(errorOf([] { parseCommandLine({"--users"}, {}); }), "command line: Option \"users\" is missing an argument");
}

TEST(ParseCommandLine, ReturnsPositionalArguments) {
  EXPECT_EQ(parseCommandLine({"42", "-u", "1", "x"}, {}).positional, (std::vector<std::string>{"42", "x"}));
}

TEST(ParseCommandLine, RefusesAPluginOptionThatTakesACoreFlag) {
  const std::vector<PluginDeclaration> bad{{"evil", {{"users", "users", "x", sdk::OptionSpec::Type::kInteger}}}};
  EXPECT_EQ(errorOf([&] { parseCommandLine({}, bad); }), "--users: option of plugin \"evil\" is already taken");
}

TEST(ParseCommandLine, RecognisesHelpAndVersion) {
  EXPECT_TRUE(parseCommandLine({"-h"}, {}).help);
  EXPECT_TRUE(parseCommandLine({"--version"}, {}).version);
  EXPECT_EQ(versionText(), "accurate 0.1.0 (plugin ABI 1.2)");
}

TEST(HelpText, ListsCoreOptionsPluginOptionsByPluginAndCommands) {
  const std::string help = helpText(httpPlugin(), {{"report list", "List stored reports"}});
  EXPECT_NE(help.find("-H, --host URL"), std::string::npos);
  EXPECT_NE(help.find("(default: 30s)"), std::string::npos);
  EXPECT_NE(help.find("Plugin http:\n      --http-path TEXT"), std::string::npos);
  EXPECT_NE(help.find("  report list"), std::string::npos);
  EXPECT_NE(help.find("ACCURATE_RUN_TIME"), std::string::npos);
  EXPECT_EQ(help.find("--shape"), std::string::npos);  // config file only
  EXPECT_LT(help.find("--threads"), help.find("Plugin http:"));
}

}  // namespace
TEST(SplitCommandArgumentsTest, GivesUndeclaredOptionsAndWordsToTheCommandInOrder) {
  const auto split = splitCommandArguments(
      {"prepare", "-f", "c.json", "--zones", "5", "--users=3", "-u10", "--http-path", "/x", "--dry", "--", "--users", "x"},
      httpPlugin());
  EXPECT_EQ(split.options, (std::vector<std::string>{"-f", "c.json", "--users=3", "-u10", "--http-path", "/x"}));
  EXPECT_EQ(split.command, (std::vector<std::string>{"prepare", "--zones", "5", "--dry", "--users", "x"}));
}

TEST(SplitCommandArgumentsTest, DeclaredBooleanFlagsTakeNoValue) {
  const auto split = splitCommandArguments({"--headless", "running", "--timeout", "30"}, {});
  EXPECT_EQ(split.options, (std::vector<std::string>{"--headless"}));
  EXPECT_EQ(split.command, (std::vector<std::string>{"running", "--timeout", "30"}));
}

}  // namespace accurate::config
