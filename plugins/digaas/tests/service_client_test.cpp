// observerBody (per change type, digaas.md §3) and postObservers (one POST per nameserver through the user's
// client, counters, the first failure logged once, skips) with a scripted HttpClient.
#include "service_client.hpp"
#include "settings.hpp"

#include <gtest/gtest.h>

#include <accurate/sdk/host.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <sstream>

namespace accurate::digaas {
namespace {

using Type = sdk::DnsChange::Type;

Settings twoNameservers() {
  Settings settings;
  settings.nameservers = {{"127.0.0.1", 5353, "127.0.0.1:5353"}, {"::1", 53, "[::1]:53"}};
  settings.endpoint = "http://127.0.0.1:8123/";
  settings.timeout = std::chrono::milliseconds(30000);
  settings.interval = std::chrono::milliseconds(500);
  return settings;
}

sdk::DnsChange change(Type type) {
  sdk::DnsChange c;
  c.type = type;
  c.zone = "example.test.";
  c.name = type == Type::kZoneCreate || type == Type::kZoneUpdate || type == Type::kZoneDelete ? "example.test."
                                                                                                 : "www.example.test.";
  c.start_time = 1764115192.25;
  if (type == Type::kZoneUpdate) c.serial = 1764115193u;
  if (type == Type::kRecordCreate || type == Type::kRecordUpdate || type == Type::kRecordDelete) c.rdatatype = "A";
  if (type == Type::kRecordCreate || type == Type::kRecordUpdate) c.rdata = "192.0.2.7";
  return c;
}

boost::json::object parsed(const std::string& body) { return boost::json::parse(body).as_object(); }

TEST(ServiceClientBody, ZoneCreateHasTheCommonFieldsOnlyWithAFloatStartTime) {
  const auto body = parsed(observerBody(change(Type::kZoneCreate), "127.0.0.1", twoNameservers()));
  EXPECT_EQ(body.size(), 6u);
  EXPECT_EQ(body.at("name").as_string(), "example.test.");
  EXPECT_EQ(body.at("nameserver").as_string(), "127.0.0.1");
  EXPECT_EQ(body.at("type").as_string(), "ZONE_CREATE");
  ASSERT_TRUE(body.at("start_time").is_double());
  EXPECT_DOUBLE_EQ(body.at("start_time").as_double(), 1764115192.25);
  EXPECT_EQ(body.at("timeout").as_int64(), 30);        // whole seconds: an integer
  EXPECT_DOUBLE_EQ(body.at("interval").as_double(), 0.5);  // fractional: a float
}

TEST(ServiceClientBody, WholeSecondStartTimeIsStillAJsonFloat) {
  auto c = change(Type::kZoneDelete);
  c.start_time = 1764115192.0;
  const std::string text = observerBody(c, "127.0.0.1", twoNameservers());
  EXPECT_TRUE(boost::json::parse(text).as_object().at("start_time").is_double()) << text;
  EXPECT_EQ(parsed(text).at("type").as_string(), "ZONE_DELETE");
}

TEST(ServiceClientBody, ZoneUpdateCarriesTheSerialAsAnInteger) {
  const auto body = parsed(observerBody(change(Type::kZoneUpdate), "127.0.0.1", twoNameservers()));
  EXPECT_EQ(body.at("type").as_string(), "ZONE_UPDATE");
  EXPECT_EQ(body.at("serial").as_int64(), 1764115193);
  EXPECT_FALSE(body.contains("rdata"));
}

TEST(ServiceClientBody, RecordChangesCarryRdataAndRdatatype) {
  for (const Type type : {Type::kRecordCreate, Type::kRecordUpdate}) {
    const auto body = parsed(observerBody(change(type), "10.0.0.1", twoNameservers()));
    EXPECT_EQ(body.at("type").as_string(), changeTypeName(type));
    EXPECT_EQ(body.at("name").as_string(), "www.example.test.");
    EXPECT_EQ(body.at("rdata").as_string(), "192.0.2.7");
    EXPECT_EQ(body.at("rdatatype").as_string(), "A");
    EXPECT_FALSE(body.contains("serial"));
  }
}

TEST(ServiceClientBody, RecordDeleteWithoutRdataSendsThePlaceholder) {
  auto body = parsed(observerBody(change(Type::kRecordDelete), "10.0.0.1", twoNameservers()));
  EXPECT_EQ(body.at("rdata").as_string(), kDeletePlaceholderRdata);
  EXPECT_EQ(body.at("rdatatype").as_string(), "A");
  auto with_data = change(Type::kRecordDelete);
  with_data.rdata = "192.0.2.9";
  body = parsed(observerBody(with_data, "10.0.0.1", twoNameservers()));
  EXPECT_EQ(body.at("rdata").as_string(), "192.0.2.9");
}

TEST(ServiceClientBody, UnpostableChangesHaveASkipReasonAndNoBody) {
  auto no_serial = change(Type::kZoneUpdate);
  no_serial.serial.reset();
  EXPECT_EQ(observerSkipReason(no_serial), "no_serial");
  EXPECT_EQ(observerBody(no_serial, "127.0.0.1", twoNameservers()), "");
  auto no_type = change(Type::kRecordDelete);
  no_type.rdatatype.clear();
  EXPECT_EQ(observerSkipReason(no_type), "no_rdatatype");
  auto no_data = change(Type::kRecordUpdate);
  no_data.rdata.clear();
  EXPECT_EQ(observerSkipReason(no_data), "no_rdata");
  EXPECT_EQ(observerSkipReason(change(Type::kRecordDelete)), "");
}

// ---- postObservers ----------------------------------------------------------------------------------------

class Recorder final : public sdk::StatsRecorder {
 public:
  void record(const sdk::Sample&) override { ++samples; }
  void recordException(std::string_view) override {}
  void count(std::string_view counter, std::uint64_t n) override { counters[std::string(counter)] += n; }
  std::uint64_t counter(const std::string& name) const {
    const auto it = counters.find(name);
    return it == counters.end() ? 0 : it->second;
  }
  int samples = 0;                                 ///< record() calls (must stay 0: record = false)
  std::map<std::string, std::uint64_t> counters;   ///< count() totals
};

/// Answers with a handler; applies expected_status and validate like the core client.
class Client final : public sdk::HttpClient {
 public:
  std::function<sdk::HttpResponse(const sdk::HttpRequest&)> handler;
  std::vector<sdk::HttpRequest> sent;
  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest& request) override {
    sent.push_back(request);
    co_await boost::asio::post(co_await boost::asio::this_coro::executor, boost::asio::use_awaitable);
    sdk::HttpResponse response = handler(request);
    if (response.error.empty()) {
      const auto& ok = request.expected_status;
      if (std::find(ok.begin(), ok.end(), response.status) == ok.end()) {
        response.error = "HTTP " + std::to_string(response.status);
      } else if (request.validate) {
        response.error = request.validate(response);
      }
    }
    co_return response;
  }
  void closeConnections() override {}
};

class Context final : public sdk::UserContext {
 public:
  explicit Context(boost::asio::io_context& io) : io_(io) {}
  sdk::HttpClient& http() override { return client; }
  sdk::StatsRecorder& stats() override { return recorder; }
  sdk::Rng& rng() override { return rng_; }
  std::uint64_t userId() const override { return 1; }
  const std::string& userClass() const override { return class_; }
  const sdk::RunSettings& settings() const override { return settings_; }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  bool stopping() const override { return false; }
  boost::asio::awaitable<void> sleep(std::chrono::microseconds) override { co_return; }
  void spawnBackground(std::string what, boost::asio::awaitable<void> work) override {
    spawned.push_back(what);
    boost::asio::co_spawn(io_, std::move(work), [](std::exception_ptr) {});
  }
  void publishChange(const sdk::DnsChange&) override {}

