/// @file msgpack.cpp
/// The MessagePack subset of Locust's protocol: value accessors, an encoder that writes what msgpack-python
/// writes (use_bin_type=True), and a decoder that checks every length against the bytes left before it
/// allocates, so hostile input can only ever produce a DecodeError.

#include "cluster/msgpack.hpp"

#include <bit>
#include <cstdio>
#include <limits>

namespace accurate::cluster::msgpack {

namespace {

/// Name of the alternative held by @p v, for error messages.
std::string_view typeName(const Value::Storage& v) {
  switch (v.index()) {
    case 0: return "nil";
    case 1: return "bool";
    case 2:
    case 3: return "int";
    case 4: return "float";
    case 5: return "str";
    case 6: return "bin";
    case 7: return "array";
    default: return "map";
  }
}

[[noreturn]] void wrongType(std::string_view what, std::string_view wanted, const Value::Storage& v) {
  throw DecodeError(std::string(what) + " is not " + std::string(wanted) + " (got " + std::string(typeName(v)) +
                    ")");
}

/// Length in bytes of the valid UTF-8 sequence starting at @p s[i], or 0 when it is invalid (overlong forms,
/// surrogates and code points above U+10FFFF are invalid, as for Python's strict decoder).
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    if (b0 == 0xe0) lo = 0xa0;   // no overlong 3-byte forms
    if (b0 == 0xed) hi = 0x9f;   // no surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    if (b0 == 0xf0) lo = 0x90;   // no overlong 4-byte forms
    if (b0 == 0xf4) hi = 0x8f;   // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xbf) return 0;
  }
  return len;
}

