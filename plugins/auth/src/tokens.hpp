#pragma once
/// @file tokens.hpp
/// Bearer tokens: generation, their stored form (name, SHA-256, expiry) from config or a tokens file, and expiry
/// arithmetic.

#include <boost/json/value.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::auth {

/// Wall-clock time of token expiry (seconds).
using SysSeconds = std::chrono::sys_seconds;

/// A stored token: only its SHA-256 is kept.
struct TokenRecord {
  std::string name;                       ///< the token's name (for logs and rotation), never secret
  std::array<unsigned char, 32> sha256{};  ///< SHA-256 of the whole token string
  std::optional<SysSeconds> expires;      ///< expiry (UTC); none = never
};

/// Prefix of every token accurate makes.
inline constexpr std::string_view kTokenPrefix = "acc_";

/// A new random token: "acc_" + 32 random bytes in URL-safe base64 without padding (47 characters).
std::string generateToken();

/// SHA-256 of @p token.
std::array<unsigned char, 32> tokenDigest(std::string_view token);

/// Lower-case hex of SHA-256 of @p token (the stored form).
std::string tokenDigestHex(std::string_view token);

/// Parses 64 hex digits; none when @p hex is not exactly that.
std::optional<std::array<unsigned char, 32>> parseDigestHex(std::string_view hex);

/// Why @p name cannot name a token ("" when it can): same rules as user names.
std::string tokenNameProblem(std::string_view name);

/// Parses "YYYY-MM-DDTHH:MM:SSZ" (UTC); none when malformed or out of range.
std::optional<SysSeconds> parseIsoUtc(std::string_view text);

/// Formats @p when as "YYYY-MM-DDTHH:MM:SSZ".
std::string formatIsoUtc(SysSeconds when);

/// Parses an expiry duration: "<n>d", "<n>h", "<n>m", "<n>s" (n a positive integer); none for "never".
/// Throws sdk::Error with a one-line reason when malformed.
std::optional<std::chrono::seconds> parseExpiresIn(std::string_view text);

/// Parses the config section's `tokens` array ([{"name","sha256","expires"}]); @p path is its JSON path for
/// errors (e.g. "$.auth.tokens"). Throws sdk::ConfigError.
std::vector<TokenRecord> parseTokensConfig(const boost::json::value& tokens, const std::string& path);

/// Parses a tokens file (`name:sha256hex:expires`, expires = epoch seconds or `never`; `#` comments and blank
/// lines ok). Throws sdk::ConfigError `<file>:<line>: <reason>`.
std::vector<TokenRecord> parseTokensFile(std::string_view content, const std::string& file_name);

/// Reads and parses the tokens file at @p path.
std::vector<TokenRecord> readTokensFile(const std::string& path);

/// @p content with the entry named @p name set to `name:digest_hex:expires` (replaced in place or appended).
std::string upsertTokenLine(std::string_view content, std::string_view name, std::string_view digest_hex,
                            std::optional<SysSeconds> expires);

}  // namespace accurate::auth
