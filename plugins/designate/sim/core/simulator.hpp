#pragma once
/// @file simulator.hpp
/// The Designate simulator's logic without sockets: a Designate v2 API (plus a small Keystone) answering parsed
/// HTTP requests, and the authoritative DNS view of its zones. The transport (net/) feeds it requests and the
/// current time. Behaviour follows a real Designate 15 (see docs/designate-simulator.md).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::designate_sim {

/// Wall-clock time; every delay and timestamp of the simulator is computed from the `now` passed in.
using TimePoint = std::chrono::system_clock::time_point;

/// A uniform random delay in [min, max].
struct DelayRange {
  std::chrono::milliseconds min{0};  ///< lower bound
  std::chrono::milliseconds max{0};  ///< upper bound (>= min)
};

/// A Keystone user the built-in identity endpoint accepts.
struct KeystoneUser {
  std::string name;        ///< user name (password auth) — also accepted as Rackspace username
  std::string password;    ///< password; also accepted as the Rackspace apiKey
  std::string project_id;  ///< the project its tokens are scoped to
  std::string app_credential_id;      ///< optional application credential id ("" = none)
  std::string app_credential_secret;  ///< its secret
};

/// Default quotas of a project (Designate's defaults).
struct Quotas {
  std::int64_t zones = 10;             ///< zones per project
  std::int64_t zone_recordsets = 500;  ///< recordsets per zone
  std::int64_t zone_records = 500;     ///< records per zone
  std::int64_t recordset_records = 20; ///< records per recordset
  std::int64_t api_export_size = 1000; ///< records per export
};

/// Everything that shapes the simulator's behaviour.
struct SimOptions {
  DelayRange active_delay{std::chrono::milliseconds(5000), std::chrono::milliseconds(5500)};  ///< PENDING → ACTIVE
  DelayRange zone_delete_delay{std::chrono::milliseconds(5000), std::chrono::milliseconds(5500)};  ///< zone DELETE → 404
  DelayRange import_delay{std::chrono::milliseconds(300), std::chrono::milliseconds(700)};  ///< import PENDING → COMPLETE
  std::chrono::milliseconds propagation_delay{300};  ///< API change → visible in DNS
  double error_rate = 0;             ///< fraction of API requests answered 500 (fault injection)
  DelayRange added_latency;          ///< extra latency per API response (fault injection)
  double zone_error_rate = 0;        ///< fraction of zone creates/updates that end in ERROR instead of ACTIVE
  Quotas quotas;                     ///< default quotas of every project
  bool keystone = false;             ///< require X-Auth-Token from the built-in identity endpoint
  std::vector<KeystoneUser> users;   ///< accepted identities (keystone mode)
  std::chrono::seconds token_ttl{3600};  ///< lifetime of issued tokens
  std::string nameserver = "ns1.designate-sim.test.";  ///< the pool's nameserver (NS records, SOA mname)
  std::uint64_t seed = 1;            ///< random seed (ids, delays, faults)
};

/// A parsed HTTP request.
struct SimRequest {
  std::string method;   ///< e.g. "GET"
  std::string target;   ///< path and query, e.g. "/v2/zones?limit=5"
  std::vector<std::pair<std::string, std::string>> headers;  ///< request headers (names in any case)
  std::string body;     ///< request body
};

/// The simulator's answer.
struct SimResponse {
  unsigned status = 200;                                      ///< HTTP status
  std::vector<std::pair<std::string, std::string>> headers;   ///< response headers incl. Content-Type
  std::string body;                                           ///< response body
  std::chrono::milliseconds delay{0};                         ///< send only after this (added latency fault)
};

/// One DNS resource record in presentation form.
struct DnsRecord {
  std::string name;     ///< owner, absolute, lower case, e.g. "www.example.test."
  std::uint16_t type;   ///< 1 A, 2 NS, 6 SOA
  std::uint32_t ttl;    ///< seconds
  std::string data;     ///< A "192.0.2.1"; NS "ns1.x.test."; SOA "mname rname serial refresh retry expire minimum"
};

/// The authoritative answer to one question.
struct DnsAnswer {
  /// Response code.
  enum class Rcode : std::uint8_t { kNoError = 0, kNxDomain = 3, kRefused = 5 };
  Rcode rcode = Rcode::kRefused;      ///< REFUSED when no visible zone encloses the name (like BIND)
  bool authoritative = false;         ///< AA flag (true for names inside a visible zone)
  std::vector<DnsRecord> answers;     ///< answer section
  std::vector<DnsRecord> authority;   ///< authority section (the SOA for NXDOMAIN / no data)
};

/// The simulator. Threading: not synchronised — the transport calls it from one thread (one io_context).
class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Answers one API or identity request at time @p now. Never throws: malformed input gets Designate's error
  /// bodies (400/404/405/409/413/415...), internal problems a 500 with a message.
  SimResponse handle(const SimRequest& request, TimePoint now);

  /// Answers a DNS question for @p qname (any case, absolute or not) and @p qtype (1 A, 2 NS, 6 SOA, 255 ANY,
  /// others → no data) from the zone contents visible at @p now (changes appear propagation_delay after the API
  /// call that made them; deleted zones vanish after it).
  DnsAnswer lookup(std::string_view qname, std::uint16_t qtype, TimePoint now);

  /// Number of zones currently stored (all projects, incl. pending deletes) — for logs and tests.
  std::size_t zoneCount() const;

 private:
  struct State;                   ///< zones, recordsets, tasks, quotas, tokens, random source
  std::unique_ptr<State> state_;  ///< the whole simulated service
};

}  // namespace accurate::designate_sim
