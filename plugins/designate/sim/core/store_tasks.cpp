// Store: zone import and export tasks.
#include "api_error.hpp"
#include "store.hpp"
#include "text_util.hpp"
#include "zonefile.hpp"

namespace accurate::designate_sim {

template <class Task>
void Store::capTasks(OrderedIndex<Task>& project_index, OrderedIndex<Task>& all,
                     std::unordered_map<Uuid, Task, UuidHash>& store) {
  // Drop the oldest finished tasks beyond the cap (pending ones finish within their delay anyway).
  auto it = project_index.by_created.begin();
  while (project_index.size() > kMaxTasksPerProject && it != project_index.by_created.end()) {
    Task* task = it->second;
    ++it;
    if (task->status == Status::kPending) continue;
    const Uuid id = task->id;
    project_index.erase(task);
    all.erase(task);
    store.erase(id);
  }
}

ImportTask& Store::createImport(const std::string& project_name, std::string_view text, TimePoint now) {
  ImportTask task;
  task.id = Uuid::random(rng_);
  while (imports_.contains(task.id)) task.id = Uuid::random(rng_);
  task.project = project_name;
  task.created_at = unixSeconds(now);
  ZoneFileResult parsed = parseZoneFile(text);
  if (parsed.zone) {
    task.parsed = std::make_shared<const ParsedZone>(std::move(*parsed.zone));
  } else {
    task.parse_error = std::move(parsed.error);
  }
  const Uuid id = task.id;
  ImportTask& stored = imports_.emplace(id, std::move(task)).first->second;
  Project& p = project(project_name);
  p.imports.insert(&stored);
  all_imports_.insert(&stored);
  schedule(now + draw(options_.import_delay), EventKind::kImportDone, id, 0);
  capTasks(p.imports, all_imports_, imports_);
  return *findImport(id);
}

void Store::deleteImport(ImportTask& task) {
  const Uuid id = task.id;
  const std::string project_name = task.project;
  if (auto p = projects_.find(project_name); p != projects_.end()) p->second.imports.erase(&task);
  all_imports_.erase(&task);
  imports_.erase(id);
  dropIfEmpty(project_name);
}

void Store::completeImport(const Event& event) {
  ImportTask* task = findImport(event.id);
  if (task == nullptr || task->status != Status::kPending) return;
  task->version += 1;
  task->updated_at = unixSeconds(event.due);
  const std::shared_ptr<const ParsedZone> parsed = std::move(task->parsed);
  if (!parsed) {
    task->status = Status::kError;
    task->message = task->parse_error;
    return;
  }
  ZoneSpec spec;
  spec.project = task->project;
  spec.name = parsed->origin;
  std::string email = parsed->soa_rname;
  if (!email.empty() && email.back() == '.') email.pop_back();
  if (const std::size_t dot = email.find('.'); dot != std::string::npos) email[dot] = '@';
  spec.email = email;
  spec.ttl = parsed->soa_ttl;
  try {
    Zone& zone = createZoneAt(spec, parsed.get(), event.due);
    task->status = Status::kComplete;
    task->zone_id = zone.id;
    task->message = zone.name + " imported";
  } catch (const ApiError& error) {
    task->status = Status::kError;
    if (error.type() == "duplicate_zone") {
      task->message = "Duplicate zone.";
    } else {
      task->message = error.message().value_or(error.type());
    }
  }
}

ExportTask& Store::createExport(Zone& zone, const std::string& project_name, TimePoint now) {
  ExportTask task;
  task.id = Uuid::random(rng_);
  while (exports_.contains(task.id)) task.id = Uuid::random(rng_);
  task.project = project_name;
  task.zone_id = zone.id;
  task.created_at = unixSeconds(now);
  const Uuid id = task.id;
  ExportTask& stored = exports_.emplace(id, std::move(task)).first->second;
  Project& p = project(project_name);
  p.exports.insert(&stored);
  all_exports_.insert(&stored);
  const Quotas quotas = quotasOf(zone.project);
  std::int64_t records = 0;
  for (const auto& [key, rs] : zone.recordsets.by_id) records += static_cast<std::int64_t>(rs->records.size());
  if (quotas.api_export_size >= 0 && records > quotas.api_export_size) {
    // Designate checks the size when it renders the export: the task ends in ERROR.
    stored.message = "Zone is too large to export";
  }
  // export_synchronous: the export is rendered right after the request, so the next GET sees it COMPLETE.
  schedule(now, EventKind::kExportDone, id, 0);
  capTasks(p.exports, all_exports_, exports_);
  return *findExport(id);
}

void Store::deleteExport(ExportTask& task) {
  const Uuid id = task.id;
  const std::string project_name = task.project;
  if (auto p = projects_.find(project_name); p != projects_.end()) p->second.exports.erase(&task);
  all_exports_.erase(&task);
  exports_.erase(id);
  dropIfEmpty(project_name);
}

}  // namespace accurate::designate_sim
