#include "wire.hpp"

#include <algorithm>

namespace accurate::dns::wire {
namespace {

constexpr std::size_t kMaxNameOctets = 255;

}  // namespace

bool Reader::fail(DecodeErrc errc) noexcept {
  if (!error_) error_ = make_error_code(errc);
  return false;
}

bool Reader::u8(std::uint8_t& out) noexcept {
  if (error_) return false;
  if (message_.size() - pos_ < 1) return fail(DecodeErrc::kTruncated);
  out = message_[pos_++];
  return true;
}

bool Reader::u16(std::uint16_t& out) noexcept {
  if (error_) return false;
  if (message_.size() - pos_ < 2) return fail(DecodeErrc::kTruncated);
  out = static_cast<std::uint16_t>(message_[pos_] << 8 | message_[pos_ + 1]);
  pos_ += 2;
  return true;
}

bool Reader::u32(std::uint32_t& out) noexcept {
  if (error_) return false;
  if (message_.size() - pos_ < 4) return fail(DecodeErrc::kTruncated);
  out = static_cast<std::uint32_t>(message_[pos_]) << 24 | static_cast<std::uint32_t>(message_[pos_ + 1]) << 16 |
        static_cast<std::uint32_t>(message_[pos_ + 2]) << 8 | message_[pos_ + 3];
  pos_ += 4;
  return true;
}

bool Reader::bytes(std::size_t size, std::span<const std::uint8_t>& out) noexcept {
  if (error_) return false;
  if (message_.size() - pos_ < size) return fail(DecodeErrc::kTruncated);
  out = message_.subspan(pos_, size);
  pos_ += size;
  return true;
}

bool Reader::name(std::string& out) {
  if (error_) return false;
  out.clear();
  std::size_t p = pos_;
  std::size_t segment_start = pos_;  // start of the label sequence being read; pointers must go below it
  bool jumped = false;
  std::size_t octets = 1;            // the final root label
  for (;;) {
    if (p >= message_.size()) return fail(DecodeErrc::kTruncated);
    const std::uint8_t length = message_[p];
    if ((length & 0xC0) == 0xC0) {
      if (p + 1 >= message_.size()) return fail(DecodeErrc::kTruncated);
      const std::size_t target = static_cast<std::size_t>(length & 0x3F) << 8 | message_[p + 1];
      if (target >= segment_start) return fail(DecodeErrc::kBadPointer);
      if (!jumped) pos_ = p + 2;
      jumped = true;
      p = segment_start = target;
      continue;
    }
    if ((length & 0xC0) != 0) return fail(DecodeErrc::kBadLabelType);
    if (length == 0) {
      if (!jumped) pos_ = p + 1;
      if (out.empty()) out = ".";
      return true;
    }
    if (message_.size() - p - 1 < length) return fail(DecodeErrc::kTruncated);
    octets += 1 + length;
    if (octets > kMaxNameOctets) return fail(DecodeErrc::kNameTooLong);
    appendLabel(out, message_.subspan(p + 1, length));
    p += 1 + length;
  }
}

void Writer::u16(std::uint16_t value) {
  out_.push_back(static_cast<std::uint8_t>(value >> 8));
  out_.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void Writer::u32(std::uint32_t value) {
  u16(static_cast<std::uint16_t>(value >> 16));
  u16(static_cast<std::uint16_t>(value & 0xFFFF));
}

void Writer::patchU16(std::size_t offset, std::uint16_t value) {
  out_[offset] = static_cast<std::uint8_t>(value >> 8);
  out_[offset + 1] = static_cast<std::uint8_t>(value & 0xFF);
}

void Writer::name(const std::vector<std::uint8_t>& wire_name, bool compressible) {
  std::vector<std::size_t> starts;  // offsets of the labels in wire_name (the root excluded)
  for (std::size_t i = 0; i < wire_name.size() && wire_name[i] != 0; i += wire_name[i] + 1u) starts.push_back(i);
  const std::size_t base = out_.size();
  const auto suffixAt = [&](std::size_t start) {
    return std::string(reinterpret_cast<const char*>(wire_name.data()) + start, wire_name.size() - start);
  };
  // Suffixes are compared byte for byte (case included), so a decoded copy always spells names as written.
  const auto remember = [&](std::size_t count) {
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t offset = base + starts[k];
      if (offset < 0x4000) suffixes_.emplace_back(suffixAt(starts[k]), static_cast<std::uint16_t>(offset));
    }
  };
  if (compress_ && compressible) {
    for (std::size_t k = 0; k < starts.size(); ++k) {
      const std::string suffix = suffixAt(starts[k]);
      const auto found = std::find_if(suffixes_.begin(), suffixes_.end(),
                                      [&](const auto& entry) { return entry.first == suffix; });
      if (found == suffixes_.end()) continue;
      const std::uint16_t target = found->second;
      out_.insert(out_.end(), wire_name.begin(), wire_name.begin() + static_cast<std::ptrdiff_t>(starts[k]));
      u16(static_cast<std::uint16_t>(0xC000 | target));
      remember(k);
      return;
    }
  }
  out_.insert(out_.end(), wire_name.begin(), wire_name.end());
  if (compress_) remember(starts.size());
}

void appendLabel(std::string& out, std::span<const std::uint8_t> label) {
  for (std::uint8_t b : label) {
    switch (b) {
      case '.': case '\\': case '"': case '(': case ')': case ';': case '@': case '$':
        out.push_back('\\');
        out.push_back(static_cast<char>(b));
        break;
      default:
        if (b < 0x21 || b > 0x7E) {
          out.push_back('\\');
          out.push_back(static_cast<char>('0' + b / 100));
          out.push_back(static_cast<char>('0' + b / 10 % 10));
          out.push_back(static_cast<char>('0' + b % 10));
        } else {
          out.push_back(static_cast<char>(b));
        }
    }
  }
  out.push_back('.');
}

}  // namespace accurate::dns::wire
