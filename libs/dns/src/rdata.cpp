// Record data of the DNS codec: wire form <-> presentation form, per type (see message.hpp for the formats).
#include "wire.hpp"

#include <accurate/sdk/errors.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace accurate::dns::wire {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

[[noreturn]] void bad(std::string_view what, const std::string& reason) {
  throw sdk::Error(std::string(what) + ": " + reason);
}

/// Splits presentation data at unquoted, unescaped whitespace; a quoted token keeps its quotes.
std::vector<std::string_view> tokens(std::string_view text, std::string_view what) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (true) {
    while (i < n && isSpace(text[i])) ++i;
    if (i >= n) return out;
    const std::size_t start = i;
    if (text[i] == '"') {
      ++i;
      while (i < n && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      if (i >= n) bad(what, "a quoted string has no closing quote in \"" + std::string(text) + "\"");
      ++i;
    } else {
      while (i < n && !isSpace(text[i])) i += text[i] == '\\' ? 2 : 1;
      i = std::min(i, n);
    }
    out.push_back(text.substr(start, i - start));
  }
}

/// The bytes of one character-string token (quoted or bare) with `\X` and `\DDD` escapes resolved.
std::string characterString(std::string_view token, std::string_view what, std::size_t max = 255) {
  if (!token.empty() && token.front() == '"') token = token.substr(1, token.size() >= 2 ? token.size() - 2 : 0);
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '\\') {
      out.push_back(token[i]);
      continue;
    }
    if (i + 1 >= token.size()) bad(what, "a string ends with a backslash");
    if (i + 3 < token.size() && std::isdigit(static_cast<unsigned char>(token[i + 1])) &&
        std::isdigit(static_cast<unsigned char>(token[i + 2])) &&
        std::isdigit(static_cast<unsigned char>(token[i + 3]))) {
      const int value = (token[i + 1] - '0') * 100 + (token[i + 2] - '0') * 10 + (token[i + 3] - '0');
      if (value > 255) bad(what, "an escape above \\255");
      out.push_back(static_cast<char>(value));
      i += 3;
    } else {
      out.push_back(token[i + 1]);
      i += 1;
    }
  }
  if (out.size() > max) bad(what, "a string longer than " + std::to_string(max) + " bytes");
  return out;
}

template <class T>
T number(std::string_view token, std::string_view what, std::string_view field) {
  T value{};
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (token.empty() || ec != std::errc() || end != token.data() + token.size()) {
    bad(what, "bad " + std::string(field) + " \"" + std::string(token) + "\"");
  }
  return value;
}

std::vector<std::uint8_t> nameOrThrow(std::string_view name, std::string_view what) {
  try {
    return nameToWire(name);
  } catch (const sdk::Error& e) {
    bad(what, e.what());
  }
}

std::vector<std::uint8_t> hexBytes(std::string_view hex, std::string_view what) {
  if (hex.size() % 2 != 0) bad(what, "an odd number of hex digits");
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    std::uint8_t value = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) bad(what, "a bad hex digit");
    out.push_back(value);
  }
  return out;
}

void appendHex(std::string& out, std::span<const std::uint8_t> data) {
  for (std::uint8_t b : data) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0F]);
  }
}

/// Appends one string as a quoted presentation string.
void appendQuoted(std::string& out, std::span<const std::uint8_t> text) {
  out.push_back('"');
  for (std::uint8_t b : text) {
    if (b == '"' || b == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(b));
    } else if (b < 0x20 || b > 0x7E) {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + b / 100));
      out.push_back(static_cast<char>('0' + b / 10 % 10));
      out.push_back(static_cast<char>('0' + b % 10));
    } else {
      out.push_back(static_cast<char>(b));
    }
  }
  out.push_back('"');
}

void appendGeneric(std::string& out, std::span<const std::uint8_t> data) {
  out.append("\\# ").append(std::to_string(data.size()));
  if (data.empty()) return;
  out.push_back(' ');
  appendHex(out, data);
}

