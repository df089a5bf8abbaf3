// Bounded random-input test of the simulator's DNS responder: random and damaged messages (the codec's fuzz
// inputs, libs/dns/tests/dns_fuzz_support.hpp) from a fixed seed within a few seconds. Properties: the responder
// never crashes, and its answers always decode, carry QR, echo the query id and respect the UDP size limit.
// The codec's own properties are checked in libs/dns/tests/fuzz_test.cpp.
#include "net/dns_server.hpp"

#include <accurate/dns/message.hpp>
#include "dns_fuzz_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <string>

namespace accurate::designate_sim {
namespace {

using dns::testing::Bytes;
using Clock = std::chrono::steady_clock;

constexpr int kIterations = 40000;
constexpr auto kTimeBudget = std::chrono::seconds(3);
constexpr int kMinIterations = 2000;  // even the sanitizer build gets this far within the budget

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

TEST(DnsResponderFuzz, RandomAndMutatedQueriesNeverCrashAndGetWellFormedAnswers) {
  const auto seeds = dns::testing::fuzzCorpus();
  dns::testing::Mutator mutator(20240601);
  const auto start = Clock::now();
  int iterations = 0;
  int answered = 0;
  for (; iterations < kIterations; ++iterations) {
    if (iterations % 512 == 0 && Clock::now() - start > kTimeBudget) break;
    const Bytes input = mutator.below(5) == 0 ? mutator.random() : mutator.mutate(seeds[mutator.below(seeds.size())]);
    const bool udp = iterations % 2 == 0;
    const auto response = respondToQuery(input, fuzzLookup, udp);
    if (!response) continue;
    ++answered;
    const auto parsed = dns::decode(*response);
    ASSERT_TRUE(parsed) << "iteration " << iterations << ": response undecodable: " << parsed.error().message();
    ASSERT_TRUE(parsed->header.qr);
    ASSERT_EQ(parsed->header.id, dns::decodeHeader(input)->id);
    if (udp) {
      ASSERT_LE(response->size(), 4096u);
    }
  }
  std::cout << "[ fuzz ] " << iterations << " inputs, " << answered << " answered in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count() << " ms\n";
  EXPECT_GE(iterations, kMinIterations) << "time budget ran out early";
  EXPECT_GT(answered, iterations / 20);
}

}  // namespace
}  // namespace accurate::designate_sim
