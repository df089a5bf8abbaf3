#include "cluster/msgpack.hpp"

#include "unit/cluster/locust_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace accurate::cluster::msgpack {
namespace {

using ::testing::HasSubstr;
using testing::fromHex;
using testing::loadCapture;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kDigits[static_cast<unsigned char>(c) & 0xf]);
  }
  return out;
}

/// The DecodeError text of decoding @p bytes (fails the test when it decodes or throws something else).
std::string decodeError(std::string_view bytes, const DecodeLimits& limits = {}) {
  try {
    decode(bytes, limits);
  } catch (const DecodeError& e) {
    return e.what();
  }
  ADD_FAILURE() << "decoded without error: " << hex(bytes);
  return {};
}

TEST(MsgpackTest, EncodesIntegersInTheSmallestForm) {
  const std::vector<std::pair<Value, std::string>> cases = {
      {Value(0), "00"},
      {Value(127), "7f"},
      {Value(128), "cc80"},
      {Value(255), "ccff"},
      {Value(256), "cd0100"},
      {Value(65535), "cdffff"},
      {Value(65536), "ce00010000"},
      {Value(4294967295u), "ceffffffff"},
      {Value(4294967296LL), "cf0000000100000000"},
      {Value(std::numeric_limits<std::uint64_t>::max()), "cfffffffffffffffff"},
      {Value(-1), "ff"},
      {Value(-32), "e0"},
      {Value(-33), "d0df"},
      {Value(-128), "d080"},
      {Value(-129), "d1ff7f"},
      {Value(-32768), "d18000"},
      {Value(-32769), "d2ffff7fff"},
      {Value(std::numeric_limits<std::int32_t>::min()), "d280000000"},
      {Value(static_cast<long long>(std::numeric_limits<std::int32_t>::min()) - 1), "d3ffffffff7fffffff"},
      {Value(std::numeric_limits<std::int64_t>::min()), "d38000000000000000"},
  };
  for (const auto& [value, expected] : cases) {
    const std::string bytes = encode(value);
    EXPECT_EQ(hex(bytes), expected);
    EXPECT_EQ(decode(bytes), value) << expected;
  }
}

TEST(MsgpackTest, DecodesNonNegativeSignedFormsAsUnsigned) {
  const Value v = decode(fromHex("d005"));
  EXPECT_TRUE(std::holds_alternative<std::uint64_t>(v.storage()));
  EXPECT_EQ(v.asUint(), 5u);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(decode(fromHex("ff")).storage()));
}

TEST(MsgpackTest, EncodesEveryFloatAsFloat64) {
  EXPECT_EQ(hex(encode(Value(1.5))), "cb3ff8000000000000");
  EXPECT_EQ(hex(encode(Value(150.0))), "cb4062c00000000000");
  EXPECT_EQ(decode(fromHex("cb4062c00000000000")), Value(150.0));
  // float32 input is accepted and widened.
  EXPECT_EQ(decode(fromHex("ca3fc00000")).asNumber(), 1.5);
}

TEST(MsgpackTest, StrHeadersChangeAtTheLengthLimits) {
  const std::vector<std::pair<std::size_t, std::string>> cases = {
      {0, "a0"}, {31, "bf"}, {32, "d920"}, {255, "d9ff"}, {256, "da0100"}, {65535, "daffff"}, {65536, "db00010000"}};
  for (const auto& [length, header] : cases) {
    const std::string text(length, 'x');
    const std::string bytes = encode(Value(text));
    EXPECT_EQ(hex(bytes.substr(0, header.size() / 2)), header) << length;
    EXPECT_EQ(bytes.size(), header.size() / 2 + length);
    EXPECT_EQ(decode(bytes).asStr(), text);
  }
}

