#include <accurate/dns/message.hpp>
#include "dns_print.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace accurate::dns {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an, std::uint16_t ns = 0,
             std::uint16_t ar = 0) {
  Bytes out;
  for (std::uint16_t v : {id, flags, qd, an, ns, ar}) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  }
  return out;
}

void append(Bytes& out, std::initializer_list<int> bytes) {
  for (int b : bytes) out.push_back(static_cast<std::uint8_t>(b));
}

void appendLabel(Bytes& out, const std::string& label) {
  out.push_back(static_cast<std::uint8_t>(label.size()));
  out.insert(out.end(), label.begin(), label.end());
}

Message sampleResponse() {
  Message message;
  message.header.id = 0xBEEF;
  message.header.qr = true;
  message.header.aa = true;
  message.header.rd = true;
  message.questions.push_back({"www.example.test.", kTypeA, kClassIn});
  message.answers.push_back({"www.example.test.", kTypeA, kClassIn, 300, "198.51.100.1"});
  message.answers.push_back({"www.example.test.", kTypeA, kClassIn, 300, "198.51.100.2"});
  message.authority.push_back({"example.test.", kTypeNs, kClassIn, 3600, "ns1.designate-sim.test."});
  message.authority.push_back({"example.test.", kTypeSoa, kClassIn, 3600,
                               "ns1.designate-sim.test. hostmaster.example.test. 1700000001 3600 600 86400 3600"});
  return message;
}

std::size_t countPointers(const Bytes& wire) {
  return static_cast<std::size_t>(std::count_if(wire.begin(), wire.end(), [](std::uint8_t b) { return b == 0xC0; }));
}

TEST(DnsMessage, EncodesAQueryToTheExpectedBytes) {
  Message query;
  query.header.id = 0x1234;
  query.header.rd = true;
  query.questions.push_back({"example.test.", kTypeSoa, kClassIn});
  Bytes expected = header(0x1234, 0x0100, 1, 0);
  appendLabel(expected, "example");
  appendLabel(expected, "test");
  append(expected, {0, 0, 6, 0, 1});
  EXPECT_EQ(encode(query), expected);
}

TEST(DnsMessage, DecodesAQueryItEncoded) {
  Message query;
  query.header.id = 7;
  query.header.rd = true;
  query.header.cd = true;
  query.questions.push_back({"Mixed.Case.Test.", kTypeNs, kClassIn});
  const auto decoded = decode(encode(query));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, query);
}

TEST(DnsMessage, RoundTripsAResponseWithANsAndSoaRecords) {
  const Message message = sampleResponse();
  const Bytes wire = encode(message);
  const auto decoded = decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, message);
  EXPECT_TRUE(decoded->header.qr);
  EXPECT_TRUE(decoded->header.aa);
}

TEST(DnsMessage, CompressesRepeatedNamesAndStaysDecodable) {
  const Message message = sampleResponse();
  const Bytes compressed = encode(message);
  const Bytes plain = encode(message, {.compress = false});
  EXPECT_LT(compressed.size(), plain.size());
  EXPECT_GE(countPointers(compressed), 5u);  // answers, owners and the SOA/NS rdata names
  EXPECT_EQ(countPointers(plain), 0u);
  ASSERT_TRUE(decode(plain));
  EXPECT_EQ(*decode(plain), message);
}

TEST(DnsMessage, KeepsTheCaseOfEveryNameThroughCompression) {
  Message message;
  message.questions.push_back({"WWW.Example.TEST.", kTypeA, kClassIn});
  message.answers.push_back({"www.example.test.", kTypeA, kClassIn, 1, "192.0.2.9"});
  message.answers.push_back({"WWW.Example.TEST.", kTypeCname, kClassIn, 1, "www.example.test."});
  const auto decoded = decode(encode(message));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, message);
}

TEST(DnsMessage, FollowsACompressionPointerToAnEarlierName) {
  Bytes wire = header(1, 0x8400, 1, 1);
  appendLabel(wire, "a");
  appendLabel(wire, "test");
  append(wire, {0, 0, 1, 0, 1});
  append(wire, {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1});
  const auto decoded = decode(wire);
  ASSERT_TRUE(decoded) << decoded.error().message();
  ASSERT_EQ(decoded->answers.size(), 1u);
  EXPECT_EQ(decoded->answers[0].name, "a.test.");
  EXPECT_EQ(decoded->answers[0].data, "10.0.0.1");
  EXPECT_EQ(decoded->answers[0].ttl, 60u);
}

