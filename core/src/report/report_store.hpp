#pragma once
/// @file report_store.hpp
/// Persisted reports: one directory per run under the reports directory, written atomically (a temporary
/// directory renamed into place) so that a reader never sees half a report.

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::report {

/// The files of one report as (file name, content) pairs; names are plain file names (no '/').
using ReportFiles = std::vector<std::pair<std::string, std::string>>;

/// What the listing shows of one report (read from its report.json).
struct ReportListEntry {
  std::string id;                 ///< directory name, e.g. "20261125T104853Z-1a2b3c4d"
  double start_time = 0;          ///< epoch seconds when the load phase began
  double end_time = 0;            ///< epoch seconds when the test stopped
  std::uint64_t num_requests = 0; ///< total requests
  std::uint64_t num_failures = 0; ///< total failures
  std::string host;               ///< target host
};

/// Writes @p content to @p path atomically: a temporary file in the same directory, fsync, rename, fsync of
/// the directory. Creates missing parent directories. The file gets permission bits @p mode (less the umask)
/// from its creation on, so a secret (0600) is never readable by others. Throws sdk::Error naming the path and
/// the reason.
void writeFileAtomically(const std::filesystem::path& path, std::string_view content, unsigned mode = 0644);

/// Reports under one directory. Threading: every method may be called from any thread; concurrent writers
/// never collide (random id suffix), readers never see a partial report. Holds no open files between calls.
class ReportStore {
 public:
  /// @param directory the reports directory (created by write() when missing).
  explicit ReportStore(std::filesystem::path directory);

  /// A new report id for time @p when: "<UTC YYYYmmddTHHMMSSZ>-<8 random hex digits>".
  static std::string makeId(std::chrono::system_clock::time_point when = std::chrono::system_clock::now());

  /// Writes @p files as a new report with a fresh id (makeId()) and returns the id.
  std::string write(const ReportFiles& files);

  /// Writes @p files as report @p id (from makeId(), so that report.json can contain it): into
  /// `<dir>/.tmp-<id>/`, fsyncs each file and the directory, then renames it to `<dir>/<id>/`.
  /// Throws sdk::Error when @p id is not a valid id, already exists, a file name is invalid, or I/O fails
  /// (the temporary directory is removed).
  std::string write(const ReportFiles& files, const std::string& id);

  /// Every readable report, newest first (by id). Reports whose report.json is missing or broken are skipped
  /// with a warning in the log; `.tmp-*` directories are ignored. Never throws for a bad report; throws
  /// sdk::Error only when the directory exists but cannot be read. A missing directory lists nothing.
  std::vector<ReportListEntry> list() const;

  /// The directory of the report whose id is @p id_or_prefix, or the only one starting with it.
  /// Throws sdk::Error when the id is malformed, unknown, or ambiguous (naming the candidates).
  std::filesystem::path resolve(std::string_view id_or_prefix) const;

  /// The parsed report.json of report @p id_or_prefix (see resolve()). Throws sdk::Error when the report
  /// cannot be found or its report.json cannot be read or parsed.
  boost::json::value load(std::string_view id_or_prefix) const;

  /// The reports directory.
  const std::filesystem::path& directory() const noexcept { return directory_; }

 private:
  std::filesystem::path directory_;  ///< the reports directory
};

}  // namespace accurate::report
