#include <accurate/sdk/random.hpp>
#include "template.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace accurate::http_plugin {
namespace {

std::string expand(const std::string& text, std::uint64_t counter = 1, std::uint64_t seed = 1) {
  accurate::sdk::Rng rng(seed);
  ExpandContext context{rng, 7, counter};
  return Template::parse(text, "$.t").expand(context);
}

std::string errorOf(const std::string& text) {
  try {
    Template::parse(text, "$.http.user_classes[0].tasks[0].path");
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Template, KeepsTextWithoutPlaceholders) {
  const Template t = Template::parse("/v2/zones?limit=5", "$.t");
  EXPECT_TRUE(t.constant());
  EXPECT_EQ(expand("/v2/zones?limit=5"), "/v2/zones?limit=5");
  EXPECT_EQ(expand(""), "");
}

TEST(Template, ExpandsUserIdAndCounter) {
  EXPECT_EQ(expand("/users/{user_id}/items/{counter}", 12), "/users/7/items/12");
  EXPECT_FALSE(Template::parse("{counter}", "$.t").constant());
}

TEST(Template, ExpandsUuidsAsVersion4) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  accurate::sdk::Rng rng(3);
  ExpandContext context{rng, 1, 1};
  const Template t = Template::parse("{uuid}", "$.t");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string value = t.expand(context);
    EXPECT_TRUE(std::regex_match(value, uuid)) << value;
    seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Template, DrawsRandomIntegersWithinInclusiveBounds) {
  accurate::sdk::Rng rng(5);
  ExpandContext context{rng, 1, 1};
  const Template t = Template::parse("{random_int:-2:2}", "$.t");
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) seen.insert(t.expand(context));
  EXPECT_EQ(seen, (std::set<std::string>{"-2", "-1", "0", "1", "2"}));
  EXPECT_EQ(expand("{random_int:9:9}"), "9");
}

TEST(Template, DrawsAlphanumericStringsOfTheGivenLength) {
  const std::string value = expand("{random_string:32}");
  EXPECT_EQ(value.size(), 32u);
  EXPECT_TRUE(std::regex_match(value, std::regex("[A-Za-z0-9]{32}")));
}

TEST(Template, IsDeterministicForAGivenSeed) {
  EXPECT_EQ(expand("{uuid}{random_string:8}{random_int:0:1000000}", 1, 99),
            expand("{uuid}{random_string:8}{random_int:0:1000000}", 1, 99));
}

TEST(Template, TurnsDoubledBracesIntoLiteralBraces) {
  EXPECT_EQ(expand("{{uuid}}"), "{uuid}");
  EXPECT_EQ(expand("{{\"a\": {{\"b\": {counter}}}}}", 3), "{\"a\": {\"b\": 3}}");
}

TEST(Template, KeepsJsonBracesThatAreNotPlaceholders) {
  EXPECT_EQ(expand(R"({"id": "{user_id}", "n": {"x": {counter}}})", 4), R"({"id": "7", "n": {"x": 4}})");
  EXPECT_EQ(expand("{}"), "{}");
  EXPECT_EQ(expand("a } b { c"), "a } b { c");
}

TEST(Template, RefusesUnknownPlaceholdersNamingThePath) {
  EXPECT_EQ(errorOf("/items/{uuidd}"),
            "$.http.user_classes[0].tasks[0].path: unknown placeholder {uuidd} (did you mean {uuid}?)");
  EXPECT_EQ(errorOf("/items/{zone}"),
            "$.http.user_classes[0].tasks[0].path: unknown placeholder {zone} (known: {uuid}, {random_int:A:B}, "
            "{random_string:N}, {user_id}, {counter}; write {{ for a literal {)");
}

TEST(Template, RefusesMalformedPlaceholders) {
  const std::string where = "$.http.user_classes[0].tasks[0].path: ";
  EXPECT_EQ(errorOf("{random_int:5:1}"),
            where + "placeholder {random_int:5:1} needs two integers A <= B, e.g. {random_int:1:100}");
  EXPECT_EQ(errorOf("{random_int:1}"),
            where + "placeholder {random_int:1} needs two integers A <= B, e.g. {random_int:1:100}");
  EXPECT_EQ(errorOf("{random_int:a:b}"),
            where + "placeholder {random_int:a:b} needs two integers A <= B, e.g. {random_int:1:100}");
  EXPECT_EQ(errorOf("{random_string:0}"),
            where + "placeholder {random_string:0} needs a length between 1 and 65536, e.g. {random_string:8}");
  EXPECT_EQ(errorOf("{uuid:4}"), where + "placeholder {uuid:4} takes no argument");
  EXPECT_EQ(errorOf("/x/{uuid"), where + "placeholder at offset 3 has no closing } (write {{ for a literal {)");
}

}  // namespace
}  // namespace accurate::http_plugin
