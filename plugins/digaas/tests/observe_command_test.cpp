// `digaas observe`: argument parsing, the output line, and bad input giving exit code 2 before any query.
#include "observe_command.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace accurate::digaas {
namespace {

using Type = sdk::DnsChange::Type;

ObserveArguments parse(std::vector<std::string> args) { return parseObserveArguments(args, 1000.5); }

/// "flag|message" of the ConfigError parsing @p args throws; fails the test when none is thrown.
std::string errorOf(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const sdk::ConfigError& e) {
    return e.path() + "|" + e.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return {};
}

TEST(DigaasObserveCommand, ParsesAZoneUpdate) {
  const auto parsed = parse({"--", "--type", "zone_update", "--name=prop.test", "--serial", "42",
                             "--start-time", "1700000000.25"});
  EXPECT_FALSE(parsed.help);
  EXPECT_EQ(parsed.change.type, Type::kZoneUpdate);
  EXPECT_EQ(parsed.change.name, "prop.test.");
  EXPECT_EQ(parsed.change.zone, "prop.test.");
  EXPECT_EQ(parsed.change.serial, 42u);
  EXPECT_DOUBLE_EQ(parsed.change.start_time, 1700000000.25);
  EXPECT_TRUE(parsed.change.rdatatype.empty());
}

TEST(DigaasObserveCommand, ParsesRecordChangesWithTypeADefault) {
  const auto create = parse({"--type", "RECORD_CREATE", "--name", "www.prop.test.", "--rdata", "192.0.2.7"});
  EXPECT_EQ(create.change.type, Type::kRecordCreate);
  EXPECT_EQ(create.change.rdatatype, "A");
  EXPECT_EQ(create.change.rdata, "192.0.2.7");
  EXPECT_TRUE(create.change.zone.empty());
  EXPECT_DOUBLE_EQ(create.change.start_time, 1000.5);  // "now" by default
  const auto remove = parse({"--type", "RECORD_DELETE", "--name", "www.prop.test.", "--rdatatype", "AAAA",
                             "--start-time", "now"});
  EXPECT_EQ(remove.change.rdatatype, "AAAA");
  EXPECT_TRUE(remove.change.rdata.empty());
  EXPECT_DOUBLE_EQ(remove.change.start_time, 1000.5);
}

TEST(DigaasObserveCommand, RecognisesHelp) { EXPECT_TRUE(parse({"--type", "ZONE_CREATE", "--help"}).help); }

TEST(DigaasObserveCommand, RefusesBadArgumentsNamingTheFlag) {
  auto flagOf = [](const std::string& error) { return error.substr(0, error.find('|')); };
  EXPECT_EQ(flagOf(errorOf({"--name", "x.test."})), "--type");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_CREATE"})), "--name");
  EXPECT_NE(errorOf({"--type", "ZONE_MOVE", "--name", "x."}).find("unknown change type \"ZONE_MOVE\""),
            std::string::npos);
  EXPECT_EQ(flagOf(errorOf({"--type", "RECORD_CREATE", "--name", "x."})), "--rdata");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_CREATE", "--name", "x.", "--rdata", "1.2.3.4"})), "--rdata");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_CREATE", "--name", "x.", "--serial", "3"})), "--serial");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_UPDATE", "--name", "x.", "--serial", "-3"})), "--serial");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_UPDATE", "--name", "x.", "--serial", "4294967296"})), "--serial");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_UPDATE", "--name", "x.", "--start-time", "yesterday"})), "--start-time");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_UPDATE", "--name"})), "--name");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_UPDATE", "--name", "x.", "--bogus", "1"})), "--bogus");
  EXPECT_EQ(flagOf(errorOf({"--type", "ZONE_UPDATE", "--name", ""})), "--name");
  try {
    parse({"--type", "RECORD_DELETE", "--name", "x.", "--rdatatype", "NOPE"});
    ADD_FAILURE() << "no error";
  } catch (const sdk::Error& e) {
    EXPECT_NE(std::string(e.what()).find("NOPE"), std::string::npos);
  }
}

TEST(DigaasObserveCommand, FormatsOneJsonLinePerNameserver) {
  const NameserverAddress ns{"127.0.0.1", 5353, "127.0.0.1:5353"};
  sdk::DnsChange change;
  change.type = Type::kZoneDelete;
  change.name = "prop.test.";
  ObservationResult ok{true, 1.2345678, "", "NXDOMAIN", 3};
  const auto line = boost::json::parse(observationLine(ns, change, ok)).as_object();
  EXPECT_EQ(line.at("nameserver").as_string(), "127.0.0.1:5353");
  EXPECT_EQ(line.at("type").as_string(), "ZONE_DELETE");
  EXPECT_EQ(line.at("name").as_string(), "prop.test.");
  EXPECT_TRUE(line.at("propagated").as_bool());
  EXPECT_DOUBLE_EQ(line.at("seconds").as_double(), 1.234568);
  EXPECT_TRUE(line.at("error").is_null());
  EXPECT_EQ(line.at("queries").to_number<int>(), 3);
  ObservationResult failed{false, 2, "not propagated after 2 s (last answer: NOERROR)", "NOERROR", 2};
  const auto bad = boost::json::parse(observationLine(ns, change, failed)).as_object();
  EXPECT_FALSE(bad.at("propagated").as_bool());
  EXPECT_EQ(bad.at("error").as_string(), "not propagated after 2 s (last answer: NOERROR)");
}

TEST(DigaasObserveCommand, ReturnsTwoOnBadArgumentsOrConfigWithoutRunning) {
  boost::json::object config{{"nameservers", boost::json::array{"127.0.0.1:5353"}}};
  sdk::RunSettings settings;
  int runs = 0;
  sdk::CommandContext command;
  command.config = &config;
  command.settings = &settings;
  command.run = [&runs](std::function<boost::asio::awaitable<int>(sdk::UserContext&)>) {
    ++runs;
    return 0;
  };
  std::ostringstream out;
  std::ostringstream err;
  command.args = {"--type", "ZONE_CREATE"};
  EXPECT_EQ(runObserveCommand(command, out, err), 2);
  EXPECT_EQ(err.str(), "accurate digaas observe: --name: required (see --help)\n");
  boost::json::object empty;
  command.config = &empty;
  command.args = {"--type", "ZONE_CREATE", "--name", "x."};
  err.str("");
  EXPECT_EQ(runObserveCommand(command, out, err), 2);
  EXPECT_NE(err.str().find("$.digaas.nameservers"), std::string::npos) << err.str();
  command.args = {"--help"};
  EXPECT_EQ(runObserveCommand(command, out, err), 0);
  EXPECT_NE(out.str().find("Usage: accurate digaas observe"), std::string::npos);
  EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace accurate::digaas
