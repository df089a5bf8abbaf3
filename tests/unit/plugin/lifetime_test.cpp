// Everything a plugin hands out keeps its library loaded, and the library is unloaded once all of it is gone.
#include "plugin/host_impl.hpp"
#include "plugin/registry.hpp"
#include "plugin_test_support.hpp"

#include <boost/asio/co_spawn.hpp>

#include <gtest/gtest.h>

#include <dlfcn.h>

namespace accurate::plugin {
namespace {

const std::string kGoodLibrary = (testing::fixtureDir() / "libaccurate_test_good.so").string();

/// True when the good fixture's library is mapped in this process (RTLD_NOLOAD never loads it).
bool goodLibraryLoaded() {
  void* handle = ::dlopen(kGoodLibrary.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  if (handle == nullptr) {
    return false;
  }
  ::dlclose(handle);
  return true;
}

Registrations configureGood(const boost::json::object& sections = {}) {
  PluginRegistry registry({testing::fixtureDir()});
  registry.discover();
  return configurePlugins(registry.load({"test_good"}), sections, sdk::RunSettings{});
}

TEST(PluginLifetime, ARegisteredSinkKeepsTheLibraryLoadedUntilItIsReleased) {
  ASSERT_FALSE(goodLibraryLoaded()) << "an earlier test leaked a reference to the library";
  std::shared_ptr<sdk::StatsSink> sink = configureGood().sinks.at(0).sink;
  // The registry, the LoadedPlugin, the Plugin object and every other registration are gone now.
  EXPECT_TRUE(goodLibraryLoaded());
  sink->onSnapshot(std::make_shared<const sdk::StatsSnapshot>());  // its code is still mapped
  sink.reset();
  EXPECT_FALSE(goodLibraryLoaded());
}

TEST(PluginLifetime, ACopiedTaskFunctionKeepsTheLibraryLoaded) {
  ASSERT_FALSE(goodLibraryLoaded());
  auto make_tasks = configureGood().user_classes.at(0).spec.make_tasks;
  EXPECT_TRUE(goodLibraryLoaded());
  make_tasks = nullptr;
  EXPECT_FALSE(goodLibraryLoaded());
}

TEST(PluginLifetime, ARunningPluginCoroutineHoldsTheLibraryUntilItsFrameIsGone) {
  ASSERT_FALSE(goodLibraryLoaded());
  PluginRegistry registry({testing::fixtureDir()});
  registry.discover();
  auto loaded = registry.load({"test_good"});
  // The app's rule, followed here too: a reference to the library outlives every io_context that ran plugin code,
  // because asio completion handlers (and services) instantiated by plugin code live in the library — the
  // handler that resumes a plugin coroutine is plugin code, so the library must not be unloaded inside run().
  const LibraryPtr guard = loaded.at(0)->library;
  {
    boost::asio::io_context io;
    testing::TestUserContext ctx(io);
    bool done = false;
    {
      auto registrations = configurePlugins(
          loaded, boost::json::object{{"test_good", boost::json::object{{"interval_ms", 20}}}}, sdk::RunSettings{});
      loaded.clear();
      boost::asio::co_spawn(io, registrations.setup_phases.at(0).run(ctx), [&](std::exception_ptr) { done = true; });
    }  // the LoadedPlugin and every registration are gone; the spawned coroutine's frame still holds the library
    EXPECT_GT(guard.use_count(), 1);
    io.run_for(std::chrono::seconds(5));
    ASSERT_TRUE(done);
    EXPECT_EQ(ctx.recorded().samples.size(), 1u);
    EXPECT_EQ(guard.use_count(), 1) << "the finished coroutine's frame still holds the library";
  }
  EXPECT_TRUE(goodLibraryLoaded());
}

TEST(PluginLifetime, TheLibraryIsUnloadedWhenTheLastHolderGoes) {
  ASSERT_FALSE(goodLibraryLoaded());
  PluginRegistry registry({testing::fixtureDir()});
  registry.discover();
  auto loaded = registry.load({"test_good"});
  EXPECT_TRUE(goodLibraryLoaded());
  loaded.clear();
  EXPECT_FALSE(goodLibraryLoaded());
}

}  // namespace
}  // namespace accurate::plugin
