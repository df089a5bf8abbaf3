// Random data: unique valid zone names, record names, emails, IPv4 addresses, TTLs, zone files, run tokens.
#include "datagen.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

namespace accurate::designate {
namespace {

std::vector<std::string> labelsOf(std::string_view name) {
  std::vector<std::string> labels;
  EXPECT_TRUE(name.ends_with('.')) << name;
  name.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    labels.emplace_back(name.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels;
}

/// A lower-case host name label: 1–63 of [a-z0-9-], not starting or ending with '-'.
bool validLabel(const std::string& label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (const char c : label) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void expectValidName(const std::string& name) {
  EXPECT_LE(name.size(), 253u) << name;
  for (const std::string& label : labelsOf(name)) EXPECT_TRUE(validLabel(label)) << "label '" << label << "' of " << name;
}

TEST(DesignateDataGen, ZoneNamesAreUniqueAcrossUsersSequencesAndRunTokens) {
  const DataGen a("k3j9x0a2b1sq4r5t", "accurate.test.");
  const DataGen b("p0o9i8u7y6sq4r5t", "accurate.test.");
  sdk::Rng rng_a(1);
  sdk::Rng rng_b(1);  // same random stream: only the token tells them apart
  std::unordered_set<std::string> names;
  for (std::uint64_t user = 1; user <= 50; ++user) {
    for (std::uint64_t seq = 0; seq < 1000; ++seq) {
      names.insert(a.zoneName(user, seq, rng_a));
      names.insert(b.zoneName(user, seq, rng_b));
    }
  }
  EXPECT_EQ(names.size(), 100000u);
}

TEST(DesignateDataGen, ZoneNamesAreValidLowerCaseUnderTheSuffixEvenForHugeIds) {
  const DataGen gen("abcdefghij0123456789wxyz", "load.example.");  // the longest allowed token
  sdk::Rng rng(7);
  for (const std::uint64_t id : {std::uint64_t{0}, std::uint64_t{1}, ~std::uint64_t{0}}) {
    const std::string name = gen.zoneName(id, ~std::uint64_t{0}, rng);
    EXPECT_TRUE(name.ends_with(".load.example.")) << name;
    EXPECT_EQ(labelsOf(name).size(), 3u) << name;
    expectValidName(name);
  }
}

TEST(DesignateDataGen, AddsTheTrailingDotToASuffixWithoutOne) {
  const DataGen gen("token1", "accurate.test");
  EXPECT_EQ(gen.zoneSuffix(), "accurate.test.");
  sdk::Rng rng;
  EXPECT_TRUE(gen.zoneName(1, 1, rng).ends_with(".accurate.test."));
}

TEST(DesignateDataGen, RefusesBadRunTokensAndSuffixes) {
  EXPECT_THROW(DataGen("", "a.test."), sdk::Error);
  EXPECT_THROW(DataGen("UPPER", "a.test."), sdk::Error);
  EXPECT_THROW(DataGen("-lead", "a.test."), sdk::Error);
  EXPECT_THROW(DataGen("has.dot", "a.test."), sdk::Error);
  EXPECT_THROW(DataGen(std::string(25, 'a'), "a.test."), sdk::Error);
  EXPECT_THROW(DataGen("ok", "."), sdk::Error);
  EXPECT_THROW(DataGen("ok", ""), sdk::Error);
}

TEST(DesignateDataGen, RecordNamesAreFreshValidNamesInsideTheZone) {
  const DataGen gen("tok", "accurate.test.");
  sdk::Rng rng(3);
  std::set<std::string> names;
  for (int i = 0; i < 20000; ++i) {
    const std::string name = gen.recordName("zone-1.accurate.test.", rng);
    ASSERT_TRUE(name.ends_with(".zone-1.accurate.test.")) << name;
    ASSERT_EQ(labelsOf(name).size(), 4u);
    expectValidName(name);
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 20000u);
  EXPECT_TRUE(gen.recordName("zone-1.accurate.test", rng).ends_with(".zone-1.accurate.test."));
}

TEST(DesignateDataGen, EmailsHaveNoTrailingDot) {
  EXPECT_EQ(DataGen::email("zone-1.accurate.test."), "hostmaster@zone-1.accurate.test");
  EXPECT_EQ(DataGen::email("zone-1.accurate.test"), "hostmaster@zone-1.accurate.test");
  const DataGen gen("tok", "accurate.test.");
  sdk::Rng rng(5);
  for (int i = 0; i < 100; ++i) {
    const std::string email = DataGen::email(gen.zoneName(9, static_cast<std::uint64_t>(i), rng));
    EXPECT_FALSE(email.ends_with('.')) << email;
    EXPECT_EQ(email.find('@'), 10u) << email;
    EXPECT_EQ(email.find(".."), std::string::npos) << email;
  }
}

TEST(DesignateDataGen, Ipv4AddressesAreUnicastWithinTheDocumentedRanges) {
  const DataGen gen("tok", "accurate.test.");
  sdk::Rng rng(11);
  std::set<unsigned> first_octets;
  std::set<std::string> addresses;
  for (int i = 0; i < 20000; ++i) {
    const std::string ip = gen.ipv4(rng);
    unsigned o[4] = {};
    char dot[3] = {};
    std::istringstream in(ip);
    in >> o[0] >> dot[0] >> o[1] >> dot[1] >> o[2] >> dot[2] >> o[3];
    ASSERT_TRUE(in && in.peek() == EOF && dot[0] == '.' && dot[1] == '.' && dot[2] == '.') << ip;
    EXPECT_GE(o[0], 1u);
    EXPECT_LE(o[0], 223u);
    EXPECT_NE(o[0], 127u);
    EXPECT_LE(o[1], 255u);
    EXPECT_LE(o[2], 255u);
    EXPECT_GE(o[3], 1u);
    EXPECT_LE(o[3], 254u);
    first_octets.insert(o[0]);
    addresses.insert(ip);
  }
  EXPECT_EQ(first_octets.size(), 222u);  // every allowed first octet shows up
  EXPECT_TRUE(first_octets.contains(223u));
  EXPECT_TRUE(first_octets.contains(128u));
  EXPECT_GT(addresses.size(), 19900u);
}

TEST(DesignateDataGen, TtlsStayWithinTheBoundsInEitherOrder) {
  const DataGen gen("tok", "accurate.test.");
  sdk::Rng rng(13);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 5000; ++i) {
    const std::uint32_t ttl = gen.ttl(rng, 2400, 7200);
    ASSERT_GE(ttl, 2400u);
    ASSERT_LE(ttl, 7200u);
    seen.insert(ttl);
    const std::uint32_t swapped = gen.ttl(rng, 20, 10);
    ASSERT_GE(swapped, 10u);
    ASSERT_LE(swapped, 20u);
  }
  EXPECT_GT(seen.size(), 1000u);
  EXPECT_EQ(gen.ttl(rng, 300, 300), 300u);
}

TEST(DesignateDataGen, ZoneFileStartsWithOriginAndHasSoaNsAndARecords) {
  const std::string file =
      DataGen::zoneFile("imp-1.accurate.test.", 2024010101, {{"www", "192.0.2.50"}, {"mail.imp-1.accurate.test.", "192.0.2.51"}});
  std::istringstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u) << file;
  EXPECT_EQ(lines[0], "$ORIGIN imp-1.accurate.test.");  // Designate requires $ORIGIN first
  EXPECT_EQ(lines[1], "$TTL 3600");
  EXPECT_EQ(lines[2],
            "imp-1.accurate.test. IN SOA ns1.imp-1.accurate.test. hostmaster.imp-1.accurate.test. 2024010101 3600 600 "
            "86400 3600");
  EXPECT_EQ(lines[3], "imp-1.accurate.test. IN NS ns1.imp-1.accurate.test.");
  EXPECT_EQ(lines[4], "www 3600 IN A 192.0.2.50");
  EXPECT_EQ(lines[5], "mail.imp-1.accurate.test. 3600 IN A 192.0.2.51");
  EXPECT_TRUE(file.ends_with('\n'));
  // A zone given without the trailing dot is made absolute.
  EXPECT_TRUE(DataGen::zoneFile("x.test", 1, {}).starts_with("$ORIGIN x.test.\n"));
}

TEST(DesignateDataGen, RunTokensAreFreshAndUsable) {
  const std::string a = DataGen::makeRunToken();
  const std::string b = DataGen::makeRunToken();
  EXPECT_NE(a, b);
  EXPECT_GE(a.size(), 16u);
  EXPECT_LE(a.size(), 24u);
  for (const char c : a) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << a;
  EXPECT_NO_THROW(DataGen(a, "accurate.test."));
}

}  // namespace
}  // namespace accurate::designate
