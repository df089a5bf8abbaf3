#pragma once
/// @file wire.hpp
/// Internals of the DNS codec (message.cpp, wire.cpp, rdata.cpp): a bounds-checked reader and a
/// compressing writer of wire data, label escaping, and the per-type rdata conversions. Not part of the public API.

#include <accurate/dns/message.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::dns::wire {

/// Reads wire data with every length checked. Errors are sticky: after the first one every read fails.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> message) : message_(message) {}

  /// Current offset.
  std::size_t pos() const noexcept { return pos_; }
  /// The first error (empty while reading succeeds).
  boost::system::error_code error() const noexcept { return error_; }
  /// Records @p errc unless an error is already recorded; returns false for convenient `return fail(...)`.
  bool fail(DecodeErrc errc) noexcept;

  bool u8(std::uint8_t& out) noexcept;
  bool u16(std::uint16_t& out) noexcept;
  bool u32(std::uint32_t& out) noexcept;
  /// Takes @p size bytes.
  bool bytes(std::size_t size, std::span<const std::uint8_t>& out) noexcept;
  /// Reads a (possibly compressed) name into presentation form; pointers must point before the label
  /// sequence that holds them, which rules out loops.
  bool name(std::string& out);

 private:
  std::span<const std::uint8_t> message_;  ///< the whole message (pointers are offsets into it)
  std::size_t pos_ = 0;                    ///< next byte to read
  boost::system::error_code error_;        ///< first failure
};

/// Builds wire data; remembers where names were written so later names can point at them.
class Writer {
 public:
  explicit Writer(bool compress) : compress_(compress) {}

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value);
  void u32(std::uint32_t value);
  void bytes(std::span<const std::uint8_t> data) { out_.insert(out_.end(), data.begin(), data.end()); }
  /// Writes a name given in wire form (uncompressed, from nameToWire), compressed when allowed and @p compressible.
  void name(const std::vector<std::uint8_t>& wire_name, bool compressible);
  /// Current size.
  std::size_t size() const noexcept { return out_.size(); }
  /// Overwrites two bytes at @p offset (e.g. a length written after its data).
  void patchU16(std::size_t offset, std::uint16_t value);
  /// The bytes written.
  std::vector<std::uint8_t>& out() noexcept { return out_; }

 private:
  std::vector<std::uint8_t> out_;                                  ///< the message so far
  std::vector<std::pair<std::string, std::uint16_t>> suffixes_;    ///< written name suffixes (wire bytes) → offset
  bool compress_;                                                  ///< compression enabled
};

/// Appends one label in presentation form (escaping `.`, `\`, specials and non-printable bytes) and a dot.
void appendLabel(std::string& out, std::span<const std::uint8_t> label);

/// Decodes the rdata of @p type spanning [reader.pos(), reader.pos() + length) into presentation form.
bool readRdata(Reader& reader, std::uint16_t type, std::uint16_t length, std::string& out);
/// Encodes presentation rdata of @p type. @throws sdk::Error with @p what (the record) in the message.
void writeRdata(Writer& writer, std::uint16_t type, std::string_view data, std::string_view what);

}  // namespace accurate::dns::wire
