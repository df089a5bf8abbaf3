#include "report_access.hpp"

#include "api_json.hpp"
#include "assets.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "security.hpp"

#include <accurate/sdk/errors.hpp>

#include <spdlog/spdlog.h>

#include <array>
#include <fstream>
#include <iterator>
#include <system_error>

namespace accurate::web {

namespace {

constexpr std::array<ReportFileKind, 6> kReportFiles{{
    {"report.json", "application/json", false},
    {"report.html", "text/html; charset=utf-8", false},
    {"stats.csv", "text/csv; charset=utf-8", true},
    {"stats_history.csv", "text/csv; charset=utf-8", true},
    {"failures.csv", "text/csv; charset=utf-8", true},
    {"exceptions.csv", "text/csv; charset=utf-8", true},
}};

/// Largest report file served (a guard against a huge or wrong file in the reports directory).
constexpr std::uintmax_t kMaxReportFileBytes = 256u * 1024 * 1024;

/// Finds the report @p id or answers 404 (or 500 when the directory cannot be read).
std::optional<report::ReportListEntry> reportOr404(const report::ReportStore& store, std::string_view id,
                                                   httplib::Response& response) {
  try {
    std::optional<report::ReportListEntry> entry = findListedReport(store, id);
    if (!entry) sendError(response, 404, "no such report");
    return entry;
  } catch (const std::exception& error) {
    spdlog::error("web UI: {}", error.what());
    sendError(response, 500, "the reports directory cannot be read");
    return std::nullopt;
  }
}

void serveReportFile(const report::ReportStore& store, std::string_view id, const ReportFileKind& kind,
                     httplib::Response& response) {
  const std::optional<report::ReportListEntry> entry = reportOr404(store, id, response);
  if (!entry) return;
  std::optional<std::string> content = readReportFile(store, *entry, kind);
  if (!content) {
    sendError(response, 404, "report file not found");
    return;
  }
  response.status = 200;
  response.set_content(std::move(*content), std::string(kind.content_type));
  if (kind.attachment) {
    replaceHeader(response, "Content-Disposition",
                  "attachment; filename=\"" + entry->id + "_" + std::string(kind.name) + "\"");
  }
  if (kind.name == "report.html") {
    replaceHeader(response, "Content-Security-Policy", std::string(kReportHtmlSecurityPolicy));
  }
}

}  // namespace

const ReportFileKind* reportFileKind(std::string_view name) noexcept {
  for (const ReportFileKind& kind : kReportFiles) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

std::optional<report::ReportListEntry> findListedReport(const report::ReportStore& store, std::string_view id) {
  if (id.empty()) return std::nullopt;
  for (report::ReportListEntry& entry : store.list()) {
    if (entry.id == id) return std::move(entry);
  }
  return std::nullopt;
}

std::optional<std::string> readReportFile(const report::ReportStore& store, const report::ReportListEntry& entry,
                                          const ReportFileKind& kind) {
  // Both parts come from trusted sources: the id from the store's own listing, the name from kReportFiles.
  const std::filesystem::path path = store.directory() / entry.id / std::string(kind.name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxReportFileBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return content;
}

void addReportRoutes(Router& router, RouteContext& context) {
  // One store per server: ReportStore holds no open files and every method is thread-safe.
  auto store = std::make_shared<const report::ReportStore>(context.reports_dir);

  router.add({"GET"}, "/reports", [](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
    servePage(response, "/static/reports.html");
  });

  router.add({"GET"}, "/reports/json",
             [store](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
               try {
                 sendJson(response, reportsListJson(store->list()));
               } catch (const std::exception& error) {
                 spdlog::error("web UI: {}", error.what());
                 sendError(response, 500, "the reports directory cannot be read");
               }
             });

  router.add({"GET"}, "/reports/{id}.json",
             [store](const httplib::Request&, httplib::Response& response, const RouteCaptures& captures) {
               serveReportFile(*store, captures.at(0), *reportFileKind("report.json"), response);
             });

  router.add({"GET"}, "/reports/{id}/{file}",
             [store](const httplib::Request&, httplib::Response& response, const RouteCaptures& captures) {
               const ReportFileKind* kind = reportFileKind(captures.at(1));
               if (kind == nullptr) {
                 sendError(response, 404, "not found");
                 return;
               }
               serveReportFile(*store, captures.at(0), *kind, response);
             });

  router.add({"GET"}, "/reports/{id}",
             [store](const httplib::Request&, httplib::Response& response, const RouteCaptures& captures) {
               if (!reportOr404(*store, captures.at(0), response)) return;
               servePage(response, "/static/report.html");
             });
}

}  // namespace accurate::web
