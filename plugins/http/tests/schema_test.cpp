#include <accurate/sdk/random.hpp>
#include "schema.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace accurate::http_plugin {
namespace {

using std::chrono::microseconds;

boost::json::object section(const std::string& json) {
  boost::json::parse_options options;
  options.allow_comments = true;
  options.allow_trailing_commas = true;
  return boost::json::parse(json, {}, options).as_object();
}

std::string errorOf(const std::string& json) {
  try {
    parseSection(section(json));
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string expand(const Template& t) {
  accurate::sdk::Rng rng(1);
  ExpandContext context{rng, 1, 1};
  return t.expand(context);
}

TEST(ParseSection, RegistersADefaultGetClassWithoutUserClasses) {
  for (const char* json : {"{}", R"({"user_classes": []})"}) {
    const auto classes = parseSection(section(json));
    ASSERT_EQ(classes.size(), 1u);
    EXPECT_EQ(classes[0].name, "get");
    ASSERT_EQ(classes[0].tasks.size(), 1u);
    EXPECT_EQ(classes[0].tasks[0].name, "GET /");
    ASSERT_TRUE(classes[0].tasks[0].request);
    EXPECT_EQ(classes[0].tasks[0].request->method, "GET");
    EXPECT_EQ(classes[0].tasks[0].request->target.source(), "/");
    EXPECT_EQ(classes[0].wait.kind, sdk::WaitTime::Kind::kNone);
  }
}

TEST(ParseSection, UsesThePathOptionForTheDefaultClass) {
  const auto classes = parseSection(section(R"({"path": "/health?x={counter}"})"));
  EXPECT_EQ(classes[0].tasks[0].name, "GET /health?x={counter}");
  EXPECT_EQ(classes[0].tasks[0].request->stats_name, "/health?x={counter}");
  EXPECT_EQ(errorOf(R"({"path": "health"})"),
            "$.http.path: expected a path starting with / or an http(s):// URL, got \"health\"");
  EXPECT_EQ(errorOf(R"({"path": "/x", "user_classes": [{"name": "a", "tasks": [{"path": "/"}]}]})"),
            "$.http.path: only applies to the default class (when no user_classes are configured)");
}

TEST(ParseSection, ReadsTheDocumentedExample) {
  const auto classes = parseSection(section(R"({
    "user_classes": [
      { "name": "api", "weight": 2, "fixed_count": 2,
        "wait": {"between": ["100ms", "1s"]},
        "headers": {"Accept": "application/json", "X-User": "{user_id}"},
        "tasks": [
          { "name": "get item", "weight": 3, "method": "get", "path": "/items/{random_int:1:100}",
            "headers": {"accept": "text/plain"}, "body": "{\"id\": \"{uuid}\"}", "expect_status": [200, 404],
            "expect_body_contains": "id", "stats_name": "/items/ID", "timeout": "2s" },
          { "name": "writes", "weight": 1, "tasks": [
              {"method": "POST", "path": "/items", "expect_status": 201},
              {"path": "/items/{counter}", "weight": 0} ] } ] } ] })"));
  ASSERT_EQ(classes.size(), 1u);
  const UserClassDef& api = classes[0];
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.weight, 2);
  EXPECT_EQ(api.fixed_count, 2u);
  EXPECT_EQ(api.wait.kind, sdk::WaitTime::Kind::kBetween);
  EXPECT_EQ(api.wait.min, microseconds(100'000));
  EXPECT_EQ(api.wait.max, microseconds(1'000'000));
  ASSERT_EQ(api.tasks.size(), 2u);

  const TaskDef& get = api.tasks[0];
  EXPECT_EQ(get.name, "get item");
  EXPECT_EQ(get.weight, 3);
  const RequestDef& request = *get.request;
  EXPECT_EQ(request.method, "GET");
  ASSERT_EQ(request.headers.size(), 2u);
  EXPECT_EQ(request.headers[0].first, "Accept");  // the class header, overridden case-insensitively
  EXPECT_EQ(expand(request.headers[0].second), "text/plain");
  EXPECT_EQ(request.headers[1].first, "X-User");
  EXPECT_EQ(expand(request.headers[1].second), "1");
  ASSERT_TRUE(request.body.has_value());
  EXPECT_EQ(request.expect_status, (std::vector<unsigned>{200, 404}));
  EXPECT_EQ(request.expect_body_contains, "id");
  EXPECT_EQ(request.stats_name, "/items/ID");
  EXPECT_EQ(request.timeout, std::chrono::milliseconds(2000));

  const TaskDef& writes = api.tasks[1];
  EXPECT_EQ(writes.name, "writes");
  EXPECT_FALSE(writes.request);
  ASSERT_EQ(writes.children.size(), 2u);
  EXPECT_EQ(writes.children[0].name, "POST /items");
  EXPECT_EQ(writes.children[0].request->expect_status, std::vector<unsigned>{201});
  EXPECT_EQ(writes.children[0].request->stats_name, "");  // a constant path names itself
  EXPECT_EQ(writes.children[1].request->stats_name, "/items/{counter}");
  EXPECT_EQ(writes.children[1].weight, 0);
  EXPECT_EQ(writes.children[1].request->headers.size(), 2u);  // class headers reach nested tasks
}

TEST(ParseSection, ReportsErrorsWithTheirJsonPath) {
  const std::string task_prefix = R"({"user_classes": [{"name": "a", "tasks": [{"path": "/"}, )";
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "weight": -1}]}]})"),
            "$.http.user_classes[0].tasks[1].weight: expected a non-negative number, got -1");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/{nope}"}]}]})"),
            "$.http.user_classes[0].tasks[1].path: unknown placeholder {nope} (known: {uuid}, {random_int:A:B}, "
            "{random_string:N}, {user_id}, {counter}; write {{ for a literal {)");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "body": "{random_int:2:1}"}]}]})"),
            "$.http.user_classes[0].tasks[1].body: placeholder {random_int:2:1} needs two integers A <= B, e.g. "
            "{random_int:1:100}");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "headers": {"X": "{zzzzzzz}"}}]}]})"),
            "$.http.user_classes[0].tasks[1].headers.X: unknown placeholder {zzzzzzz} (known: {uuid}, "
            "{random_int:A:B}, {random_string:N}, {user_id}, {counter}; write {{ for a literal {)");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "methd": "GET"}]}]})"),
            "$.http.user_classes[0].tasks[1].methd: unknown key (did you mean \"method\"?)");
  EXPECT_EQ(errorOf(task_prefix + R"({"method": "GET"}]}]})"),
            "$.http.user_classes[0].tasks[1]: needs either \"path\" (a request) or \"tasks\" (a group)");
  EXPECT_EQ(errorOf(task_prefix + R"({"tasks": [{"path": "/"}]}]}]})"),
            "$.http.user_classes[0].tasks[1]: a group needs a \"name\"");
  EXPECT_EQ(errorOf(task_prefix + R"({"name": "g", "tasks": []}]}]})"),
            "$.http.user_classes[0].tasks[1].tasks: expected at least one task");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "method": "GE T"}]}]})"),
            "$.http.user_classes[0].tasks[1].method: expected an HTTP method such as \"GET\", got \"GE T\"");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "expect_status": [200, 600]}]}]})"),
            "$.http.user_classes[0].tasks[1].expect_status[1]: expected an integer between 100 and 599, got 600");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "headers": {"Bad Name": "x"}}]}]})"),
            "$.http.user_classes[0].tasks[1].headers.Bad Name: invalid header name");
  EXPECT_EQ(errorOf(task_prefix + R"({"path": "/", "timeout": "0s"}]}]})"),
            "$.http.user_classes[0].tasks[1].timeout: must be longer than 0ms");
}

