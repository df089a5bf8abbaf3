#include "config/config_file.hpp"

#include "temp_dir.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <functional>

#include "unit/config/error_of.hpp"

namespace accurate::config {
namespace {

using test::errorOf;

TEST(ParseConfigText, AcceptsCommentsAndTrailingCommas) {
  const auto object = parseConfigText("// c\n{ /* x */ \"a\": [1, 2,], \"b\": {\"c\": 1,}, } // after\n", "f");
  EXPECT_EQ(object.at("a").as_array().size(), 2u);
}

TEST(ParseConfigText, ReportsSyntaxErrorsWithLineAndColumn) {
  EXPECT_EQ(errorOf([] { parseConfigText("{\n  \"a\": 1\n  \"b\": 2\n}", "config.jsonc"); }),
            "config.jsonc:3:3: invalid JSON (syntax error)");
  EXPECT_EQ(errorOf([] { parseConfigText("{\"a\": 1", "config.jsonc"); }),
            "config.jsonc:1:8: invalid JSON (incomplete JSON)");
  EXPECT_EQ(errorOf([] { parseConfigText("{} x", "config.jsonc"); }), "config.jsonc:1:4: invalid JSON (syntax error)");
  EXPECT_EQ(errorOf([] { parseConfigText("", "config.jsonc"); }), "config.jsonc:1:1: invalid JSON (incomplete JSON)");
}

TEST(ParseConfigText, RequiresAnObject) {
  EXPECT_EQ(errorOf([] { parseConfigText("[1, 2]", "config.jsonc"); }),
            "config.jsonc: $: expected an object, got [1,2]");
}

TEST(ReadConfigFile, ReportsUnreadableFiles) {
  test::TempDir dir;
  const std::string path = dir.write("x.json", "{}");
  EXPECT_TRUE(readConfigFile(path).empty());
  EXPECT_EQ(errorOf([] { readConfigFile("/nonexistent/x.json"); }),
            "/nonexistent/x.json: cannot read the config file (No such file or directory)");
  EXPECT_EQ(errorOf([] { readConfigFile("/"); }), "/: cannot read the config file (it is a directory)");
}

}  // namespace
}  // namespace accurate::config