TEST(MsgpackTest, BinStaysDistinctFromStr) {
  EXPECT_EQ(hex(encode(Value(Binary{"abc"}))), "c403616263");
  EXPECT_EQ(hex(encode(Value(Binary{""}))), "c400");
  EXPECT_EQ(hex(encode(Value(Binary{std::string(256, 'b')})).substr(0, 3)), "c50100");
  EXPECT_EQ(hex(encode(Value(Binary{std::string(65536, 'b')})).substr(0, 5)), "c600010000");
  const Value bin = decode(fromHex("c403616263"));
  EXPECT_TRUE(bin.isBin());
  EXPECT_FALSE(bin.isStr());
  EXPECT_FALSE(bin == Value("abc"));
}

TEST(MsgpackTest, ArrayAndMapHeadersChangeAtTheLengthLimits) {
  const std::vector<std::pair<std::size_t, std::string>> arrays = {
      {0, "90"}, {15, "9f"}, {16, "dc0010"}, {65535, "dcffff"}, {65536, "dd00010000"}};
  for (const auto& [n, header] : arrays) {
    const Value v(Array(n, Value(Nil{})));
    const std::string bytes = encode(v);
    EXPECT_EQ(hex(bytes.substr(0, header.size() / 2)), header) << n;
    EXPECT_EQ(decode(bytes), v);
  }
  const std::vector<std::pair<std::size_t, std::string>> maps = {
      {0, "80"}, {15, "8f"}, {16, "de0010"}, {65535, "deffff"}, {65536, "df00010000"}};
  for (const auto& [n, header] : maps) {
    Map m;
    for (std::size_t i = 0; i < n; ++i) m.emplace_back(Value(static_cast<std::uint64_t>(i)), Value(true));
    const Value v(std::move(m));
    const std::string bytes = encode(v);
    EXPECT_EQ(hex(bytes.substr(0, header.size() / 2)), header) << n;
    EXPECT_EQ(decode(bytes), v);
  }
}

TEST(MsgpackTest, NestedMapsWithIntAndFloatKeysRoundTrip) {
  const Value v(Map{
      {Value("response_times"), Value(Map{{Value(7), Value(4)}, {Value(150.0), Value(4)}, {Value(-3), Value(1)}})},
      {Value(Array{Value(1), Value("k")}), Value(Map{{Value(Nil{}), Value(false)}})},
      {Value("mixed"), Value(Array{Value(Nil{}), Value(true), Value(-1.25), Value("s"), Value(Binary{"\x00\x01"})})},
  });
  const Value back = decode(encode(v));
  EXPECT_EQ(back, v);
  const Value& rt = back.at("response_times");
  ASSERT_EQ(rt.asMap().size(), 3u);
  EXPECT_TRUE(rt.asMap()[1].first.isFloat());
  EXPECT_TRUE(rt.asMap()[0].first.isInt());
}

TEST(MsgpackTest, ReencodesEveryRealLocustMessageByteForByte) {
  std::size_t checked = 0;
  for (const char* file : {"worker_2_12_1.jsonl", "master_2_12_1.jsonl"}) {
    for (const auto& m : loadCapture(file)) {
      const Value v = decode(m.payload());
      EXPECT_EQ(hex(encode(v)), hex(m.payload())) << file << " " << m.type;
      ++checked;
    }
  }
  EXPECT_GE(checked, 25u);
}

TEST(MsgpackTest, DecodesFloatBucketKeysOfARealWorker) {
  bool found = false;
  for (const auto& m : loadCapture("worker_2_12_1.jsonl")) {
    if (m.type != "stats") continue;
    const Value v = decode(m.payload());
    for (const Value& entry : v.asArray()[1].at("stats").asArray()) {
      if (entry.at("name").asStr() != "/bucket") continue;
      found = true;
      int float_keys = 0;
      for (const auto& [k, n] : entry.at("response_times").asMap()) {
        if (k.isFloat()) {
          ++float_keys;
          EXPECT_EQ(k.asNumber(), std::round(k.asNumber()));
        }
      }
      EXPECT_EQ(float_keys, 4);  // 150.0, 1000.0, 3400.0, 59000.0
    }
  }
  EXPECT_TRUE(found);
}

