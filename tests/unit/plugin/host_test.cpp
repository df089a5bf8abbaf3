#include "plugin/host_impl.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin/registry.hpp"
#include "plugin_test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <exception>

namespace accurate::plugin {
namespace {

using testing::TestUserContext;

std::shared_ptr<LoadedPlugin> loadGood() {
  PluginRegistry registry({testing::fixtureDir()});
  registry.discover();
  return registry.load({"test_good"}).at(0);
}

Registrations configureGood(const std::string& sections_json) {
  return configurePlugins({loadGood()}, boost::json::parse(sections_json).as_object(), sdk::RunSettings{});
}

/// Runs @p work on @p io (owned by the test) until it completes, at most 5 s; rethrows its exception.
void runToCompletion(boost::asio::io_context& io, boost::asio::awaitable<void> work) {
  bool done = false;
  std::exception_ptr error;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) {
    done = true;
    error = e;
  });
  io.run_for(std::chrono::seconds(5));
  ASSERT_TRUE(done) << "the plugin coroutine did not complete within 5 s";
  if (error) {
    std::rethrow_exception(error);
  }
}

TEST(PluginHost, ALoadedSoRegistersAndItsCoroutineRunsOnTheHostsIoContext) {
  auto registrations = configureGood(R"({"test_good": {"interval_ms": 5}})");
  ASSERT_EQ(registrations.user_classes.size(), 1u);
  ASSERT_EQ(registrations.setup_phases.size(), 1u);
  ASSERT_EQ(registrations.sinks.size(), 1u);
  ASSERT_EQ(registrations.listeners.size(), 1u);
  EXPECT_FALSE(registrations.web_auth.has_value());
  const auto& user_class = registrations.user_classes[0];
  EXPECT_EQ(user_class.plugin, "test_good");
  EXPECT_EQ(user_class.spec.name, "test_good.ticker");
  ASSERT_EQ(user_class.spec.tasks.size(), 1u);
  EXPECT_EQ(user_class.spec.tasks[0].name, "tick");
  EXPECT_EQ(registrations.setup_phases[0].name, "test_good.prepare");
  EXPECT_EQ(registrations.sinks[0].plugin, "test_good");
  EXPECT_EQ(registrations.listeners[0].plugin, "test_good");

  boost::asio::io_context io;
  TestUserContext ctx(io);
  runToCompletion(io, registrations.setup_phases[0].run(ctx));
  auto tasks = user_class.spec.make_tasks(ctx);
  ASSERT_NE(tasks, nullptr);
  io.restart();
  runToCompletion(io, user_class.spec.tasks[0].run(*tasks, ctx));

  const auto& samples = ctx.recorded().samples;
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].method, "SETUP");
  EXPECT_EQ(samples[1].method, "TICK");
  EXPECT_EQ(samples[1].name, "test_good");
  EXPECT_GE(samples[1].response_time_us, 5000u) << "the task did not really wait on its 5 ms timer";

  auto snapshot = std::make_shared<const sdk::StatsSnapshot>();
  registrations.sinks[0].sink->onSnapshot(snapshot);
  registrations.sinks[0].sink->onSnapshot(snapshot);
  EXPECT_EQ(boost::json::serialize(registrations.listeners[0].listener->reportSection(*snapshot)),
            R"({"ticks":1,"snapshots":2,"setups":1})");
  tasks.reset();  // per-user state goes before the spec that made it (the runtime's rule)
}

TEST(PluginHost, ConfigErrorFromAPluginPassesThroughUnchanged) {
  try {
    configureGood(R"({"test_good": {"interval_ms": "fast"}})");
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(dynamic_cast<const PluginError*>(&e), nullptr);
    EXPECT_EQ(e.path(), "$.test_good.interval_ms");
    EXPECT_EQ(std::string(e.what()), "$.test_good.interval_ms: must be an integer between 0 and 10000");
  }
}

TEST(PluginHost, OtherExceptionFromConfigureBecomesOneLineNamingThePlugin) {
  try {
    configureGood(R"({"test_good": {"explode": true}})");
    FAIL() << "no error";
  } catch (const PluginError& e) {
    EXPECT_EQ(e.plugin(), "test_good");
    EXPECT_EQ(std::string(e.what()), "plugin 'test_good': configure failed: exploded on request");
  }
}

TEST(PluginHost, RefusesAConfigSectionThatIsNotAnObject) {
  try {
    configureGood(R"({"test_good": 3})");
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "$.test_good: must be an object");
  }
}

TEST(PluginHost, PassesTheSectionAndSettingsToThePlugin) {
  // Without a section the good plugin uses its defaults and still registers.
  const auto registrations = configureGood(R"({"other": {"x": 1}})");
  EXPECT_EQ(registrations.user_classes.size(), 1u);
}

}  // namespace
}  // namespace accurate::plugin
