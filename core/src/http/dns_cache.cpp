#include "http/dns_cache.hpp"

#include <boost/asio/ip/address.hpp>

namespace accurate::http {

DnsCache::DnsCache(boost::asio::io_context& io) : resolver_(io) {}

DnsCache::~DnsCache() = default;

std::shared_ptr<DnsEntry> DnsCache::lookup(const std::string& host, std::uint16_t port) {
  const std::string service = std::to_string(port);
  auto& slot = entries_[host + ':' + service];
  const auto now = std::chrono::steady_clock::now();
  if (slot && (slot->pending || (!slot->error && now < slot->expires))) return slot;

  auto entry = std::make_shared<DnsEntry>();
  slot = entry;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (!ec) {
    entry->pending = false;
    entry->results = boost::asio::ip::tcp::resolver::results_type::create(
        boost::asio::ip::tcp::endpoint(address, port), host, service);
    entry->expires = std::chrono::steady_clock::time_point::max();
    return entry;
  }
  resolver_.async_resolve(
      host, service, boost::asio::ip::tcp::resolver::numeric_service,
      [weak = std::weak_ptr<DnsEntry>(entry)](const boost::system::error_code& error,
                                              boost::asio::ip::tcp::resolver::results_type results) {
        const auto done = weak.lock();
        if (!done) return;
        done->pending = false;
        done->error = error;
        done->results = std::move(results);
        done->expires = std::chrono::steady_clock::now() + kTtl;
        const auto waiters = std::move(done->waiters);
        done->waiters.clear();
        for (WaitTimer* waiter : waiters) waiter->cancel();
      });
  return entry;
}

}  // namespace accurate::http