void writeString(Writer& writer, const std::string& text) {
  writer.u8(static_cast<std::uint8_t>(text.size()));
  writer.bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

/// Reads one length-prefixed character-string that must end by @p end.
bool readString(Reader& reader, std::size_t end, std::string& out) {
  std::uint8_t size = 0;
  std::span<const std::uint8_t> raw;
  if (!reader.u8(size)) return false;
  if (reader.pos() + size > end) return reader.fail(DecodeErrc::kBadRdata);
  if (!reader.bytes(size, raw)) return false;
  appendQuoted(out, raw);
  return true;
}

bool isAlnum(std::span<const std::uint8_t> text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](std::uint8_t c) { return std::isalnum(c) != 0; });
}

}  // namespace

bool readRdata(Reader& reader, std::uint16_t type, std::uint16_t length, std::string& out) {
  const std::size_t end = reader.pos() + length;
  std::span<const std::uint8_t> raw;
  const auto ended = [&] { return reader.pos() == end || reader.fail(DecodeErrc::kBadRdata); };
  out.clear();
  switch (type) {
    case kTypeA:
      if (length != 4) return reader.fail(DecodeErrc::kBadRdata);
      if (!reader.bytes(4, raw)) return false;
      for (std::size_t i = 0; i < 4; ++i) out.append(i == 0 ? "" : ".").append(std::to_string(raw[i]));
      return true;
    case kTypeAaaa: {
      if (length != 16) return reader.fail(DecodeErrc::kBadRdata);
      if (!reader.bytes(16, raw)) return false;
      char text[INET6_ADDRSTRLEN] = {};
      if (inet_ntop(AF_INET6, raw.data(), text, sizeof text) == nullptr) return reader.fail(DecodeErrc::kBadRdata);
      out = text;
      return true;
    }
    case kTypeNs:
    case kTypeCname:
    case kTypePtr:
      return reader.name(out) && ended();
    case kTypeMx: {
      std::uint16_t preference = 0;
      std::string exchange;
      if (!reader.u16(preference) || !reader.name(exchange) || !ended()) return false;
      out = std::to_string(preference) + " " + exchange;
      return true;
    }
    case kTypeSrv: {
      std::uint16_t numbers[3];
      std::string target;
      for (auto& value : numbers) {
        if (!reader.u16(value)) return false;
      }
      if (!reader.name(target) || !ended()) return false;
      for (auto value : numbers) out.append(std::to_string(value)).append(" ");
      out.append(target);
      return true;
    }
    case kTypeSoa: {
      std::string mname, rname;
      std::uint32_t numbers[5];
      if (!reader.name(mname) || !reader.name(rname)) return false;
      for (auto& value : numbers) {
        if (!reader.u32(value)) return false;
      }
      if (!ended()) return false;
      out = mname + " " + rname;
      for (auto value : numbers) out.append(" ").append(std::to_string(value));
      return true;
    }
    case kTypeNaptr: {
      std::uint16_t order = 0, preference = 0;
      std::string replacement;
      if (!reader.u16(order) || !reader.u16(preference)) return false;
      out = std::to_string(order) + " " + std::to_string(preference);
      for (int i = 0; i < 3; ++i) {
        out.push_back(' ');
        if (!readString(reader, end, out)) return false;
      }
      if (!reader.name(replacement) || !ended()) return false;
      out.append(" ").append(replacement);
      return true;
    }
    case kTypeTxt:
    case kTypeSpf:
      if (!reader.bytes(length, raw)) return false;
      if (raw.empty()) {
        appendGeneric(out, raw);  // no strings at all: not valid TXT, but representable
        return true;
      }
      for (std::size_t i = 0; i < raw.size();) {
        const std::size_t size = raw[i];
        if (raw.size() - i - 1 < size) return reader.fail(DecodeErrc::kBadRdata);
        if (!out.empty()) out.push_back(' ');
        appendQuoted(out, raw.subspan(i + 1, size));
        i += 1 + size;
      }
      return true;
    case kTypeSshfp:
      if (length < 3) return reader.fail(DecodeErrc::kBadRdata);
      if (!reader.bytes(length, raw)) return false;
      out = std::to_string(raw[0]) + " " + std::to_string(raw[1]) + " ";
      appendHex(out, raw.subspan(2));
      return true;
    case kTypeCaa:
      if (!reader.bytes(length, raw)) return false;
      if (raw.size() < 2 || raw.size() - 2 < raw[1] || !isAlnum(raw.subspan(2, raw[1]))) {
        return reader.fail(DecodeErrc::kBadRdata);
      }
      out = std::to_string(raw[0]) + " ";
      out.append(reinterpret_cast<const char*>(raw.data()) + 2, raw[1]).push_back(' ');
      appendQuoted(out, raw.subspan(2 + raw[1]));
      return true;
    default:
      if (!reader.bytes(length, raw)) return false;
      appendGeneric(out, raw);
      return true;
  }
}

