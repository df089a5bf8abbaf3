#pragma once
/// @file datagen.hpp
/// Random data for Designate writes: zone names unique across workers and runs, valid emails, IPv4 addresses,
/// recordset names and zone files for import.

#include <accurate/sdk/random.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::designate {

/// Generates names and values. Threading: the object is immutable after construction; pass each user's own Rng.
class DataGen {
 public:
  /// @p run_token distinguishes this process from every other worker and run (see makeRunToken);
  /// @p zone_suffix is the absolute parent domain, e.g. "accurate.test.".
  DataGen(std::string run_token, std::string zone_suffix);

  /// A fresh zone name "<label>.<suffix>" unique across processes and runs: it combines the run token, the user
  /// id, a per-user @p sequence number and random characters; every label ≤ 63 characters, lower case.
  std::string zoneName(std::uint64_t user_id, std::uint64_t sequence, sdk::Rng& rng) const;
  /// A fresh A-record owner name inside @p zone (absolute), e.g. "r3k9x2.<zone>".
  std::string recordName(std::string_view zone, sdk::Rng& rng) const;
  /// A random unicast IPv4 address in dotted form (first octet 1–223, not 127; last octet 1–254).
  std::string ipv4(sdk::Rng& rng) const;
  /// A random TTL in [lo, hi].
  std::uint32_t ttl(sdk::Rng& rng, std::uint32_t lo, std::uint32_t hi) const;

  /// An email Designate accepts for @p zone: "hostmaster@<zone without the trailing dot>".
  static std::string email(std::string_view zone);
  /// A text/dns zone file for @p zone ($ORIGIN, $TTL, SOA with @p serial, one NS, and the given A records
  /// (owner relative or absolute, address)).
  static std::string zoneFile(std::string_view zone, std::uint32_t serial,
                              const std::vector<std::pair<std::string, std::string>>& a_records);
  /// A random token of 10 lower-case letters and digits from a non-deterministic source, plus the time.
  static std::string makeRunToken();

  /// The zone suffix.
  const std::string& zoneSuffix() const noexcept { return zone_suffix_; }

 private:
  std::string run_token_;    ///< per-process unique token
  std::string zone_suffix_;  ///< absolute parent domain
};

}  // namespace accurate::designate
