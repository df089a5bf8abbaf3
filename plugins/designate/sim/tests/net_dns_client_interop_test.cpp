// The shared DNS client (libs/dns) against the simulator's DNS server: the two sides of the codec agree on UDP,
// on the TCP fallback for truncated answers, and on error answers.
#include "net/dns_server.hpp"
#include "net_test_util.hpp"

#include <accurate/dns/client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

namespace accurate::designate_sim {
namespace {

using namespace std::chrono_literals;

DnsAnswer lookup(std::string_view qname, std::uint16_t qtype) {
  const std::string name = dns::toLowerAscii(qname);
  const DnsRecord soa{"example.test.", dns::kTypeSoa, 3600, "ns1.sim.test. hostmaster.example.test. 42 3600 600 86400 300"};
  DnsAnswer answer;
  if (name.size() < 13 || name.compare(name.size() - 13, 13, "example.test.") != 0) return answer;  // REFUSED
  answer.authoritative = true;
  answer.rcode = DnsAnswer::Rcode::kNoError;
  if (name == "example.test." && qtype == dns::kTypeSoa) {
    answer.answers.push_back(soa);
  } else if (name == "many.example.test." && qtype == dns::kTypeA) {
    for (int i = 0; i < 60; ++i) answer.answers.push_back({"many.example.test.", 1, 300, "192.0.2." + std::to_string(i)});
  } else {
    answer.rcode = DnsAnswer::Rcode::kNxDomain;
    answer.authority.push_back(soa);
  }
  return answer;
}

class DnsClientInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = io_.call([&] {
      auto server = std::make_shared<DnsServer>(io_.io, boost::asio::ip::make_address("127.0.0.1"), 0, lookup);
      server->start();
      return server;
    });
  }
  void TearDown() override {
    io_.call([&] { server_.reset(); });
  }

  dns::QueryResult ask(const std::string& name, std::uint16_t type) {
    const boost::asio::ip::udp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), server_->port());
    auto result = boost::asio::co_spawn(
        io_.io, dns::query(io_.io.get_executor(), endpoint, dns::Question{name, type, dns::kClassIn}, 7, 2000ms),
        boost::asio::use_future);
    if (result.wait_for(5s) != std::future_status::ready) throw std::runtime_error("query did not end within 5 s");
    return result.get();
  }

  test::IoThread io_;
  std::shared_ptr<DnsServer> server_;
};

TEST_F(DnsClientInteropTest, GetsTheSoaOverUdp) {
  const auto result = ask("Example.Test.", dns::kTypeSoa);
  ASSERT_EQ(result.error, "");
  ASSERT_TRUE(result.response);
  EXPECT_FALSE(result.used_tcp);
  ASSERT_EQ(result.response->answers.size(), 1u);
  EXPECT_EQ(result.response->answers[0].data, "ns1.sim.test. hostmaster.example.test. 42 3600 600 86400 300");
  EXPECT_TRUE(result.response->header.aa);
}

TEST_F(DnsClientInteropTest, FallsBackToTcpForATruncatedAnswer) {
  const auto result = ask("many.example.test.", dns::kTypeA);
  ASSERT_EQ(result.error, "");
  ASSERT_TRUE(result.response);
  EXPECT_TRUE(result.used_tcp);
  EXPECT_FALSE(result.response->header.tc);
  EXPECT_EQ(result.response->answers.size(), 60u);
}

TEST_F(DnsClientInteropTest, ReturnsNxDomainAndRefusedAsAnswers) {
  const auto missing = ask("nope.example.test.", dns::kTypeA);
  ASSERT_TRUE(missing.response) << missing.error;
  EXPECT_EQ(missing.response->header.rcode, dns::kRcodeNxDomain);
  const auto outside = ask("other.test.", dns::kTypeSoa);
  ASSERT_TRUE(outside.response) << outside.error;
  EXPECT_EQ(outside.response->header.rcode, dns::kRcodeRefused);
}

}  // namespace
}  // namespace accurate::designate_sim
