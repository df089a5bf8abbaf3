#include "plugin/plugin_error.hpp"
#include "plugin/registry.hpp"
#include "plugin_test_support.hpp"

#include <gtest/gtest.h>

namespace accurate::plugin {
namespace {

using testing::fixtureDir;
using testing::TempDir;

std::vector<std::string> names(const std::vector<PluginManifest>& manifests) {
  std::vector<std::string> out;
  for (const auto& m : manifests) {
    out.push_back(m.name);
  }
  return out;
}

std::string loadError(const PluginRegistry& registry, const std::vector<std::string>& wanted) {
  try {
    registry.load(wanted);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Registry, DiscoversEveryFixtureSortedByNameAndReportsTheBrokenManifest) {
  PluginRegistry registry({fixtureDir()});
  registry.discover();
  EXPECT_EQ(names(registry.available()),
            (std::vector<std::string>{"test_abi_major", "test_abi_minor", "test_factory_null", "test_factory_throws",
                                      "test_fingerprint", "test_good", "test_name_mismatch", "test_no_create",
                                      "test_no_handshake", "test_not_so"}));
  EXPECT_EQ(registry.problems(),
            (std::vector<std::string>{"manifest " + (fixtureDir() / "test_bad_json.plugin.json").string() +
                                      ": invalid JSON at line 3, column 3: syntax error"}));
}

TEST(Registry, FirstManifestOfANameWins) {
  TempDir first;
  TempDir second;
  first.write("dup.plugin.json", testing::manifestText("dup", "libdup.so", "1.0.0"));
  second.write("dup.plugin.json", testing::manifestText("dup", "libdup.so", "2.0.0"));
  second.write("other.plugin.json", testing::manifestText("other", "libother.so"));
  PluginRegistry registry({first.path(), second.path()});
  registry.discover();
  const auto available = registry.available();
  ASSERT_EQ(names(available), (std::vector<std::string>{"dup", "other"}));
  EXPECT_EQ(available[0].version, "1.0.0");
  EXPECT_EQ(available[0].library, first.path() / "libdup.so");
  EXPECT_TRUE(registry.problems().empty());
}

TEST(Registry, IgnoresMissingFoldersAndFilesThatAreNotManifests) {
  TempDir dir;
  dir.write("notes.json", "{");
  dir.write(".plugin.json", "{");
  dir.write("sub/nested.plugin.json", testing::manifestText("nested", "lib.so"));
  dir.write("real.plugin.json", testing::manifestText("real", "lib.so"));
  PluginRegistry registry({dir.path() / "does-not-exist", dir.path()});
  registry.discover();
  EXPECT_EQ(names(registry.available()), (std::vector<std::string>{"real"}));
  EXPECT_TRUE(registry.problems().empty());
}

TEST(Registry, DiscoverReplacesEarlierResults) {
  TempDir dir;
  const auto file = dir.write("a.plugin.json", testing::manifestText("a", "lib.so"));
  PluginRegistry registry({dir.path()});
  registry.discover();
  ASSERT_NE(registry.find("a"), nullptr);
  std::filesystem::remove(file);
  registry.discover();
  EXPECT_EQ(registry.find("a"), nullptr);
  EXPECT_TRUE(registry.available().empty());
}

TEST(Registry, UnknownPluginErrorListsTheAvailableOnes) {
  TempDir dir;
  for (const auto* name : {"c", "a", "b"}) {
    dir.write(std::string(name) + ".plugin.json", testing::manifestText(name, "lib.so"));
  }
  PluginRegistry registry({dir.path()});
  registry.discover();
  EXPECT_EQ(loadError(registry, {"a", "x"}), "unknown plugin 'x' (available: a, b, c)");
}

TEST(Registry, UnknownPluginErrorSaysNoneWhenNothingIsAvailable) {
  TempDir dir;
  PluginRegistry registry({dir.path()});
  registry.discover();
  EXPECT_EQ(loadError(registry, {"designate"}), "unknown plugin 'designate' (available: none)");
}

TEST(Registry, LoadsANameListedTwiceOnce) {
  PluginRegistry registry({fixtureDir()});
  registry.discover();
  const auto loaded = registry.load({"test_good", "test_good"});
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0]->name(), "test_good");
}

TEST(Registry, LoadFailsWithTheLoadersErrorForARefusedPlugin) {
  PluginRegistry registry({fixtureDir()});
  registry.discover();
  EXPECT_EQ(loadError(registry, {"test_good", "test_abi_major"}),
            "plugin 'test_abi_major': ABI major 2 does not match host ABI major 1 — rebuild the plugin against "
            "accurate 0.1.0");
}

}  // namespace
}  // namespace accurate::plugin
