#include "metric_names.hpp"

#include <gtest/gtest.h>

namespace accurate::graphite {
namespace {

TEST(MetricNames, KeepsAllowedBytes) { EXPECT_EQ(sanitizeSegment("GET-v2_zones09AZaz"), "GET-v2_zones09AZaz"); }

TEST(MetricNames, ReplacesForbiddenBytesAndCollapsesUnderscoreRuns) {
  EXPECT_EQ(sanitizeSegment("/v2/zones?name=zoneNAME"), "_v2_zones_name_zoneNAME");
  EXPECT_EQ(sanitizeSegment("/v2/zones - async"), "_v2_zones_-_async");
  EXPECT_EQ(sanitizeSegment("a..b  c__d"), "a_b_c_d");
  EXPECT_EQ(sanitizeSegment("caf\xc3\xa9.com"), "caf_com");
}

TEST(MetricNames, EmptySegmentBecomesUnderscore) {
  EXPECT_EQ(sanitizeSegment(""), "_");
  EXPECT_EQ(sanitizeSegment("..."), "_");
}

TEST(MetricNames, SanitisesEachPrefixPartAndKeepsItsDots) {
  EXPECT_EQ(sanitizePrefix("accurate"), "accurate");
  EXPECT_EQ(sanitizePrefix("load test.designate/prod"), "load_test.designate_prod");
  EXPECT_EQ(sanitizePrefix("a..b"), "a._.b");
}

TEST(MetricNames, CompatNameReplacesSlashesWithDashesAndSpacesWithUnderscoresLikeTheOriginal) {
  EXPECT_EQ(compatEntryName("GET", "/v2/zones/ID"), "locust.GET-v2-zones-ID");
  EXPECT_EQ(compatEntryName("POST", "/v2/zones - async"), "locust.POST-v2-zones_-_async");
  EXPECT_EQ(compatEntryName("GET", "/v2/zones?name=x.com"), "locust.GET-v2-zones_name_x_com");
}

}  // namespace
}  // namespace accurate::graphite
