#pragma once
/// @file msgpack.hpp
/// The subset of MessagePack that Locust's master/worker protocol uses (nil, bool, int, float64, str, bin, array,
/// map with keys of any type; no ext types), as a small value tree with a bounded, never-crashing decoder.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace accurate::cluster::msgpack {

/// A malformed, truncated or over-limit payload, or a value of the wrong shape. what() is one line.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Value;
/// The nil value.
struct Nil {
  bool operator==(const Nil&) const = default;
};
/// Raw bytes (msgpack bin family); distinct from text.
struct Binary {
  std::string bytes;  ///< the bytes
  bool operator==(const Binary&) const = default;
};
/// An array of values.
using Array = std::vector<Value>;
/// A map in wire order; keys may be of any type (Locust sends int and float keys).
using Map = std::vector<std::pair<Value, Value>>;

/// One msgpack value. Integers keep their sign class: non-negative ones decode as std::uint64_t, negative ones as
/// std::int64_t; asInt()/asUint() accept either when the number fits. Threading: a plain value type.
// GCC 12 reports a false -Wmaybe-uninitialized when a Value holding a scalar is moved (it inlines the
// variant's move of the vector alternatives); the warnings are attributed to this class, so they are off here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
class Value {
 public:
  /// The alternatives, in the order of index().
  using Storage = std::variant<Nil, bool, std::int64_t, std::uint64_t, double, std::string, Binary, Array, Map>;

  Value() = default;
  Value(Nil) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(static_cast<std::int64_t>(i)) {}
  Value(long i) : v_(static_cast<std::int64_t>(i)) {}
  Value(long long i) : v_(static_cast<std::int64_t>(i)) {}
  Value(unsigned u) : v_(static_cast<std::uint64_t>(u)) {}
  Value(unsigned long u) : v_(static_cast<std::uint64_t>(u)) {}
  Value(unsigned long long u) : v_(static_cast<std::uint64_t>(u)) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Binary b) : v_(std::move(b)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Map m) : v_(std::move(m)) {}

  /// The stored alternative.
  const Storage& storage() const noexcept { return v_; }
  bool isNil() const noexcept { return std::holds_alternative<Nil>(v_); }
  bool isBool() const noexcept { return std::holds_alternative<bool>(v_); }
  /// True for both integer alternatives.
  bool isInt() const noexcept { return std::holds_alternative<std::int64_t>(v_) || std::holds_alternative<std::uint64_t>(v_); }
  bool isFloat() const noexcept { return std::holds_alternative<double>(v_); }
  /// True for integers and floats.
  bool isNumber() const noexcept { return isInt() || isFloat(); }
  bool isStr() const noexcept { return std::holds_alternative<std::string>(v_); }
  bool isBin() const noexcept { return std::holds_alternative<Binary>(v_); }
  bool isArray() const noexcept { return std::holds_alternative<Array>(v_); }
  bool isMap() const noexcept { return std::holds_alternative<Map>(v_); }

  /// The boolean; DecodeError naming @p what otherwise.
  bool asBool(std::string_view what = "value") const;
  /// The integer as int64 (an unsigned one must fit); DecodeError naming @p what otherwise.
  std::int64_t asInt(std::string_view what = "value") const;
  /// The integer as uint64 (a signed one must be >= 0); DecodeError naming @p what otherwise.
  std::uint64_t asUint(std::string_view what = "value") const;
  /// An integer or float as double; DecodeError naming @p what otherwise.
  double asNumber(std::string_view what = "value") const;
  /// The text; DecodeError naming @p what otherwise.
  const std::string& asStr(std::string_view what = "value") const;
  /// The array; DecodeError naming @p what otherwise.
  const Array& asArray(std::string_view what = "value") const;
  /// The map; DecodeError naming @p what otherwise.
  const Map& asMap(std::string_view what = "value") const;
  /// In a map, the value under the text key @p key (first match); nullptr when absent or not a map.
  const Value* find(std::string_view key) const noexcept;
  /// In a map, the value under @p key; DecodeError "<what>: missing key '<key>'" when absent or not a map.
  const Value& at(std::string_view key, std::string_view what = "map") const;

  /// Deep equality (an int64 and a uint64 holding the same number are equal; int and float are not).
  friend bool operator==(const Value& a, const Value& b);

 private:
  Storage v_;  ///< the value
};
#pragma GCC diagnostic pop

/// Limits the decoder enforces (a hostile peer cannot make it allocate or recurse without bound).
struct DecodeLimits {
  std::size_t max_depth = 32;            ///< deepest nesting of arrays/maps
  std::size_t max_elements = 1u << 20;   ///< total array elements + map pairs in one payload
  std::size_t max_string = 16u << 20;    ///< longest str/bin in bytes
};

/// Appends the msgpack encoding of @p value to @p out, as msgpack-python does with use_bin_type=True: smallest
/// integer forms, float64 for every double, str family for text, bin family for Binary.
void encode(const Value& value, std::string& out);
/// The encoding of @p value.
std::string encode(const Value& value);
/// Decodes exactly one value filling all of @p bytes. Throws DecodeError (one line, with the byte offset) on
/// truncation, trailing bytes, reserved byte 0xc1, ext types, invalid UTF-8 in a str, or a broken limit.
Value decode(std::string_view bytes, const DecodeLimits& limits = {});

}  // namespace accurate::cluster::msgpack