TEST(DnsMessage, RejectsAPointerToItself) {
  Bytes wire = header(1, 0, 1, 0);
  append(wire, {0xC0, 12, 0, 1, 0, 1});
  const auto decoded = decode(wire);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), make_error_code(DecodeErrc::kBadPointer));
}

TEST(DnsMessage, RejectsPointersThatFormALoopThroughALabel) {
  Bytes wire = header(1, 0, 1, 0);
  appendLabel(wire, "x");  // offset 12: "x" then a pointer back to 12 → x.x.x.... forever
  append(wire, {0xC0, 12, 0, 1, 0, 1});
  const auto decoded = decode(wire);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error(), make_error_code(DecodeErrc::kBadPointer));
}

TEST(DnsMessage, RejectsAForwardPointer) {
  Bytes wire = header(1, 0, 1, 0);
  append(wire, {0xC0, 18, 0, 1, 0, 1, 1, 'a', 0});
  EXPECT_EQ(decode(wire).error(), make_error_code(DecodeErrc::kBadPointer));
}

TEST(DnsMessage, RejectsATruncatedPointerAndLabel) {
  Bytes pointer = header(1, 0, 1, 0);
  append(pointer, {0xC0});
  EXPECT_EQ(decode(pointer).error(), make_error_code(DecodeErrc::kTruncated));
  Bytes label = header(1, 0, 1, 0);
  append(label, {5, 'a', 'b'});
  EXPECT_EQ(decode(label).error(), make_error_code(DecodeErrc::kTruncated));
  Bytes no_type = header(1, 0, 1, 0);
  append(no_type, {1, 'a', 0, 0});
  EXPECT_EQ(decode(no_type).error(), make_error_code(DecodeErrc::kTruncated));
  EXPECT_EQ(decode(Bytes{1, 2, 3}).error(), make_error_code(DecodeErrc::kTruncated));
}

TEST(DnsMessage, RejectsReservedLabelTypes) {
  Bytes wire = header(1, 0, 1, 0);
  append(wire, {0x41, 'a', 0, 0, 1, 0, 1});
  EXPECT_EQ(decode(wire).error(), make_error_code(DecodeErrc::kBadLabelType));
}

TEST(DnsMessage, RejectsANameLongerThan255OctetsBuiltFromPointers) {
  // Four 63-octet labels chained by backward pointers: 4 * 64 + 1 = 257 octets.
  Bytes wire = header(1, 0, 4, 0);
  std::size_t previous = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t here = wire.size();
    appendLabel(wire, std::string(63, static_cast<char>('a' + i)));
    if (i == 0) {
      wire.push_back(0);
    } else {
      append(wire, {0xC0 | static_cast<int>(previous >> 8), static_cast<int>(previous & 0xFF)});
    }
    append(wire, {0, 1, 0, 1});
    previous = here;
  }
  EXPECT_EQ(decode(wire).error(), make_error_code(DecodeErrc::kNameTooLong));
}

TEST(DnsMessage, RejectsRdataOfTheWrongLength) {
  Bytes wire = header(1, 0x8000, 0, 1);
  append(wire, {0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5});
  EXPECT_EQ(decode(wire).error(), make_error_code(DecodeErrc::kBadRdata));
  Bytes ns = header(1, 0x8000, 0, 1);  // an NS whose name runs past its rdata length
  append(ns, {0, 0, 2, 0, 1, 0, 0, 0, 1, 0, 2, 1, 'a', 0});
  EXPECT_EQ(decode(ns).error(), make_error_code(DecodeErrc::kBadRdata));
  Bytes long_rdata = header(1, 0x8000, 0, 1);  // rdata length beyond the message
  append(long_rdata, {0, 0, 99, 0, 1, 0, 0, 0, 1, 0, 50, 1, 2});
  EXPECT_EQ(decode(long_rdata).error(), make_error_code(DecodeErrc::kTruncated));
}

