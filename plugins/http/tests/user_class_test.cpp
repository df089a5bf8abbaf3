#include <accurate/sdk/random.hpp>
#include "user_class.hpp"

#include "fake_context.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace accurate::http_plugin {
namespace {

std::vector<UserClassDef> classes(const std::string& json) { return parseSection(boost::json::parse(json).as_object()); }

TEST(BuildRequest, ExpandsTheTemplatesAndSetsTheHotPathFlags) {
  const auto defs = classes(R"({"user_classes": [{"name": "api", "headers": {"X-User": "{user_id}"}, "tasks": [
      {"method": "PUT", "path": "/items/{counter}", "body": "{\"n\": {counter}}", "expect_status": [200, 204],
       "timeout": "3s"}]}]})");
  const RequestDef& def = *defs[0].tasks[0].request;
  accurate::sdk::Rng rng(1);
  ExpandContext context{rng, 9, 5};
  sdk::HttpRequest request;
  buildRequest(def, context, request);
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.target, "/items/5");
  EXPECT_EQ(request.headers, (sdk::HttpHeaders{{"X-User", "9"}}));
  EXPECT_EQ(request.body, "{\"n\": 5}");
  EXPECT_EQ(request.name, "/items/{counter}");
  EXPECT_EQ(request.expected_status, (std::vector<unsigned>{200, 204}));
  EXPECT_EQ(request.timeout, std::chrono::milliseconds(3000));
  EXPECT_FALSE(request.keep_headers);
  EXPECT_FALSE(request.keep_body);
  EXPECT_FALSE(request.validate);
}

TEST(BuildRequest, ReusesARequestWithoutKeepingStaleValues) {
  const auto defs = classes(R"({"user_classes": [{"name": "api", "tasks": [
      {"method": "POST", "path": "/a", "headers": {"A": "1", "B": "2"}, "body": "x", "expect_body_contains": "ok"},
      {"path": "/b"}]}]})");
  accurate::sdk::Rng rng(1);
  ExpandContext context{rng, 1, 1};
  sdk::HttpRequest request;
  buildRequest(*defs[0].tasks[0].request, context, request);
  EXPECT_TRUE(request.keep_body);
  ASSERT_TRUE(request.validate);
  buildRequest(*defs[0].tasks[1].request, context, request);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/b");
  EXPECT_TRUE(request.headers.empty());
  EXPECT_TRUE(request.body.empty());
  EXPECT_FALSE(request.keep_body);
  EXPECT_FALSE(request.validate);
}

TEST(BuildRequest, ValidatesTheBodyWhenAsked) {
  const auto defs = classes(R"({"user_classes": [{"name": "api", "tasks": [
      {"path": "/", "expect_body_contains": "\"id\""}]}]})");
  accurate::sdk::Rng rng(1);
  ExpandContext context{rng, 1, 1};
  sdk::HttpRequest request;
  buildRequest(*defs[0].tasks[0].request, context, request);
  ASSERT_TRUE(request.validate);
  sdk::HttpResponse response;
  response.body = "{\"id\": 3}";
  EXPECT_EQ(request.validate(response), "");
  response.body = "{}";
  EXPECT_EQ(request.validate(response), "body does not contain \"\"id\"\"");
}

TEST(MakeUserClass, BuildsTheSdkSpecWithNestedTasks) {
  const auto defs = classes(R"({"user_classes": [{"name": "api", "weight": 3, "fixed_count": 1,
      "wait": {"constant": "1s"}, "tasks": [{"path": "/a", "weight": 2},
      {"name": "g", "tasks": [{"path": "/b"}]}]}]})");
  const sdk::UserClassSpec spec = makeUserClass(defs[0]);
  EXPECT_EQ(spec.name, "http.api");
  EXPECT_EQ(spec.weight, 3);
  EXPECT_EQ(spec.fixed_count, 1u);
  EXPECT_EQ(spec.wait.kind, sdk::WaitTime::Kind::kConstant);
  ASSERT_EQ(spec.tasks.size(), 2u);
  EXPECT_EQ(spec.tasks[0].name, "GET /a");
  EXPECT_EQ(spec.tasks[0].weight, 2);
  EXPECT_TRUE(spec.tasks[0].run);
  EXPECT_FALSE(spec.tasks[1].run);
  ASSERT_EQ(spec.tasks[1].children.size(), 1u);
  EXPECT_TRUE(spec.tasks[1].children[0].run);
  EXPECT_TRUE(spec.make_tasks);
}

TEST(RunRequest, SendsThroughTheUsersClientWithAPerUserCounter) {
  const auto defs = classes(R"({"user_classes": [{"name": "api", "tasks": [{"path": "/n/{counter}/{user_id}"}]}]})");
  const sdk::UserClassSpec spec = makeUserClass(defs[0]);
  boost::asio::io_context io;
  test::FakeContext first(io, 1);
  test::FakeContext second(io, 2);
  auto first_tasks = spec.make_tasks(first);
  auto second_tasks = spec.make_tasks(second);
  for (int i = 0; i < 3; ++i) test::runToEnd(io, spec.tasks[0].run(*first_tasks, first));
  test::runToEnd(io, spec.tasks[0].run(*second_tasks, second));
  ASSERT_EQ(first.client.sent.size(), 3u);
  EXPECT_EQ(first.client.sent[0].target, "/n/1/1");
  EXPECT_EQ(first.client.sent[2].target, "/n/3/1");
  EXPECT_EQ(first.client.sent[2].name, "/n/{counter}/{user_id}");
  ASSERT_EQ(second.client.sent.size(), 1u);
  EXPECT_EQ(second.client.sent[0].target, "/n/1/2");
  EXPECT_FALSE(static_cast<HttpUserTasks&>(*first_tasks).busy);
}

}  // namespace
}  // namespace accurate::http_plugin
