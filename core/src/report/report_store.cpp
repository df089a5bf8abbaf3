#include "report/report_store.hpp"

#include "report/json_access.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

namespace accurate::report {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kReportJson = "report.json";
constexpr std::string_view kTempPrefix = ".tmp-";
constexpr int kMaxIdAttempts = 8;

std::string errnoText(int error) { return std::strerror(error); }

std::string randomHex8() {
  std::random_device device;
  std::uniform_int_distribution<std::uint32_t> distribution;
  return fmt::format("{:08x}", distribution(device));
}

/// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  /// Closes now and reports the error of close() (a late write-back failure shows up here).
  int close() noexcept {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;  ///< the descriptor, -1 when closed
};

/// Creates @p path (which must not exist), writes @p content and fsyncs it. Throws sdk::Error.
void writeAndSync(const fs::path& path, std::string_view content, unsigned mode = 0644) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode)));
  if (fd.get() < 0) throw sdk::Error(fmt::format("cannot create {}: {}", path.string(), errnoText(errno)));
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw sdk::Error(fmt::format("cannot write {}: {}", path.string(), errnoText(errno)));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) throw sdk::Error(fmt::format("cannot fsync {}: {}", path.string(), errnoText(errno)));
  if (fd.close() != 0) throw sdk::Error(fmt::format("cannot close {}: {}", path.string(), errnoText(errno)));
}

/// Fsyncs directory @p path so that the names created in it are durable. Throws sdk::Error.
void syncDirectory(const fs::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw sdk::Error(fmt::format("cannot open directory {}: {}", path.string(), errnoText(errno)));
  if (::fsync(fd.get()) != 0) {
    throw sdk::Error(fmt::format("cannot fsync directory {}: {}", path.string(), errnoText(errno)));
  }
}

void createDirectories(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw sdk::Error(fmt::format("cannot create directory {}: {}", path.string(), ec.message()));
}

/// Renames @p from to @p to, failing (EEXIST) instead of replacing an existing @p to.
int renameNoReplace(const fs::path& from, const fs::path& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  // The file system cannot do RENAME_NOREPLACE: check, then rename (a narrow race only between two writers
  // that drew the same random id in the same second).
  std::error_code ec;
  if (fs::exists(to, ec)) {
    errno = EEXIST;
    return -1;
  }
  return ::rename(from.c_str(), to.c_str());
}

bool validId(std::string_view id) {
  if (id.empty() || id.size() > 200 || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

bool validFileName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

/// Reads the whole of @p path; on failure returns false with @p error set.
bool readWholeFile(const fs::path& path, std::string& content, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path.string() + ": " + errnoText(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error = "cannot read " + path.string();
    return false;
  }
  content = std::move(buffer).str();
  return true;
}

/// Parses @p path as JSON; on failure returns null with @p error set.
boost::json::value readJsonFile(const fs::path& path, std::string& error) {
  std::string content;
  if (!readWholeFile(path, content, error)) return nullptr;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(content, ec);
  if (ec) {
    error = path.string() + " is not valid JSON: " + ec.message();
    return nullptr;
  }
  return value;
}

/// Names of the report directories under @p directory (no dot-directories, no files).
std::vector<std::string> reportDirectories(const fs::path& directory) {
  std::vector<std::string> names;
  std::error_code ec;
  if (!fs::exists(directory, ec)) return names;
  fs::directory_iterator it(directory, ec);
  if (ec) throw sdk::Error(fmt::format("cannot read reports directory {}: {}", directory.string(), ec.message()));
  for (const fs::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (name.empty() || name.front() == '.' || !it->is_directory(type_ec) || type_ec) continue;
    names.push_back(std::move(name));
  }
  if (ec) throw sdk::Error(fmt::format("cannot read reports directory {}: {}", directory.string(), ec.message()));
  return names;
}

}  // namespace

void writeFileAtomically(const fs::path& path, std::string_view content, unsigned mode) {
  if (path.filename().empty()) throw sdk::Error(fmt::format("cannot write {}: not a file name", path.string()));
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  createDirectories(parent);
  const fs::path temp = parent / ("." + path.filename().string() + std::string(kTempPrefix) + randomHex8());
  try {
    writeAndSync(temp, content, mode);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      throw sdk::Error(fmt::format("cannot write {}: {}", path.string(), errnoText(errno)));
    }
    syncDirectory(parent);
  } catch (...) {
    std::error_code ec;
    fs::remove(temp, ec);
    throw;
  }
}

ReportStore::ReportStore(fs::path directory) : directory_(std::move(directory)) {}

