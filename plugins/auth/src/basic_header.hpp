#pragma once
/// @file basic_header.hpp
/// Parsing of the `Authorization` request header (Basic and Bearer schemes).

#include <accurate/sdk/http.hpp>

#include <string>
#include <string_view>

namespace accurate::auth {

/// Largest Authorization header accepted (bytes); longer ones are malformed.
inline constexpr std::size_t kMaxAuthorizationBytes = 4096;

/// What a request's Authorization header carries.
struct Credentials {
  /// The kind of credentials.
  enum class Kind { kNone, kBasic, kBearer, kMalformed };
  Kind kind = Kind::kNone;  ///< none (no header), Basic, Bearer, or malformed
  std::string user;         ///< Basic: the user name (UTF-8 as sent)
  std::string password;     ///< Basic: the password (secret: wipe after use, never log)
  std::string token;        ///< Bearer: the token (secret: wipe after use, never log)
  std::string problem;      ///< malformed: why (safe to log: never contains the credentials)

  Credentials() = default;
  Credentials(const Credentials&) = delete;
  Credentials& operator=(const Credentials&) = delete;
  Credentials(Credentials&&) = default;
  Credentials& operator=(Credentials&&) = default;
  /// Wipes the secrets.
  ~Credentials();
};

/// Parses the value of one Authorization header. Scheme names are case-insensitive; Basic needs strict base64 of
/// "user:password" (padding optional) with a non-empty user and password; Bearer needs a token of RFC 6750
/// characters. Anything else, or a value over kMaxAuthorizationBytes, is kMalformed. Never throws for any input.
Credentials parseAuthorization(std::string_view value);

/// Finds the Authorization header among @p headers: kNone when absent, kMalformed when present more than once,
/// else parseAuthorization of its value.
Credentials credentialsOf(const sdk::HttpHeaders& headers);

}  // namespace accurate::auth