TEST(DnsMessage, RoundTripsTxtMxAaaaAndGenericData) {
  Message message;
  message.header.qr = true;
  message.answers.push_back({"t.test.", kTypeTxt, kClassIn, 5, "\"hello world\" \"quote\\\" and \\\\ and \\001\""});
  message.answers.push_back({"t.test.", kTypeMx, kClassIn, 5, "10 mail.t.test."});
  message.answers.push_back({"t.test.", kTypeAaaa, kClassIn, 5, "2001:db8::1"});
  message.answers.push_back({"t.test.", 65280, kClassIn, 5, "\\# 3 0A0B0C"});
  message.additional.push_back({".", kTypeOpt, 1232, 0, "\\# 0"});
  const auto decoded = decode(encode(message));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, message);
  EXPECT_EQ(ednsPayloadSize(*decoded), 1232);
}

TEST(DnsMessage, RoundTripsTheOtherTypesDesignateServes) {
  Message message;
  message.header.qr = true;
  message.answers.push_back({"_sip._tcp.t.test.", kTypeSrv, kClassIn, 5, "10 60 5060 sip.t.test."});
  message.answers.push_back({"t.test.", kTypeNaptr, kClassIn, 5,
                             "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@t.test!\" ."});
  message.answers.push_back({"t.test.", kTypeSshfp, kClassIn, 5, "1 1 0123456789ABCDEF0123456789ABCDEF01234567"});
  message.answers.push_back({"t.test.", kTypeSpf, kClassIn, 5, "\"v=spf1 -all\""});
  message.answers.push_back({"t.test.", kTypeCaa, kClassIn, 5, "0 issue \"ca.example.net; policy=ev\""});
  const auto decoded = decode(encode(message));
  ASSERT_TRUE(decoded) << decoded.error().message();
  EXPECT_EQ(*decoded, message);
}

TEST(DnsMessage, ReadsLooserPresentationForms) {
  Message message;
  message.answers.push_back({"t.test.", kTypeCaa, kClassIn, 5, "0 issue ca.example.net; policy=ev"});
  message.answers.push_back({"t.test.", kTypeSshfp, kClassIn, 5, "2 1 abcd ef01"});
  message.answers.push_back({"t.test.", kTypeTxt, kClassIn, 5, "bare words"});
  const auto decoded = decode(encode(message));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->answers[0].data, "0 issue \"ca.example.net; policy=ev\"");
  EXPECT_EQ(decoded->answers[1].data, "2 1 ABCDEF01");
  EXPECT_EQ(decoded->answers[2].data, "\"bare\" \"words\"");
}

TEST(DnsMessage, NeverCompressesSrvTargets) {
  Message message;
  message.answers.push_back({"sip.t.test.", kTypeA, kClassIn, 5, "10.0.0.1"});
  message.answers.push_back({"_sip._tcp.t.test.", kTypeSrv, kClassIn, 5, "1 2 3 sip.t.test."});
  const Bytes wire = encode(message);
  const Bytes target = nameToWire("sip.t.test.");
  EXPECT_TRUE(std::search(wire.begin() + 40, wire.end(), target.begin(), target.end()) != wire.end());
}

TEST(DnsMessage, EscapesSpecialBytesInNamesAndReadsThemBack) {
  Message message;
  message.questions.push_back({"a\\.b\\032c\\\\d.test.", kTypeA, kClassIn});
  const Bytes wire = encode(message);
  EXPECT_EQ(wire[12], 7);  // one label "a.b c\d"
  const auto decoded = decode(wire);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->questions[0].name, "a\\.b\\032c\\\\d.test.");
}

TEST(DnsMessage, TreatsRelativeNamesAsAbsoluteAndRootAsDot) {
  EXPECT_EQ(nameToWire("a.test"), nameToWire("a.test."));
  EXPECT_EQ(nameToWire("."), Bytes{0});
  Message message;
  message.questions.push_back({".", kTypeNs, kClassIn});
  EXPECT_EQ(decode(encode(message))->questions[0].name, ".");
}