std::string ReportStore::makeId(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(stamp, n) + "-" + randomHex8();
}

std::string ReportStore::write(const ReportFiles& files) {
  for (int attempt = 1;; ++attempt) {
    const std::string id = makeId();
    std::error_code ec;
    if (fs::exists(directory_ / id, ec) && attempt < kMaxIdAttempts) continue;
    return write(files, id);
  }
}

std::string ReportStore::write(const ReportFiles& files, const std::string& id) {
  if (!validId(id)) throw sdk::Error(fmt::format("cannot write report: invalid report id '{}'", id));
  for (const auto& [name, content] : files) {
    if (!validFileName(name)) {
      throw sdk::Error(fmt::format("cannot write report {}: invalid file name '{}'", id, name));
    }
  }
  createDirectories(directory_);
  const fs::path final_dir = directory_ / id;
  const fs::path temp_dir = directory_ / (std::string(kTempPrefix) + id);
  std::error_code ec;
  if (fs::exists(final_dir, ec)) {
    throw sdk::Error(fmt::format("cannot write report {}: {} already exists", id, final_dir.string()));
  }
  fs::remove_all(temp_dir, ec);  // leftover of a crashed writer with this very id
  try {
    if (::mkdir(temp_dir.c_str(), 0755) != 0) {
      throw sdk::Error(fmt::format("cannot create directory {}: {}", temp_dir.string(), errnoText(errno)));
    }
    for (const auto& [name, content] : files) writeAndSync(temp_dir / name, content);
    syncDirectory(temp_dir);
    if (renameNoReplace(temp_dir, final_dir) != 0) {
      throw sdk::Error(fmt::format("cannot rename {} to {}: {}", temp_dir.string(), final_dir.string(),
                                   errnoText(errno)));
    }
    syncDirectory(directory_);
  } catch (const sdk::Error& error) {
    fs::remove_all(temp_dir, ec);
    throw sdk::Error(fmt::format("cannot write report {}: {}", id, error.what()));
  }
  return id;
}

std::vector<ReportListEntry> ReportStore::list() const {
  std::vector<std::string> names = reportDirectories(directory_);
  std::sort(names.begin(), names.end(), std::greater<>());
  std::vector<ReportListEntry> entries;
  entries.reserve(names.size());
  for (auto& name : names) {
    std::string error;
    const boost::json::value json = readJsonFile(directory_ / name / kReportJson, error);
    const auto* report = json.if_object();
    if (!report) {
      spdlog::warn("skipping report {}: {}", name, error.empty() ? "report.json is not a JSON object" : error);
      continue;
    }
    ReportListEntry entry;
    entry.id = std::move(name);
    entry.start_time = numberAt(*report, "start_time");
    entry.end_time = numberAt(*report, "end_time");
    entry.host = stringAt(*report, "host");
    if (const auto* total = objectAt(*report, "total")) {
      entry.num_requests = countAt(*total, "num_requests");
      entry.num_failures = countAt(*total, "num_failures");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

fs::path ReportStore::resolve(std::string_view id_or_prefix) const {
  if (!validId(id_or_prefix)) throw sdk::Error(fmt::format("invalid report id '{}'", id_or_prefix));
  const fs::path exact = directory_ / id_or_prefix;
  std::error_code ec;
  if (fs::is_directory(exact, ec)) return exact;
  std::vector<std::string> matches;
  for (auto& name : reportDirectories(directory_)) {
    if (std::string_view(name).starts_with(id_or_prefix)) matches.push_back(std::move(name));
  }
  if (matches.empty()) {
    throw sdk::Error(fmt::format("no report '{}' in {}", id_or_prefix, directory_.string()));
  }
  if (matches.size() > 1) {
    std::sort(matches.begin(), matches.end(), std::greater<>());
    std::string candidates;
    const std::size_t shown = std::min<std::size_t>(matches.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) candidates += (i ? ", " : "") + matches[i];
    if (matches.size() > shown) candidates += fmt::format(" and {} more", matches.size() - shown);
    throw sdk::Error(fmt::format("report id '{}' is ambiguous: it matches {}", id_or_prefix, candidates));
  }
  return directory_ / matches.front();
}

boost::json::value ReportStore::load(std::string_view id_or_prefix) const {
  const fs::path directory = resolve(id_or_prefix);
  std::string error;
  boost::json::value json = readJsonFile(directory / kReportJson, error);
  if (!error.empty()) throw sdk::Error(fmt::format("report {}: {}", directory.filename().string(), error));
  return json;
}

}  // namespace accurate::report
