#include "config/startup_scan.hpp"

#include "temp_dir.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

namespace accurate::config {
namespace {

using Strings = std::vector<std::string>;

TEST(PrescanPlugins, PrefersCommandLineOverEnvironmentOverFile) {
  test::TempDir dir;
  const std::string file = dir.write("c.json", R"({"plugins": ["designate", "graphite"], /* ok */})");
  const auto env = mapEnvironment({{"ACCURATE_PLUGINS", "http"}});
  EXPECT_EQ(prescanPlugins({"-f", file, "--plugins", "digaas,http", "--plugins=auth"}, env),
            (Strings{"digaas", "http", "auth"}));
  EXPECT_EQ(prescanPlugins({"-f", file}, env), Strings{"http"});
  EXPECT_EQ(prescanPlugins({"-f", file}, mapEnvironment({})), (Strings{"designate", "graphite"}));
  EXPECT_EQ(prescanPlugins({"--config=" + file}, mapEnvironment({})), (Strings{"designate", "graphite"}));
  EXPECT_EQ(prescanPlugins({"-f" + file}, mapEnvironment({})), (Strings{"designate", "graphite"}));
  EXPECT_EQ(prescanPlugins({}, mapEnvironment({{"ACCURATE_CONFIG", file}})), (Strings{"designate", "graphite"}));
}

TEST(PrescanPlugins, TrimsAndDeduplicates) {
  EXPECT_EQ(prescanPlugins({"--plugins", " http , ,graphite,http"}, mapEnvironment({})), (Strings{"http", "graphite"}));
  EXPECT_EQ(prescanPlugins({"-u", "3"}, mapEnvironment({})), Strings{});
}

TEST(PrescanPlugins, StopsAtDoubleDash) {
  EXPECT_EQ(prescanPlugins({"--", "--plugins", "http"}, mapEnvironment({})), Strings{});
}

TEST(PrescanPlugins, ReportsABadPluginsValueInTheFile) {
  test::TempDir dir;
  const std::string file = dir.write("c.json", R"({"plugins": [1]})");
  try {
    prescanPlugins({"-f", file}, mapEnvironment({}));
    FAIL();
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), file + ": $.plugins[0]: expected a string, got 1");
  }
}

TEST(MatchSubcommand, ReturnsTheLongestMatchAndTheRest) {
  const Strings known{"plugins", "report list", "report show", "designate prepare", "designate"};
  const auto show = matchSubcommand({"report", "show", "42", "--json"}, known);
  EXPECT_EQ(show.command, "report show");
  EXPECT_EQ(show.rest, (Strings{"42", "--json"}));
  const auto prepare = matchSubcommand({"designate", "prepare", "--plugins", "designate"}, known);
  EXPECT_EQ(prepare.command, "designate prepare");
  EXPECT_EQ(prepare.rest, (Strings{"--plugins", "designate"}));
  const auto shorter = matchSubcommand({"designate", "cleanup"}, known);
  EXPECT_EQ(shorter.command, "designate");
  EXPECT_EQ(shorter.rest, Strings{"cleanup"});
}

TEST(MatchSubcommand, MatchesNothingWhenOptionsComeFirstOrNoCommandFits) {
  const Strings known{"plugins", "report list"};
  const auto none = matchSubcommand({"-u", "3", "plugins"}, known);
  EXPECT_EQ(none.command, "");
  EXPECT_EQ(none.rest, (Strings{"-u", "3", "plugins"}));
  EXPECT_EQ(matchSubcommand({"report"}, known).command, "");
  EXPECT_EQ(matchSubcommand({"report", "--x", "list"}, known).command, "");
  EXPECT_EQ(matchSubcommand({}, known).command, "");
}

}  // namespace
}  // namespace accurate::config
