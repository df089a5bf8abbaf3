#pragma once
/// @file password_hash.hpp
/// argon2id password hashes (libsodium's crypto_pwhash_str format) and the small libsodium helpers the plugin
/// shares: initialisation, secure wiping, hex.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::auth {

/// The cost of an argon2id hash.
struct HashLimits {
  unsigned long long opslimit = 0;  ///< passes over memory (argon2 t)
  std::size_t memlimit = 0;         ///< memory in bytes (argon2 m * 1024)
};

/// The default cost: crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes, 64 MiB).
HashLimits interactiveLimits();
/// The smallest cost libsodium accepts (OPSLIMIT_MIN / MEMLIMIT_MIN): only for tests.
HashLimits minimumLimits();

/// The largest memory cost a configured hash may demand (1 GiB, crypto_pwhash_MEMLIMIT_SENSITIVE), so a
/// verification cannot take more than that.
inline constexpr std::size_t kMaxHashMemory = std::size_t{1} << 30;

/// Calls sodium_init() (idempotent, thread-safe); throws sdk::Error when libsodium cannot start.
void ensureSodium();

/// Hashes @p password with argon2id and a random salt. Throws sdk::Error when libsodium refuses (out of memory).
std::string hashPassword(std::string_view password, HashLimits limits);

/// True when @p password matches @p hash (constant-time in libsodium). False for any malformed hash.
bool verifyPassword(const std::string& hash, std::string_view password);

/// The cost encoded in an argon2id string (`$argon2id$v=19$m=<KiB>,t=<passes>,p=1$<salt>$<hash>`), or none when
/// @p hash is not such a string (e.g. a plaintext password).
std::optional<HashLimits> argon2idLimits(std::string_view hash);

/// Why @p hash cannot be used as a user's hash ("" when it can): not argon2id, or too costly.
std::string hashProblem(std::string_view hash);

/// Lower-case hex of @p bytes.
std::string toHex(const unsigned char* bytes, std::size_t size);

/// Overwrites @p secret's characters with zeros (sodium_memzero) and clears it.
void wipe(std::string& secret) noexcept;

}  // namespace accurate::auth
