// Bounded random-input test of the DNS codec and responder: 200,000 random or mutated messages from a fixed seed.
// Properties: decoding never crashes (the sanitizer build checks memory safety); whatever decodes re-encodes
// without error and decodes back to the same message (compressed and uncompressed); the responder never crashes
// and its answers always decode, carry QR and echo the query id.
#include "net/dns_message.hpp"
#include "net_dns_print.hpp"
#include "net/dns_server.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <random>
#include <vector>

namespace accurate::designate_sim {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr int kIterations = 200000;
constexpr auto kTimeBudget = std::chrono::seconds(120);

std::vector<Bytes> corpus() {
  std::vector<dns::Message> messages;
  dns::Message query;
  query.header.id = 0x1234;
  query.header.rd = true;
  query.questions.push_back({"www.example.test.", dns::kTypeA, dns::kClassIn});
  messages.push_back(query);
  query.additional.push_back({".", dns::kTypeOpt, 1232, 0, "\\# 0"});
  messages.push_back(query);

  dns::Message response;
  response.header.id = 0xBEEF;
  response.header.qr = true;
  response.header.aa = true;
  response.questions.push_back({"Example.Test.", dns::kTypeSoa, dns::kClassIn});
  response.answers.push_back({"example.test.", dns::kTypeSoa, dns::kClassIn, 3600,
                              "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 3600"});
  response.answers.push_back({"example.test.", dns::kTypeNs, dns::kClassIn, 3600, "ns1.example.test."});
  response.answers.push_back({"www.example.test.", dns::kTypeA, dns::kClassIn, 300, "192.0.2.1"});
  response.authority.push_back({"example.test.", dns::kTypeNs, dns::kClassIn, 3600, "ns2.example.test."});
  response.additional.push_back({"ns1.example.test.", dns::kTypeAaaa, dns::kClassIn, 60, "2001:db8::53"});
  response.additional.push_back({"example.test.", dns::kTypeMx, dns::kClassIn, 60, "10 mail.example.test."});
  response.additional.push_back({"example.test.", dns::kTypeTxt, dns::kClassIn, 60, "\"v=spf1 -all\" \"x\\\"y\""});
  response.additional.push_back({"example.test.", 65280, dns::kClassIn, 60, "\\# 2 abcd"});
  messages.push_back(response);

  dns::Message others;
  others.header.qr = true;
  others.questions.push_back({"example.test.", dns::kTypeAny, dns::kClassIn});
  others.answers.push_back({"_sip._tcp.example.test.", dns::kTypeSrv, dns::kClassIn, 60, "1 2 5060 sip.example.test."});
  others.answers.push_back({"example.test.", dns::kTypeNaptr, dns::kClassIn, 60,
                            "10 20 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.test."});
  others.answers.push_back({"example.test.", dns::kTypeSshfp, dns::kClassIn, 60, "1 1 00112233445566778899"});
  others.answers.push_back({"example.test.", dns::kTypeSpf, dns::kClassIn, 60, "\"v=spf1 a -all\""});
  others.answers.push_back({"example.test.", dns::kTypeCaa, dns::kClassIn, 60, "128 iodef \"mailto:a@b.c\""});
  messages.push_back(others);

  std::vector<Bytes> out;
  for (const auto& message : messages) {
    out.push_back(dns::encode(message));
    out.push_back(dns::encode(message, {.compress = false}));
  }
  return out;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t next() { return rng_(); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  Bytes random() {
    Bytes out(below(300));
    for (auto& b : out) b = static_cast<std::uint8_t>(next());
    return out;
  }

  Bytes mutate(Bytes wire) {
    const std::size_t steps = 1 + below(4);
    for (std::size_t s = 0; s < steps; ++s) {
      if (wire.empty()) wire.push_back(0);
      const std::size_t at = below(wire.size());
      switch (below(7)) {
        case 0: wire[at] ^= static_cast<std::uint8_t>(1u << below(8)); break;
        case 1: wire[at] = static_cast<std::uint8_t>(next()); break;
        case 2:  // a compression pointer to a random offset
          wire[at] = static_cast<std::uint8_t>(0xC0 | below(2));
          if (at + 1 < wire.size()) wire[at + 1] = static_cast<std::uint8_t>(next());
          break;
        case 3: wire.resize(below(wire.size() + 1)); break;
        case 4: wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(next())); break;
        case 5: {  // a section count
          const std::size_t field = 4 + 2 * below(4);
          if (field + 1 < wire.size()) wire[field + 1] = static_cast<std::uint8_t>(below(6));
          break;
        }
        default: {  // duplicate a slice (more names to point at, longer chains)
          const std::size_t length = below(std::min<std::size_t>(40, wire.size() - at) + 1);
          Bytes slice(wire.begin() + static_cast<std::ptrdiff_t>(at),
                      wire.begin() + static_cast<std::ptrdiff_t>(at + length));
          wire.insert(wire.end(), slice.begin(), slice.end());
          break;
        }
      }
    }
    return wire;
  }

 private:
  std::mt19937_64 rng_;  ///< fixed-seed source
};

DnsAnswer fuzzLookup(std::string_view qname, std::uint16_t qtype) {
  DnsAnswer answer;
  if (qname.size() % 3 == 0) return answer;  // REFUSED
  answer.authoritative = true;
  answer.rcode = DnsAnswer::Rcode::kNoError;
  const std::string owner = qname.empty() || qname.back() != '.' ? std::string(qname) + "." : std::string(qname);
  if (qtype == dns::kTypeA) answer.answers.push_back({owner, 1, 60, "192.0.2.7"});
  answer.authority.push_back({owner, 6, 60, "ns1.fuzz.test. hostmaster.fuzz.test. 1 2 3 4 5"});
  return answer;
}

TEST(DnsFuzz, RandomAndMutatedMessagesNeverCrashAndRoundTrip) {
  const auto seeds = corpus();
  Mutator mutator(20240601);
  const auto start = std::chrono::steady_clock::now();
  int iterations = 0;
  int decoded_ok = 0;
  int answered = 0;
  for (; iterations < kIterations; ++iterations) {
    if (iterations % 1024 == 0 && std::chrono::steady_clock::now() - start > kTimeBudget) break;
    const Bytes input = mutator.below(5) == 0 ? mutator.random() : mutator.mutate(seeds[mutator.below(seeds.size())]);
    const auto decoded = dns::decode(input);
    if (decoded) {
      ++decoded_ok;
      for (bool compress : {true, false}) {
        Bytes again;
        try {
          again = dns::encode(*decoded, {.compress = compress});
        } catch (const sdk::Error& e) {
          FAIL() << "iteration " << iterations << ": a decoded message does not encode: " << e.what();
        }
        const auto round = dns::decode(again);
        ASSERT_TRUE(round) << "iteration " << iterations << ": " << round.error().message();
        ASSERT_EQ(*round, *decoded) << "iteration " << iterations;
      }
    }
    const auto response = respondToQuery(input, fuzzLookup, iterations % 2 == 0);
    if (response) {
      ++answered;
      const auto parsed = dns::decode(*response);
      ASSERT_TRUE(parsed) << "iteration " << iterations << ": response undecodable: " << parsed.error().message();
      ASSERT_TRUE(parsed->header.qr);
      ASSERT_EQ(parsed->header.id, dns::decodeHeader(input)->id);
      if (iterations % 2 == 0) {
        ASSERT_LE(response->size(), 4096u);
      }
    }
  }
  std::cout << "[ fuzz ] " << iterations << " inputs, " << decoded_ok << " decoded, " << answered << " answered in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count()
            << " ms\n";
  EXPECT_GE(iterations, kIterations / 10) << "time budget ran out early";
  EXPECT_GT(decoded_ok, iterations / 20);  // the mutations must keep many inputs valid, or the round trip is untested
  EXPECT_GT(answered, iterations / 20);
}

}  // namespace
}  // namespace accurate::designate_sim
