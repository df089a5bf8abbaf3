#include "plugin/manifest.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin_test_support.hpp"

#include <gtest/gtest.h>

namespace accurate::plugin {
namespace {

const std::filesystem::path kFile = "/plugins/x.plugin.json";

std::string parseError(const std::string& text) {
  try {
    parseManifest(text, kFile);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Manifest, ParsesEveryFieldAndResolvesTheLibraryNextToTheManifest) {
  const auto manifest = parseManifest(R"({"name": "graphite", "version": "0.3.1", "description": "Carbon sink",
      "library": "libaccurate_graphite.so", "abi": {"major": 1, "minor": 0},
      "provides": ["sinks", "options"], "future_key": 7})",
                                      kFile);
  EXPECT_EQ(manifest.file, kFile);
  EXPECT_EQ(manifest.name, "graphite");
  EXPECT_EQ(manifest.version, "0.3.1");
  EXPECT_EQ(manifest.description, "Carbon sink");
  EXPECT_EQ(manifest.library, std::filesystem::path("/plugins/libaccurate_graphite.so"));
  EXPECT_EQ(manifest.abi_major, 1u);
  EXPECT_EQ(manifest.abi_minor, 0u);
  EXPECT_EQ(manifest.provides, (std::vector<std::string>{"sinks", "options"}));
}

TEST(Manifest, DescriptionIsOptional) {
  const auto manifest = parseManifest(
      R"({"name": "a", "version": "1", "library": "sub/liba.so", "abi": {"major": 1, "minor": 2}, "provides": []})",
      kFile);
  EXPECT_EQ(manifest.description, "");
  EXPECT_EQ(manifest.library, std::filesystem::path("/plugins/sub/liba.so"));
  EXPECT_EQ(manifest.abi_minor, 2u);
}

TEST(Manifest, ReportsInvalidJsonWithLineAndColumn) {
  EXPECT_EQ(parseError("{\n  \"name\": \"a\"\n  \"version\": \"1\"\n}"),
            "manifest /plugins/x.plugin.json: invalid JSON at line 3, column 3: syntax error");
}

TEST(Manifest, RefusesANonObjectTopLevel) {
  EXPECT_EQ(parseError("[1, 2]"), "manifest /plugins/x.plugin.json: the top level must be a JSON object");
}

TEST(Manifest, NamesAMissingField) {
  EXPECT_EQ(parseError(R"({"version": "1", "library": "l.so", "abi": {"major": 1, "minor": 0}, "provides": []})"),
            "manifest /plugins/x.plugin.json: missing \"name\"");
  EXPECT_EQ(parseError(R"({"name": "a", "version": "1", "library": "l.so", "abi": {"major": 1}, "provides": []})"),
            "manifest /plugins/x.plugin.json: missing \"abi.minor\"");
  EXPECT_EQ(parseError(R"({"name": "a", "version": "1", "library": "l.so", "abi": {"major": 1, "minor": 0}})"),
            "manifest /plugins/x.plugin.json: missing \"provides\"");
}

TEST(Manifest, NamesAMistypedField) {
  EXPECT_EQ(parseError(R"({"name": "a", "version": 1, "library": "l.so", "abi": {"major": 1, "minor": 0},
                           "provides": []})"),
            "manifest /plugins/x.plugin.json: \"version\" must be a string");
  EXPECT_EQ(parseError(R"({"name": "a", "version": "1", "library": "l.so", "abi": {"major": -1, "minor": 0},
                           "provides": []})"),
            "manifest /plugins/x.plugin.json: \"abi.major\" must be a non-negative integer");
  EXPECT_EQ(parseError(R"({"name": "a", "version": "1", "library": "l.so", "abi": {"major": 1, "minor": 0},
                           "provides": "sinks"})"),
            "manifest /plugins/x.plugin.json: \"provides\" must be an array of strings");
}

TEST(Manifest, RefusesAnInvalidPluginName) {
  EXPECT_EQ(parseError(R"({"name": "Bad Name", "version": "1", "library": "l.so", "abi": {"major": 1, "minor": 0},
                           "provides": []})"),
            "manifest /plugins/x.plugin.json: invalid plugin name 'Bad Name' (use 1-64 lower-case letters, "
            "digits, '_' or '-', starting with a letter or digit)");
}

TEST(Manifest, RefusesAnAbsoluteLibraryPath) {
  EXPECT_EQ(parseError(R"({"name": "a", "version": "1", "library": "/usr/lib/l.so", "abi": {"major": 1, "minor": 0},
                           "provides": []})"),
            "manifest /plugins/x.plugin.json: \"library\" must be relative to the manifest's folder, not "
            "/usr/lib/l.so");
}

TEST(Manifest, RefusesAnUnknownProvidesKind) {
  EXPECT_EQ(parseError(R"({"name": "a", "version": "1", "library": "l.so", "abi": {"major": 1, "minor": 0},
                           "provides": ["sinks", "teleport"]})"),
            "manifest /plugins/x.plugin.json: unknown kind 'teleport' in \"provides\" (known: user_classes, sinks, "
            "lifecycle, web_auth, options, commands, change_observers)");
}

TEST(Manifest, ReportsAnUnreadableFile) {
  testing::TempDir dir;
  const auto missing = dir.path() / "missing.plugin.json";
  try {
    readManifest(missing);
    FAIL() << "no error";
  } catch (const PluginError& e) {
    EXPECT_EQ(std::string(e.what()), "manifest " + missing.string() + ": cannot be read");
  }
}

TEST(Manifest, ValidatesPluginNames) {
  EXPECT_TRUE(isValidPluginName("designate"));
  EXPECT_TRUE(isValidPluginName("test_good-2"));
  EXPECT_FALSE(isValidPluginName(""));
  EXPECT_FALSE(isValidPluginName("-x"));
  EXPECT_FALSE(isValidPluginName("a.b"));
  EXPECT_FALSE(isValidPluginName("Upper"));
  EXPECT_FALSE(isValidPluginName(std::string(65, 'a')));
}

TEST(Manifest, AcceptsTheManifestThatAccurateAddPluginWrites) {
  const auto manifest = testing::fixtureManifest("test_good");
  EXPECT_EQ(manifest.name, "test_good");
  EXPECT_EQ(manifest.version, "1.2.3");
  EXPECT_EQ(manifest.description, "test fixture test_good");
  EXPECT_EQ(manifest.library, testing::fixtureDir() / "libaccurate_test_good.so");
  EXPECT_EQ(manifest.abi_major, sdk::kAbiMajor);
  EXPECT_EQ(manifest.abi_minor, sdk::kAbiMinor);
  EXPECT_EQ(manifest.provides,
            (std::vector<std::string>{"user_classes", "sinks", "lifecycle", "options", "commands"}));
}

}  // namespace
}  // namespace accurate::plugin