  Client client;
  Recorder recorder;
  std::vector<std::string> spawned;

 private:
  boost::asio::io_context& io_;
  sdk::Rng rng_{1};
  std::string class_ = "test";
  sdk::RunSettings settings_;
};

sdk::HttpResponse created(int id) {
  sdk::HttpResponse response;
  response.status = 201;
  response.body = "{\"id\": " + std::to_string(id) + ", \"status\": \"ACCEPTED\"}";
  return response;
}

/// Captures warnings of the default logger while alive.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  /// Number of lines logged.
  int lines() const {
    const std::string text = stream_.str();
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }
  std::string text() const { return stream_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream stream_;
};

TEST(ServiceClientPost, PostsOneObserverPerNameserverWithoutSamplesAndCountsThem) {
  boost::asio::io_context io;
  Context ctx(io);
  int next_id = 1;
  ctx.client.handler = [&](const sdk::HttpRequest&) { return created(next_id++); };
  auto client = std::make_shared<ServiceClient>(std::make_shared<const Settings>(twoNameservers()));
  client->observe(change(Type::kRecordCreate), ctx);
  io.run_for(std::chrono::seconds(5));
  ASSERT_EQ(ctx.spawned, std::vector<std::string>{"digaas observers"});
  ASSERT_EQ(ctx.client.sent.size(), 2u);
  for (const auto& request : ctx.client.sent) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "http://127.0.0.1:8123/observers");
    EXPECT_FALSE(request.record);
    ASSERT_TRUE(request.timeout);
    EXPECT_EQ(*request.timeout, kObserverPostTimeout);
  }
  EXPECT_EQ(parsed(ctx.client.sent[0].body).at("nameserver").as_string(), "127.0.0.1");  // the IP, no port
  EXPECT_EQ(parsed(ctx.client.sent[1].body).at("nameserver").as_string(), "::1");
  EXPECT_EQ(ctx.recorder.counter("digaas.observers_posted"), 2u);
  EXPECT_EQ(ctx.recorder.counter("digaas.observer_post_failures"), 0u);
  EXPECT_EQ(ctx.recorder.samples, 0);
}

