#pragma once
/// @file uuid.hpp
/// 16-byte UUIDs: the ids of zones, recordsets and tasks (compact keys for the indexes; their byte order equals
/// the order of their lower-case text, so sorting by id matches Designate's string sort).

#include <accurate/sdk/random.hpp>

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::designate_sim {

/// A UUID as 16 bytes.
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};  ///< big-endian bytes, as printed

  friend auto operator<=>(const Uuid&, const Uuid&) = default;
  friend bool operator==(const Uuid&, const Uuid&) = default;

  /// The canonical text: 36 lower-case characters with dashes.
  std::string str() const;
  /// Appends the canonical text to @p out.
  void appendTo(std::string& out) const;

  /// Parses a UUID like oslo's is_uuid_like: 36 characters with dashes or 32 hex digits, any case.
  static std::optional<Uuid> parse(std::string_view text) noexcept;
  /// A random version-4 UUID drawn from @p rng.
  static Uuid random(sdk::Rng& rng) noexcept;
};

/// Hash of a Uuid (its bytes are random already).
struct UuidHash {
  std::size_t operator()(const Uuid& id) const noexcept {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, id.bytes.data(), 8);
    std::memcpy(&b, id.bytes.data() + 8, 8);
    return static_cast<std::size_t>(a ^ (b * 0x9E3779B97F4A7C15ULL));
  }
};

}  // namespace accurate::designate_sim