TEST(ParseSection, ReportsClassErrorsWithTheirJsonPath) {
  EXPECT_EQ(errorOf(R"({"user_clases": []})"), "$.http.user_clases: unknown key (did you mean \"user_classes\"?)");
  EXPECT_EQ(errorOf(R"({"user_classes": {}})"), "$.http.user_classes: expected an array, got {}");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"tasks": [{"path": "/"}]}]})"),
            "$.http.user_classes[0]: a user class needs a \"name\"");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"name": "a b", "tasks": [{"path": "/"}]}]})"),
            "$.http.user_classes[0].name: expected letters, digits, '_', '-' or '.', got \"a b\"");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"name": "a", "tasks": [{"path": "/"}]},
                                          {"name": "a", "tasks": [{"path": "/"}]}]})"),
            "$.http.user_classes[1].name: user class \"a\" is defined twice");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"name": "a", "tasks": [{"path": "/", "weight": 0}]}]})"),
            "$.http.user_classes[0].tasks: needs at least one task with a positive weight");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"name": "a"}]})"), "$.http.user_classes[0]: a user class needs \"tasks\"");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"name": "a", "fixed_count": -1, "tasks": [{"path": "/"}]}]})"),
            "$.http.user_classes[0].fixed_count: expected a non-negative integer, got -1");
  EXPECT_EQ(errorOf(R"({"user_classes": [{"name": "a", "wait": {"between": ["2s", "1s"]}, "tasks": [{"path": "/"}]}]})"),
            "$.http.user_classes[0].wait.between: the minimum exceeds the maximum");
}

