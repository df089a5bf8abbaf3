#include "cluster/locust_stats.hpp"

#include "unit/cluster/locust_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <string>

namespace accurate::cluster {
namespace {

using ::testing::HasSubstr;
using msgpack::DecodeError;
using msgpack::Map;
using msgpack::Value;
using sdk::EntryStats;
using sdk::Histogram;

constexpr double kNow = 1795599745.5;

/// Count of the bucket that holds @p value_us in @p h.
std::uint64_t countAt(const Histogram& h, std::uint64_t value_us) {
  const std::uint32_t index = Histogram::bucketIndex(value_us);
  for (const auto& [i, n] : h.nonZeroBuckets()) {
    if (i == index) return n;
  }
  return 0;
}

void expectSameHistogram(const Histogram& a, const Histogram& b, const std::string& what) {
  EXPECT_EQ(a.nonZeroBuckets(), b.nonZeroBuckets()) << what;
  EXPECT_EQ(a.count(), b.count()) << what;
  EXPECT_EQ(a.min(), b.min()) << what;
  EXPECT_EQ(a.max(), b.max()) << what;
}

WorkerReport sampleReport() {
  WorkerReport r;
  r.start_time = 1795599742.0881457;
  EntryStats a;
  a.method = "GET";
  a.name = "/v2/zones";
  for (std::uint64_t us : {120ull, 2048ull, 2049ull, 145000ull, 147300ull, 999700ull, 58760000ull, 3000000000ull}) {
    a.response_times.record(us);
    a.total_response_time_us += us;
  }
  a.num_requests = 8;
  a.num_failures = 2;
  a.total_content_length = 12345;
  a.first_sample_time = 1795599742.25;
  a.last_sample_time = 1795599745.75;
  a.intended_response_times.record(150000, 3);
  a.intended_response_times.record(900000, 5);
  // A delta from subtract(): min and max become bucket bounds.
  EntryStats b;
  b.method = "POST";
  b.name = "/fail";
  Histogram older;
  older.record(20000);
  b.response_times = older;
  b.response_times.record(31000, 2);
  b.response_times.record(77777);
  b.response_times.subtract(older);
  b.num_requests = 3;
  b.num_failures = 3;
  b.total_response_time_us = 31000 * 2 + 77777;
  b.first_sample_time = 1795599743.5;
  b.last_sample_time = 1795599744.5;
  r.delta.entries = {a, b};
  r.per_second = {{{{1795599742, 3}, {1795599745, 5}}, {{1795599745, 2}}}, {{{1795599743, 3}}, {{1795599743, 3}}}};
  r.delta.errors = {{"POST", "/fail", "HTTP 500", 3}, {"GET", "/v2/zones", "timeout 'x'", 2}};
  r.delta.exceptions = {{"task crashed: boom", 2}};
  r.delta.counters = {{"skipped.remove_domain", 5}};
  r.user_classes_count = {{"designate.ZoneUser", 1}, {"http.WebUser", 3}};
  return r;
}

/// The stats map through the wire and back.
WorkerReport roundTrip(const Value& data) { return parseStatsReport(msgpack::decode(msgpack::encode(data))); }

/// The data of the real worker's stats message that holds the /bucket entry.
Value realStatsWithRequests() {
  for (const auto& m : testing::messagesOf(testing::loadCapture("worker_2_12_1.jsonl"), "W->M", "stats")) {
    Value data = decodeEnvelope(m.payload()).data;
    for (const Value& e : data.at("stats").asArray()) {
      if (e.at("name").asStr() == "/bucket") return data;
    }
  }
  throw std::runtime_error("fixture has no stats with /bucket");
}

const EntryStats& entryNamed(const WorkerReport& r, std::string_view name) {
  for (const auto& e : r.delta.entries) {
    if (e.name == name) return e;
  }
  throw std::runtime_error("no entry " + std::string(name));
}

/// @p map with @p key set to @p value (replaced or appended).
Value with(const Value& map, std::string_view key, Value value) {
  Map out;
  bool replaced = false;
  for (const auto& [k, v] : map.asMap()) {
    if (k.isStr() && k.asStr() == key) {
      out.emplace_back(k, value);
      replaced = true;
    } else {
      out.emplace_back(k, v);
    }
  }
  if (!replaced) out.emplace_back(Value(key), std::move(value));
  return Value(std::move(out));
}

Value without(const Value& map, std::string_view key) {
  Map out;
  for (const auto& [k, v] : map.asMap()) {
    if (!(k.isStr() && k.asStr() == key)) out.emplace_back(k, v);
  }
  return Value(std::move(out));
}

TEST(LocustStatsTest, BucketMatchesPythonRoundForEveryFixtureCase) {
  const boost::json::object root =
      boost::json::parse(testing::readLocustFixture("python_round_cases.json")).as_object();
  const auto& cases = root.at("cases").as_array();
  ASSERT_GT(cases.size(), 1000u);
  int mismatches = 0;
  for (const auto& c : cases) {
    const auto& o = c.as_object();
    const double value = std::bit_cast<double>(std::stoull(std::string(o.at("bits").as_string()), nullptr, 16));
    const std::int64_t expected = o.at("bucket").as_int64();
    if (locustBucket(value) != expected && ++mismatches <= 10) {
      ADD_FAILURE() << "locustBucket(" << o.at("bits").as_string() << " = " << value << ") = " << locustBucket(value)
                    << ", Python says " << expected;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(LocustStatsTest, BucketRoundsHalfToEvenAndPicksTheTierFromTheRawValue) {
  EXPECT_EQ(locustBucket(2.5), 2);
  EXPECT_EQ(locustBucket(3.5), 4);
  EXPECT_EQ(locustBucket(53.5), 54);
  EXPECT_EQ(locustBucket(99.6), 100);
  EXPECT_EQ(locustBucket(145), 140);
  EXPECT_EQ(locustBucket(155), 160);
  EXPECT_EQ(locustBucket(147.3), 150);
  EXPECT_EQ(locustBucket(999.7), 1000);
  EXPECT_EQ(locustBucket(3432.1), 3400);
  EXPECT_EQ(locustBucket(58760.0), 59000);
  EXPECT_EQ(locustBucket(std::nextafter(145.0, 200.0)), 150);
  EXPECT_EQ(locustBucket(0), 0);
}

TEST(LocustStatsTest, ErrorKeyIsLocustsSha256) {
  EXPECT_EQ(locustErrorKey("POST", "/fail", "RuntimeError('boom')"),
            "470ad76a5233d06f09e6affb6e15af624ec127a36a823fb04d31291fc9e505f9");
  // The replacement character stands for invalid UTF-8, as the encoder sends it (sha256 from Python).
  EXPECT_EQ(locustErrorKey("GET", "/x", "a\xff" "b"),
            "3f7acd707dd0a639404d5a6774512c21a7638e4c75f7030d909c14162ec8c540");
}

TEST(LocustStatsTest, PythonReprQuotesAndEscapesAsCPython) {
  EXPECT_EQ(pythonRepr("abc"), "'abc'");
  EXPECT_EQ(pythonRepr("it's"), "\"it's\"");
  EXPECT_EQ(pythonRepr("a'b\"c"), "'a\\'b\"c'");
  EXPECT_EQ(pythonRepr("say \"hi\""), "'say \"hi\"'");
  EXPECT_EQ(pythonRepr("tab\there\nnl\r\\"), "'tab\\there\\nnl\\r\\\\'");
  EXPECT_EQ(pythonRepr("\x01\x1f\x7f"), "'\\x01\\x1f\\x7f'");
  EXPECT_EQ(pythonRepr("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "'\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80'");
  EXPECT_EQ(pythonRepr("\xc2\xa0\xc2\xad\xe2\x80\xa8\xef\xbb\xbf"), "'\\xa0\\xad\\u2028\\ufeff'");
  EXPECT_EQ(pythonRepr("\xf3\xa0\x80\x81\xee\x80\x80"), "'\\U000e0001\\ue000'");
}

TEST(LocustStatsTest, ConvertsTheStatsOfARealLocustWorker) {
  const Value data = realStatsWithRequests();
  const WorkerReport r = parseStatsReport(data);
  EXPECT_FALSE(r.exact);
  ASSERT_EQ(r.delta.entries.size(), 3u);
  ASSERT_EQ(r.per_second.size(), 3u);
  EXPECT_EQ(r.start_time, data.at("stats_total").at("start_time").asNumber());
  EXPECT_EQ(r.user_classes_count, (ClassCounts{{"CrashUser", 1}, {"WebUser", 1}}));

  const EntryStats& bucket = entryNamed(r, "/bucket");
  EXPECT_EQ(bucket.method, "GET");
  EXPECT_EQ(bucket.num_requests, 13u);
  EXPECT_EQ(bucket.num_failures, 0u);
  EXPECT_EQ(bucket.total_response_time_us, 63962600u);
  EXPECT_EQ(bucket.total_content_length, 1300u);
  const Histogram& h = bucket.response_times;
  EXPECT_EQ(h.count(), 13u);
  EXPECT_EQ(h.min(), 2500u);      // the entry's exact min, not its bucket 2
  EXPECT_EQ(h.max(), 58760000u);  // the entry's exact max, not its bucket 59000
  EXPECT_EQ(countAt(h, 140000), 2u);
  EXPECT_EQ(countAt(h, 150000), 1u);   // float key 150.0
  EXPECT_EQ(countAt(h, 1000000), 1u);  // float key 1000.0
  EXPECT_EQ(countAt(h, 3400000), 1u);  // float key 3400.0
  EXPECT_EQ(countAt(h, 59000000), 0u);
  EXPECT_GT(bucket.last_sample_time, 1.6e9);
  EXPECT_LE(bucket.first_sample_time, bucket.last_sample_time);

  const EntryStats& none = entryNamed(r, "/none");
  EXPECT_EQ(none.num_requests, 1u);  // counted as a request without a response time
  EXPECT_EQ(none.response_times.count(), 0u);
  EXPECT_EQ(none.total_response_time_us, 0u);

  const EntryStats& fail = entryNamed(r, "/fail");
  EXPECT_EQ(fail.num_failures, 1u);
  EXPECT_EQ(fail.response_times.min(), 20000u);
  std::uint64_t per_second_requests = 0;
  std::uint64_t per_second_failures = 0;
  for (const auto& ps : r.per_second) {
    for (const auto& [s, n] : ps.requests) per_second_requests += n;
    for (const auto& [s, n] : ps.failures) per_second_failures += n;
  }
  EXPECT_EQ(per_second_requests, 15u);
  EXPECT_EQ(per_second_failures, 1u);

  ASSERT_EQ(r.delta.errors.size(), 1u);
  EXPECT_EQ(r.delta.errors[0].method, "POST");
  EXPECT_EQ(r.delta.errors[0].name, "/fail");
  EXPECT_EQ(r.delta.errors[0].error, "RuntimeError('boom')");
  EXPECT_EQ(r.delta.errors[0].occurrences, 1u);
  const Map& errors = data.at("errors").asMap();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].first.asStr(), locustErrorKey("POST", "/fail", "RuntimeError('boom')"));
}

TEST(LocustStatsTest, ParsesTheFirstReportOfAnIdleLocustWorker) {
  // 2.12.1's very first report has an empty stats list and a total whose method is nil.
  const auto stats = testing::messagesOf(testing::loadCapture("worker_2_12_1.jsonl"), "W->M", "stats");
  ASSERT_FALSE(stats.empty());
  const Value data = decodeEnvelope(stats.front().payload()).data;
  EXPECT_TRUE(data.at("stats_total").at("method").isNil());
  const WorkerReport r = parseStatsReport(data);
  EXPECT_TRUE(r.delta.entries.empty());
  EXPECT_TRUE(r.delta.errors.empty());
  EXPECT_EQ(r.user_classes_count, (ClassCounts{{"CrashUser", 0}, {"WebUser", 0}}));
}

TEST(LocustStatsTest, ReportRoundTripIsExact) {
  const WorkerReport sent = sampleReport();
  const WorkerReport got = roundTrip(statsReportValue(sent, kNow));
  EXPECT_TRUE(got.exact);
  EXPECT_EQ(got.start_time, sent.start_time);
  EXPECT_EQ(got.user_classes_count, sent.user_classes_count);
  ASSERT_EQ(got.delta.entries.size(), sent.delta.entries.size());
  for (std::size_t i = 0; i < sent.delta.entries.size(); ++i) {
    const EntryStats& a = sent.delta.entries[i];
    const EntryStats& b = got.delta.entries[i];
    EXPECT_EQ(b.method, a.method);
    EXPECT_EQ(b.name, a.name);
    EXPECT_EQ(b.num_requests, a.num_requests);
    EXPECT_EQ(b.num_failures, a.num_failures);
    EXPECT_EQ(b.total_response_time_us, a.total_response_time_us);
    EXPECT_EQ(b.total_content_length, a.total_content_length);
    EXPECT_EQ(b.first_sample_time, a.first_sample_time);
    EXPECT_EQ(b.last_sample_time, a.last_sample_time);
    expectSameHistogram(b.response_times, a.response_times, a.name + " response_times");
    expectSameHistogram(b.intended_response_times, a.intended_response_times, a.name + " intended");
  }
  ASSERT_EQ(got.per_second.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(got.per_second[i].requests, sent.per_second[i].requests);
    EXPECT_EQ(got.per_second[i].failures, sent.per_second[i].failures);
  }
  ASSERT_EQ(got.delta.errors.size(), 2u);
  EXPECT_EQ(got.delta.errors[1].error, "timeout 'x'");
  EXPECT_EQ(got.delta.errors[1].occurrences, 2u);
  ASSERT_EQ(got.delta.exceptions.size(), 1u);
  EXPECT_EQ(got.delta.exceptions[0].message, "task crashed: boom");
  EXPECT_EQ(got.delta.exceptions[0].count, 2u);
  ASSERT_EQ(got.delta.counters.size(), 1u);
  EXPECT_EQ(got.delta.counters[0].name, "skipped.remove_domain");
  EXPECT_EQ(got.delta.counters[0].value, 5u);
}

TEST(LocustStatsTest, WritesLocustEntriesAsA2121MasterReadsThem) {
  const WorkerReport sent = sampleReport();
  const Value data = statsReportValue(sent, kNow);
  const std::vector<std::string> keys = {"name", "method", "last_request_timestamp", "start_time", "num_requests",
                                         "num_none_requests", "num_failures", "total_response_time",
                                         "max_response_time", "min_response_time", "total_content_length",
                                         "response_times", "num_reqs_per_sec", "num_fail_per_sec"};
  const auto& entries = data.at("stats").asArray();
  ASSERT_EQ(entries.size(), 2u);
  for (const Value& e : {entries[0], entries[1], data.at("stats_total")}) {
    std::vector<std::string> got;
    for (const auto& [k, v] : e.asMap()) got.push_back(k.asStr());
    EXPECT_EQ(got, keys);
    std::uint64_t bucketed = 0;
    for (const auto& [k, v] : e.at("response_times").asMap()) {
      EXPECT_TRUE(k.isInt());
      bucketed += v.asUint();
    }
    EXPECT_EQ(bucketed, e.at("num_requests").asUint() - e.at("num_none_requests").asUint());
  }
  const Value& a = entries[0];
  EXPECT_EQ(a.at("name").asStr(), "/v2/zones");
  EXPECT_EQ(a.at("num_requests").asUint(), 8u);
  EXPECT_EQ(a.at("num_none_requests").asUint(), 0u);
  EXPECT_EQ(a.at("num_failures").asUint(), 2u);
  EXPECT_DOUBLE_EQ(a.at("total_response_time").asNumber(), sent.delta.entries[0].total_response_time_us / 1000.0);
  EXPECT_EQ(a.at("min_response_time").asNumber(), 0.12);
  EXPECT_EQ(a.at("max_response_time").asNumber(), 3000000.0);
  EXPECT_EQ(a.at("start_time").asNumber(), sent.start_time);
  EXPECT_EQ(a.at("last_request_timestamp").asNumber(), 1795599745.75);
  const Value& rt = a.at("response_times");
  EXPECT_EQ(rt.find("x"), nullptr);
  auto bucketCount = [&rt](std::int64_t key) -> std::uint64_t {
    for (const auto& [k, v] : rt.asMap()) {
      if (k.asInt() == key) return v.asUint();
    }
    return 0;
  };
  EXPECT_EQ(bucketCount(0), 1u);        // 0.12 ms
  EXPECT_EQ(bucketCount(2), 2u);        // 2.048 and 2.049 ms share a bucket
  EXPECT_EQ(bucketCount(150), 1u);      // 147.3 ms
  EXPECT_EQ(bucketCount(1000), 1u);     // 999.7 ms
  EXPECT_EQ(bucketCount(59000), 1u);    // 58760 ms
  EXPECT_EQ(bucketCount(3000000), 1u);  // 3000 s
  EXPECT_EQ(a.at("num_reqs_per_sec"), Value(Map{{Value(1795599742), Value(3)}, {Value(1795599745), Value(5)}}));

  const Value& total = data.at("stats_total");
  EXPECT_EQ(total.at("name").asStr(), "Aggregated");
  EXPECT_EQ(total.at("method").asStr(), "");
  EXPECT_EQ(total.at("num_requests").asUint(), 11u);
  EXPECT_EQ(total.at("num_failures").asUint(), 5u);
  EXPECT_EQ(total.at("num_fail_per_sec"), Value(Map{{Value(1795599743), Value(3)}, {Value(1795599745), Value(2)}}));

  const Value& errors = data.at("errors");
  const Value& fail = errors.at(locustErrorKey("POST", "/fail", "HTTP 500"));
  EXPECT_EQ(fail, Value(Map{{Value("name"), Value("/fail")},
                            {Value("method"), Value("POST")},
                            {Value("error"), Value("HTTP 500")},
                            {Value("occurrences"), Value(3)}}));
  EXPECT_EQ(data.at("user_count").asUint(), 4u);
  EXPECT_EQ(data.at("user_classes_count").asMap().size(), 2u);
  EXPECT_TRUE(data.at("accurate").isMap());
}

TEST(LocustStatsTest, UnknownPerSecondCountsGoToTheCurrentSecond) {
  WorkerReport r = sampleReport();
  r.per_second.clear();
  const Value data = statsReportValue(r, kNow);
  const Value& a = data.at("stats").asArray()[0];
  EXPECT_EQ(a.at("num_reqs_per_sec"), Value(Map{{Value(1795599745), Value(8)}}));
  EXPECT_EQ(a.at("num_fail_per_sec"), Value(Map{{Value(1795599745), Value(2)}}));
  const WorkerReport got = roundTrip(data);
  ASSERT_EQ(got.per_second.size(), 2u);
  EXPECT_EQ(got.per_second[1].failures, (std::map<std::int64_t, std::uint64_t>{{1795599745, 3}}));
}

TEST(LocustStatsTest, EntryWithoutTimedRequestsHasNilMinAndNoneRequests) {
  WorkerReport r;
  EntryStats e;
  e.method = "GET";
  e.name = "/none";
  e.num_requests = 4;
  r.delta.entries = {e};
  const Value data = statsReportValue(r, kNow);
  const Value& written = data.at("stats").asArray()[0];
  EXPECT_TRUE(written.at("min_response_time").isNil());
  EXPECT_EQ(written.at("max_response_time"), Value(0));
  EXPECT_TRUE(written.at("last_request_timestamp").isNil());
  EXPECT_EQ(written.at("num_none_requests").asUint(), 4u);
  EXPECT_TRUE(written.at("response_times").asMap().empty());
}

TEST(LocustStatsTest, FallsBackToLocustFieldsWhenTheAccurateKeyIsMalformed) {
  const WorkerReport sent = sampleReport();
  const Value data = statsReportValue(sent, kNow);
  for (const Value& extra : {Value(Map{{Value("layout"), Value(99)}}), Value("x"),
                             with(data.at("accurate"), "entries", Value(msgpack::Array{Value(1)}))}) {
    const WorkerReport got = roundTrip(with(data, "accurate", extra));
    EXPECT_FALSE(got.exact);
    ASSERT_EQ(got.delta.entries.size(), 2u);
    EXPECT_EQ(got.delta.entries[0].num_requests, 8u);
    EXPECT_EQ(got.delta.entries[0].response_times.count(), 8u);
    EXPECT_EQ(got.delta.entries[0].response_times.min(), 120u);
    EXPECT_EQ(got.delta.entries[0].response_times.max(), 3000000000u);
    EXPECT_TRUE(got.delta.exceptions.empty());
    ASSERT_EQ(got.delta.errors.size(), 2u);
  }
}

TEST(LocustStatsTest, RefusesReportsWithoutTheKeysAMasterNeeds) {
  const Value data = statsReportValue(sampleReport(), kNow);
  for (const char* key : {"stats", "stats_total", "errors", "user_classes_count"}) {
    try {
      parseStatsReport(without(data, key));
      ADD_FAILURE() << key;
    } catch (const DecodeError& e) {
      EXPECT_EQ(std::string(e.what()), std::string("stats: missing key '") + key + "'");
    }
  }
  EXPECT_THROW(parseStatsReport(with(data, "stats_total", Value(1))), DecodeError);
  EXPECT_THROW(parseStatsReport(Value(msgpack::Nil{})), DecodeError);
}

TEST(LocustStatsTest, RefusesBadBucketKeysOfLocustEntries) {
  const Value real = realStatsWithRequests();
  const Value entry = real.at("stats").asArray()[0];
  auto withBuckets = [&](Value buckets) {
    return with(real, "stats", Value(msgpack::Array{with(entry, "response_times", std::move(buckets))}));
  };
  try {
    parseStatsReport(withBuckets(Value(Map{{Value("x"), Value(1)}})));
    ADD_FAILURE();
  } catch (const DecodeError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("stats: stats[0]: 'response_times' key is not a number (got str)"));
  }
  EXPECT_THROW(parseStatsReport(withBuckets(Value(Map{{Value(-5), Value(1)}}))), DecodeError);
  EXPECT_THROW(parseStatsReport(withBuckets(Value(Map{{Value(5), Value(-1)}}))), DecodeError);
  EXPECT_THROW(parseStatsReport(withBuckets(Value(Map{{Value(std::nan("")), Value(1)}}))), DecodeError);
  // 150 and 150.0 are the same bucket.
  const WorkerReport merged =
      parseStatsReport(withBuckets(Value(Map{{Value(150), Value(2)}, {Value(150.0), Value(3)}})));
  EXPECT_EQ(countAt(merged.delta.entries[0].response_times, 150000), 5u);
}

}  // namespace
}  // namespace accurate::cluster
