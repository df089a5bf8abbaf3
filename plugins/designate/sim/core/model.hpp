#pragma once
/// @file model.hpp
/// The simulated Designate's stored objects: zones, recordsets, import and export tasks, and per-project
/// ordered indexes (by created_at then id, and by id) that make list pages cheap.

#include "simulator.hpp"
#include "uuid.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace accurate::designate_sim {

/// Object status as Designate reports it.
enum class Status : std::uint8_t { kPending, kActive, kError, kComplete };
/// Object action as Designate reports it.
enum class Action : std::uint8_t { kNone, kCreate, kUpdate, kDelete };

/// "PENDING", "ACTIVE", "ERROR" or "COMPLETE".
std::string_view statusName(Status status) noexcept;
/// "NONE", "CREATE", "UPDATE" or "DELETE".
std::string_view actionName(Action action) noexcept;

/// Unix seconds of @p time (Designate's timestamps have second resolution).
inline std::int64_t unixSeconds(TimePoint time) noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

/// Default sort key of every collection: created_at (unix seconds), then id.
using CreatedKey = std::pair<std::int64_t, Uuid>;

/// The two orders every collection is kept in, so default and id-sorted pages need no scan.
template <class T>
struct OrderedIndex {
  std::map<CreatedKey, T*> by_created;  ///< created_at asc, id asc
  std::map<Uuid, T*> by_id;             ///< id asc

  /// Adds @p item (keyed by its created_at and id).
  void insert(T* item) {
    by_created.emplace(CreatedKey{item->created_at, item->id}, item);
    by_id.emplace(item->id, item);
  }
  /// Removes @p item.
  void erase(const T* item) {
    by_created.erase(CreatedKey{item->created_at, item->id});
    by_id.erase(item->id);
  }
  /// Number of items.
  std::size_t size() const noexcept { return by_id.size(); }
};

struct Zone;

/// A recordset (the records of one name and type in a zone).
struct Recordset {
  Uuid id;                                  ///< recordset id
  Zone* zone = nullptr;                     ///< its zone (owned by the store; outlives the recordset)
  std::string name;                         ///< absolute name as given
  std::string name_lower;                   ///< lower-case name (lookups)
  std::string type;                         ///< "A", "NS", "SOA", ...
  std::vector<std::string> records;         ///< record data in presentation form
  std::optional<std::int64_t> ttl;          ///< seconds; null = the zone's
  std::optional<std::string> description;   ///< free text or null
  Status status = Status::kActive;          ///< PENDING while a change is being "deployed"
  Action action = Action::kNone;            ///< CREATE/UPDATE/DELETE while pending
  std::int64_t version = 1;                 ///< +1 per PUT/DELETE (not by the ACTIVE flip)
  std::int64_t created_at = 0;              ///< unix seconds
  std::optional<std::int64_t> updated_at;   ///< unix seconds; null until changed
  bool managed = false;                     ///< SOA and apex NS (created by the service)
  std::uint64_t settle_gen = 0;             ///< generation of the pending change (stale events are ignored)
  mutable std::string json_prefix;          ///< rendered JSON up to the links.self value (cache)
  mutable std::uint64_t json_key = 0;       ///< renderKey() the cache was made for (0 = none)
};

/// A zone.
struct Zone {
  Uuid id;                                  ///< zone id
  std::string project;                      ///< owning project
  std::string name;                         ///< absolute name, case as given
  std::string name_lower;                   ///< lower-case name (unique across projects)
  std::string email;                        ///< SOA contact
  std::optional<std::string> description;   ///< free text or null
  std::int64_t ttl = 3600;                  ///< default TTL, seconds
  std::int64_t serial = 0;                  ///< SOA serial
  std::int64_t refresh = 3600;              ///< SOA refresh (random 3500..3600 like Designate)
  Status status = Status::kPending;         ///< lifecycle status
  Action action = Action::kCreate;          ///< lifecycle action
  std::int64_t version = 1;                 ///< +1 per write incl. status flips
  std::int64_t created_at = 0;              ///< unix seconds
  std::optional<std::int64_t> updated_at;   ///< unix seconds; null until changed
  std::vector<std::pair<std::string, std::string>> attributes;  ///< zone attributes (key → value)

  TimePoint pending_until{};                ///< when the current PENDING state ends
  std::uint64_t settle_gen = 0;             ///< generation of the pending change
  bool settle_error = false;                ///< the pending change ends in ERROR (fault injection)

  OrderedIndex<Recordset> recordsets;                                      ///< this zone's recordsets
  std::unordered_map<std::string, std::vector<Recordset*>> rs_by_name;     ///< lower-case name → recordsets
  std::int64_t unmanaged_records = 0;       ///< records outside SOA/NS (zone_records quota)
  Recordset* soa = nullptr;                 ///< the managed SOA recordset
  Recordset* ns = nullptr;                  ///< the managed apex NS recordset
  mutable std::string json_prefix;          ///< rendered JSON up to the links.self value (cache)
  mutable std::int64_t json_version = 0;    ///< zone version the cache was made for (every change of a
                                            ///< rendered field bumps the version; 0 = none)
};

/// What an import file turned into (kept until the task completes).
struct ParsedZone;

/// A zone import task.
struct ImportTask {
  Uuid id;                                  ///< task id
  std::string project;                      ///< owning project
  Status status = Status::kPending;         ///< PENDING → COMPLETE | ERROR
  std::optional<std::string> message;       ///< result text
  std::optional<Uuid> zone_id;              ///< the created zone
  std::int64_t created_at = 0;              ///< unix seconds
  std::optional<std::int64_t> updated_at;   ///< unix seconds
  std::int64_t version = 1;                 ///< 1, then 2 when done
  std::shared_ptr<const ParsedZone> parsed; ///< the parsed file until completion (null when it did not parse)
  std::string parse_error;                  ///< why the file did not parse
};

/// A zone export task.
struct ExportTask {
  Uuid id;                                  ///< task id
  std::string project;                      ///< owning project
  Uuid zone_id;                             ///< exported zone
  Status status = Status::kPending;         ///< PENDING → COMPLETE | ERROR
  std::optional<std::string> message;       ///< error text
  std::int64_t created_at = 0;              ///< unix seconds
  std::optional<std::int64_t> updated_at;   ///< unix seconds
  std::int64_t version = 1;                 ///< 1, then 2 when done
};

/// A project's objects and settings.
struct Project {
  OrderedIndex<Zone> zones;                 ///< its zones (incl. pending deletes)
  OrderedIndex<ImportTask> imports;         ///< its import tasks
  OrderedIndex<ExportTask> exports;         ///< its export tasks
  std::optional<Quotas> quotas;             ///< overrides (nullopt = defaults)
};

}  // namespace accurate::designate_sim
