// Fault injection: error rate, added latency, determinism by seed.
#include "core_test_support.hpp"

#include <set>

namespace accurate::designate_sim::testing {
namespace {

class FaultsTest : public SimFixture {};

TEST_F(FaultsTest, ErrorRateFailsThatFractionOfApiRequests) {
  SimOptions options = fixedOptions();
  options.error_rate = 0.3;
  options.seed = 12345;
  reset(options);
  int failed = 0;
  constexpr int kRequests = 4000;
  for (int i = 0; i < kRequests; ++i) {
    const SimResponse r = get("/v2/zones");
    if (r.status == 500) {
      ++failed;
      if (failed == 1) {
        const auto body = json(r).as_object();
        EXPECT_EQ(body.at("code"), 500);
        EXPECT_EQ(body.at("type"), "internal_server_error");
        EXPECT_EQ(body.at("message"), "injected fault");
        EXPECT_TRUE(header(r, "X-Openstack-Request-Id"));
      }
    } else {
      ASSERT_EQ(r.status, 200u);
    }
  }
  // Binomial(4000, 0.3): mean 1200, sd ~29; +-150 is more than 5 sd.
  EXPECT_GT(failed, 1050);
  EXPECT_LT(failed, 1350);
  // Health and versions are not API requests.
  for (int i = 0; i < 50; ++i) EXPECT_EQ(get("/healthcheck").status, 200u);
}

TEST_F(FaultsTest, FailedRequestsChangeNothing) {
  SimOptions options = fixedOptions();
  options.error_rate = 1.0;
  reset(options);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(post("/v2/zones", R"({"name":"f.test.","email":"a@f.test"})").status, 500u);
  }
  EXPECT_EQ(sim_->zoneCount(), 0u);
}

TEST_F(FaultsTest, AddedLatencyIsDrawnFromTheRange) {
  SimOptions options = fixedOptions();
  options.added_latency = {std::chrono::milliseconds(10), std::chrono::milliseconds(20)};
  reset(options);
  std::set<long> seen;
  for (int i = 0; i < 200; ++i) {
    const auto delay = get("/v2/zones").delay.count();
    EXPECT_GE(delay, 10);
    EXPECT_LE(delay, 20);
    seen.insert(delay);
  }
  EXPECT_GT(seen.size(), 5u);
  reset(fixedOptions());
  EXPECT_EQ(get("/v2/zones").delay.count(), 0);
}

TEST_F(FaultsTest, SameSeedGivesSameIds) {
  const std::string first = createZone("seed.test.");
  reset(fixedOptions());
  EXPECT_EQ(createZone("seed.test."), first);
  SimOptions other = fixedOptions();
  other.seed = 99;
  reset(other);
  EXPECT_NE(createZone("seed.test."), first);
}

TEST_F(FaultsTest, ZoneErrorRateIsStatisticallyBounded) {
  SimOptions options = fixedOptions();
  options.zone_error_rate = 0.5;
  options.quotas.zones = 1000;
  reset(options);
  std::vector<std::string> ids;
  for (int i = 0; i < 400; ++i) ids.push_back(createZone("e" + std::to_string(i) + ".err.test."));
  advance(5s);
  int errors = 0;
  for (const auto& id : ids) {
    const std::string status = str(get("/v2/zones/" + id), "status");
    ASSERT_TRUE(status == "ERROR" || status == "ACTIVE") << status;
    errors += status == "ERROR" ? 1 : 0;
  }
  EXPECT_GT(errors, 140);  // Binomial(400, 0.5): sd 10
  EXPECT_LT(errors, 260);
}

}  // namespace
}  // namespace accurate::designate_sim::testing