/// Offset of the first invalid UTF-8 byte of @p s, or npos when it is all valid.
std::size_t firstInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8SequenceLength(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

void putBigEndian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

/// Header of a str (b8 != 0), array or map of @p n elements: the fix form up to @p fix_max, then 8/16/32 bits.
void putHeader(std::string& out, std::uint64_t n, unsigned char fix_base, std::uint64_t fix_max, unsigned char b8,
               unsigned char b16, unsigned char b32) {
  if (n <= fix_max) {
    out.push_back(static_cast<char>(fix_base | n));
  } else if (b8 != 0 && n <= 0xff) {
    out.push_back(static_cast<char>(b8));
    putBigEndian(out, n, 1);
  } else if (n <= 0xffff) {
    out.push_back(static_cast<char>(b16));
    putBigEndian(out, n, 2);
  } else {
    out.push_back(static_cast<char>(b32));
    putBigEndian(out, n, 4);
  }
}

void encodeUint(std::uint64_t u, std::string& out) {
  if (u < 0x80) {
    out.push_back(static_cast<char>(u));
  } else if (u <= 0xff) {
    out.push_back(static_cast<char>(0xcc));
    putBigEndian(out, u, 1);
  } else if (u <= 0xffff) {
    out.push_back(static_cast<char>(0xcd));
    putBigEndian(out, u, 2);
  } else if (u <= 0xffffffffu) {
    out.push_back(static_cast<char>(0xce));
    putBigEndian(out, u, 4);
  } else {
    out.push_back(static_cast<char>(0xcf));
    putBigEndian(out, u, 8);
  }
}

void encodeInt(std::int64_t i, std::string& out) {
  if (i >= 0) return encodeUint(static_cast<std::uint64_t>(i), out);
  const auto bits = static_cast<std::uint64_t>(i);
  if (i >= -32) {
    out.push_back(static_cast<char>(bits & 0xff));
  } else if (i >= std::numeric_limits<std::int8_t>::min()) {
    out.push_back(static_cast<char>(0xd0));
    putBigEndian(out, bits, 1);
  } else if (i >= std::numeric_limits<std::int16_t>::min()) {
    out.push_back(static_cast<char>(0xd1));
    putBigEndian(out, bits, 2);
  } else if (i >= std::numeric_limits<std::int32_t>::min()) {
    out.push_back(static_cast<char>(0xd2));
    putBigEndian(out, bits, 4);
  } else {
    out.push_back(static_cast<char>(0xd3));
    putBigEndian(out, bits, 8);
  }
}

/// Text as a msgpack str. Invalid UTF-8 (which a Python peer would refuse with the whole message) is sent with
/// each bad byte replaced by U+FFFD, as Python's errors="replace" would show it.
void encodeStr(const std::string& s, std::string& out) {
  if (firstInvalidUtf8(s) == std::string_view::npos) {
    putHeader(out, s.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
    out += s;
    return;
  }
  std::string fixed;
  fixed.reserve(s.size() + 16);
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8SequenceLength(s, i);
    if (n == 0) {
      fixed += "\xef\xbf\xbd";
      ++i;
    } else {
      fixed.append(s, i, n);
      i += n;
    }
  }
  putHeader(out, fixed.size(), 0xa0, 31, 0xd9, 0xda, 0xdb);
  out += fixed;
}

/// Recursive-descent decoder over one payload.
class Decoder {
 public:
  Decoder(std::string_view bytes, const DecodeLimits& limits) : in_(bytes), limits_(limits) {}

  Value decodeAll() {
    Value v = value(0);
    if (pos_ != in_.size()) {
      fail("unexpected " + std::to_string(in_.size() - pos_) + " trailing byte(s) after the value", pos_);
    }
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& why, std::size_t at) const {
    throw DecodeError("msgpack: " + why + " at byte " + std::to_string(at));
  }

  /// Checks that @p n more bytes exist for @p what starting at pos_.
  void need(std::size_t n, std::string_view what) const {
    if (in_.size() - pos_ < n) {
      fail("truncated " + std::string(what) + " (needs " + std::to_string(n) + " byte(s), " +
               std::to_string(in_.size() - pos_) + " left)",
           pos_);
    }
  }

  std::uint64_t readBigEndian(int bytes, std::string_view what) {
    need(static_cast<std::size_t>(bytes), what);
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in_[pos_ + static_cast<std::size_t>(i)]);
    pos_ += static_cast<std::size_t>(bytes);
    return v;
  }

  std::string_view rawBytes(std::uint64_t n, std::string_view what, std::size_t start) {
    if (n > limits_.max_string) {
      fail(std::string(what) + " of " + std::to_string(n) + " bytes is longer than the limit of " +
               std::to_string(limits_.max_string),
           start);
    }
    need(static_cast<std::size_t>(n), what);
    const std::string_view s = in_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }

  Value str(std::uint64_t n, std::size_t start) {
    const std::string_view s = rawBytes(n, "str", start);
    const std::size_t bad = firstInvalidUtf8(s);
    if (bad != std::string_view::npos) fail("invalid UTF-8 in str", pos_ - s.size() + bad);
    return Value(std::string(s));
  }

  /// Reserves room for @p n more elements (each needing at least @p min_bytes) after checking the limits.
  void countElements(std::uint64_t n, std::size_t min_bytes, std::string_view what, std::size_t start) {
    if (n > (in_.size() - pos_) / min_bytes) {
      fail("truncated " + std::string(what) + " (" + std::to_string(n) + " element(s) announced, " +
               std::to_string(in_.size() - pos_) + " byte(s) left)",
           start);
    }
    elements_ += static_cast<std::size_t>(n);
    if (elements_ > limits_.max_elements) {
      fail("more than " + std::to_string(limits_.max_elements) + " array elements and map pairs", start);
    }
  }

  Value array(std::uint64_t n, std::size_t depth, std::size_t start) {
    enterContainer(depth, start);
    countElements(n, 1, "array", start);
    Array a;
    a.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n; ++i) a.push_back(value(depth + 1));
    return Value(std::move(a));
  }

  Value map(std::uint64_t n, std::size_t depth, std::size_t start) {
    enterContainer(depth, start);
    countElements(n, 2, "map", start);
    Map m;
    m.reserve(static_cast<std::size_t>(n));
    for (std::uint64_t i = 0; i < n; ++i) {
      Value k = value(depth + 1);
      Value v = value(depth + 1);
      m.emplace_back(std::move(k), std::move(v));
    }
    return Value(std::move(m));
  }

  void enterContainer(std::size_t depth, std::size_t start) const {
    if (depth >= limits_.max_depth) {
      fail("nesting deeper than the limit of " + std::to_string(limits_.max_depth), start);
    }
  }

  Value value(std::size_t depth) {
    const std::size_t start = pos_;
    need(1, "value");
    const auto b = static_cast<unsigned char>(in_[pos_++]);
    if (b <= 0x7f) return Value(static_cast<std::uint64_t>(b));
    if (b >= 0xe0) return Value(static_cast<std::int64_t>(static_cast<std::int8_t>(b)));
    if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f, depth, start);
    if (b >= 0x90 && b <= 0x9f) return array(b & 0x0f, depth, start);
    if (b >= 0xa0 && b <= 0xbf) return str(b & 0x1f, start);
    switch (b) {
      case 0xc0: return Value(Nil{});
      case 0xc2: return Value(false);
      case 0xc3: return Value(true);
      case 0xc4: return Value(Binary{std::string(rawBytes(readBigEndian(1, "bin8 length"), "bin", start))});
      case 0xc5: return Value(Binary{std::string(rawBytes(readBigEndian(2, "bin16 length"), "bin", start))});
      case 0xc6: return Value(Binary{std::string(rawBytes(readBigEndian(4, "bin32 length"), "bin", start))});
      case 0xca: {
        const auto bits = static_cast<std::uint32_t>(readBigEndian(4, "float32"));
        return Value(static_cast<double>(std::bit_cast<float>(bits)));
      }
      case 0xcb: return Value(std::bit_cast<double>(readBigEndian(8, "float64")));
      case 0xcc: return Value(readBigEndian(1, "uint8"));
      case 0xcd: return Value(readBigEndian(2, "uint16"));
      case 0xce: return Value(readBigEndian(4, "uint32"));
      case 0xcf: return Value(readBigEndian(8, "uint64"));
      case 0xd0: return signedValue(static_cast<std::int8_t>(readBigEndian(1, "int8")));
      case 0xd1: return signedValue(static_cast<std::int16_t>(readBigEndian(2, "int16")));
      case 0xd2: return signedValue(static_cast<std::int32_t>(readBigEndian(4, "int32")));
      case 0xd3: return signedValue(static_cast<std::int64_t>(readBigEndian(8, "int64")));
      case 0xd9: return str(readBigEndian(1, "str8 length"), start);
      case 0xda: return str(readBigEndian(2, "str16 length"), start);
      case 0xdb: return str(readBigEndian(4, "str32 length"), start);
      case 0xdc: return array(readBigEndian(2, "array16 length"), depth, start);
      case 0xdd: return array(readBigEndian(4, "array32 length"), depth, start);
      case 0xde: return map(readBigEndian(2, "map16 length"), depth, start);
      case 0xdf: return map(readBigEndian(4, "map32 length"), depth, start);
      case 0xc1: fail("reserved byte 0xc1 (never used by msgpack)", start);
      default: break;  // c7-c9, d4-d8: the ext family
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", b);
    fail(std::string("ext types are not supported (type byte ") + hex + ")", start);
  }

  /// Signed forms holding a non-negative number decode like the unsigned ones.
  static Value signedValue(std::int64_t v) {
    if (v >= 0) return Value(static_cast<std::uint64_t>(v));
    return Value(v);
  }

  std::string_view in_;          ///< the whole payload
  const DecodeLimits& limits_;   ///< limits to enforce
  std::size_t pos_ = 0;          ///< next byte to read
  std::size_t elements_ = 0;     ///< array elements and map pairs announced so far
};

}  // namespace