void writeRdata(Writer& writer, std::uint16_t type, std::string_view data, std::string_view what) {
  const auto parts = tokens(data, what);
  const auto expect = [&](std::size_t count, const char* form) {
    if (parts.size() != count) bad(what, "expected \"" + std::string(form) + "\", got \"" + std::string(data) + "\"");
  };
  if (!parts.empty() && parts[0] == "\\#") {
    if (parts.size() < 2) bad(what, "bad generic data \"" + std::string(data) + "\" (expected \\# <length> <hex>)");
    const auto length = number<std::size_t>(parts[1], what, "generic data length");
    std::string hex;
    for (std::size_t i = 2; i < parts.size(); ++i) hex.append(parts[i]);
    const auto bytes = hexBytes(hex, what);
    if (bytes.size() != length || length > 0xFFFF) {
      bad(what, "generic data has " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(length));
    }
    writer.bytes(bytes);
    return;
  }
  switch (type) {
    case kTypeA:
    case kTypeAaaa: {
      const bool v4 = type == kTypeA;
      std::uint8_t address[16];
      const std::string text(parts.size() == 1 ? parts[0] : std::string_view());
      if (parts.size() != 1 || inet_pton(v4 ? AF_INET : AF_INET6, text.c_str(), address) != 1) {
        bad(what, std::string(v4 ? "bad IPv4 address \"" : "bad IPv6 address \"") + std::string(data) + "\"");
      }
      writer.bytes(std::span<const std::uint8_t>(address, v4 ? 4 : 16));
      return;
    }
    case kTypeNs:
    case kTypeCname:
    case kTypePtr:
      expect(1, "<name>");
      writer.name(nameOrThrow(parts[0], what), true);
      return;
    case kTypeMx:
      expect(2, "<preference> <name>");
      writer.u16(number<std::uint16_t>(parts[0], what, "preference"));
      writer.name(nameOrThrow(parts[1], what), true);
      return;
    case kTypeSrv:
      expect(4, "<priority> <weight> <port> <target>");
      for (int i = 0; i < 3; ++i) writer.u16(number<std::uint16_t>(parts[i], what, "SRV number"));
      writer.name(nameOrThrow(parts[3], what), false);  // RFC 2782: never compressed
      return;
    case kTypeSoa:
      expect(7, "mname rname serial refresh retry expire minimum");
      writer.name(nameOrThrow(parts[0], what), true);
      writer.name(nameOrThrow(parts[1], what), true);
      for (int i = 2; i < 7; ++i) writer.u32(number<std::uint32_t>(parts[i], what, "SOA number"));
      return;
    case kTypeNaptr:
      expect(6, "<order> <preference> \"<flags>\" \"<services>\" \"<regexp>\" <replacement>");
      writer.u16(number<std::uint16_t>(parts[0], what, "order"));
      writer.u16(number<std::uint16_t>(parts[1], what, "preference"));
      for (int i = 2; i < 5; ++i) writeString(writer, characterString(parts[i], what));
      writer.name(nameOrThrow(parts[5], what), false);  // RFC 3403: never compressed
      return;
    case kTypeTxt:
    case kTypeSpf:
      if (parts.empty()) bad(what, "empty TXT data");
      for (const auto& part : parts) writeString(writer, characterString(part, what));
      return;
    case kTypeSshfp: {
      if (parts.size() < 3) {
        bad(what, "expected \"<algorithm> <type> <hex fingerprint>\", got \"" + std::string(data) + "\"");
      }
      writer.u8(number<std::uint8_t>(parts[0], what, "SSHFP algorithm"));
      writer.u8(number<std::uint8_t>(parts[1], what, "SSHFP type"));
      std::string hex;
      for (std::size_t i = 2; i < parts.size(); ++i) hex.append(parts[i]);
      writer.bytes(hexBytes(hex, what));
      return;
    }
    case kTypeCaa: {
      if (parts.size() < 3) bad(what, "expected \"<flags> <tag> <value>\", got \"" + std::string(data) + "\"");
      const std::string_view tag = parts[1];
      const std::span<const std::uint8_t> tag_bytes(reinterpret_cast<const std::uint8_t*>(tag.data()), tag.size());
      if (tag.size() > 255 || !isAlnum(tag_bytes)) bad(what, "bad CAA tag \"" + std::string(tag) + "\"");
      // One quoted value, or (as Designate accepts) the unquoted rest of the line.
      std::string_view rest = data.substr(static_cast<std::size_t>(parts[2].data() - data.data()));
      while (!rest.empty() && isSpace(rest.back())) rest.remove_suffix(1);
      const std::string value = characterString(parts.size() == 3 ? parts[2] : rest, what, 0xFFFF);
      writer.u8(number<std::uint8_t>(parts[0], what, "CAA flags"));
      writer.u8(static_cast<std::uint8_t>(tag.size()));
      writer.bytes(tag_bytes);
      writer.bytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
      return;
    }
    default:
      bad(what, "type " + std::to_string(type) + " needs generic data (\\# <length> <hex>)");
  }
}

}  // namespace accurate::dns::wire