TEST(ParseWait, ReadsEveryForm) {
  EXPECT_EQ(parseWait(boost::json::value("none"), "$.w").kind, sdk::WaitTime::Kind::kNone);
  const auto constant = parseWait(boost::json::parse(R"({"constant": "1s"})"), "$.w");
  EXPECT_EQ(constant.kind, sdk::WaitTime::Kind::kConstant);
  EXPECT_EQ(constant.min, microseconds(1'000'000));
  const auto pacing = parseWait(boost::json::parse(R"({"pacing": 0.5})"), "$.w");
  EXPECT_EQ(pacing.kind, sdk::WaitTime::Kind::kPacing);
  EXPECT_EQ(pacing.min, microseconds(500'000));
  const auto throughput = parseWait(boost::json::parse(R"({"throughput": 2})"), "$.w");
  EXPECT_EQ(throughput.kind, sdk::WaitTime::Kind::kThroughput);
  EXPECT_EQ(throughput.per_second, 2);
}

TEST(ParseWait, RefusesMalformedWaits) {
  const auto error = [](const std::string& json) {
    try {
      parseWait(boost::json::parse(json), "$.w");
    } catch (const sdk::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string expected =
      "$.w: expected \"none\", {\"between\": [MIN, MAX]}, {\"constant\": T}, {\"pacing\": T} or {\"throughput\": N}";
  EXPECT_EQ(error(R"("sometimes")"), expected + ", got \"sometimes\"");
  EXPECT_EQ(error(R"({"constant": "1s", "pacing": "1s"})"), expected + ", got {\"constant\":\"1s\",\"pacing\":\"1s\"}");
  EXPECT_EQ(error(R"({"constnat": "1s"})"), "$.w.constnat: unknown key (did you mean \"constant\"?)");
  EXPECT_EQ(error(R"({"between": ["1s"]})"), "$.w.between: expected [MIN, MAX], got [\"1s\"]");
  EXPECT_EQ(error(R"({"between": ["1s", "2x"]})"), "$.w.between[1]: cannot parse duration \"2x\" (use e.g. 30s, 5m, 1h30m)");
  EXPECT_EQ(error(R"({"pacing": "0s"})"), "$.w.pacing: must be longer than 0ms");
  EXPECT_EQ(error(R"({"throughput": 0})"), "$.w.throughput: expected a positive number, got 0");
}

}  // namespace
}  // namespace accurate::http_plugin
