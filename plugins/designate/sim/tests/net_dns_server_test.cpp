#include "net/dns_server.hpp"
#include "net_test_util.hpp"

#include <accurate/dns/message.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

namespace accurate::designate_sim {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;
using test::ClientSocket;
using test::IoThread;

/// A fake authoritative view: zone "example.test." with www (A), many (60 A records), the apex NS and SOA.
DnsAnswer fakeLookup(std::string_view qname, std::uint16_t qtype) {
  const std::string name = dns::toLowerAscii(qname);
  const DnsRecord soa{"example.test.", 6, 3600, "ns1.sim.test. hostmaster.example.test. 42 3600 600 86400 300"};
  DnsAnswer answer;
  if (name == "boom.example.test.") throw std::runtime_error("lookup exploded");
  if (name == "bad.example.test.") {
    answer.rcode = DnsAnswer::Rcode::kNoError;
    answer.authoritative = true;
    answer.answers.push_back({"bad.example.test.", 1, 60, "not-an-address"});
    answer.answers.push_back({"bad.example.test.", 1, 60, "192.0.2.99"});
    return answer;
  }
  if (name.size() < 13 || name.compare(name.size() - 13, 13, "example.test.") != 0) return answer;  // REFUSED
  answer.authoritative = true;
  answer.rcode = DnsAnswer::Rcode::kNoError;
  if (name == "www.example.test." && qtype == 1) {
    answer.answers.push_back({"www.example.test.", 1, 300, "192.0.2.10"});
  } else if (name == "many.example.test." && qtype == 1) {
    for (int i = 0; i < 60; ++i) {
      answer.answers.push_back({"many.example.test.", 1, 300, "192.0.2." + std::to_string(i)});
    }
  } else if (name == "example.test." && qtype == 6) {
    answer.answers.push_back(soa);
  } else if (name == "example.test." && qtype == 2) {
    answer.answers.push_back({"example.test.", 2, 3600, "ns1.sim.test."});
  } else if (name == "www.example.test.") {
    answer.authority.push_back(soa);
  } else {
    answer.rcode = DnsAnswer::Rcode::kNxDomain;
    answer.authority.push_back(soa);
  }
  return answer;
}

Bytes query(const std::string& name, std::uint16_t type, std::uint16_t id = 0x4242,
            std::optional<std::uint16_t> edns = {}, std::uint8_t opcode = 0) {
  dns::Message message;
  message.header.id = id;
  message.header.rd = true;
  message.header.opcode = opcode;
  message.questions.push_back({name, type, dns::kClassIn});
  if (edns) message.additional.push_back({".", dns::kTypeOpt, *edns, 0, "\\# 0"});
  return dns::encode(message);
}

dns::Message respond(const Bytes& wire, bool udp = true) {
  auto response = respondToQuery(wire, fakeLookup, udp);
  if (!response) throw std::runtime_error("no response");
  auto decoded = dns::decode(*response);
  if (!decoded) throw std::runtime_error("undecodable response: " + decoded.error().message());
  return *decoded;
}

TEST(DnsRespond, AnswersAQuestionFromTheLookup) {
  const auto response = respond(query("WWW.Example.Test.", dns::kTypeA, 0x1111));
  EXPECT_EQ(response.header.id, 0x1111);
  EXPECT_TRUE(response.header.qr);
  EXPECT_TRUE(response.header.aa);
  EXPECT_TRUE(response.header.rd);
  EXPECT_FALSE(response.header.ra);
  EXPECT_EQ(response.header.rcode, dns::kRcodeNoError);
  ASSERT_EQ(response.questions.size(), 1u);
  EXPECT_EQ(response.questions[0].name, "WWW.Example.Test.");  // the question is echoed as asked
  ASSERT_EQ(response.answers.size(), 1u);
  EXPECT_EQ(response.answers[0].data, "192.0.2.10");
  EXPECT_EQ(response.answers[0].ttl, 300u);
}

TEST(DnsRespond, GivesNxDomainWithTheSoaInTheAuthoritySection) {
  const auto response = respond(query("nope.example.test.", dns::kTypeA));
  EXPECT_EQ(response.header.rcode, dns::kRcodeNxDomain);
  EXPECT_TRUE(response.answers.empty());
  ASSERT_EQ(response.authority.size(), 1u);
  EXPECT_EQ(response.authority[0].type, dns::kTypeSoa);
  EXPECT_EQ(response.authority[0].data, "ns1.sim.test. hostmaster.example.test. 42 3600 600 86400 300");
}

TEST(DnsRespond, RefusesNamesOutsideEveryZone) {
  const auto response = respond(query("other.test.", dns::kTypeSoa));
  EXPECT_EQ(response.header.rcode, dns::kRcodeRefused);
  EXPECT_FALSE(response.header.aa);
}

TEST(DnsRespond, TruncatesLargeUdpAnswersButNotTcpOnes) {
  const auto udp = respond(query("many.example.test.", dns::kTypeA));
  EXPECT_TRUE(udp.header.tc);
  EXPECT_TRUE(udp.answers.empty());
  const auto tcp = respond(query("many.example.test.", dns::kTypeA), false);
  EXPECT_FALSE(tcp.header.tc);
  EXPECT_EQ(tcp.answers.size(), 60u);
}

TEST(DnsRespond, HonoursTheEdnsPayloadSizeAndAnswersWithOpt) {
  const auto response = respond(query("many.example.test.", dns::kTypeA, 1, 4096));
  EXPECT_FALSE(response.header.tc);
  EXPECT_EQ(response.answers.size(), 60u);
  ASSERT_EQ(response.additional.size(), 1u);
  EXPECT_EQ(response.additional[0].type, dns::kTypeOpt);
  const auto small = respond(query("many.example.test.", dns::kTypeA, 1, 100));  // below 512 counts as 512
  EXPECT_TRUE(small.header.tc);
}

TEST(DnsRespond, AnswersOtherOpcodesWithNotImp) {
  const auto response = respond(query("www.example.test.", dns::kTypeA, 9, {}, 4));
  EXPECT_EQ(response.header.rcode, dns::kRcodeNotImp);
  EXPECT_EQ(response.header.opcode, 4);
  EXPECT_TRUE(response.answers.empty());
}

TEST(DnsRespond, AnswersFormErrForAnUndecodableQueryWithAReadableHeader) {
  Bytes wire = query("www.example.test.", dns::kTypeA, 0x7777);
  wire.resize(wire.size() - 3);  // cut into the question
  const auto response = respond(wire);
  EXPECT_EQ(response.header.id, 0x7777);
  EXPECT_EQ(response.header.rcode, dns::kRcodeFormErr);
  EXPECT_TRUE(response.questions.empty());
}

TEST(DnsRespond, AnswersFormErrForTwoQuestions) {
  dns::Message message;
  message.questions.push_back({"a.example.test.", 1, 1});
  message.questions.push_back({"b.example.test.", 1, 1});
  EXPECT_EQ(respond(dns::encode(message)).header.rcode, dns::kRcodeFormErr);
}

TEST(DnsRespond, DropsShortGarbageAndResponses) {
  EXPECT_FALSE(respondToQuery(Bytes{1, 2, 3}, fakeLookup, true));
  dns::Message response;
  response.header.qr = true;
  response.questions.push_back({"www.example.test.", 1, 1});
  EXPECT_FALSE(respondToQuery(dns::encode(response), fakeLookup, true));
}

TEST(DnsRespond, AnswersServFailWhenTheLookupThrows) {
  const auto response = respond(query("boom.example.test.", dns::kTypeA, 5));
  EXPECT_EQ(response.header.rcode, dns::kRcodeServFail);
  EXPECT_EQ(response.header.id, 5);
  EXPECT_EQ(response.questions.size(), 1u);
}

TEST(DnsRespond, LeavesOutRecordsItCannotEncodeAndKeepsTheRest) {
  const auto response = respond(query("bad.example.test.", dns::kTypeA));
  EXPECT_EQ(response.header.rcode, dns::kRcodeNoError);
  ASSERT_EQ(response.answers.size(), 1u);
  EXPECT_EQ(response.answers[0].data, "192.0.2.99");
}

TEST(DnsRespond, RefusesZoneTransfersAndOtherClasses) {
  EXPECT_EQ(respond(query("example.test.", dns::kTypeAxfr)).header.rcode, dns::kRcodeRefused);
  dns::Message chaos;
  chaos.questions.push_back({"version.bind.", 16, 3});
  EXPECT_EQ(respond(dns::encode(chaos)).header.rcode, dns::kRcodeRefused);
}

class DnsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = io_.call([&] {
      auto server = std::make_shared<DnsServer>(io_.io, boost::asio::ip::make_address("127.0.0.1"), 0,
                                                [this](std::string_view name, std::uint16_t type) {
                                                  ++lookups_;
                                                  return fakeLookup(name, type);
                                                });
      server->start();
      return server;
    });
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    io_.call([&] { server_.reset(); });
  }

  static std::optional<dns::Message> exchangeUdp(ClientSocket& socket, const Bytes& wire) {
    if (!socket.send(wire.data(), wire.size())) return std::nullopt;
    auto reply = socket.receiveSome();
    if (!reply) return std::nullopt;
    auto decoded = dns::decode(std::span(reinterpret_cast<const std::uint8_t*>(reply->data()), reply->size()));
    if (!decoded) return std::nullopt;
    return *decoded;
  }

  static std::optional<dns::Message> exchangeTcp(ClientSocket& socket, const Bytes& wire) {
    std::string framed{static_cast<char>(wire.size() >> 8), static_cast<char>(wire.size() & 0xFF)};
    framed.append(wire.begin(), wire.end());
    if (!socket.send(framed)) return std::nullopt;
    std::string received;
    for (int i = 0; i < 1000; ++i) {
      if (received.size() >= 2) {
        const std::size_t length = static_cast<std::uint8_t>(received[0]) << 8 | static_cast<std::uint8_t>(received[1]);
        if (received.size() >= 2 + length) {
          auto decoded = dns::decode(std::span(reinterpret_cast<const std::uint8_t*>(received.data()) + 2, length));
          if (!decoded) return std::nullopt;
          return *decoded;
        }
      }
      auto more = socket.receiveSome();
      if (!more || more->empty()) return std::nullopt;
      received += *more;
    }
    return std::nullopt;
  }

  IoThread io_;
  std::shared_ptr<DnsServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<int> lookups_{0};
};

