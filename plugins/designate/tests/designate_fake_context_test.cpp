// The test doubles themselves: scripted answers and their order, status checks like the core client, recorded
// samples, tracked background work, cancellation and the run helpers.
#include "designate_fake_context.hpp"

#include <gtest/gtest.h>

namespace accurate::designate::test {
namespace {

using namespace std::chrono_literals;

sdk::HttpRequest request(std::string method, std::string target) {
  sdk::HttpRequest r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

boost::asio::awaitable<void> sleepThenCount(FakeContext& ctx, int& finished) {
  co_await ctx.sleep(5ms);
  ++finished;
}

boost::asio::awaitable<void> fail(std::string message) {
  throw std::runtime_error(message);
  co_return;
}

TEST(DesignateFakeContext, AnswersQueuedRepliesByMatcherThenInOrderThenHandlers) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.replyTo(on("POST", "/v2/zones"), respond(202, R"({"id": "z"})"));
  ctx.client.reply(respond(200, "first"));
  ctx.client.reply(respond(200, "second"));
  ctx.client.handle([](const sdk::HttpRequest& r) -> std::optional<sdk::HttpResponse> {
    if (r.method == "DELETE") return respond(202, "deleted");
    return std::nullopt;
  });
  std::vector<std::string> bodies;
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    // The first GET skips the POST's entry; the POST then takes it although "second" is queued too.
    bodies.push_back((co_await ctx.http().send(request("GET", "/v2/zones"))).body);
    bodies.push_back((co_await ctx.http().send(request("POST", "http://h:1/v2/zones"))).body);
    bodies.push_back((co_await ctx.http().send(request("GET", "/v2/zones"))).body);
    bodies.push_back((co_await ctx.http().send(request("DELETE", "/v2/zones/z"))).body);
    const sdk::HttpResponse nothing = co_await ctx.http().send(request("GET", "/v2/other"));
    bodies.push_back(nothing.error);
  }());
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", R"({"id": "z"})", "second", "deleted",
                                              "fake: no scripted response for GET /v2/other"}));
  EXPECT_EQ(ctx.client.unmatched, std::vector<std::string>{"GET /v2/other"});
  EXPECT_EQ(ctx.client.sent.size(), 5u);
  EXPECT_EQ(ctx.client.pending(), 0u);
}

TEST(DesignateFakeContext, ChecksStatusesAndValidateAndRecordsSamplesLikeTheCoreClient) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.reply(respond(404, "{}"));
  ctx.client.reply(respond(200, "{}"));
  ctx.client.reply(respond(200, "body"));
  ctx.client.reply(transportFailure("connection refused"));
  ctx.client.reply(respond(500, "x"));
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    sdk::HttpRequest expected = request("GET", "/v2/zones/1");
    expected.name = "/v2/zones/ID";
    expected.expected_status = {200, 404};
    EXPECT_TRUE((co_await ctx.http().send(expected)).ok());
    sdk::HttpRequest strict = request("POST", "/v2/zones");
    strict.expected_status = {202};
    EXPECT_EQ((co_await ctx.http().send(strict)).error, "HTTP 200 (expected 202)");
    sdk::HttpRequest validated = request("GET", "http://h/v2/x?y=1");
    validated.keep_body = false;
    validated.validate = [](const sdk::HttpResponse& r) { return r.body == "body" ? "bad body" : ""; };
    const sdk::HttpResponse v = co_await ctx.http().send(validated);
    EXPECT_EQ(v.error, "bad body");
    EXPECT_EQ(v.body, "");  // not kept
    EXPECT_EQ(v.content_length, 4u);
    EXPECT_EQ((co_await ctx.http().send(request("GET", "/a"))).error, "connection refused");
    sdk::HttpRequest quiet = request("GET", "/b");
    quiet.record = false;
    EXPECT_EQ((co_await ctx.http().send(quiet)).error, "HTTP 500");
  }());
  ASSERT_EQ(ctx.recorder.samples.size(), 4u);
  EXPECT_EQ(ctx.recorder.samples[0].name, "/v2/zones/ID");
  EXPECT_EQ(ctx.recorder.samples[1].name, "/v2/zones");
  EXPECT_EQ(ctx.recorder.samples[2].name, "/v2/x?y=1");
  EXPECT_EQ(ctx.recorder.samples[3].error, "connection refused");
  EXPECT_EQ(ctx.recorder.failures(), 3u);
}

TEST(DesignateFakeContext, LatencyDelaysTheAnswerAndBecomesItsElapsedTime) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.client.reply(respond(200, "{}"), 30ms);
  const auto start = std::chrono::steady_clock::now();
  const sdk::HttpResponse r = runToEnd(io, ctx.http().send(request("GET", "/")));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(r.elapsed, 30ms);
}

TEST(DesignateFakeContext, BackgroundWorkRunsToCompletionAndItsExceptionsAreRecorded) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  int finished = 0;
  runToEnd(io, [&]() -> boost::asio::awaitable<void> {
    // Spawned work must not be a capturing lambda's coroutine: the closure would die before the work runs.
    ctx.spawnBackground("ok", sleepThenCount(ctx, finished));
    ctx.spawnBackground("boom", fail("kaput"));
    co_return;
  }());
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(ctx.background_started, 2u);
  EXPECT_EQ(ctx.backgroundRunning(), 0u);
  EXPECT_EQ(ctx.recorder.exceptions, std::vector<std::string>{"designate.test: background 'boom': kaput"});
  EXPECT_EQ(ctx.sleeps, std::vector<std::chrono::microseconds>{5ms});
}

TEST(DesignateFakeContext, CancelBackgroundStopsLongWorkQuietly) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.spawnBackground("long", ctx.sleep(1h));
  EXPECT_FALSE(runUntil(io, [&] { return ctx.backgroundRunning() == 0; }, 50ms));
  ctx.cancelBackground();
  EXPECT_TRUE(runUntil(io, [&] { return ctx.backgroundRunning() == 0; }, 1s));
  EXPECT_TRUE(ctx.recorder.exceptions.empty());
}

TEST(DesignateFakeContext, InstantSleepOnlyRecordsTheDuration) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  ctx.instant_sleep = true;
  const auto start = std::chrono::steady_clock::now();
  runToEnd(io, ctx.sleep(1h));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(ctx.sleeps.size(), 1u);
}

TEST(DesignateFakeContext, RunToEndThrowsWhenTheWorkDoesNotFinishInTime) {
  boost::asio::io_context io;
  FakeContext ctx(io);
  EXPECT_THROW(runToEnd(io, ctx.sleep(1h), 30ms), std::runtime_error);
}

TEST(DesignateFakeContext, RunToEndRethrowsTheWorksException) {
  boost::asio::io_context io;
  EXPECT_THROW(runToEnd(io, []() -> boost::asio::awaitable<int> {
                 throw std::logic_error("bad");
                 co_return 1;
               }()),
               std::logic_error);
  EXPECT_EQ(runToEnd(io, []() -> boost::asio::awaitable<int> { co_return 7; }()), 7);
}

}  // namespace
}  // namespace accurate::designate::test
