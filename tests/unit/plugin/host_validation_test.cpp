#include "plugin/host_impl.hpp"
#include "plugin/plugin_error.hpp"
#include "inline_plugin.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace accurate::plugin {
namespace {

using testing::inlinePlugin;

class NoTasks : public sdk::UserTasks {};

boost::asio::awaitable<void> noop(sdk::UserTasks&, sdk::UserContext&) { co_return; }

sdk::TaskSpec leaf(std::string name, double weight) { return sdk::TaskSpec{std::move(name), weight, noop, {}}; }

sdk::TaskSpec group(std::string name, double weight, std::vector<sdk::TaskSpec> children) {
  return sdk::TaskSpec{std::move(name), weight, {}, std::move(children)};
}

sdk::UserClassSpec validClass(std::string name = "u") {
  sdk::UserClassSpec spec;
  spec.name = std::move(name);
  spec.tasks = {leaf("t", 1)};
  spec.make_tasks = [](sdk::UserContext&) { return std::make_unique<NoTasks>(); };
  return spec;
}

/// What configuring plugin "p" (which registers whatever @p body does) throws, as text.
std::string configureError(std::function<void(sdk::Host&)> body) {
  try {
    configurePlugins({inlinePlugin("p", std::move(body))}, {}, sdk::RunSettings{});
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

std::string userClassError(sdk::UserClassSpec spec) {
  return configureError([&spec](sdk::Host& host) { host.addUserClass(std::move(spec)); });
}

TEST(PluginHostValidation, AcceptsNestedGroupsAndZeroWeightedTasks) {
  auto spec = validClass();
  spec.tasks = {leaf("off", 0), group("g", 2, {leaf("a", 1), leaf("b", 0), group("inner", 0, {leaf("c", 0)})})};
  spec.wait = sdk::WaitTime::between(std::chrono::milliseconds(1), std::chrono::milliseconds(2));
  EXPECT_EQ(userClassError(spec), "no error");
}

TEST(PluginHostValidation, RefusesAUserClassWithAnEmptyName) {
  EXPECT_EQ(userClassError(validClass("")), "plugin 'p': a user class has an empty name");
}

TEST(PluginHostValidation, RefusesANegativeOrNonFiniteClassWeight) {
  auto spec = validClass();
  spec.weight = -1;
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': weight -1 must be a number >= 0");
  spec.weight = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': weight nan must be a number >= 0");
}

TEST(PluginHostValidation, RefusesAUserClassWithoutMakeTasks) {
  auto spec = validClass();
  spec.make_tasks = nullptr;
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': make_tasks is not set");
}

TEST(PluginHostValidation, RefusesAUserClassWithoutTasks) {
  auto spec = validClass();
  spec.tasks.clear();
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': has no tasks");
}

TEST(PluginHostValidation, RefusesAUserClassWhoseTasksAllWeighZero) {
  auto spec = validClass();
  spec.tasks = {leaf("a", 0), leaf("b", 0)};
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': has no task with a positive weight");
}

TEST(PluginHostValidation, RefusesANegativeTaskWeight) {
  auto spec = validClass();
  spec.tasks = {leaf("a", 1), group("g", 1, {leaf("b", -2)})};
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': task 'b' has weight -2, expected a number >= 0");
}

TEST(PluginHostValidation, RefusesAnEmptyGroup) {
  auto spec = validClass();
  spec.tasks = {leaf("a", 1), group("g", 1, {})};
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': group 'g' is empty (and has no function)");
}

TEST(PluginHostValidation, RefusesAPositiveGroupWithoutAPositiveMember) {
  auto spec = validClass();
  spec.tasks = {group("g", 1, {leaf("a", 0)})};
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': group 'g' has no member with a positive weight");
}

TEST(PluginHostValidation, RefusesANodeThatIsBothTaskAndGroup) {
  auto spec = validClass();
  auto node = leaf("both", 1);
  node.children = {leaf("a", 1)};
  spec.tasks = {node};
  EXPECT_EQ(userClassError(spec),
            "plugin 'p': user class 'u': task 'both' has both a function and children (a node is a task or a "
            "group)");
}

TEST(PluginHostValidation, RefusesAnUnnamedTask) {
  auto spec = validClass();
  spec.tasks = {leaf("", 1)};
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': a task has an empty name");
}

TEST(PluginHostValidation, RefusesAnInvertedBetweenWait) {
  auto spec = validClass();
  spec.wait = sdk::WaitTime::between(std::chrono::milliseconds(5), std::chrono::milliseconds(1));
  EXPECT_EQ(userClassError(spec),
            "plugin 'p': user class 'u': wait between 5000 and 1000 µs: the minimum exceeds the maximum");
}

TEST(PluginHostValidation, RefusesANonPositiveThroughput) {
  auto spec = validClass();
  spec.wait = sdk::WaitTime::throughput(0);
  EXPECT_EQ(userClassError(spec), "plugin 'p': user class 'u': throughput 0 per second must be a positive number");
}

TEST(PluginHostValidation, RefusesAUserClassNameTakenByAnotherPlugin) {
  const auto a = inlinePlugin("a", [](sdk::Host& host) { host.addUserClass(validClass("shared")); });
  const auto b = inlinePlugin("b", [](sdk::Host& host) { host.addUserClass(validClass("shared")); });
  try {
    configurePlugins({a, b}, {}, sdk::RunSettings{});
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "plugin 'b': user class 'shared' is already registered by plugin 'a'");
  }
}

TEST(PluginHostValidation, RefusesASecondWebAuthProvider) {
  struct AllowAll : sdk::WebAuthProvider {
    sdk::AuthDecision authenticate(const sdk::WebRequestInfo&) override { return {true, 200, {}, "x"}; }
  };
  const auto a = inlinePlugin("a", [](sdk::Host& host) { host.setWebAuth(std::make_shared<AllowAll>()); });
  const auto b = inlinePlugin("b", [](sdk::Host& host) { host.setWebAuth(std::make_shared<AllowAll>()); });
  EXPECT_EQ(configurePlugins({a}, {}, sdk::RunSettings{}).web_auth->plugin, "a");
  try {
    configurePlugins({a, b}, {}, sdk::RunSettings{});
    FAIL() << "no error";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "plugin 'b': a web authentication provider is already set by plugin 'a' (at most one per run)");
  }
}

TEST(PluginHostValidation, RefusesNullObjectsAndEmptySetupPhases) {
  EXPECT_EQ(configureError([](sdk::Host& host) { host.addSink(nullptr); }),
            "plugin 'p': addSink was given a null sink");
  EXPECT_EQ(configureError([](sdk::Host& host) { host.addLifecycleListener(nullptr); }),
            "plugin 'p': addLifecycleListener was given a null listener");
  EXPECT_EQ(configureError([](sdk::Host& host) { host.setWebAuth(nullptr); }),
            "plugin 'p': setWebAuth was given a null provider");
  EXPECT_EQ(configureError([](sdk::Host& host) { host.addSetupPhase("", nullptr); }),
            "plugin 'p': a setup phase has an empty name");
  EXPECT_EQ(configureError([](sdk::Host& host) { host.addSetupPhase("prep", nullptr); }),
            "plugin 'p': setup phase 'prep' has no function");
}

TEST(PluginHostValidation, AFailingConfigureRegistersNothing) {
  struct NullSink : sdk::StatsSink {
    void onSnapshot(std::shared_ptr<const sdk::StatsSnapshot>) override {}
  };
  Registrations registrations;
  sdk::RunSettings settings;
  HostImpl host(inlinePlugin("p",
                             [](sdk::Host& h) {
                               h.addSink(std::make_shared<NullSink>());
                               h.addUserClass(validClass());
                               throw sdk::ConfigError("$.p.x", "bad");
                             }),
                {}, settings, registrations);
  EXPECT_THROW(host.configure(), sdk::ConfigError);
  EXPECT_TRUE(registrations.sinks.empty());
  EXPECT_TRUE(registrations.user_classes.empty());
}

TEST(PluginHostValidation, ANonStandardExceptionFromConfigureIsNamed) {
  EXPECT_EQ(configureError([](sdk::Host&) { throw 42; }),
            "plugin 'p': configure failed: an exception that is not a std::exception");
}

TEST(PluginHostValidation, GivesThePluginItsSectionAndTheRunSettings) {
  std::string seen_host;
  std::int64_t seen_value = 0;
  const auto p = inlinePlugin("p", [&](sdk::Host& host) {
    seen_host = host.settings().host;
    seen_value = host.config().at("value").as_int64();
  });
  sdk::RunSettings settings;
  settings.host = "http://127.0.0.1:1";
  boost::json::object sections{{"p", boost::json::object{{"value", 7}}}};
  configurePlugins({p}, sections, settings);
  EXPECT_EQ(seen_host, "http://127.0.0.1:1");
  EXPECT_EQ(seen_value, 7);
}

}  // namespace
}  // namespace accurate::plugin