TEST_F(DnsServerTest, AnswersOverUdp) {
  ClientSocket udp(SOCK_DGRAM, port_);
  const auto response = exchangeUdp(udp, query("example.test.", dns::kTypeSoa, 0x0101));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header.id, 0x0101);
  ASSERT_EQ(response->answers.size(), 1u);
  EXPECT_EQ(response->answers[0].type, dns::kTypeSoa);
  EXPECT_EQ(lookups_.load(), 1);
}

TEST_F(DnsServerTest, AnswersSeveralQueriesOnOneTcpConnectionOnTheSamePort) {
  ClientSocket tcp(SOCK_STREAM, port_);
  const auto first = exchangeTcp(tcp, query("example.test.", dns::kTypeNs, 1));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->answers.size(), 1u);
  EXPECT_EQ(first->answers[0].data, "ns1.sim.test.");
  const auto second = exchangeTcp(tcp, query("many.example.test.", dns::kTypeA, 2));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->header.id, 2);
  EXPECT_FALSE(second->header.tc);
  EXPECT_EQ(second->answers.size(), 60u);
}

TEST_F(DnsServerTest, SetsTruncationOverUdpForLargeAnswers) {
  ClientSocket udp(SOCK_DGRAM, port_);
  const auto response = exchangeUdp(udp, query("many.example.test.", dns::kTypeA));
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->header.tc);
}

