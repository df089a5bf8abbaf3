#include "net/command_line.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

namespace accurate::designate_sim {
namespace {

using namespace std::chrono_literals;

SimCommandLine parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"designate-sim"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parseCommandLine(static_cast<int>(argv.size()), argv.data());
}

std::string errorOf(std::initializer_list<const char*> args) {
  try {
    parse(args);
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SimCommandLine, DefaultsMatchTheDocumentedOnes) {
  const auto cli = parse({});
  EXPECT_EQ(cli.listen.to_string(), "127.0.0.1");
  EXPECT_EQ(cli.http_port, 0);
  EXPECT_EQ(cli.dns_port, 0);
  EXPECT_TRUE(cli.port_file.empty());
  EXPECT_EQ(cli.options.active_delay.min, 5000ms);
  EXPECT_EQ(cli.options.active_delay.max, 5500ms);
  EXPECT_EQ(cli.options.zone_delete_delay.max, 5500ms);
  EXPECT_EQ(cli.options.import_delay.min, 300ms);
  EXPECT_EQ(cli.options.import_delay.max, 700ms);
  EXPECT_EQ(cli.options.propagation_delay, 300ms);
  EXPECT_EQ(cli.options.error_rate, 0);
  EXPECT_EQ(cli.options.added_latency.max, 0ms);
  EXPECT_EQ(cli.options.quotas.zones, 10);
  EXPECT_EQ(cli.options.quotas.zone_recordsets, 500);
  EXPECT_EQ(cli.options.quotas.zone_records, 500);
  EXPECT_EQ(cli.options.quotas.recordset_records, 20);
  EXPECT_FALSE(cli.options.keystone);
  EXPECT_EQ(cli.options.token_ttl, 3600s);
  EXPECT_EQ(cli.options.nameserver, "ns1.designate-sim.test.");
  EXPECT_EQ(cli.options.seed, 1u);
}

TEST(SimCommandLine, ReadsEveryFlag) {
  const auto cli = parse({"--listen", "::1", "--port", "8080", "--dns-port", "5353", "--port-file", "/tmp/p.json",
                          "--active-delay", "1s..2s", "--zone-delete-delay", "3s", "--import-delay", "10ms..20ms",
                          "--propagation-delay", "50ms", "--error-rate", "0.25", "--latency", "5ms..15ms",
                          "--zone-error-rate", "0.5", "--quota-zones", "100", "--quota-zone-recordsets", "7",
                          "--quota-zone-records", "8", "--quota-recordset-records", "9", "--keystone",
                          "--keystone-user", "alice:s3cr,et:proj-a",
                          "--keystone-user", "bob:pw:proj-b:cred-id:cred-secret",
                          "--token-ttl", "90s", "--nameserver", "ns9.example.test", "--seed", "18446744073709551615"});
  EXPECT_EQ(cli.listen.to_string(), "::1");
  EXPECT_EQ(cli.http_port, 8080);
  EXPECT_EQ(cli.dns_port, 5353);
  EXPECT_EQ(cli.port_file, "/tmp/p.json");
  EXPECT_EQ(cli.options.active_delay.min, 1000ms);
  EXPECT_EQ(cli.options.active_delay.max, 2000ms);
  EXPECT_EQ(cli.options.zone_delete_delay.min, 3000ms);
  EXPECT_EQ(cli.options.zone_delete_delay.max, 3000ms);
  EXPECT_EQ(cli.options.import_delay.min, 10ms);
  EXPECT_EQ(cli.options.propagation_delay, 50ms);
  EXPECT_DOUBLE_EQ(cli.options.error_rate, 0.25);
  EXPECT_EQ(cli.options.added_latency.min, 5ms);
  EXPECT_EQ(cli.options.added_latency.max, 15ms);
  EXPECT_DOUBLE_EQ(cli.options.zone_error_rate, 0.5);
  EXPECT_EQ(cli.options.quotas.zones, 100);
  EXPECT_EQ(cli.options.quotas.zone_recordsets, 7);
  EXPECT_EQ(cli.options.quotas.zone_records, 8);
  EXPECT_EQ(cli.options.quotas.recordset_records, 9);
  EXPECT_TRUE(cli.options.keystone);
  ASSERT_EQ(cli.options.users.size(), 2u);
  EXPECT_EQ(cli.options.users[0].name, "alice");
  EXPECT_EQ(cli.options.users[0].password, "s3cr,et");  // a comma is no list separator
  EXPECT_EQ(cli.options.users[0].project_id, "proj-a");
  EXPECT_TRUE(cli.options.users[0].app_credential_id.empty());
  EXPECT_EQ(cli.options.users[1].app_credential_id, "cred-id");
  EXPECT_EQ(cli.options.users[1].app_credential_secret, "cred-secret");
  EXPECT_EQ(cli.options.token_ttl, 90s);
  EXPECT_EQ(cli.options.nameserver, "ns9.example.test.");
  EXPECT_EQ(cli.options.seed, 18446744073709551615u);
}

TEST(SimCommandLine, RefusesBadValuesNamingTheFlag) {
  EXPECT_EQ(errorOf({"--error-rate", "1.5"}), "--error-rate: expected a number between 0 and 1, got \"1.5\"");
  EXPECT_EQ(errorOf({"--zone-error-rate", "x"}), "--zone-error-rate: expected a number between 0 and 1, got \"x\"");
  EXPECT_EQ(errorOf({"--port", "65536"}), "--port: expected an integer between 0 and 65535, got \"65536\"");
  EXPECT_EQ(errorOf({"--dns-port", "-1"}), "--dns-port: expected an integer between 0 and 65535, got \"-1\"");
  EXPECT_EQ(errorOf({"--quota-zones", "ten"}).rfind("--quota-zones: ", 0), 0u);
  EXPECT_EQ(errorOf({"--listen", "localhost"}), "--listen: expected an IP address, got \"localhost\"");
  EXPECT_EQ(errorOf({"--latency", "2s..1s"}),
            "--latency: the range \"2s..1s\" ends before it starts (use A..B with A <= B)");
  EXPECT_EQ(errorOf({"--active-delay", "soon"}).rfind("--active-delay: cannot parse duration", 0), 0u);
  EXPECT_EQ(errorOf({"--import-delay", "1s.."}).rfind("--import-delay: ", 0), 0u);
  EXPECT_EQ(errorOf({"--token-ttl", "500ms"}), "--token-ttl: expected at least 1s, got \"500ms\"");
  EXPECT_EQ(errorOf({"--nameserver", "bad..name"}).rfind("--nameserver: ", 0), 0u);
  EXPECT_EQ(errorOf({"--seed", "-3"}).rfind("--seed: ", 0), 0u);
  EXPECT_EQ(errorOf({"--port-file", ""}), "--port-file: expected a file path, got an empty one");
  EXPECT_NE(errorOf({"--no-such-flag"}).find("no-such-flag"), std::string::npos);
  EXPECT_EQ(errorOf({"stray"}), "unexpected argument \"stray\" (see --help)");
}

TEST(SimCommandLine, RefusesKeystoneUsersWithoutEchoingThePassword) {
  const auto error = errorOf({"--keystone-user", "alice:topsecret"});
  EXPECT_EQ(error.rfind("--keystone-user: expected NAME:PASSWORD:PROJECT", 0), 0u);
  EXPECT_EQ(error.find("topsecret"), std::string::npos);
  EXPECT_EQ(errorOf({"--keystone-user", "a::p"}).rfind("--keystone-user: ", 0), 0u);
  EXPECT_EQ(errorOf({"--keystone"}).rfind("--keystone: needs at least one --keystone-user", 0), 0u);
}

TEST(SimCommandLine, HelpNamesEveryFlag) {
  EXPECT_TRUE(parse({"--help"}).help);
  const std::string help = commandLineHelp();
  for (const char* flag : {"--listen", "--port", "--dns-port", "--port-file", "--active-delay", "--zone-delete-delay",
                           "--import-delay", "--propagation-delay", "--error-rate", "--latency", "--zone-error-rate",
                           "--quota-zones", "--quota-zone-recordsets", "--quota-zone-records",
                           "--quota-recordset-records", "--keystone", "--keystone-user", "--token-ttl", "--nameserver",
                           "--seed"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
}

TEST(SimCommandLine, FormatsTheReadyLine) {
  EXPECT_EQ(readyLine(boost::asio::ip::make_address("127.0.0.1"), 8080, 5353),
            "designate-sim: API http://127.0.0.1:8080  DNS 127.0.0.1:5353 (udp+tcp)");
  EXPECT_EQ(readyLine(boost::asio::ip::make_address("::1"), 1, 2),
            "designate-sim: API http://[::1]:1  DNS [::1]:2 (udp+tcp)");
}

TEST(SimCommandLine, WritesThePortFileAndLeavesNoTemporary) {
  const auto dir = std::filesystem::temp_directory_path() / ("dsim-net-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "ports.json";
  writePortFile(path.string(), 8080, 5353);
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), "{\"http_port\": 8080, \"dns_port\": 5353}\n");
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);
  EXPECT_THROW(writePortFile((dir / "missing" / "ports.json").string(), 1, 2), sdk::Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace accurate::designate_sim
