// The propagation conditions: which question each change asks and how every kind of answer is judged.
#include "conditions.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

namespace accurate::digaas {
namespace {

using Type = sdk::DnsChange::Type;

sdk::DnsChange zoneChange(Type type, std::optional<std::uint32_t> serial = std::nullopt) {
  sdk::DnsChange change;
  change.type = type;
  change.zone = "prop.test.";
  change.name = "prop.test.";
  change.serial = serial;
  return change;
}

sdk::DnsChange recordChange(Type type, std::string rdata, std::string rdatatype = "A") {
  sdk::DnsChange change;
  change.type = type;
  change.zone = "prop.test.";
  change.name = "www.prop.test.";
  change.rdatatype = std::move(rdatatype);
  change.rdata = std::move(rdata);
  return change;
}

dns::ResourceRecord rr(std::string name, std::uint16_t type, std::string data) {
  return {std::move(name), type, dns::kClassIn, 300, std::move(data)};
}

dns::ResourceRecord soa(std::string zone, std::uint32_t serial) {
  return rr(zone, dns::kTypeSoa, "ns1." + zone + " admin." + zone + " " + std::to_string(serial) + " 3600 600 86400 300");
}

dns::Message answer(std::uint8_t rcode, std::vector<dns::ResourceRecord> answers,
                    std::vector<dns::ResourceRecord> authority = {}) {
  dns::Message message;
  message.header.qr = true;
  message.header.rcode = rcode;
  message.answers = std::move(answers);
  message.authority = std::move(authority);
  return message;
}

TEST(DigaasConditions, AsksSoaForZonesAndTheRecordTypeForRecords) {
  const dns::Question zone = questionFor(zoneChange(Type::kZoneUpdate, 3));
  EXPECT_EQ(zone.name, "prop.test.");
  EXPECT_EQ(zone.type, dns::kTypeSoa);
  EXPECT_EQ(zone.klass, dns::kClassIn);
  const dns::Question record = questionFor(recordChange(Type::kRecordCreate, "2001:db8::1", "aaaa"));
  EXPECT_EQ(record.name, "www.prop.test.");
  EXPECT_EQ(record.type, dns::kTypeAaaa);
  sdk::DnsChange relative = zoneChange(Type::kZoneCreate);
  relative.name = "prop.test";
  EXPECT_EQ(questionFor(relative).name, "prop.test.");
}

TEST(DigaasConditions, RefusesChangesThatCannotBeQueried) {
  EXPECT_THROW(questionFor(recordChange(Type::kRecordCreate, "x", "")), sdk::Error);
  EXPECT_THROW(questionFor(recordChange(Type::kRecordCreate, "x", "NOPE")), sdk::Error);
  EXPECT_THROW(questionFor(recordChange(Type::kRecordCreate, "x", "ANY")), sdk::Error);
  sdk::DnsChange unnamed = zoneChange(Type::kZoneCreate);
  unnamed.name.clear();
  EXPECT_THROW(questionFor(unnamed), sdk::Error);
}

TEST(DigaasConditions, ZoneCreateNeedsTheApexSoaInTheAnswer) {
  const auto change = zoneChange(Type::kZoneCreate);
  EXPECT_TRUE(checkPropagated(change, answer(dns::kRcodeNoError, {soa("PROP.test.", 1)})).propagated);
  const Verdict parent = checkPropagated(change, answer(dns::kRcodeNoError, {}, {soa("test.", 9)}));
  EXPECT_FALSE(parent.propagated);
  EXPECT_EQ(parent.answer, "NOERROR, SOA only in the authority section");
  EXPECT_FALSE(checkPropagated(change, answer(dns::kRcodeNoError, {soa("other.test.", 1)})).propagated);
  const Verdict refused = checkPropagated(change, answer(dns::kRcodeRefused, {}));
  EXPECT_FALSE(refused.propagated);
  EXPECT_EQ(refused.answer, "REFUSED");
  EXPECT_EQ(checkPropagated(change, answer(dns::kRcodeNxDomain, {})).answer, "NXDOMAIN");
}

TEST(DigaasConditions, ZoneUpdateComparesSerialsWithRfc1982Arithmetic) {
  EXPECT_TRUE(checkPropagated(zoneChange(Type::kZoneUpdate, 7), answer(0, {soa("prop.test.", 7)})).propagated);
  EXPECT_TRUE(checkPropagated(zoneChange(Type::kZoneUpdate, 7), answer(0, {soa("prop.test.", 8)})).propagated);
  const Verdict behind = checkPropagated(zoneChange(Type::kZoneUpdate, 7), answer(0, {soa("prop.test.", 5)}));
  EXPECT_FALSE(behind.propagated);
  EXPECT_EQ(behind.answer, "SOA serial 5 < 7");
  // Wrap-around: 2 follows 4294967290; 4294967290 does not follow 2.
  EXPECT_TRUE(checkPropagated(zoneChange(Type::kZoneUpdate, 4294967290u), answer(0, {soa("prop.test.", 2)})).propagated);
  EXPECT_FALSE(checkPropagated(zoneChange(Type::kZoneUpdate, 2), answer(0, {soa("prop.test.", 4294967290u)})).propagated);
  // Without an expected serial any SOA answer counts.
  EXPECT_TRUE(checkPropagated(zoneChange(Type::kZoneUpdate), answer(0, {soa("prop.test.", 1)})).propagated);
  EXPECT_FALSE(checkPropagated(zoneChange(Type::kZoneUpdate, 1), answer(dns::kRcodeServFail, {})).propagated);
}

TEST(DigaasConditions, SerialReachedFollowsRfc1982) {
  EXPECT_TRUE(serialReached(5, 5));
  EXPECT_TRUE(serialReached(6, 5));
  EXPECT_FALSE(serialReached(4, 5));
  EXPECT_TRUE(serialReached(0, 0xFFFFFFFFu));
  EXPECT_FALSE(serialReached(0x80000000u, 0));  // exactly 2^31 apart: undefined in RFC 1982, not reached
  EXPECT_TRUE(serialReached(0x7FFFFFFFu, 0));
}

TEST(DigaasConditions, ZoneDeleteAcceptsNxdomainRefusedServfailAndNoSoa) {
  const auto change = zoneChange(Type::kZoneDelete);
  EXPECT_TRUE(checkPropagated(change, answer(dns::kRcodeNxDomain, {})).propagated);
  EXPECT_TRUE(checkPropagated(change, answer(dns::kRcodeRefused, {})).propagated);
  EXPECT_TRUE(checkPropagated(change, answer(dns::kRcodeServFail, {})).propagated);
  EXPECT_TRUE(checkPropagated(change, answer(dns::kRcodeNoError, {}, {soa("test.", 1)})).propagated);
  const Verdict still = checkPropagated(change, answer(dns::kRcodeNoError, {soa("prop.test.", 4)}));
  EXPECT_FALSE(still.propagated);
  EXPECT_EQ(still.answer, "NOERROR, SOA serial 4 still served");
  EXPECT_FALSE(checkPropagated(change, answer(dns::kRcodeFormErr, {})).propagated);
}

TEST(DigaasConditions, RecordCreateLooksForTheRdataAmongTheRecordsAtTheName) {
  const auto change = recordChange(Type::kRecordCreate, "192.0.2.7");
  EXPECT_TRUE(checkPropagated(change, answer(0, {rr("www.prop.test.", dns::kTypeA, "192.0.2.1"),
                                                 rr("WWW.prop.test.", dns::kTypeA, "192.0.2.7")}))
                  .propagated);
  const Verdict other = checkPropagated(change, answer(0, {rr("www.prop.test.", dns::kTypeA, "192.0.2.1")}));
  EXPECT_FALSE(other.propagated);
  EXPECT_EQ(other.answer, "NOERROR, 192.0.2.7 not among A records: 192.0.2.1");
  // The right data at another owner (e.g. after a CNAME) does not count.
  EXPECT_FALSE(checkPropagated(change, answer(0, {rr("web.prop.test.", dns::kTypeA, "192.0.2.7")})).propagated);
  EXPECT_EQ(checkPropagated(change, answer(0, {})).answer, "NOERROR, no A record");
  EXPECT_EQ(checkPropagated(change, answer(dns::kRcodeNxDomain, {})).answer, "NXDOMAIN");
  EXPECT_FALSE(checkPropagated(change, answer(dns::kRcodeNxDomain, {})).propagated);
}

TEST(DigaasConditions, RecordUpdateComparesDataByType) {
  EXPECT_TRUE(checkPropagated(recordChange(Type::kRecordUpdate, "2001:DB8:0::1", "AAAA"),
                              answer(0, {rr("www.prop.test.", dns::kTypeAaaa, "2001:db8::1")}))
                  .propagated);
  EXPECT_TRUE(checkPropagated(recordChange(Type::kRecordUpdate, "Target.Prop.Test", "CNAME"),
                              answer(0, {rr("www.prop.test.", dns::kTypeCname, "target.prop.test.")}))
                  .propagated);
  EXPECT_TRUE(checkPropagated(recordChange(Type::kRecordUpdate, "10  MX.prop.test", "MX"),
                              answer(0, {rr("www.prop.test.", dns::kTypeMx, "10 mx.prop.test.")}))
                  .propagated);
  EXPECT_FALSE(checkPropagated(recordChange(Type::kRecordUpdate, "20 mx.prop.test.", "MX"),
                               answer(0, {rr("www.prop.test.", dns::kTypeMx, "10 mx.prop.test.")}))
                   .propagated);
  EXPECT_TRUE(checkPropagated(recordChange(Type::kRecordUpdate, "\"hello world\"", "TXT"),
                              answer(0, {rr("www.prop.test.", dns::kTypeTxt, "\"hello world\"")}))
                  .propagated);
}

TEST(DigaasConditions, RecordDeleteWaitsForTheRdataOrEveryRecordToVanish) {
  const auto one = recordChange(Type::kRecordDelete, "192.0.2.7");
  EXPECT_TRUE(checkPropagated(one, answer(0, {rr("www.prop.test.", dns::kTypeA, "192.0.2.1")})).propagated);
  const Verdict still = checkPropagated(one, answer(0, {rr("www.prop.test.", dns::kTypeA, "192.0.2.7")}));
  EXPECT_FALSE(still.propagated);
  EXPECT_EQ(still.answer, "NOERROR, 192.0.2.7 still among A records: 192.0.2.7");
  EXPECT_TRUE(checkPropagated(one, answer(dns::kRcodeNxDomain, {})).propagated);
  EXPECT_TRUE(checkPropagated(one, answer(0, {})).propagated);
  EXPECT_FALSE(checkPropagated(one, answer(dns::kRcodeRefused, {})).propagated);
  EXPECT_FALSE(checkPropagated(one, answer(dns::kRcodeServFail, {})).propagated);

  const auto all = recordChange(Type::kRecordDelete, "");
  EXPECT_FALSE(checkPropagated(all, answer(0, {rr("www.prop.test.", dns::kTypeA, "192.0.2.1")})).propagated);
  EXPECT_TRUE(checkPropagated(all, answer(0, {rr("www.prop.test.", dns::kTypeCname, "x.prop.test.")})).propagated);
  EXPECT_TRUE(checkPropagated(all, answer(dns::kRcodeNxDomain, {})).propagated);
}

TEST(DigaasConditions, NamesResponseCodes) {
  EXPECT_EQ(rcodeName(0), "NOERROR");
  EXPECT_EQ(rcodeName(3), "NXDOMAIN");
  EXPECT_EQ(rcodeName(5), "REFUSED");
  EXPECT_EQ(rcodeName(15), "RCODE15");
}

}  // namespace
}  // namespace accurate::digaas