TEST(DnsMessage, RefusesInvalidPresentationDataNamingTheRecord) {
  Message bad_a;
  bad_a.answers.push_back({"www.x.test.", kTypeA, kClassIn, 1, "999.0.0.1"});
  try {
    encode(bad_a);
    FAIL() << "expected an error";
  } catch (const sdk::Error& e) {
    EXPECT_STREQ(e.what(), "DNS record \"www.x.test.\" A: bad IPv4 address \"999.0.0.1\"");
  }
  Message bad_soa;
  bad_soa.answers.push_back({"x.test.", kTypeSoa, kClassIn, 1, "ns. host. 1 2 3"});
  EXPECT_THROW(encode(bad_soa), sdk::Error);
  Message bad_type;
  bad_type.answers.push_back({"x.test.", 65280, kClassIn, 1, "anything"});
  EXPECT_THROW(encode(bad_type), sdk::Error);
  EXPECT_THROW(nameToWire(std::string(64, 'a') + ".test."), sdk::Error);
  EXPECT_THROW(nameToWire("a..test."), sdk::Error);
  EXPECT_THROW(nameToWire(""), sdk::Error);
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'l') + ".";
  EXPECT_THROW(nameToWire(long_name), sdk::Error);
}

TEST(DnsMessage, TruncatesToTheQuestionAndOptWhenOverTheSizeLimit) {
  Message message = sampleResponse();
  for (int i = 0; i < 60; ++i) {
    message.answers.push_back({"host" + std::to_string(i) + ".example.test.", kTypeA, kClassIn, 60, "192.0.2.3"});
  }
  message.additional.push_back({".", kTypeOpt, 512, 0, "\\# 0"});
  const Bytes full = encode(message);
  ASSERT_GT(full.size(), 512u);
  const Bytes cut = encode(message, {.compress = true, .max_size = 512});
  EXPECT_LE(cut.size(), 512u);
  const auto decoded = decode(cut);
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->header.tc);
  EXPECT_EQ(decoded->questions, message.questions);
  EXPECT_TRUE(decoded->answers.empty());
  EXPECT_TRUE(decoded->authority.empty());
  ASSERT_EQ(decoded->additional.size(), 1u);
  EXPECT_EQ(decoded->additional[0].type, kTypeOpt);
}

TEST(DnsMessage, ReadsAllHeaderFlags) {
  Bytes wire = header(0xABCD, 0xFFFF, 0, 0);
  const auto h = decodeHeader(wire);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->id, 0xABCD);
  EXPECT_TRUE(h->qr && h->aa && h->tc && h->rd && h->ra && h->z && h->ad && h->cd);
  EXPECT_EQ(h->opcode, 15);
  EXPECT_EQ(h->rcode, 15);
  EXPECT_EQ(encode(*decode(wire)), wire);
  EXPECT_FALSE(decodeHeader(Bytes(11, 0)));
}

TEST(DnsMessage, ErrorMessagesAreReadable) {
  EXPECT_EQ(make_error_code(DecodeErrc::kBadPointer).message(), "DNS compression pointer does not point backwards");
}

TEST(DnsMessage, NamesTypesBothWays) {
  for (const char* name : {"A", "AAAA", "NS", "CNAME", "SOA", "MX", "TXT", "SRV", "PTR", "NAPTR", "SSHFP", "SPF", "CAA",
                           "OPT", "IXFR", "AXFR", "ANY"}) {
    const auto type = typeFromName(name);
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(typeName(*type), name);
  }
  EXPECT_EQ(typeFromName("aaaa"), kTypeAaaa);
  EXPECT_EQ(typeFromName("Soa"), kTypeSoa);
  EXPECT_EQ(typeFromName("TYPE65280"), 65280);
  EXPECT_EQ(typeFromName("type1"), kTypeA);
  EXPECT_EQ(typeName(65280), "TYPE65280");
  for (const char* bad : {"", "B", "TYPE", "TYPE65536", "TYPE-1", "TYPE+1", "TYPE1x", " A", "A "}) {
    EXPECT_FALSE(typeFromName(bad)) << '"' << bad << '"';
  }
}

TEST(DnsMessage, MakesAQueryWithOneQuestion) {
  const Message query = makeQuery(77, "x.test.", kTypeSoa);
  EXPECT_EQ(query.header.id, 77);
  EXPECT_FALSE(query.header.qr);
  EXPECT_FALSE(query.header.rd);
  EXPECT_EQ(query.header.opcode, kOpcodeQuery);
  EXPECT_EQ(query.questions, (std::vector<Question>{{"x.test.", kTypeSoa, kClassIn}}));
  EXPECT_TRUE(query.answers.empty() && query.authority.empty() && query.additional.empty());
  EXPECT_TRUE(makeQuery(1, "x.test.", kTypeA, true).header.rd);
}

}  // namespace
}  // namespace accurate::dns
