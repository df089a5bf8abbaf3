/// @file key_files.cpp
/// The CURVE key files behind --cluster-key-dir (layout in transport.hpp): Z85 text, secrets 0600 and written
/// atomically, refused when group or others may access them.

#include "cluster/transport.hpp"
#include "report/report_store.hpp"

#include <accurate/sdk/errors.hpp>

#include <zmq.h>

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace accurate::cluster {

namespace fs = std::filesystem;

namespace {

/// Characters of the Z85 alphabet (ZeroMQ RFC 32).
constexpr std::string_view kZ85Alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

[[noreturn]] void fail(const fs::path& file, const std::string& reason) {
  throw sdk::Error("cluster key file " + file.string() + ": " + reason);
}

void requireCurve() {
  if (!zmq_has("curve")) {
    throw sdk::Error("cluster encryption: this libzmq was built without CURVE support (zmq_has(\"curve\") is false)");
  }
}

/// True when @p text is a 40-character Z85 key that decodes.
bool isZ85Key(const std::string& text) {
  if (text.size() != 40) return false;
  for (char c : text) {
    if (kZ85Alphabet.find(c) == std::string_view::npos) return false;
  }
  std::array<std::uint8_t, 32> binary{};
  return zmq_z85_decode(binary.data(), text.c_str()) != nullptr;
}

/// The key in @p file (surrounding white space ignored). With @p secret, refuses a file group or others may
/// access.
std::string readKey(const fs::path& file, bool secret) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    fail(file, errno == ENOENT ? "missing" : std::string("unreadable: ") + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) fail(file, "not a regular file");
  if (secret && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    fail(file, std::string("secret key is accessible by group or others (mode ") + mode + "); run chmod 600 on it");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, std::string("unreadable: ") + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  std::string text = content.str();
  if (text.size() > 4096) fail(file, "not a 40-character Z85 key (file too long)");
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  if (!isZ85Key(text)) fail(file, "not a 40-character Z85 key");
  return text;
}

/// The public key of Z85 secret @p secret.
std::string publicOf(const std::string& secret) {
  std::array<char, 41> pub{};
  if (zmq_curve_public(pub.data(), secret.c_str()) != 0) {
    throw sdk::Error(std::string("cluster encryption: cannot derive a public key: ") + zmq_strerror(zmq_errno()));
  }
  return std::string(pub.data(), 40);
}

/// Reads the pair <stem> / <stem>_secret and checks that they belong together.
CurveKeyPair readPair(const fs::path& public_file) {
  const fs::path secret_file = public_file.string() + "_secret";
  CurveKeyPair pair;
  pair.public_key = readKey(public_file, false);
  pair.secret_key = readKey(secret_file, true);
  if (publicOf(pair.secret_key) != pair.public_key) {
    fail(public_file, "does not match its secret key " + secret_file.string());
  }
  return pair;
}

/// Creates the pair <public_file> / <public_file>_secret unless both exist (then checks them). One of the two
/// without the other is refused: a secret is never overwritten.
CurveKeyPair ensurePair(const fs::path& public_file, std::vector<fs::path>& written) {
  const fs::path secret_file = public_file.string() + "_secret";
  const bool has_public = fs::exists(public_file);
  const bool has_secret = fs::exists(secret_file);
  if (has_public && has_secret) return readPair(public_file);
  if (has_public || has_secret) {
    fail(has_public ? secret_file : public_file, "missing while " +
                                                     (has_public ? public_file : secret_file).string() +
                                                     " exists; remove it or restore the pair");
  }
  std::array<char, 41> pub{};
  std::array<char, 41> sec{};
  if (zmq_curve_keypair(pub.data(), sec.data()) != 0) {
    throw sdk::Error(std::string("cluster encryption: cannot create a key pair: ") + zmq_strerror(zmq_errno()));
  }
  CurveKeyPair pair{std::string(pub.data(), 40), std::string(sec.data(), 40)};
  report::writeFileAtomically(secret_file, pair.secret_key + "\n", 0600);
  written.push_back(secret_file);
  report::writeFileAtomically(public_file, pair.public_key + "\n", 0644);
  written.push_back(public_file);
  return pair;
}

/// Creates @p dir (0700) when absent.
void ensureDirectory(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return;
  if (!fs::create_directories(dir, ec) || ec) {
    throw sdk::Error("cluster key directory " + dir.string() + ": cannot create it: " + ec.message());
  }
  fs::permissions(dir, fs::perms::owner_all, ec);
}

}  // namespace

MasterKeys loadMasterKeys(const fs::path& dir) {
  requireCurve();
  MasterKeys keys;
  keys.master = readPair(dir / "master.key");
  const fs::path authorized = dir / "authorized_workers";
  std::error_code ec;
  fs::directory_iterator it(authorized, ec);
  if (ec) throw sdk::Error("cluster key directory " + authorized.string() + ": cannot read it: " + ec.message());
  for (const fs::directory_entry& entry : it) {
    if (entry.path().extension() != ".key") continue;
    keys.worker_keys.insert(readKey(entry.path(), false));
  }
  if (keys.worker_keys.empty()) {
    throw sdk::Error("cluster key directory " + authorized.string() + ": no authorised worker key (*.key) in it");
  }
  return keys;
}

WorkerKeys loadWorkerKeys(const fs::path& dir) {
  requireCurve();
  WorkerKeys keys;
  keys.worker = readPair(dir / "worker.key");
  keys.master_public = readKey(dir / "master.key", false);
  return keys;
}

std::vector<fs::path> generateKeys(const fs::path& dir, const std::string& worker_name) {
  requireCurve();
  const bool name_ok = !worker_name.empty() && worker_name.size() <= 64 && worker_name.front() != '.' &&
                       worker_name != "master" &&
                       worker_name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                           std::string::npos;
  if (!name_ok) {
    throw sdk::Error("cluster worker key name '" + worker_name +
                     "': use 1 to 64 letters, digits, '.', '_' or '-' (not starting with '.', not 'master')");
  }
  std::vector<fs::path> written;
  ensureDirectory(dir);
  ensureDirectory(dir / "authorized_workers");
  ensurePair(dir / "master.key", written);
  const CurveKeyPair worker = ensurePair(dir / (worker_name + ".key"), written);
  const fs::path authorized = dir / "authorized_workers" / (worker_name + ".key");
  if (!fs::exists(authorized)) {
    report::writeFileAtomically(authorized, worker.public_key + "\n", 0644);
    written.push_back(authorized);
  } else if (readKey(authorized, false) != worker.public_key) {
    fail(authorized, "holds another key than " + (dir / (worker_name + ".key")).string() +
                         "; nothing is overwritten: remove one of them or pick another name");
  }
  return written;
}

}  // namespace accurate::cluster