bool Value::asBool(std::string_view what) const {
  if (const auto* b = std::get_if<bool>(&v_)) return *b;
  wrongType(what, "a bool", v_);
}

std::int64_t Value::asInt(std::string_view what) const {
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&v_)) {
    if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw DecodeError(std::string(what) + " is too large for a signed 64-bit integer");
    }
    return static_cast<std::int64_t>(*u);
  }
  wrongType(what, "an int", v_);
}

std::uint64_t Value::asUint(std::string_view what) const {
  if (const auto* u = std::get_if<std::uint64_t>(&v_)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&v_)) {
    if (*i < 0) throw DecodeError(std::string(what) + " is negative (" + std::to_string(*i) + ")");
    return static_cast<std::uint64_t>(*i);
  }
  wrongType(what, "an int", v_);
}

double Value::asNumber(std::string_view what) const {
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&v_)) return static_cast<double>(*u);
  wrongType(what, "a number", v_);
}

const std::string& Value::asStr(std::string_view what) const {
  if (const auto* s = std::get_if<std::string>(&v_)) return *s;
  wrongType(what, "a str", v_);
}

const Array& Value::asArray(std::string_view what) const {
  if (const auto* a = std::get_if<Array>(&v_)) return *a;
  wrongType(what, "an array", v_);
}

