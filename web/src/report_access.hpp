#pragma once
/// @file report_access.hpp
/// Safe access to persisted reports for the web server: a report id from a URL is only ever compared with the
/// ids ReportStore lists, and file names only ever come from a fixed whitelist, so no URL text reaches the
/// filesystem.

#include "report/report_store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace accurate::web {

/// A file of a report that may be served.
struct ReportFileKind {
  std::string_view name;          ///< file name inside the report directory, e.g. "stats.csv"
  std::string_view content_type;  ///< Content-Type to serve it with
  bool attachment;                ///< served as a download (Content-Disposition: attachment)
};

/// The whitelisted file named exactly @p name: report.json, report.html, stats.csv, stats_history.csv,
/// failures.csv, exceptions.csv; nullptr for anything else. Static storage; any thread.
const ReportFileKind* reportFileKind(std::string_view name) noexcept;

/// The listed report whose id is exactly @p id (no prefix match), or nothing. Throws sdk::Error when the
/// reports directory exists but cannot be read (ReportStore::list()).
std::optional<report::ReportListEntry> findListedReport(const report::ReportStore& store, std::string_view id);

/// The content of @p kind's file of the listed report @p entry (path: store directory / entry.id / kind.name,
/// both from trusted sources), or nothing when it is missing or not a regular file.
std::optional<std::string> readReportFile(const report::ReportStore& store, const report::ReportListEntry& entry,
                                          const ReportFileKind& kind);

}  // namespace accurate::web
