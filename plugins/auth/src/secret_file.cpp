#include "secret_file.hpp"

#include "password_hash.hpp"

#include <accurate/sdk/errors.hpp>

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace accurate::auth {
namespace {

constexpr off_t kMaxFileSize = 16 << 20;  // bytes

std::string errnoText(int error) { return std::strerror(error); }

/// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now; returns close()'s errno or 0.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;  ///< the descriptor, -1 once closed
};

}  // namespace

std::string readTextFile(const std::string& path) {
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw sdk::ConfigError("", "cannot read " + path + ": " + errnoText(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throw sdk::ConfigError("", "cannot read " + path + ": " + errnoText(errno));
  if (!S_ISREG(info.st_mode)) throw sdk::ConfigError("", "cannot read " + path + ": not a regular file");
  if (info.st_size > kMaxFileSize) throw sdk::ConfigError("", "cannot read " + path + ": larger than 16 MiB");
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw sdk::ConfigError("", "cannot read " + path + ": " + errnoText(errno));
    if (got == 0) break;
    content.append(buffer, static_cast<std::size_t>(got));
    if (content.size() > static_cast<std::size_t>(kMaxFileSize)) {
      throw sdk::ConfigError("", "cannot read " + path + ": larger than 16 MiB");
    }
  }
  return content;
}

bool fileExists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

bool readableByOthers(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0;
}

void writeFileAtomically(const std::string& path, const std::string& content) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  ensureSodium();
  unsigned char random[8];
  randombytes_buf(random, sizeof random);
  char hex[sizeof random * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  const std::string temporary = (folder / ("." + target.filename().string() + ".tmp-" + hex)).string();
  const auto fail = [&](const std::string& what, int error) {
    ::unlink(temporary.c_str());
    throw sdk::Error("cannot write " + path + ": " + what + ": " + errnoText(error));
  };
  Descriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw sdk::Error("cannot write " + path + ": cannot create " + temporary + ": " + errnoText(errno));
  // The umask may have removed bits but never adds any; make the mode exactly 0600.
  if (::fchmod(fd.get(), 0600) != 0) fail("chmod", errno);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t put = ::write(fd.get(), content.data() + written, content.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) fail("write", errno);
    written += static_cast<std::size_t>(put);
  }
  if (::fsync(fd.get()) != 0) fail("fsync", errno);
  if (const int error = fd.close(); error != 0) fail("close", error);
  if (::rename(temporary.c_str(), path.c_str()) != 0) fail("rename", errno);
  // Make the rename durable; failure here leaves a correct file, so it is not an error.
  Descriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) (void)::fsync(dir.get());
}

}  // namespace accurate::auth