TEST(ServiceClientPost, FailuresAreCountedAndOnlyTheFirstIsLogged) {
  LogCapture log;
  boost::asio::io_context io;
  Context ctx(io);
  int calls = 0;
  ctx.client.handler = [&](const sdk::HttpRequest&) {
    ++calls;
    sdk::HttpResponse response;
    if (calls == 1) {
      response.status = 400;
      response.body = "{\"error\": \"unknown type\"}";
    } else if (calls == 2) {
      response.status = 201;
      response.body = "{\"id\": \"seven\"}";  // not an integer id
    } else {
      response.error = "connection refused";
    }
    return response;
  };
  auto client = std::make_shared<ServiceClient>(std::make_shared<const Settings>(twoNameservers()));
  for (int i = 0; i < 3; ++i) client->observe(change(Type::kZoneCreate), ctx);
  io.run_for(std::chrono::seconds(5));
  EXPECT_EQ(ctx.client.sent.size(), 6u);
  EXPECT_EQ(ctx.recorder.counter("digaas.observer_post_failures"), 6u);
  EXPECT_EQ(ctx.recorder.counter("digaas.observers_posted"), 0u);
  EXPECT_EQ(log.lines(), 1) << log.text();
  EXPECT_NE(log.text().find("HTTP 400"), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("unknown type"), std::string::npos) << log.text();
}

TEST(ServiceClientPost, UnpostableChangesAndAnUnavailableServiceAreSkippedAndCounted) {
  LogCapture log;
  boost::asio::io_context io;
  Context ctx(io);
  ctx.client.handler = [](const sdk::HttpRequest&) { return created(1); };
  auto client = std::make_shared<ServiceClient>(std::make_shared<const Settings>(twoNameservers()));
  auto no_serial = change(Type::kZoneUpdate);
  no_serial.serial.reset();
  client->observe(no_serial, ctx);
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(ctx.recorder.counter("digaas.observers_skipped.no_serial"), 2u);
  client->markUnavailable();
  client->observe(change(Type::kZoneCreate), ctx);
  io.restart();
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(ctx.recorder.counter("digaas.observers_skipped.unavailable"), 2u);
  EXPECT_TRUE(ctx.client.sent.empty());
  EXPECT_FALSE(client->claimFirstFailure());  // nothing more would be logged
  EXPECT_EQ(log.lines(), 0) << log.text();
}

}  // namespace
}  // namespace accurate::digaas