TEST_F(DnsServerTest, IgnoresGarbageAndKeepsServing) {
  ClientSocket udp(SOCK_DGRAM, port_, 300ms);
  const char garbage[] = {1, 2, 3};
  ASSERT_TRUE(udp.send(garbage, sizeof garbage));
  EXPECT_FALSE(udp.receiveSome());  // no answer within 300 ms
  udp.setTimeout(5s);
  EXPECT_TRUE(exchangeUdp(udp, query("www.example.test.", dns::kTypeA)));
}

TEST_F(DnsServerTest, StopClosesTcpConnections) {
  ClientSocket tcp(SOCK_STREAM, port_);
  ASSERT_TRUE(exchangeTcp(tcp, query("www.example.test.", dns::kTypeA)));
  io_.call([&] { server_->stop(); });
  EXPECT_TRUE(test::waitForClose(tcp));
}

TEST(DnsServerIdle, ClosesIdleTcpConnections) {
  IoThread io;
  DnsServerLimits limits;
  limits.tcp_idle_timeout = 100ms;
  auto server = io.call([&] {
    auto s = std::make_shared<DnsServer>(io.io, boost::asio::ip::make_address("127.0.0.1"), 0, fakeLookup, limits);
    s->start();
    return s;
  });
  ClientSocket tcp(SOCK_STREAM, server->port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(test::waitForClose(tcp));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  io.call([&] { server.reset(); });
}

}  // namespace
}  // namespace accurate::designate_sim
