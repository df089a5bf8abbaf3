#pragma once
/// @file changes.hpp
/// DNS changes a plugin made through an API (e.g. the Designate plugin's zone and recordset writes), published
/// so that other plugins (e.g. digaas) can time how long each takes to reach the nameservers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::sdk {

class UserContext;

/// One accepted DNS change. Published right after the API accepted the write.
struct DnsChange {
  /// What changed; the names match Digaas' observer types.
  enum class Type { kZoneCreate, kZoneUpdate, kZoneDelete, kRecordCreate, kRecordUpdate, kRecordDelete };
  Type type = Type::kZoneCreate;        ///< the kind of change
  std::string zone;                     ///< the zone, absolute with a trailing dot ("example.test.")
  std::string name;                     ///< the name to query: the zone for zone changes, the record owner for
                                        ///< record changes; absolute with a trailing dot
  std::string rdatatype;                ///< record changes: the record type ("A"); empty for zone changes
  std::string rdata;                    ///< record create/update: the expected record data in presentation form
                                        ///< ("192.0.2.7"); record delete: the data that must vanish, or empty
                                        ///< for "no record of rdatatype left"; empty for zone changes
  std::optional<std::uint32_t> serial;  ///< zone update: the SOA serial the nameservers must reach (>=), when the
                                        ///< write's response carried it
  double start_time = 0;                ///< epoch seconds taken just before the API write was sent
};

/// "ZONE_CREATE", "ZONE_UPDATE", "ZONE_DELETE", "RECORD_CREATE", "RECORD_UPDATE" or "RECORD_DELETE".
constexpr std::string_view changeTypeName(DnsChange::Type type) noexcept {
  switch (type) {
    case DnsChange::Type::kZoneCreate: return "ZONE_CREATE";
    case DnsChange::Type::kZoneUpdate: return "ZONE_UPDATE";
    case DnsChange::Type::kZoneDelete: return "ZONE_DELETE";
    case DnsChange::Type::kRecordCreate: return "RECORD_CREATE";
    case DnsChange::Type::kRecordUpdate: return "RECORD_UPDATE";
    case DnsChange::Type::kRecordDelete: return "RECORD_DELETE";
  }
  return "UNKNOWN";
}

/// Hears every DnsChange any user publishes (UserContext::publishChange). Since ABI 1.2.
/// Threading: called on the publishing user's shard thread, inside its coroutine, possibly from several shards at
/// once: implementations must be thread-safe and must not block. Work that takes time (polling a nameserver,
/// posting to a service) goes into ctx.spawnBackground, which ties it to the user's lifetime and stats.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  /// A change was accepted by the API. @p ctx is the publishing user's context (its shard, stats and HTTP
  /// client); it outlives background work started through it.
  virtual void onChange(const DnsChange& change, UserContext& ctx) = 0;
};

}  // namespace accurate::sdk
