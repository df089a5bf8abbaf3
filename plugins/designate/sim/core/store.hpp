#pragma once
/// @file store.hpp
/// The simulated Designate's storage and "central" service: zones, recordsets, import/export tasks and quotas,
/// with Designate's business rules (quotas, duplicates, sub-zones, managed records) and the asynchronous
/// lifecycle (PENDING → ACTIVE/ERROR, delayed purge of deleted zones, import completion) driven by stored
/// deadlines: advance(now) applies every event due by then, so no timers are needed. Every content change is
/// published to the DnsView with the propagation delay.

#include "dns_view.hpp"
#include "model.hpp"
#include "simulator.hpp"

#include <accurate/sdk/random.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace accurate::designate_sim {

struct ParsedZone;

/// A zone to create (validated by the API layer already).
struct ZoneSpec {
  std::string project;                      ///< owning project
  std::string name;                         ///< absolute name
  std::string email;                        ///< SOA contact
  std::int64_t ttl = 3600;                  ///< default TTL, seconds
  std::optional<std::string> description;   ///< free text or null
  std::vector<std::pair<std::string, std::string>> attributes;  ///< zone attributes
};

/// Changes of a zone PATCH (unset = unchanged).
struct ZonePatch {
  std::optional<std::int64_t> ttl;                         ///< new TTL
  std::optional<std::string> email;                        ///< new email
  std::optional<std::optional<std::string>> description;   ///< new description (inner nullopt = null)
};

/// A recordset to create (fields validated by the API layer already).
struct RecordsetSpec {
  std::string name;                         ///< absolute name
  std::string type;                         ///< upper-case type
  std::vector<std::string> records;         ///< record data
  std::optional<std::int64_t> ttl;          ///< TTL or null
  std::optional<std::string> description;   ///< free text or null
};

/// Changes of a recordset PUT (unset = unchanged).
struct RecordsetPatch {
  std::optional<std::vector<std::string>> records;         ///< new records
  std::optional<std::optional<std::int64_t>> ttl;          ///< new TTL (inner nullopt = null)
  std::optional<std::optional<std::string>> description;   ///< new description
};

/// Storage plus lifecycle. Threading: not synchronised (owned by the Simulator).
class Store {
 public:
  /// Uses @p options, @p rng and @p dns, which must outlive the store.
  Store(const SimOptions& options, sdk::Rng& rng, DnsView& dns);

  /// Applies every lifecycle event due at or before @p now, in deadline order.
  void advance(TimePoint now);

  /// The zone with @p id (any project, incl. pending deletes), or null.
  Zone* findZone(const Uuid& id);
  /// The zone named @p name_lower (lower case, absolute), or null.
  Zone* findZoneByName(const std::string& name_lower);
  /// The recordset with @p id, or null.
  Recordset* findRecordset(const Uuid& id);
  /// The import task with @p id, or null.
  ImportTask* findImport(const Uuid& id);
  /// The export task with @p id, or null.
  ExportTask* findExport(const Uuid& id);
  /// The project @p name, or null when it has never stored anything.
  const Project* findProject(const std::string& name) const;
  /// Every zone of every project.
  const OrderedIndex<Zone>& allZones() const noexcept { return all_zones_; }
  /// Every import task.
  const OrderedIndex<ImportTask>& allImports() const noexcept { return all_imports_; }
  /// Every export task.
  const OrderedIndex<ExportTask>& allExports() const noexcept { return all_exports_; }
  /// Number of zones (all projects, incl. pending deletes).
  std::size_t zoneCount() const noexcept { return zones_.size(); }

  /// The effective quotas of @p project.
  Quotas quotasOf(const std::string& project) const;
  /// Sets quota @p resource (zones, zone_recordsets, zone_records, recordset_records, api_export_size) of
  /// @p project; false for an unknown resource.
  bool setQuota(const std::string& project, std::string_view resource, std::int64_t value);
  /// Resets @p project's quotas to the defaults.
  void resetQuotas(const std::string& project);

  /// Creates a zone (PENDING/CREATE) after Designate's checks: zones quota (413), more than one label (400
  /// invalid_zone_name), sub-zone of another project's zone (403 illegal_child), parent of another project's zone
  /// (403 illegal_parent), duplicate name (409 duplicate_zone). Throws ApiError.
  Zone& createZone(const ZoneSpec& spec, TimePoint now);
  /// Applies a PATCH: new serial, PENDING/UPDATE. Throws ApiError (deleting zone → 400).
  void updateZone(Zone& zone, const ZonePatch& patch, TimePoint now);
  /// Marks @p zone PENDING/DELETE (no-op when already deleting); it disappears after zone_delete_delay.
  void deleteZone(Zone& zone, TimePoint now);

