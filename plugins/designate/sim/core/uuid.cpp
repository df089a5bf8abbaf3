#include "uuid.hpp"

namespace accurate::designate_sim {

namespace {

int hexDigit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Uuid::str() const {
  std::string out;
  out.reserve(36);
  appendTo(out);
  return out;
}

void Uuid::appendTo(std::string& out) const {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
}

std::optional<Uuid> Uuid::parse(std::string_view text) noexcept {
  if (text.size() != 36 && text.size() != 32) return std::nullopt;
  const bool dashed = text.size() == 36;
  if (dashed && (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')) return std::nullopt;
  Uuid id;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (dashed && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) ++pos;
    const int hi = hexDigit(text[pos]);
    const int lo = hexDigit(text[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    pos += 2;
  }
  return id;
}

Uuid Uuid::random(sdk::Rng& rng) noexcept {
  Uuid id;
  const std::uint64_t a = rng();
  const std::uint64_t b = rng();
  for (std::size_t i = 0; i < 8; ++i) {
    id.bytes[i] = static_cast<std::uint8_t>(a >> (56 - 8 * i));
    id.bytes[8 + i] = static_cast<std::uint8_t>(b >> (56 - 8 * i));
  }
  id.bytes[6] = static_cast<std::uint8_t>((id.bytes[6] & 0x0F) | 0x40);  // version 4
  id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return id;
}

}  // namespace accurate::designate_sim
