#pragma once
/// @file dns_fuzz_support.hpp
/// Inputs for the bounded random-input tests of the DNS codec (here) and of the Designate simulator's responder
/// (plugins/designate/sim/tests): a corpus of valid messages and a fixed-seed mutator producing random bytes
/// and damaged copies (bit flips, random bytes, truncations, insertions, compression pointers to anywhere,
/// pointer loops, huge section counts, huge rdata lengths, overlong labels, duplicated slices).

#include <accurate/dns/message.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace accurate::dns::testing {

using Bytes = std::vector<std::uint8_t>;

/// Valid queries and responses of every type the codec knows, compressed and not.
inline std::vector<Bytes> fuzzCorpus() {
  std::vector<Message> messages;
  Message query = makeQuery(0x1234, "www.example.test.", kTypeA, true);
  messages.push_back(query);
  query.additional.push_back({".", kTypeOpt, 1232, 0, "\\# 0"});
  messages.push_back(query);

  Message response;
  response.header.id = 0xBEEF;
  response.header.qr = true;
  response.header.aa = true;
  response.questions.push_back({"Example.Test.", kTypeSoa, kClassIn});
  response.answers.push_back({"example.test.", kTypeSoa, kClassIn, 3600,
                              "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 3600"});
  response.answers.push_back({"example.test.", kTypeNs, kClassIn, 3600, "ns1.example.test."});
  response.answers.push_back({"www.example.test.", kTypeA, kClassIn, 300, "192.0.2.1"});
  response.authority.push_back({"example.test.", kTypeNs, kClassIn, 3600, "ns2.example.test."});
  response.additional.push_back({"ns1.example.test.", kTypeAaaa, kClassIn, 60, "2001:db8::53"});
  response.additional.push_back({"example.test.", kTypeMx, kClassIn, 60, "10 mail.example.test."});
  response.additional.push_back({"example.test.", kTypeTxt, kClassIn, 60, "\"v=spf1 -all\" \"x\\\"y\""});
  response.additional.push_back({"example.test.", 65280, kClassIn, 60, "\\# 2 abcd"});
  messages.push_back(response);

  Message others;
  others.header.qr = true;
  others.questions.push_back({"example.test.", kTypeAny, kClassIn});
  others.answers.push_back({"_sip._tcp.example.test.", kTypeSrv, kClassIn, 60, "1 2 5060 sip.example.test."});
  others.answers.push_back({"example.test.", kTypeNaptr, kClassIn, 60,
                            "10 20 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.test."});
  others.answers.push_back({"example.test.", kTypeSshfp, kClassIn, 60, "1 1 00112233445566778899"});
  others.answers.push_back({"example.test.", kTypeSpf, kClassIn, 60, "\"v=spf1 a -all\""});
  others.answers.push_back({"example.test.", kTypeCaa, kClassIn, 60, "128 iodef \"mailto:a@b.c\""});
  others.answers.push_back({"example.test.", kTypeCname, kClassIn, 60, "alias.example.test."});
  others.answers.push_back({"1.2.0.192.in-addr.arpa.", kTypePtr, kClassIn, 60, "www.example.test."});
  messages.push_back(others);

  std::vector<Bytes> out;
  for (const auto& message : messages) {
    out.push_back(encode(message));
    out.push_back(encode(message, {.compress = false}));
  }
  return out;
}

/// Random and damaged messages from a fixed seed (the same sequence on every run and platform).
class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t next() { return rng_(); }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  /// 0..299 random bytes.
  Bytes random() {
    Bytes out(below(300));
    for (auto& b : out) b = static_cast<std::uint8_t>(next());
    return out;
  }

  /// 1..4 random damages of @p wire.
  Bytes mutate(Bytes wire) {
    const std::size_t steps = 1 + below(4);
    for (std::size_t s = 0; s < steps; ++s) {
      if (wire.empty()) wire.push_back(0);
      const std::size_t at = below(wire.size());
      switch (below(11)) {
        case 0: wire[at] ^= static_cast<std::uint8_t>(1u << below(8)); break;  // a bit flip
        case 1: wire[at] = static_cast<std::uint8_t>(next()); break;
        case 2:  // a compression pointer to a random offset
          wire[at] = static_cast<std::uint8_t>(0xC0 | below(2));
          if (at + 1 < wire.size()) wire[at + 1] = static_cast<std::uint8_t>(next());
          break;
        case 3: wire.resize(below(wire.size() + 1)); break;  // a truncation
        case 4: wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(next())); break;
        case 5: {  // a small section count
          const std::size_t field = 4 + 2 * below(4);
          if (field + 1 < wire.size()) wire[field + 1] = static_cast<std::uint8_t>(below(6));
          break;
        }
        case 6: {  // a huge section count
          const std::size_t field = 4 + 2 * below(4);
          if (field + 1 < wire.size()) wire[field] = wire[field + 1] = 0xFF;
          break;
        }
        case 7:  // a pointer to itself, or to the pointer just after it (a loop of two)
          if (at + 3 < wire.size()) {
            const std::size_t target = below(2) == 0 ? at : at + 2;
            wire[at] = wire[at + 2] = static_cast<std::uint8_t>(0xC0 | (target >> 8 & 0x3F));
            wire[at + 1] = static_cast<std::uint8_t>(target & 0xFF);
            wire[at + 3] = static_cast<std::uint8_t>(at & 0xFF);
          }
          break;
        case 8:  // a huge length where a label length or an rdata length may be
          wire[at] = static_cast<std::uint8_t>(below(2) == 0 ? 0x3F : 0xFF);
          if (at + 1 < wire.size() && below(2) == 0) wire[at + 1] = 0xFF;
          break;
        case 9: wire.assign(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(at, 12)));
          break;  // cut inside or right after the header
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

/// The bytes a decoded message occupies (string capacities and element sizes), to check that decoding
/// allocates in proportion to its input.
inline std::size_t footprint(const Message& message) {
  std::size_t total = sizeof(Message) + message.questions.capacity() * sizeof(Question);
  for (const auto& q : message.questions) total += q.name.capacity();
  for (const auto* section : {&message.answers, &message.authority, &message.additional}) {
    total += section->capacity() * sizeof(ResourceRecord);
    for (const auto& r : *section) total += r.name.capacity() + r.data.capacity();
  }
  return total;
}

}  // namespace accurate::dns::testing
