#include "propagation_timeline.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace accurate::digaas {
namespace {

sdk::EntryStats entry(std::string method, std::string name, std::initializer_list<std::uint64_t> times_us,
                      std::uint64_t failures = 0) {
  sdk::EntryStats out;
  out.method = std::move(method);
  out.name = std::move(name);
  for (auto t : times_us) {
    out.response_times.record(t);
    out.total_response_time_us += t;
    ++out.num_requests;
  }
  out.num_failures = failures;
  return out;
}

sdk::StatsSnapshot snapshot(double time, std::vector<sdk::EntryStats> entries) {
  sdk::StatsSnapshot out;
  out.time = time;
  out.entries = std::move(entries);
  return out;
}

TEST(PropagationTimeline, ChangeTypeIsTheNamePartBeforeTheNameserver) {
  EXPECT_EQ(changeTypeOf("ZONE_CREATE @ 127.0.0.1:5353"), "ZONE_CREATE");
  EXPECT_EQ(changeTypeOf("/v2/zones"), "");
}

TEST(PropagationTimeline, EachPointIsTheMedianOfWhatCompletedSinceThePreviousPoint) {
  PropagationTimeline timeline;
  timeline.add(snapshot(100, {entry("propagation", "ZONE_CREATE @ a:53", {1000000, 1000000, 1000000})}));
  // Second interval: 3 more samples at 3 s (the cumulative entry holds all 6) and another nameserver at 5 s.
  timeline.add(snapshot(101, {entry("propagation", "ZONE_CREATE @ a:53", {1000000, 1000000, 1000000, 3000000,
                                                                          3000000, 3000000}),
                              entry("propagation", "ZONE_CREATE @ b:53", {5000000})}));
  timeline.add(snapshot(102, {entry("propagation", "ZONE_CREATE @ a:53", {1000000, 1000000, 1000000, 3000000,
                                                                          3000000, 3000000}),
                              entry("propagation", "ZONE_CREATE @ b:53", {5000000}),
                              entry("GET", "/v2/zones", {7000})}));
  const auto section = timeline.section(snapshot(102, {}));
  const auto& chart = section.at("charts").as_array().at(0).as_object();
  EXPECT_EQ(chart.at("x").as_array().size(), 3u);
  const auto& series = chart.at("series").as_array();
  ASSERT_EQ(series.size(), 1u);
  const auto& values = series.at(0).as_object().at("values").as_array();
  EXPECT_NEAR(values.at(0).as_double(), 1.0, 0.002);
  EXPECT_NEAR(values.at(1).as_double(), 3.0, 0.004);  // {3, 3, 3, 5}: the median of the new samples only
  EXPECT_TRUE(values.at(2).is_null());                // nothing completed in the third interval
}

TEST(PropagationTimeline, KeepsAtMostMaxPointsByDoublingTheStride) {
  PropagationTimeline timeline(10);
  for (int i = 0; i < 100; ++i) {
    timeline.add(snapshot(i, {entry("propagation", "ZONE_UPDATE @ a:53", {1000000})}));
  }
  const auto section = timeline.section(snapshot(100, {}));
  const auto& x = section.at("charts").as_array().at(0).as_object().at("x").as_array();
  EXPECT_LT(x.size(), 10u);
  EXPECT_GE(x.size(), 3u);
  for (std::size_t i = 1; i < x.size(); ++i) EXPECT_LT(x[i - 1].as_double(), x[i].as_double());
}

TEST(PropagationTimeline, TablesMergeNameserversPerTypeAndListEachEntry) {
  PropagationTimeline timeline;
  const auto final_snapshot = snapshot(
      10, {entry("propagation", "ZONE_CREATE @ a:53", {1000000, 2000000}, 1),
           entry("propagation", "ZONE_CREATE @ b:53", {4000000}), entry("POST", "/v2/zones", {5000})});
  const auto section = timeline.section(final_snapshot);
  EXPECT_EQ(section.at("summary").as_object().at("propagations").to_number<int>(), 3);
  EXPECT_EQ(section.at("summary").as_object().at("not propagated").to_number<int>(), 1);
  const auto& tables = section.at("tables").as_array();
  const auto& by_type = tables.at(0).as_object().at("rows").as_array();
  ASSERT_EQ(by_type.size(), 1u);
  EXPECT_EQ(by_type.at(0).as_array().at(0).as_string(), "ZONE_CREATE");
  EXPECT_EQ(by_type.at(0).as_array().at(1).to_number<int>(), 3);
  EXPECT_EQ(tables.at(1).as_object().at("rows").as_array().size(), 2u);
}

}  // namespace
}  // namespace accurate::digaas
