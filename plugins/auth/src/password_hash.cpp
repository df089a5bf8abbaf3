#include "password_hash.hpp"

#include <accurate/sdk/errors.hpp>

#include <sodium.h>

#include <charconv>

namespace accurate::auth {

HashLimits interactiveLimits() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

HashLimits minimumLimits() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

void ensureSodium() {
  if (sodium_init() < 0) throw sdk::Error("auth: libsodium failed to initialise");
}

std::string hashPassword(std::string_view password, HashLimits limits) {
  ensureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits.opslimit, limits.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw sdk::Error("auth: cannot hash the password (argon2id needs " + std::to_string(limits.memlimit >> 20) +
                     " MiB of memory)");
  }
  return std::string(out);
}

bool verifyPassword(const std::string& hash, std::string_view password) {
  ensureSodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

namespace {

/// Reads "<name>=<decimal>" at the start of @p text; advances it past the number.
std::optional<unsigned long long> readParam(std::string_view& text, std::string_view name) {
  if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != '=') return std::nullopt;
  text.remove_prefix(name.size() + 1);
  unsigned long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

bool isBase64NoPad(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<HashLimits> argon2idLimits(std::string_view hash) {
  constexpr std::string_view kPrefix = "$argon2id$v=19$";
  if (!hash.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = hash.substr(kPrefix.size());
  const auto memory_kib = readParam(rest, "m");
  if (!memory_kib || !rest.starts_with(',')) return std::nullopt;
  rest.remove_prefix(1);
  const auto passes = readParam(rest, "t");
  if (!passes || !rest.starts_with(',')) return std::nullopt;
  rest.remove_prefix(1);
  const auto lanes = readParam(rest, "p");
  if (!lanes || !rest.starts_with('$')) return std::nullopt;
  rest.remove_prefix(1);
  const auto dollar = rest.find('$');
  if (dollar == std::string_view::npos || !isBase64NoPad(rest.substr(0, dollar)) ||
      !isBase64NoPad(rest.substr(dollar + 1))) {
    return std::nullopt;
  }
  if (*memory_kib == 0 || *memory_kib > (1ULL << 32) || *passes == 0 || *lanes == 0) {
    return std::nullopt;
  }
  return HashLimits{*passes, static_cast<std::size_t>(*memory_kib) * 1024};
}

std::string hashProblem(std::string_view hash) {
  const auto limits = argon2idLimits(hash);
  if (!limits) {
    return "not an argon2id hash (make one with `accurate auth hash-password`; plaintext passwords are refused)";
  }
  if (limits->memlimit > kMaxHashMemory) return "the hash demands more than 1 GiB of memory to verify";
  if (limits->opslimit > 64) return "the hash demands more than 64 passes to verify";
  return "";
}

std::string toHex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

void wipe(std::string& secret) noexcept {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

}  // namespace accurate::auth