TEST(MsgpackTest, RejectsReservedByteC1) {
  EXPECT_THAT(decodeError(fromHex("c1")), HasSubstr("reserved byte 0xc1"));
  EXPECT_THAT(decodeError(fromHex("9201c1")), HasSubstr("at byte 2"));
}

TEST(MsgpackTest, RejectsExtTypesWithAClearMessage) {
  for (const char* bytes : {"d40100", "d5010000", "d60100000000", "d701", "d801", "c70105aa", "c8000105aa",
                            "c90000000105aa", "9201d40100"}) {
    EXPECT_THAT(decodeError(fromHex(bytes)), HasSubstr("ext types are not supported")) << bytes;
  }
}

TEST(MsgpackTest, RejectsInvalidUtf8InStr) {
  for (const char* bytes : {"a2c328", "a2c080", "a3eda080", "a4f4908080", "a1ff", "a2e282"}) {
    EXPECT_THAT(decodeError(fromHex(bytes)), HasSubstr("invalid UTF-8")) << bytes;
  }
  EXPECT_EQ(decode(fromHex("a4f09f9880")).asStr(), "\xf0\x9f\x98\x80");  // U+1F600 is fine
}

TEST(MsgpackTest, EncoderReplacesInvalidUtf8SoPythonCanDecodeIt) {
  EXPECT_EQ(hex(encode(Value(std::string("a\xff")))), "a461efbfbd");
  EXPECT_EQ(decode(encode(Value(std::string("\xc3(")))).asStr(), "\xef\xbf\xbd(");
}

TEST(MsgpackTest, RejectsTrailingBytes) {
  EXPECT_THAT(decodeError(fromHex("c0c0")), HasSubstr("1 trailing byte(s)"));
  EXPECT_THAT(decodeError(fromHex("")), HasSubstr("truncated"));
}

TEST(MsgpackTest, RejectsEveryPrefixOfRealMessages) {
  for (const char* file : {"worker_2_12_1.jsonl", "master_2_12_1.jsonl"}) {
    for (const auto& m : loadCapture(file)) {
      const std::string& p = m.payload();
      for (std::size_t n = 0; n < p.size(); ++n) {
        try {
          decode(std::string_view(p).substr(0, n));
          ADD_FAILURE() << file << " " << m.type << ": prefix of " << n << " bytes decoded";
        } catch (const DecodeError& e) {
          EXPECT_THAT(std::string(e.what()), HasSubstr("truncated"));
        }
      }
    }
  }
}

TEST(MsgpackTest, HugeAnnouncedLengthsFailBeforeAllocating) {
  EXPECT_THAT(decodeError(fromHex("dbffffffff")), HasSubstr("longer than the limit"));
  EXPECT_THAT(decodeError(fromHex("db00ffffff61")), HasSubstr("truncated str"));
  EXPECT_THAT(decodeError(fromHex("c600ffffff00")), HasSubstr("truncated bin"));
  EXPECT_THAT(decodeError(fromHex("ddffffffff")), HasSubstr("4294967295 element(s) announced"));
  EXPECT_THAT(decodeError(fromHex("dfffffffff00")), HasSubstr("truncated map"));
  // A map pair needs two bytes: 3 pairs in 5 bytes cannot fit.
  EXPECT_THAT(decodeError(fromHex("830000000000")), HasSubstr("truncated map"));
}

TEST(MsgpackTest, EnforcesTheDepthLimit) {
  const DecodeLimits limits{.max_depth = 4};
  EXPECT_EQ(decode(fromHex("9191919100"), limits), Value(Array{Value(Array{Value(Array{Value(Array{Value(0)})})})}));
  EXPECT_THAT(decodeError(fromHex("919191919100"), limits), HasSubstr("nesting deeper than the limit of 4"));
  // The default limit holds against a deep bomb (no stack overflow).
  const std::string bomb = std::string(100000, '\x91') + '\x00';
  EXPECT_THAT(decodeError(bomb), HasSubstr("nesting deeper than the limit of 32"));
}