  /// Creates a recordset in @p zone after Designate's checks (deleting zone, quotas, location, CNAME rules,
  /// duplicates). Throws ApiError.
  Recordset& createRecordset(Zone& zone, const RecordsetSpec& spec, TimePoint now);
  /// Applies a PUT (managed records only with @p edit_managed). Throws ApiError.
  void updateRecordset(Recordset& recordset, const RecordsetPatch& patch, bool edit_managed, TimePoint now);
  /// Deletes @p recordset at once (its zone turns PENDING/UPDATE) and returns its final PENDING/DELETE state.
  /// Throws ApiError (SOA, managed without @p edit_managed, deleting zone).
  Recordset deleteRecordset(Recordset& recordset, bool edit_managed, TimePoint now);

  /// Starts an import of zone file @p text for @p project (PENDING; done after import_delay).
  ImportTask& createImport(const std::string& project, std::string_view text, TimePoint now);
  /// Deletes an import task.
  void deleteImport(ImportTask& task);
  /// Starts an export of @p zone for @p project (PENDING; COMPLETE right after the request).
  ExportTask& createExport(Zone& zone, const std::string& project, TimePoint now);
  /// Deletes an export task.
  void deleteExport(ExportTask& task);

  /// The SOA record data of @p zone: "mname rname serial refresh retry expire minimum".
  std::string soaData(const Zone& zone) const;

  /// Most finished import/export tasks kept per project (older finished ones are dropped).
  static constexpr std::size_t kMaxTasksPerProject = 10000;

 private:
  /// A lifecycle event.
  enum class EventKind : std::uint8_t { kZoneSettle, kRecordsetSettle, kZonePurge, kImportDone, kExportDone };
  /// A scheduled lifecycle event.
  struct Event {
    TimePoint due;        ///< when it happens
    std::uint64_t seq;    ///< tie breaker (insertion order)
    EventKind kind;       ///< what happens
    Uuid id;              ///< the object
    std::uint64_t gen;    ///< the object's generation when scheduled (stale events are skipped)
    bool operator>(const Event& other) const noexcept {
      return due != other.due ? due > other.due : seq > other.seq;
    }
  };

  std::chrono::milliseconds draw(const DelayRange& range);
  bool drawZoneError();
  void schedule(TimePoint due, EventKind kind, const Uuid& id, std::uint64_t gen);
  Project& project(const std::string& name);
  /// Forgets project @p name when it stores nothing any more (copy the name first: it may live in the zone).
  void dropIfEmpty(const std::string& name);
  /// Zone turns PENDING with @p action until at least @p until.
  void beginPending(Zone& zone, Action action, TimePoint until, std::optional<bool> error);
  /// serial = max(now, serial + 1), SOA recordset updated.
  void bumpSerial(Zone& zone, std::int64_t now_s);
  /// Publishes the zone's current contents to DNS (visible after the propagation delay).
  void publish(const Zone& zone, TimePoint now);
  void settleZone(const Event& event);
  void purgeZone(const Uuid& id);
  void completeImport(const Event& event);
  void addRecordset(Zone& zone, Recordset&& recordset);
  void checkRecordQuota(const Zone& zone, const Recordset* current, std::size_t new_count) const;
  void checkRecordsetPlacement(const Zone& zone, const std::string& name_lower, const std::string& type,
                               const Recordset* current) const;
  Zone& createZoneAt(const ZoneSpec& spec, const ParsedZone* parsed, TimePoint now);
  template <class Task>
  void capTasks(OrderedIndex<Task>& project_index, OrderedIndex<Task>& all,
                std::unordered_map<Uuid, Task, UuidHash>& store);

  const SimOptions& options_;                                   ///< behaviour
  sdk::Rng& rng_;                                               ///< ids, delays, faults
  DnsView& dns_;                                                ///< published DNS data
  std::unordered_map<Uuid, Zone, UuidHash> zones_;              ///< every zone (node-stable)
  std::unordered_map<Uuid, Recordset, UuidHash> recordsets_;    ///< every recordset
  std::unordered_map<Uuid, ImportTask, UuidHash> imports_;      ///< every import task
  std::unordered_map<Uuid, ExportTask, UuidHash> exports_;      ///< every export task
  std::unordered_map<std::string, Project> projects_;          ///< per project indexes and quotas
  std::unordered_map<std::string, Zone*> names_;                ///< lower-case zone name → zone
  std::map<std::string, Zone*> reversed_names_;                 ///< labels reversed ("test.example.") → zone
  OrderedIndex<Zone> all_zones_;                                ///< zones of every project
  OrderedIndex<ImportTask> all_imports_;                        ///< imports of every project
  OrderedIndex<ExportTask> all_exports_;                        ///< exports of every project
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;  ///< pending lifecycle events
  std::uint64_t event_seq_ = 0;                                 ///< next Event::seq
};

}  // namespace accurate::designate_sim
