#include "tokens.hpp"

#include "password_hash.hpp"
#include "secret_file.hpp"
#include "text_lines.hpp"
#include "users_file.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <sodium.h>

#include <charconv>
#include <cstdio>
#include <map>

namespace accurate::auth {
namespace {

/// Parses a decimal number filling all of @p text.
template <typename T>
std::optional<T> parseNumber(std::string_view text) {
  T value{};
  if (text.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string generateToken() {
  ensureSodium();
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  char encoded[sodium_base64_ENCODED_LEN(sizeof random, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, random, sizeof random, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(random, sizeof random);
  std::string token = std::string(kTokenPrefix) + encoded;
  sodium_memzero(encoded, sizeof encoded);
  return token;
}

std::array<unsigned char, 32> tokenDigest(std::string_view token) {
  ensureSodium();
  std::array<unsigned char, 32> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return digest;
}

std::string tokenDigestHex(std::string_view token) {
  const auto digest = tokenDigest(token);
  return toHex(digest.data(), digest.size());
}

std::optional<std::array<unsigned char, 32>> parseDigestHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  std::array<unsigned char, 32> digest{};
  for (std::size_t i = 0; i < 32; ++i) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + 2 * i + 2) return std::nullopt;
    digest[i] = static_cast<unsigned char>(value);
  }
  return digest;
}

std::string tokenNameProblem(std::string_view name) {
  std::string problem = userNameProblem(name);
  if (problem.starts_with("user name")) problem.replace(0, 9, "token name");
  if (problem == "empty user name") problem = "empty token name";
  return problem;
}

std::optional<SysSeconds> parseIsoUtc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':' || (text[19] != 'Z' && text[19] != 'z')) {
    return std::nullopt;
  }
  const auto year = parseNumber<int>(text.substr(0, 4));
  const auto month = parseNumber<unsigned>(text.substr(5, 2));
  const auto day = parseNumber<unsigned>(text.substr(8, 2));
  const auto hour = parseNumber<int>(text.substr(11, 2));
  const auto minute = parseNumber<int>(text.substr(14, 2));
  const auto second = parseNumber<int>(text.substr(17, 2));
  if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(*month), std::chrono::day(*day)};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

std::string formatIsoUtc(SysSeconds when) {
  const auto day = std::chrono::floor<std::chrono::days>(when);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss time(when - day);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

std::optional<std::chrono::seconds> parseExpiresIn(std::string_view text) {
  if (text == "never") return std::nullopt;
  const auto bad = [&]() {
    return sdk::Error("--expires-in: '" + std::string(text) +
                      "' is not a duration: use <n>d, <n>h, <n>m, <n>s (n > 0) or never");
  };
  if (text.size() < 2) throw bad();
  const auto count = parseNumber<long long>(text.substr(0, text.size() - 1));
  if (!count || *count <= 0 || *count > 100LL * 365 * 86400) throw bad();
  switch (text.back()) {
    case 'd': return std::chrono::seconds(*count * 86400);
    case 'h': return std::chrono::seconds(*count * 3600);
    case 'm': return std::chrono::seconds(*count * 60);
    case 's': return std::chrono::seconds(*count);
    default: throw bad();
  }
}

std::vector<TokenRecord> parseTokensConfig(const boost::json::value& tokens, const std::string& path) {
  if (!tokens.is_array()) throw sdk::ConfigError(path, "must be an array of {\"name\", \"sha256\", \"expires\"}");
  std::vector<TokenRecord> records;
  std::map<std::string, std::size_t, std::less<>> seen;
  const auto& array = tokens.get_array();
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) throw sdk::ConfigError(at, "must be an object {\"name\", \"sha256\", \"expires\"}");
    const auto& entry = array[i].get_object();
    for (const auto& field : entry) {
      if (field.key() != "name" && field.key() != "sha256" && field.key() != "expires") {
        throw sdk::ConfigError(at + "." + std::string(field.key()), "unknown key (expected name, sha256, expires)");
      }
    }
    TokenRecord record;
    const auto* name = entry.if_contains("name");
    if (name == nullptr || !name->is_string()) throw sdk::ConfigError(at + ".name", "must be a string");
    record.name = std::string(name->get_string());
    if (const auto problem = tokenNameProblem(record.name); !problem.empty()) {
      throw sdk::ConfigError(at + ".name", problem);
    }
    if (const auto it = seen.find(record.name); it != seen.end()) {
      throw sdk::ConfigError(at + ".name", "token '" + record.name + "' is already defined at " + path + "[" +
                                               std::to_string(it->second) + "]");
    }
    seen.emplace(record.name, i);
    const auto* digest = entry.if_contains("sha256");
    const auto parsed = digest != nullptr && digest->is_string() ? parseDigestHex(digest->get_string()) : std::nullopt;
    if (!parsed) {
      throw sdk::ConfigError(at + ".sha256", "must be the 64 hex digits of the token's SHA-256 "
                                             "(from `accurate auth add-token`; never the token itself)");
    }
    record.sha256 = *parsed;
    const auto* expires = entry.if_contains("expires");
    if (expires != nullptr && !expires->is_null()) {
      const auto when = expires->is_string() ? parseIsoUtc(expires->get_string()) : std::nullopt;
      if (!when) throw sdk::ConfigError(at + ".expires", "must be null or a UTC time like \"2030-01-31T00:00:00Z\"");
      record.expires = *when;
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<TokenRecord> parseTokensFile(std::string_view content, const std::string& file_name) {
  std::vector<TokenRecord> records;
  std::map<std::string, std::size_t, std::less<>> first_line;
  const auto lines = splitLines(content);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const std::size_t number = index + 1;
    const auto fail = [&](const std::string& reason) {
      throw sdk::ConfigError("", file_name + ":" + std::to_string(number) + ": " + reason);
    };
    if (isCommentOrBlank(lines[index])) continue;
    const std::string_view line = trimBlank(lines[index]);
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos || line.find(':', second + 1) != std::string_view::npos) {
      fail("expected name:sha256:expires");
    }
    TokenRecord record;
    record.name = std::string(line.substr(0, first));
    if (const auto problem = tokenNameProblem(record.name); !problem.empty()) fail(problem);
    if (const auto it = first_line.find(record.name); it != first_line.end()) {
      fail("token '" + record.name + "' is already defined on line " + std::to_string(it->second));
    }
    const auto digest = parseDigestHex(line.substr(first + 1, second - first - 1));
    if (!digest) fail("token '" + record.name + "': the second field must be 64 hex digits (the token's SHA-256)");
    record.sha256 = *digest;
    const std::string_view expires = line.substr(second + 1);
    if (expires != "never") {
      const auto epoch = parseNumber<long long>(expires);
      if (!epoch || *epoch < 0) {
        fail("token '" + record.name + "': expires must be epoch seconds or 'never'");
      }
      record.expires = SysSeconds(std::chrono::seconds(*epoch));
    }
    first_line.emplace(record.name, number);
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<TokenRecord> readTokensFile(const std::string& path) { return parseTokensFile(readTextFile(path), path); }

std::string upsertTokenLine(std::string_view content, std::string_view name, std::string_view digest_hex,
                            std::optional<SysSeconds> expires) {
  const std::string entry = std::string(name) + ":" + std::string(digest_hex) + ":" +
                            (expires ? std::to_string(expires->time_since_epoch().count()) : "never") + "\n";
  std::string out;
  bool replaced = false;
  for (const std::string_view raw : splitLines(content)) {
    const std::string_view line = trimBlank(raw);
    const bool ours = !isCommentOrBlank(line) && line.starts_with(name) && line.size() > name.size() &&
                      line[name.size()] == ':';
    if (ours) {
      if (!replaced) out += entry;
      replaced = true;
    } else {
      out.append(raw).append("\n");
    }
  }
  if (!replaced) out += entry;
  return out;
}

}  // namespace accurate::auth
