// Api: /v2/zones/tasks/imports and exports, and POST /v2/zones/{id}/tasks/export.
#include "api.hpp"
#include "render.hpp"
#include "text_util.hpp"
#include "zonefile.hpp"

namespace accurate::designate_sim {

namespace {

template <class Task>
bool taskMatches(const Task& task, const ListParams& params) {
  for (const auto& [key, value] : params.filters) {
    if (key == "status") {
      if (!filterMatch(value, statusName(task.status))) return false;
    } else if (key == "message") {
      if (!task.message || !filterMatch(value, *task.message)) return false;
    } else if (key == "zone_id") {
      const std::optional<Uuid> zone_id = task.zone_id;
      if (!zone_id || !filterMatch(value, zone_id->str())) return false;
    }
  }
  return true;
}

template <class Task>
SortValue taskSortValue(const Task& task, const std::string& key) {
  if (key == "updated_at") return {task.updated_at.value_or(-1), {}};
  return {task.created_at, {}};
}

SimResponse noContent() {
  SimResponse response;
  response.status = 204;
  return response;
}

/// Whether the Accept header allows text/dns (absent, text/dns, text/*, */*).
bool acceptsZoneFile(std::string_view accept) {
  if (trim(accept).empty()) return true;
  for (std::string_view range : split(accept, ',')) {
    range = trim(range.substr(0, range.find(';')));
    if (iequals(range, "text/dns") || range == "*/*" || iequals(range, "text/*")) return true;
  }
  return false;
}

}  // namespace

SimResponse Api::createImport(RequestContext& ctx) {
  const std::string_view type = trim(ctx.content_type.substr(0, ctx.content_type.find(';')));
  if (!iequals(type, "text/dns")) throw ApiError(415, "unsupported_content_type", "Content-type must be text/dns");
  const ImportTask& task = store_.createImport(ctx.project, ctx.body, ctx.now);
  JsonWriter w;
  writeImport(w, task, ctx.api_base);
  SimResponse response = jsonResponse(202, std::move(w.str()));
  response.headers.emplace_back("Location", ctx.api_base + "/zones/tasks/imports/" + task.id.str());
  return response;
}

SimResponse Api::listImports(RequestContext& ctx) {
  const ListParams params = parseListParams(ctx, {"created_at", "id", "updated_at"}, {"status", "message", "zone_id"});
  const ImportTask* marker = nullptr;
  if (params.marker) {
    marker = store_.findImport(*params.marker);
    if (marker == nullptr || !visible(ctx, marker->project)) throw markerNotFound();
  }
  const OrderedIndex<ImportTask>* scope = &store_.allImports();
  const OrderedIndex<ImportTask> empty;
  if (!ctx.all_projects) {
    const Project* project = store_.findProject(ctx.project);
    scope = project != nullptr ? &project->imports : &empty;
  }
  const auto match = [&](const ImportTask& task) { return taskMatches(task, params); };
  Page<ImportTask> page;
  if (params.sort_key == "updated_at") {
    std::vector<const ImportTask*> matching;
    for (const auto& [id, task] : scope->by_id) {
      if (match(*task)) matching.push_back(task);
    }
    page = pageSorted(matching, params, marker, [&](const ImportTask& t) { return taskSortValue(t, params.sort_key); });
  } else {
    page = pageIndex(*scope, params, marker, match, !params.filters.empty());
  }
  JsonWriter w;
  w.beginObject().key("imports").beginArray();
  for (const ImportTask* task : page.items) writeImport(w, *task, ctx.api_base);
  w.endArray();
  writeListTail(w, ctx, params, page, false);
  w.endObject();
  return jsonResponse(200, std::move(w.str()));
}

SimResponse Api::importTask(RequestContext& ctx, const std::string& id) {
  ImportTask* task = store_.findImport(parsePathId(id, "zone_import_id"));
  if (task == nullptr || !visible(ctx, task->project)) {
    throw ApiError(404, "zone_import_not_found", "Could not find ZoneImport");
  }
  if (ctx.method == "DELETE") {
    store_.deleteImport(*task);
    return noContent();
  }
  JsonWriter w;
  writeImport(w, *task, ctx.api_base);
  return jsonResponse(200, std::move(w.str()));
}

SimResponse Api::createExport(RequestContext& ctx, const std::string& zone_id) {
  Zone& zone = visibleZone(ctx, zone_id);
  const ExportTask& task = store_.createExport(zone, ctx.project, ctx.now);
  JsonWriter w;
  writeExport(w, task, ctx.api_base);
  SimResponse response = jsonResponse(202, std::move(w.str()));
  response.headers.emplace_back("Location", ctx.api_base + "/zones/tasks/exports/" + task.id.str());
  return response;
}

SimResponse Api::listExports(RequestContext& ctx) {
  const ListParams params = parseListParams(ctx, {"created_at", "id", "updated_at"}, {"status", "message", "zone_id"});
  const ExportTask* marker = nullptr;
  if (params.marker) {
    marker = store_.findExport(*params.marker);
    if (marker == nullptr || !visible(ctx, marker->project)) throw markerNotFound();
  }
  const OrderedIndex<ExportTask>* scope = &store_.allExports();
  const OrderedIndex<ExportTask> empty;
  if (!ctx.all_projects) {
    const Project* project = store_.findProject(ctx.project);
    scope = project != nullptr ? &project->exports : &empty;
  }
  const auto match = [&](const ExportTask& task) { return taskMatches(task, params); };
  Page<ExportTask> page;
  if (params.sort_key == "updated_at") {
    std::vector<const ExportTask*> matching;
    for (const auto& [id, task] : scope->by_id) {
      if (match(*task)) matching.push_back(task);
    }
    page = pageSorted(matching, params, marker, [&](const ExportTask& t) { return taskSortValue(t, params.sort_key); });
  } else {
    page = pageIndex(*scope, params, marker, match, !params.filters.empty());
  }
  JsonWriter w;
  w.beginObject().key("exports").beginArray();
  for (const ExportTask* task : page.items) writeExport(w, *task, ctx.api_base);
  w.endArray();
  writeListTail(w, ctx, params, page, false);
  w.endObject();
  return jsonResponse(200, std::move(w.str()));
}

SimResponse Api::exportTask(RequestContext& ctx, const std::string& id) {
  ExportTask* task = store_.findExport(parsePathId(id, "zone_export_id"));
  if (task == nullptr || !visible(ctx, task->project)) {
    throw ApiError(404, "zone_export_not_found", "Could not find ZoneExport");
  }
  if (ctx.method == "DELETE") {
    store_.deleteExport(*task);
    return noContent();
  }
  JsonWriter w;
  writeExport(w, *task, ctx.api_base);
  return jsonResponse(200, std::move(w.str()));
}

SimResponse Api::downloadExport(RequestContext& ctx, const std::string& id) {
  if (!acceptsZoneFile(ctx.accept)) {
    // pecan's content negotiation answers before Designate's error middleware: a different body shape.
    return jsonResponse(406, R"({"code": 406, "title": "Not Acceptable", "description": null})");
  }
  ExportTask* task = store_.findExport(parsePathId(id, "zone_export_id"));
  if (task == nullptr || !visible(ctx, task->project)) {
    throw ApiError(404, "zone_export_not_found", "Could not find ZoneExport");
  }
  const Zone* zone = store_.findZone(task->zone_id);
  if (zone == nullptr) throw ApiError(404, "zone_not_found", "Could not find Zone");
  SimResponse response;
  response.status = 200;
  response.headers.emplace_back("Content-Type", "text/dns; charset=UTF-8");
  response.body = renderZoneFile(*zone);
  return response;
}

}  // namespace accurate::designate_sim
