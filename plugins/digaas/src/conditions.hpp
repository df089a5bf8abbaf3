#pragma once
/// @file conditions.hpp
/// When has a DNS change reached a nameserver? Pure functions (no I/O): which question to ask for a change, and
/// whether one decoded answer shows the change.
///
/// The conditions (documented in docs/digaas.md by the lead; differences from the Digaas service noted):
///  - ZONE_CREATE: an SOA record owned by `name` is in the answer section (an SOA in the authority section means
///    a parent zone answered: not created). Digaas accepts any non-empty answer.
///  - ZONE_UPDATE: an SOA owned by `name` in the answer whose serial is >= `serial` in RFC 1982 serial arithmetic
///    (so 4294967295 -> 1 counts as an increase; a serial exactly 2^31 away is undefined there and counts as not
///    reached). Digaas compares plain integers. Without an expected serial, any SOA answer counts.
///  - ZONE_DELETE: NXDOMAIN, REFUSED or SERVFAIL, or NOERROR without an SOA of `name` in the answer.
///  - RECORD_CREATE / RECORD_UPDATE: NOERROR and `rdata` equals one of the answer's records of `rdatatype` owned by
///    `name` (any position; Digaas looks at the first record only). A/AAAA compare as addresses, NS/CNAME/PTR/DNAME
///    as names (case-insensitive, trailing dot optional), MX/SRV with their target name normalised the same way,
///    other types as presentation text with runs of blanks collapsed.
///  - RECORD_DELETE: NOERROR or NXDOMAIN and `rdata` is not among those records (rdata empty: no record of
///    `rdatatype` at `name` at all). REFUSED/SERVFAIL are "not yet": the server is not serving the zone.
/// Names compare case-insensitively. Threading: pure functions, any thread.

#include <accurate/dns/message.hpp>
#include <accurate/sdk/changes.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::digaas {

/// The outcome of checking one answer.
struct Verdict {
  bool propagated = false;  ///< the change is visible in the answer
  std::string answer;       ///< one-line description of the answer, e.g. "NXDOMAIN" or "SOA serial 5 < 7"
};

/// "NOERROR", "NXDOMAIN", ... or "RCODE<n>".
std::string rcodeName(std::uint8_t rcode);

/// RFC 1982: true when @p serial equals @p expected or follows it (distance below 2^31).
bool serialReached(std::uint32_t serial, std::uint32_t expected) noexcept;

/// The question to ask for @p change: zone changes `name` SOA, record changes `name` `rdatatype` (class IN).
/// @throws sdk::Error naming the change when the name is empty or the rdatatype empty or unknown.
dns::Question questionFor(const sdk::DnsChange& change);

/// Whether @p response, an answer to questionFor(change), shows @p change (see the file comment).
Verdict checkPropagated(const sdk::DnsChange& change, const dns::Message& response);

}  // namespace accurate::digaas
