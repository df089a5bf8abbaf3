#include "plugin/loader.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin_test_support.hpp"

#include <gtest/gtest.h>

namespace accurate::plugin {
namespace {

using testing::fixtureDir;
using testing::fixtureManifest;

/// The PluginError message of loading fixture @p name.
std::string loadError(const PluginManifest& manifest) {
  try {
    loadPlugin(manifest);
  } catch (const PluginError& e) {
    EXPECT_EQ(e.plugin(), manifest.name);
    return e.what();
  }
  return "no error";
}

std::string library(const std::string& name) { return (fixtureDir() / ("libaccurate_" + name + ".so")).string(); }

TEST(Loader, LoadsTheGoodPluginAndReadsItsHandshake) {
  const auto loaded = loadPlugin(fixtureManifest("test_good"));
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->name(), "test_good");
  EXPECT_EQ(loaded->version, "1.2.3");
  EXPECT_EQ(loaded->sdk_version, sdk::kSdkVersion);
  ASSERT_NE(loaded->plugin, nullptr);
  EXPECT_EQ(loaded->plugin->description(), "good test fixture");
}

TEST(Loader, ReturnsErrorWhenPluginAbiMajorDiffers) {
  EXPECT_EQ(loadError(fixtureManifest("test_abi_major")),
            "plugin 'test_abi_major': ABI major 2 does not match host ABI major 1 — rebuild the plugin against "
            "accurate 0.1.0");
}

TEST(Loader, ReturnsErrorWhenPluginAbiMinorIsNewerThanHost) {
  EXPECT_EQ(loadError(fixtureManifest("test_abi_minor")),
            "plugin 'test_abi_minor': ABI minor 3 is newer than host ABI minor 2 — rebuild the plugin against "
            "accurate 0.1.0 or upgrade accurate");
}

TEST(Loader, ReturnsErrorWhenBuildFingerprintDiffers) {
  EXPECT_EQ(loadError(fixtureManifest("test_fingerprint")),
            std::string("plugin 'test_fingerprint': built with a different toolchain (plugin: compiler=clang 99;"
                        "libstdc++=0/abi0;boost=0;c++=0, host: ") +
                ACCURATE_BUILD_FINGERPRINT + ") — rebuild it with the same compiler and Boost");
}

TEST(Loader, ReturnsErrorWhenCreateSymbolIsMissing) {
  EXPECT_EQ(loadError(fixtureManifest("test_no_create")),
            "plugin 'test_no_create': missing symbol accurate_plugin_create in " + library("test_no_create"));
}

TEST(Loader, ReturnsErrorWhenHandshakeSymbolIsMissing) {
  EXPECT_EQ(loadError(fixtureManifest("test_no_handshake")),
            "plugin 'test_no_handshake': missing symbol accurate_plugin_handshake in " +
                library("test_no_handshake") + " — is it built with ACCURATE_PLUGIN?");
}

TEST(Loader, ReturnsErrorWhenFactoryThrows) {
  EXPECT_EQ(loadError(fixtureManifest("test_factory_throws")),
            "plugin 'test_factory_throws': factory threw: cannot open /etc/fixture.conf");
}

TEST(Loader, ReturnsErrorWhenFactoryReturnsNull) {
  EXPECT_EQ(loadError(fixtureManifest("test_factory_null")), "plugin 'test_factory_null': factory returned null");
}

TEST(Loader, ReturnsErrorWhenHandshakeNameDiffersFromManifest) {
  EXPECT_EQ(loadError(fixtureManifest("test_name_mismatch")),
            "plugin 'test_name_mismatch': " + library("test_name_mismatch") +
                " calls itself 'test_other' in ACCURATE_PLUGIN — the manifest name and the ACCURATE_PLUGIN name "
                "must be the same");
}

TEST(Loader, ReturnsErrorWhenLibraryIsNotASharedObject) {
  const auto path = library("test_not_so");
  EXPECT_EQ(loadError(fixtureManifest("test_not_so")),
            "plugin 'test_not_so': cannot load " + path + ": " + path + ": invalid ELF header");
}

TEST(Loader, ReturnsErrorWhenLibraryFileIsMissing) {
  testing::TempDir dir;
  const auto manifest_file = dir.write("gone.plugin.json", testing::manifestText("gone", "libaccurate_gone.so"));
  const auto path = (dir.path() / "libaccurate_gone.so").string();
  EXPECT_EQ(loadError(readManifest(manifest_file)),
            "plugin 'gone': cannot load " + path + ": " + path +
                ": cannot open shared object file: No such file or directory");
}

TEST(Loader, ReturnsErrorWhenManifestNamesAnotherPluginsLibrary) {
  // A copied manifest renamed: the handshake check catches that the library is another plugin.
  auto manifest = fixtureManifest("test_good");
  manifest.name = "alias";
  EXPECT_EQ(loadError(manifest), "plugin 'alias': " + library("test_good") +
                                     " calls itself 'test_good' in ACCURATE_PLUGIN — the manifest name and the "
                                     "ACCURATE_PLUGIN name must be the same");
}

}  // namespace
}  // namespace accurate::plugin