namespace accurate::dns {
namespace {

struct TypeMnemonic {
  std::uint16_t type;     ///< the type number
  std::string_view name;  ///< its mnemonic (upper case)
};

constexpr TypeMnemonic kMnemonics[] = {
    {kTypeA, "A"},         {kTypeNs, "NS"},     {kTypeCname, "CNAME"}, {kTypeSoa, "SOA"},   {kTypePtr, "PTR"},
    {kTypeMx, "MX"},       {kTypeTxt, "TXT"},   {kTypeAaaa, "AAAA"},   {kTypeSrv, "SRV"},   {kTypeNaptr, "NAPTR"},
    {kTypeOpt, "OPT"},     {kTypeSshfp, "SSHFP"}, {kTypeSpf, "SPF"},   {kTypeIxfr, "IXFR"}, {kTypeAxfr, "AXFR"},
    {kTypeAny, "ANY"},     {kTypeCaa, "CAA"},
};

}  // namespace

std::string typeName(std::uint16_t type) {
  for (const auto& entry : kMnemonics) {
    if (entry.type == type) return std::string(entry.name);
  }
  return "TYPE" + std::to_string(type);
}

std::optional<std::uint16_t> typeFromName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  for (const auto& entry : kMnemonics) {
    if (entry.name == upper) return entry.type;
  }
  const std::string_view view(upper);
  if (view.size() <= 4 || view.substr(0, 4) != "TYPE") return std::nullopt;
  const std::string_view digits = view.substr(4);
  std::uint16_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.front() == '+') return std::nullopt;
  return value;
}

}  // namespace accurate::dns
