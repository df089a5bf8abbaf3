#pragma once
// A GoogleTest fixture that loads a built plugin library (dlopen), checks its exported handshake and creates its
// sdk::Plugin, the way the host does (plugins/*/tests/plugin_library_test.cpp).

#include <accurate/sdk/plugin.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <memory>

namespace accurate::test {

/// Derive with a constructor passing the plugin file; handshake_ and plugin_ are ready in every test.
class PluginLibraryTest : public ::testing::Test {
 protected:
  /// @p file: path of the built plugin library (a compile definition of the test target).
  explicit PluginLibraryTest(const char* file) : file_(file) {}

  void SetUp() override {
    handle_ = dlopen(file_, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    handshake_ = static_cast<const AccuratePluginHandshake*>(dlsym(handle_, "accurate_plugin_handshake"));
    ASSERT_NE(handshake_, nullptr);
    auto* create = reinterpret_cast<sdk::Plugin* (*)()>(dlsym(handle_, "accurate_plugin_create"));
    ASSERT_NE(create, nullptr);
    plugin_.reset(create());
    ASSERT_NE(plugin_, nullptr);
  }
  /// Destroys the plugin, then unloads the library: a derived TearDown must first drop whatever the plugin
  /// handed out, then call this.
  void TearDown() override {
    plugin_.reset();
    if (handle_ != nullptr) dlclose(handle_);
  }

  const char* file_;                                   ///< the plugin library's path
  void* handle_ = nullptr;                             ///< dlopen handle
  const AccuratePluginHandshake* handshake_ = nullptr; ///< the library's handshake
  std::unique_ptr<sdk::Plugin> plugin_;                ///< the plugin it created
};

}  // namespace accurate::test
