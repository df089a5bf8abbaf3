#include "plugin/declarations_impl.hpp"
#include "plugin/plugin_error.hpp"
#include "plugin/registry.hpp"
#include "inline_plugin.hpp"
#include "plugin_test_support.hpp"

#include <gtest/gtest.h>

namespace accurate::plugin {
namespace {

using testing::inlinePlugin;

std::shared_ptr<LoadedPlugin> declaring(const std::string& name, std::function<void(sdk::Declarations&)> body) {
  return inlinePlugin(name, {}, std::move(body));
}

sdk::CommandSpec command(std::string name) {
  return sdk::CommandSpec{std::move(name), "help", [](const sdk::CommandContext&) { return 0; }};
}

std::string declareError(DeclarationsImpl& declarations, const std::shared_ptr<LoadedPlugin>& plugin) {
  try {
    declarations.declare(*plugin);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

TEST(PluginDeclarations, CollectsTheGoodPluginsOptionAndARunnableCommand) {
  PluginRegistry registry({testing::fixtureDir()});
  registry.discover();
  const auto plugin = registry.load({"test_good"}).at(0);
  DeclarationsImpl declarations;
  declarations.declare(*plugin);
  ASSERT_EQ(declarations.options().size(), 1u);
  EXPECT_EQ(declarations.options()[0].plugin, "test_good");
  EXPECT_EQ(declarations.options()[0].spec.flag, "test-good-interval");
  EXPECT_EQ(declarations.options()[0].spec.key, "interval_ms");
  EXPECT_EQ(declarations.options()[0].spec.type, sdk::OptionSpec::Type::kInteger);
  ASSERT_EQ(declarations.commands().size(), 1u);
  EXPECT_EQ(declarations.commands()[0].plugin, "test_good");
  EXPECT_EQ(declarations.commands()[0].spec.name, "test-good echo");

  const boost::json::object config;
  const sdk::RunSettings settings;
  sdk::CommandContext context{{"a", "b"}, &config, &settings, {}};
  EXPECT_EQ(declarations.commands()[0].spec.run(context), 42);
}

TEST(PluginDeclarations, RefusesAFlagAnotherPluginDeclared) {
  DeclarationsImpl declarations;
  declarations.declare(*declaring("a", [](sdk::Declarations& d) { d.addOption({"rate", "rate", "h", {}}); }));
  EXPECT_EQ(declareError(declarations,
                         declaring("b", [](sdk::Declarations& d) { d.addOption({"rate", "x", "h", {}}); })),
            "plugin 'b': option --rate is already declared by plugin 'a'");
}

TEST(PluginDeclarations, RefusesAFlagOfTheCore) {
  DeclarationsImpl declarations({"users", "host"}, {});
  EXPECT_EQ(declareError(declarations,
                         declaring("a", [](sdk::Declarations& d) { d.addOption({"users", "users", "h", {}}); })),
            "plugin 'a': option --users is already an option of accurate");
}

TEST(PluginDeclarations, RefusesMalformedFlagsAndKeys) {
  DeclarationsImpl declarations;
  EXPECT_EQ(declareError(declarations,
                         declaring("a", [](sdk::Declarations& d) { d.addOption({"--rate", "rate", "h", {}}); })),
            "plugin 'a': invalid option flag '--rate' (use lower-case letters, digits and '-', without the leading "
            "dashes)");
  EXPECT_EQ(declareError(declarations,
                         declaring("a", [](sdk::Declarations& d) { d.addOption({"rate", "", "h", {}}); })),
            "plugin 'a': option --rate has an empty config key");
}

TEST(PluginDeclarations, RefusesACommandAnotherPluginOrTheCoreHas) {
  DeclarationsImpl declarations({}, {"plugins"});
  declarations.declare(*declaring("a", [](sdk::Declarations& d) { d.addCommand(command("data prepare")); }));
  EXPECT_EQ(declareError(declarations,
                         declaring("b", [](sdk::Declarations& d) { d.addCommand(command("data prepare")); })),
            "plugin 'b': command 'data prepare' is already declared by plugin 'a'");
  EXPECT_EQ(declareError(declarations, declaring("b", [](sdk::Declarations& d) { d.addCommand(command("plugins")); })),
            "plugin 'b': command 'plugins' is already a command of accurate");
}

TEST(PluginDeclarations, RefusesMalformedCommands) {
  DeclarationsImpl declarations;
  EXPECT_EQ(declareError(declarations,
                         declaring("a", [](sdk::Declarations& d) { d.addCommand(command("data  prepare")); })),
            "plugin 'a': invalid command name 'data  prepare' (use words of lower-case letters, digits and '-', "
            "separated by single spaces)");
  EXPECT_EQ(declareError(declarations, declaring("a", [](sdk::Declarations& d) {
                           d.addCommand(sdk::CommandSpec{"go", "h", {}});
                         })),
            "plugin 'a': command 'go' has no function");
}

TEST(PluginDeclarations, AnExceptionFromDeclareNamesThePlugin) {
  DeclarationsImpl declarations;
  EXPECT_EQ(declareError(declarations,
                         declaring("a", [](sdk::Declarations&) { throw std::logic_error("no options today"); })),
            "plugin 'a': declare failed: no options today");
}

TEST(PluginDeclarations, RefusesCallsOutsideDeclare) {
  DeclarationsImpl declarations;
  EXPECT_THROW(declarations.addOption({"x", "x", "h", {}}), PluginError);
  EXPECT_THROW(declarations.addCommand(command("x")), PluginError);
}

}  // namespace
}  // namespace accurate::plugin
