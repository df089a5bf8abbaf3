#pragma once
/// @file dns_view.hpp
/// What the simulated pool's nameserver serves: per zone name the published versions of its contents, each
/// visible from its `visible_at` on (the API change time + propagation delay). Answers come from the newest
/// version visible at the asked time; superseded versions and vanished zones are pruned, so memory stays bounded
/// by the zones themselves plus the changes still propagating.

#include "simulator.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace accurate::designate_sim {

/// Largest TTL put into DNS records (2^31 - 1, RFC 2181).
inline constexpr std::int64_t kMaxDnsTtl = 2147483647;

/// One published version of a zone's contents (immutable once published).
struct DnsZoneContent {
  std::string apex;                 ///< lower-case absolute zone name
  DnsRecord soa;                    ///< the SOA record (owner = apex)
  std::uint32_t negative_ttl = 0;   ///< TTL of the SOA in negative answers: min(SOA TTL, SOA minimum)
  std::vector<DnsRecord> records;   ///< every record incl. SOA and NS, sorted by name (lower-case)
};

/// DNS type numbers of the record types Designate knows (0 for unknown types).
std::uint16_t dnsTypeNumber(std::string_view type) noexcept;

/// The published DNS data. Threading: not synchronised (owned by the Simulator).
class DnsView {
 public:
  /// Publishes @p content for zone @p apex (lower-case, absolute), visible from @p visible_at; a null @p content
  /// publishes the zone's removal. Versions must be published in non-decreasing @p visible_at order.
  void publish(const std::string& apex, std::shared_ptr<const DnsZoneContent> content, TimePoint visible_at);

  /// The authoritative answer for @p qname / @p qtype at @p now (see Simulator::lookup).
  DnsAnswer lookup(std::string_view qname, std::uint16_t qtype, TimePoint now);

  /// Drops versions superseded at @p now and zones whose removal is visible. Amortised O(1) per publish.
  void prune(TimePoint now);

  /// Number of stored versions over all zones (tests check that pruning bounds it).
  std::size_t versionCount() const noexcept;

 private:
  /// One version of a zone.
  struct Version {
    TimePoint visible_at;                            ///< visible from then on
    std::shared_ptr<const DnsZoneContent> content;   ///< null = zone removed
  };
  /// Answers from @p content.
  static DnsAnswer answer(const DnsZoneContent& content, const std::string& qname, std::uint16_t qtype);

  std::unordered_map<std::string, std::deque<Version>> zones_;   ///< apex → versions, oldest first
  std::deque<std::pair<TimePoint, std::string>> prune_queue_;     ///< (visible_at, apex) of every publish
};

}  // namespace accurate::designate_sim