const Map& Value::asMap(std::string_view what) const {
  if (const auto* m = std::get_if<Map>(&v_)) return *m;
  wrongType(what, "a map", v_);
}

const Value* Value::find(std::string_view key) const noexcept {
  const auto* m = std::get_if<Map>(&v_);
  if (m == nullptr) return nullptr;
  for (const auto& [k, v] : *m) {
    const auto* s = std::get_if<std::string>(&k.v_);
    if (s != nullptr && *s == key) return &v;
  }
  return nullptr;
}

const Value& Value::at(std::string_view key, std::string_view what) const {
  if (!isMap()) wrongType(what, "a map", v_);
  const Value* v = find(key);
  if (v == nullptr) throw DecodeError(std::string(what) + ": missing key '" + std::string(key) + "'");
  return *v;
}

bool operator==(const Value& a, const Value& b) {
  const auto& x = a.v_;
  const auto& y = b.v_;
  if (a.isInt() && b.isInt()) {
    const auto* xi = std::get_if<std::int64_t>(&x);
    const auto* yi = std::get_if<std::int64_t>(&y);
    if (xi != nullptr && yi != nullptr) return *xi == *yi;
    const auto* xu = std::get_if<std::uint64_t>(&x);
    const auto* yu = std::get_if<std::uint64_t>(&y);
    if (xu != nullptr && yu != nullptr) return *xu == *yu;
    const std::int64_t s = xi != nullptr ? *xi : *yi;
    const std::uint64_t u = xu != nullptr ? *xu : *yu;
    return s >= 0 && static_cast<std::uint64_t>(s) == u;
  }
  if (x.index() != y.index()) return false;
  if (const auto* d = std::get_if<double>(&x)) {
    // Bitwise, so NaN equals itself and a value survives a round trip as "equal".
    return std::bit_cast<std::uint64_t>(*d) == std::bit_cast<std::uint64_t>(std::get<double>(y));
  }
  if (const auto* m = std::get_if<Map>(&x)) {
    const auto& n = std::get<Map>(y);
    if (m->size() != n.size()) return false;
    for (std::size_t i = 0; i < m->size(); ++i) {
      if (!((*m)[i].first == n[i].first) || !((*m)[i].second == n[i].second)) return false;
    }
    return true;
  }
  return x == y;
}

void encode(const Value& value, std::string& out) {
  const auto& v = value.storage();
  switch (v.index()) {
    case 0: out.push_back(static_cast<char>(0xc0)); return;
    case 1: out.push_back(static_cast<char>(std::get<bool>(v) ? 0xc3 : 0xc2)); return;
    case 2: encodeInt(std::get<std::int64_t>(v), out); return;
    case 3: encodeUint(std::get<std::uint64_t>(v), out); return;
    case 4:
      out.push_back(static_cast<char>(0xcb));
      putBigEndian(out, std::bit_cast<std::uint64_t>(std::get<double>(v)), 8);
      return;
    case 5: encodeStr(std::get<std::string>(v), out); return;
    case 6: {
      const auto& b = std::get<Binary>(v).bytes;
      if (b.size() <= 0xff) {
        out.push_back(static_cast<char>(0xc4));
        putBigEndian(out, b.size(), 1);
      } else if (b.size() <= 0xffff) {
        out.push_back(static_cast<char>(0xc5));
        putBigEndian(out, b.size(), 2);
      } else {
        out.push_back(static_cast<char>(0xc6));
        putBigEndian(out, b.size(), 4);
      }
      out += b;
      return;
    }
    case 7: {
      const auto& a = std::get<Array>(v);
      putHeader(out, a.size(), 0x90, 15, 0, 0xdc, 0xdd);
      for (const auto& e : a) encode(e, out);
      return;
    }
    default: {
      const auto& m = std::get<Map>(v);
      putHeader(out, m.size(), 0x80, 15, 0, 0xde, 0xdf);
      for (const auto& [k, e] : m) {
        encode(k, out);
        encode(e, out);
      }
      return;
    }
  }
}

std::string encode(const Value& value) {
  std::string out;
  encode(value, out);
  return out;
}

Value decode(std::string_view bytes, const DecodeLimits& limits) {
  return Decoder(bytes, limits).decodeAll();
}

}  // namespace accurate::cluster::msgpack