TEST(MsgpackTest, EnforcesTheElementAndStringLimits) {
  const DecodeLimits limits{.max_depth = 32, .max_elements = 4, .max_string = 3};
  EXPECT_NO_THROW(decode(fromHex("9201920203"), limits));  // 4 elements in all
  EXPECT_THAT(decodeError(fromHex("920193020304"), limits), HasSubstr("more than 4"));
  EXPECT_THAT(decodeError(fromHex("9301920203"), limits), HasSubstr("more than 4"));
  EXPECT_EQ(decode(fromHex("a3616263"), limits).asStr(), "abc");
  EXPECT_THAT(decodeError(fromHex("a461626364"), limits), HasSubstr("longer than the limit of 3"));
  EXPECT_THAT(decodeError(fromHex("c40461626364"), limits), HasSubstr("longer than the limit of 3"));
}

TEST(MsgpackTest, RandomAndMutatedInputsOnlyEverThrowDecodeError) {
  std::vector<std::string> seeds;
  for (const auto& m : loadCapture("worker_2_12_1.jsonl")) seeds.push_back(m.payload());
  for (const auto& m : loadCapture("master_2_12_1.jsonl")) seeds.push_back(m.payload());
  ASSERT_FALSE(seeds.empty());
  std::mt19937_64 rng(0xacc0fa7e);
  auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t decoded = 0;
  std::size_t refused = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      input.resize(pick(64));
      for (char& c : input) c = static_cast<char>(rng());
    } else {
      input = seeds[pick(seeds.size())];
      const std::size_t edits = 1 + pick(4);
      for (std::size_t e = 0; e < edits && !input.empty(); ++e) {
        const std::size_t at = pick(input.size());
        switch (pick(4)) {
          case 0: input[at] = static_cast<char>(rng()); break;
          case 1: input.insert(input.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng())); break;
          case 2: input.erase(at, 1); break;
          default: input.resize(at); break;
        }
      }
    }
    try {
      const Value v = decode(input);
      EXPECT_EQ(decode(encode(v)), v);
      ++decoded;
    } catch (const DecodeError&) {
      ++refused;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "input " << i << " threw something other than DecodeError: " << e.what();
    }
  }
  EXPECT_EQ(decoded + refused, 20000u);
  EXPECT_GT(refused, 5000u);
  EXPECT_GT(decoded, 100u);
}

TEST(MsgpackTest, AccessorsNameTheValueInTheirErrors) {
  const Value map(Map{{Value("state"), Value(3)}});
  try {
    map.at("state").asStr("heartbeat: 'state'");
    FAIL();
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "heartbeat: 'state' is not a str (got int)");
  }
  try {
    map.at("missing", "heartbeat");
    FAIL();
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "heartbeat: missing key 'missing'");
  }
  EXPECT_THROW(Value(-1).asUint(), DecodeError);
  EXPECT_THROW(Value(std::numeric_limits<std::uint64_t>::max()).asInt(), DecodeError);
  EXPECT_EQ(Value(5u).asInt(), 5);
  EXPECT_EQ(Value(5).asUint(), 5u);
  EXPECT_EQ(Value(5).asNumber(), 5.0);
  EXPECT_THROW(Value("5").asNumber(), DecodeError);
  EXPECT_EQ(map.find("nope"), nullptr);
  EXPECT_EQ(Value(1).find("state"), nullptr);
}

TEST(MsgpackTest, IntegersOfEitherSignClassCompareEqualButNotFloats) {
  EXPECT_EQ(Value(1), Value(1u));
  EXPECT_FALSE(Value(1) == Value(1.0));
  EXPECT_FALSE(Value(-1) == Value(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_FALSE(Value(Map{{Value("a"), Value(1)}}) == Value(Map{{Value("a"), Value(2)}}));
}

}  // namespace
}  // namespace accurate::cluster::msgpack
