#include "render.hpp"

#include "text_util.hpp"

namespace accurate::designate_sim {

namespace {

void writeTime(JsonWriter& w, const std::optional<std::int64_t>& seconds) {
  if (seconds) {
    w.value(formatTimestamp(*seconds));
  } else {
    w.null();
  }
}

std::string idText(const Uuid& id) { return id.str(); }

}  // namespace

void writeZone(JsonWriter& w, const Zone& zone, const std::string& api_base) {
  // Every change of a rendered field bumps the zone's version, so the version keys the cached rendering.
  if (zone.json_version != zone.version || zone.json_prefix.empty()) {
    JsonWriter c;
    c.reserve(512);
    c.beginObject();
    c.key("id").value(idText(zone.id));
    c.key("pool_id").value(kPoolId);
    c.key("project_id").value(zone.project);
    c.key("name").value(zone.name);
    c.key("email").value(zone.email);
    c.key("description").optional(zone.description);
    c.key("ttl").value(zone.ttl);
    c.key("serial").value(zone.serial);
    c.key("status").value(statusName(zone.status));
    c.key("action").value(actionName(zone.action));
    c.key("version").value(zone.version);
    c.key("attributes").beginObject();
    for (const auto& [key, value] : zone.attributes) c.key(key).value(value);
    c.endObject();
    c.key("type").value("PRIMARY");
    c.key("masters").beginArray().endArray();
    c.key("created_at").value(formatTimestamp(zone.created_at));
    c.key("updated_at");
    writeTime(c, zone.updated_at);
    c.key("transferred_at").null();
    c.key("links").beginObject().key("self");
    zone.json_prefix = std::move(c.str());
    zone.json_version = zone.version;
  }
  w.raw(zone.json_prefix);
  std::string& out = w.str();
  out.push_back('"');
  JsonWriter::appendEscaped(out, api_base);
  out += "/zones/";
  zone.id.appendTo(out);
  out += "\"}}";
}

void writeRecordset(JsonWriter& w, const Recordset& rs, const std::string& api_base) {
  // Every rendered change bumps the version except the status flips, so (version, status, action) keys the cache.
  const std::uint64_t key = (static_cast<std::uint64_t>(rs.version) << 8) |
                            (static_cast<std::uint64_t>(rs.status) << 4) | static_cast<std::uint64_t>(rs.action);
  if (rs.json_key != key || rs.json_prefix.empty()) {
    JsonWriter c;
    c.reserve(512);
    c.beginObject();
    c.key("id").value(idText(rs.id));
    c.key("zone_id").value(idText(rs.zone->id));
    c.key("project_id").value(rs.zone->project);
    c.key("name").value(rs.name);
    c.key("zone_name").value(rs.zone->name);
    c.key("type").value(rs.type);
    c.key("records").beginArray();
    for (const std::string& record : rs.records) c.value(record);
    c.endArray();
    c.key("description").optional(rs.description);
    c.key("ttl");
    if (rs.ttl) {
      c.value(*rs.ttl);
    } else {
      c.null();
    }
    c.key("status").value(statusName(rs.status));
    c.key("action").value(actionName(rs.action));
    c.key("version").value(rs.version);
    c.key("created_at").value(formatTimestamp(rs.created_at));
    c.key("updated_at");
    writeTime(c, rs.updated_at);
    c.key("links").beginObject().key("self");
    rs.json_prefix = std::move(c.str());
    rs.json_key = key;
  }
  w.raw(rs.json_prefix);
  std::string& out = w.str();
  out.push_back('"');
  JsonWriter::appendEscaped(out, api_base);
  out += "/zones/";
  rs.zone->id.appendTo(out);
  out += "/recordsets/";
  rs.id.appendTo(out);
  out += "\"}}";
}

void writeImport(JsonWriter& w, const ImportTask& task, const std::string& api_base) {
  const std::string id = idText(task.id);
  w.beginObject();
  w.key("id").value(id);
  w.key("status").value(statusName(task.status));
  w.key("message").optional(task.message);
  w.key("zone_id");
  if (task.zone_id) {
    w.value(idText(*task.zone_id));
  } else {
    w.null();
  }
  w.key("project_id").value(task.project);
  w.key("created_at").value(formatTimestamp(task.created_at));
  w.key("updated_at");
  writeTime(w, task.updated_at);
  w.key("version").value(task.version);
  w.key("links").beginObject().key("self").value(api_base + "/zones/tasks/imports/" + id);
  if (task.zone_id) w.key("zone").value(api_base + "/zones/" + idText(*task.zone_id));
  w.endObject();
  w.endObject();
}

void writeExport(JsonWriter& w, const ExportTask& task, const std::string& api_base) {
  const std::string id = idText(task.id);
  const bool complete = task.status == Status::kComplete;
  w.beginObject();
  w.key("id").value(id);
  w.key("status").value(statusName(task.status));
  w.key("message").optional(task.message);
  w.key("location");
  if (complete) {
    w.value("designate://v2/zones/tasks/exports/" + id + "/export");
  } else {
    w.null();
  }
  w.key("zone_id").value(idText(task.zone_id));
  w.key("project_id").value(task.project);
  w.key("created_at").value(formatTimestamp(task.created_at));
  w.key("updated_at");
  writeTime(w, task.updated_at);
  w.key("version").value(task.version);
  w.key("links").beginObject().key("self").value(api_base + "/zones/tasks/exports/" + id);
  if (complete) w.key("export").value(api_base + "/zones/tasks/exports/" + id + "/export");
  w.endObject();
  w.endObject();
}

}  // namespace accurate::designate_sim
