#pragma once
// Helpers shared by the auth plugin's tests: a settable clock, a temporary folder, Basic header values and cheap
// hashes (minimum argon2 cost, so tests stay fast).

#include "password_hash.hpp"
#include "throttle.hpp"

#include <accurate/sdk/auth.hpp>

#include <sodium.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

namespace accurate::auth::test {

/// A steady clock the test moves by hand.
struct ManualClock {
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::time_point(std::chrono::hours(1000));
  /// A SteadyNow reading this clock (which must outlive it).
  SteadyNow reader() {
    return [this] { return now; };
  }
};

/// A fresh folder under the system temp dir, removed with its content at destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("accurate-auth-test-" + std::to_string(random()) + "-" + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  /// @p name inside the folder.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;  ///< the folder
};

/// Writes @p content to @p path.
inline void writeFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

/// The content of @p path.
inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

/// Standard base64 of @p text.
inline std::string base64(const std::string& text) {
  std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

/// "Basic base64(user:password)".
inline std::string basicValue(const std::string& user, const std::string& password) {
  return "Basic " + base64(user + ":" + password);
}

/// A request from @p addr with an Authorization header @p value (none when empty).
inline sdk::WebRequestInfo requestWith(const std::string& value, const std::string& addr = "192.0.2.10") {
  sdk::WebRequestInfo request;
  request.method = "GET";
  request.path = "/stats/requests";
  request.remote_addr = addr;
  if (!value.empty()) request.headers.emplace_back("Authorization", value);
  return request;
}

/// A cheap argon2id hash of @p password.
inline std::string cheapHash(const std::string& password) { return hashPassword(password, minimumLimits()); }

/// The value of header @p name in @p headers, or "" when absent.
inline std::string headerOf(const sdk::HttpHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace accurate::auth::test
