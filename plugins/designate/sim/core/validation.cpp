#include "validation.hpp"

#include "json_writer.hpp"
#include "text_util.hpp"

#include <boost/json/serialize.hpp>

#include <arpa/inet.h>

#include <cmath>
#include <limits>

namespace accurate::designate_sim {

namespace {

bool isLabelChar(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/// Designate's RE_ZONENAME / RE_HOSTNAME: absolute, at most 254 characters, labels of 1..63 of [A-Za-z0-9_-]
/// not starting or ending with '-'; with @p allow_wildcard the first label may be "*".
bool nameMatches(std::string_view name, bool allow_wildcard) {
  if (name.empty() || name.size() > 254 || name.back() != '.') return false;
  std::size_t start = 0;
  bool first = true;
  while (start < name.size()) {
    const std::size_t dot = name.find('.', start);
    const std::string_view label = name.substr(start, dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (!(allow_wildcard && first && label == "*")) {
      if (label.front() == '-' || label.back() == '-') return false;
      for (const char c : label) {
        if (!isLabelChar(c)) return false;
      }
    }
    first = false;
    start = dot + 1;
  }
  return true;
}

std::optional<std::uint32_t> smallNumber(std::string_view text, std::uint32_t max) {
  bool overflow = false;
  const auto value = parsePyInt(text, &overflow);
  if (!value || overflow || *value < 0 || *value > static_cast<std::int64_t>(max)) return std::nullopt;
  if (text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

std::vector<std::string_view> fields(std::string_view data) {
  std::vector<std::string_view> out;
  for (std::string_view piece : split(data, ' ')) {
    if (!piece.empty()) out.push_back(piece);
  }
  return out;
}

std::string jsonTypeName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null: return "NoneType";
    case boost::json::kind::bool_: return "bool";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "int";
    case boost::json::kind::double_: return "float";
    case boost::json::kind::string: return "str";
    case boost::json::kind::array: return "list";
    case boost::json::kind::object: return "dict";
  }
  return "object";
}

std::string quotedPath(std::string_view field) {
  std::string path = "[";
  JsonWriter::appendQuoted(path, field);
  path += "]";
  return path;
}

}  // namespace

std::optional<std::string> zoneNameProblem(std::string_view name) {
  if (name.empty() || name.back() != '.') return "Domain " + std::string(name) + " does not end with a dot";
  if (!nameMatches(name, false)) return "Domain " + std::string(name) + " is invalid";
  return std::nullopt;
}

std::optional<std::string> hostNameProblem(std::string_view name) {
  if (name.empty() || name.back() != '.') return "Host name " + std::string(name) + " does not end with a dot";
  if (!nameMatches(name, true)) return "Host " + std::string(name) + " is invalid";
  return std::nullopt;
}

std::optional<std::string> emailProblem(std::string_view email) {
  std::size_t ats = 0;
  for (const char c : email) ats += c == '@' ? 1 : 0;
  if (ats != 1) return std::string(email) + " is not an email";
  std::string host(email);
  host[host.find('@')] = '.';
  host.push_back('.');
  if (!nameMatches(host, false)) return "Email " + std::string(email) + " is invalid";
  return std::nullopt;
}

bool isKnownRecordType(std::string_view type) {
  static constexpr std::string_view kTypes[] = {"A",   "AAAA", "CNAME", "MX",  "NS",  "PTR",   "SOA",
                                                "SRV", "TXT",  "SPF",   "NAPTR", "CAA", "SSHFP", "CERT"};
  for (const std::string_view known : kTypes) {
    if (known == type) return true;
  }
  return false;
}

bool isIpv4(std::string_view text) {
  const auto parts = split(text, '.');
  if (parts.size() != 4) return false;
  for (const std::string_view part : parts) {
    if (part.empty() || part.size() > 3) return false;
    if (part.size() > 1 && part.front() == '0') return false;
    if (!smallNumber(part, 255)) return false;
  }
  return true;
}

bool validRecordData(std::string_view type, std::string_view data) {
  if (data.empty() || data.size() > 65535) return false;
  if (type == "A") return isIpv4(data);
  if (type == "AAAA") {
    if (data.size() > 45) return false;
    const std::string copy(data);
    unsigned char buffer[16];
    return inet_pton(AF_INET6, copy.c_str(), buffer) == 1;
  }
  if (type == "CNAME" || type == "NS" || type == "PTR") return nameMatches(data, false);
  const auto parts = fields(data);
  if (type == "MX") return parts.size() == 2 && smallNumber(parts[0], 65535) && nameMatches(parts[1], false);
  if (type == "SRV") {
    return parts.size() == 4 && smallNumber(parts[0], 65535) && smallNumber(parts[1], 65535) &&
           smallNumber(parts[2], 65535) && nameMatches(parts[3], false);
  }
  if (type == "TXT" || type == "SPF") {
    return data.size() >= 2 && data.front() == '"' && data.back() == '"' && data[data.size() - 2] != '\\';
  }
  if (type == "CAA") return parts.size() >= 3 && smallNumber(parts[0], 255);
  if (type == "SSHFP") {
    return parts.size() == 3 && smallNumber(parts[0], 255) && smallNumber(parts[1], 255) &&
           parts[2].find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
  }
  if (type == "SOA") {
    return parts.size() == 7 && nameMatches(parts[0], false) && nameMatches(parts[1], false) &&
           smallNumber(parts[2], 4294967295U) && smallNumber(parts[3], 2147483647U) &&
           smallNumber(parts[4], 2147483647U) && smallNumber(parts[5], 2147483647U) &&
           smallNumber(parts[6], 2147483647U);
  }
  return !parts.empty();  // NAPTR, CERT: accepted as given
}

std::int64_t integerField(const boost::json::value& value, std::string_view field, std::int64_t min,
                          std::int64_t max) {
  const std::string name(field);
  std::int64_t number = 0;
  bool too_big = false;
  bool too_small = false;
  switch (value.kind()) {
    case boost::json::kind::int64: number = value.get_int64(); break;
    case boost::json::kind::uint64: too_big = true; break;
    case boost::json::kind::double_: {
      const double d = value.get_double();
      if (!std::isfinite(d)) throw valueError("cannot convert float " + boost::json::serialize(value) + " to integer");
      if (d >= 9.2e18) {
        too_big = true;
      } else if (d <= -9.2e18) {
        too_small = true;
      } else {
        number = static_cast<std::int64_t>(d);  // Python's int() truncates
      }
      break;
    }
    case boost::json::kind::string: {
      const auto& text = value.get_string();
      bool overflow = false;
      const auto parsed = parsePyInt(std::string_view(text.data(), text.size()), &overflow);
      if (!parsed) {
        throw valueError("invalid literal for int() with base 10: " +
                         pyRepr(std::string_view(text.data(), text.size())));
      }
      number = *parsed;
      if (overflow) (number > 0 ? too_big : too_small) = true;
      break;
    }
    default:
      throw valueError("An integer is required in field " + name + ", not a " + jsonTypeName(value));
  }
  if (too_big || (!too_small && number > max)) {
    throw valueError("Value must be <= " + std::to_string(max) + " for field " + name);
  }
  if (too_small || number < min) throw valueError("Value must be >= " + std::to_string(min) + " for field " + name);
  return number;
}

std::optional<std::string> stringField(const boost::json::value& value, std::string_view field, bool nullable,
                                       std::size_t max_length) {
  if (value.is_null() && nullable) return std::nullopt;
  if (!value.is_string()) {
    throw ApiError({SchemaError{quotedPath(field), boost::json::serialize(value) + " is not of type 'string'",
                                "type", "\"string\""}});
  }
  const auto& text = value.get_string();
  std::string out(text.data(), text.size());
  if (out.size() > max_length) {
    throw ApiError({SchemaError{quotedPath(field), pyRepr(out) + " is too long", "maxLength",
                                std::to_string(max_length)}});
  }
  return out;
}

SchemaError requiredError(std::string path_json, std::string_view field) {
  std::string value;
  JsonWriter::appendQuoted(value, field);
  return SchemaError{std::move(path_json), "'" + std::string(field) + "' is a required property", "required",
                     std::move(value)};
}

}  // namespace accurate::designate_sim
