#include "zonefile.hpp"

#include "text_util.hpp"
#include "validation.hpp"

#include <algorithm>

namespace accurate::designate_sim {

namespace {

constexpr std::string_view kOriginRequired =
    "The $ORIGIN statement is required and must be the first statement in the zonefile.";
constexpr std::string_view kSoaRequired = "An SOA record is required.";
constexpr std::string_view kMalformed = "Malformed zonefile.";

/// A token of a zone-file line; quoted strings keep their quotes.
struct Token {
  std::string text;     ///< token text
  bool quoted = false;  ///< was a "quoted string"
};

/// A logical line (parentheses joined).
struct Line {
  bool continues_owner = false;  ///< began with whitespace: owner = previous owner
  std::vector<Token> tokens;     ///< its tokens
};

/// Splits @p text into logical lines; nullopt when quotes or parentheses are unbalanced.
std::optional<std::vector<Line>> tokenize(std::string_view text) {
  std::vector<Line> lines;
  Line current;
  bool at_line_start = true;
  int depth = 0;
  std::size_t i = 0;
  const auto flush = [&] {
    if (!current.tokens.empty()) lines.push_back(std::move(current));
    current = Line{};
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      if (depth == 0) {
        flush();
        at_line_start = true;
      }
      ++i;
      continue;
    }
    if (at_line_start) {
      current.continues_owner = (c == ' ' || c == '\t');
      at_line_start = false;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == ';') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '(') {
      ++depth;
      ++i;
    } else if (c == ')') {
      if (--depth < 0) return std::nullopt;
      ++i;
    } else if (c == '"') {
      Token token{"\"", true};
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char q = text[i++];
        if (q == '\n') return std::nullopt;
        token.text.push_back(q);
        if (q == '\\' && i < text.size() && text[i] != '\n') {
          token.text.push_back(text[i++]);
        } else if (q == '"') {
          closed = true;
          break;
        }
      }
      if (!closed) return std::nullopt;
      current.tokens.push_back(std::move(token));
    } else {
      Token token;
      while (i < text.size()) {
        const char t = text[i];
        if (t == ' ' || t == '\t' || t == '\r' || t == '\n' || t == ';' || t == '(' || t == ')' || t == '"') break;
        token.text.push_back(t);
        ++i;
      }
      current.tokens.push_back(std::move(token));
    }
  }
  if (depth != 0) return std::nullopt;
  flush();
  return lines;
}

/// A TTL: digits, or BIND units like 1h30m. nullopt when not a TTL.
std::optional<std::int64_t> parseTtl(std::string_view text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  std::int64_t total = 0;
  std::int64_t number = 0;
  bool have_digits = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      number = number * 10 + (c - '0');
      have_digits = true;
      if (number > kMaxTtl) return std::nullopt;
      continue;
    }
    if (!have_digits) return std::nullopt;
    std::int64_t unit = 0;
    switch (c) {
      case 's': case 'S': unit = 1; break;
      case 'm': case 'M': unit = 60; break;
      case 'h': case 'H': unit = 3600; break;
      case 'd': case 'D': unit = 86400; break;
      case 'w': case 'W': unit = 604800; break;
      default: return std::nullopt;
    }
    total += number * unit;
    number = 0;
    have_digits = false;
    if (total > kMaxTtl) return std::nullopt;
  }
  total += number;
  if (total > kMaxTtl) return std::nullopt;
  return total;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

/// @p name made absolute against @p origin and lower-cased.
std::string absoluteName(std::string_view name, const std::string& origin) {
  if (name == "@") return toLower(origin);
  if (!name.empty() && name.back() == '.') return toLower(name);
  return toLower(std::string(name) + "." + origin);
}

bool inside(const std::string& name, const std::string& zone) {
  return name == zone || (name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
                          name[name.size() - zone.size() - 1] == '.');
}

/// The record data of @p type from @p tokens, names made absolute; nullopt when malformed.
std::optional<std::string> recordData(const std::string& type, const std::vector<Token>& tokens, std::size_t from,
                                      const std::string& origin) {
  std::vector<std::string> parts;
  for (std::size_t i = from; i < tokens.size(); ++i) parts.push_back(tokens[i].text);
  if (parts.empty()) return std::nullopt;
  const auto joined = [&] {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i > 0 ? " " : "") + parts[i];
    return out;
  };
  if (type == "CNAME" || type == "NS" || type == "PTR") {
    if (parts.size() != 1) return std::nullopt;
    return absoluteName(parts[0], origin);
  }
  if (type == "MX") {
    if (parts.size() != 2) return std::nullopt;
    parts[1] = absoluteName(parts[1], origin);
  } else if (type == "SRV") {
    if (parts.size() != 4) return std::nullopt;
    parts[3] = absoluteName(parts[3], origin);
  } else if (type == "SOA") {
    if (parts.size() != 7) return std::nullopt;
    parts[0] = absoluteName(parts[0], origin);
    parts[1] = absoluteName(parts[1], origin);
    for (std::size_t i = 3; i < 7; ++i) {
      const auto value = parseTtl(parts[i]);
      if (!value) return std::nullopt;
      parts[i] = std::to_string(*value);
    }
  } else if (type == "TXT" || type == "SPF") {
    for (std::size_t i = from; i < tokens.size(); ++i) {
      if (!tokens[i].quoted) parts[i - from] = "\"" + tokens[i].text + "\"";
    }
  } else if (type == "A" || type == "AAAA") {
    if (parts.size() != 1) return std::nullopt;
  }
  return joined();
}

}  // namespace

ZoneFileResult parseZoneFile(std::string_view text) {
  ZoneFileResult result;
  const auto lines = tokenize(text);
  if (!lines) {
    result.error = kMalformed;
    return result;
  }
  if (lines->empty() || !iequals(lines->front().tokens.front().text, "$ORIGIN")) {
    result.error = kOriginRequired;
    return result;
  }
  ParsedZone zone;
  std::string origin;          // current relativisation base
  std::string zone_lower;      // the zone's name, lower case
  std::optional<std::int64_t> default_ttl;
  std::optional<std::int64_t> last_ttl;
  std::string last_owner;
  bool have_soa = false;
  const auto malformed = [&result] {
    result.error = kMalformed;
    return result;
  };
  for (const Line& line : *lines) {
    const auto& tokens = line.tokens;
    const std::string& first = tokens.front().text;
    if (!line.continues_owner && !first.empty() && first.front() == '$') {
      if (iequals(first, "$ORIGIN")) {
        if (tokens.size() != 2) return malformed();
        const std::string& name = tokens[1].text;
        if (origin.empty() && (name.empty() || name.back() != '.')) return malformed();
        origin = origin.empty() ? name : absoluteName(name, origin);
        if (zone.origin.empty()) {
          zone.origin = origin;
          zone_lower = toLower(origin);
          if (zoneNameProblem(zone.origin)) return malformed();
        }
      } else if (iequals(first, "$TTL")) {
        if (tokens.size() != 2) return malformed();
        default_ttl = parseTtl(tokens[1].text);
        if (!default_ttl) return malformed();
      } else {
        return malformed();  // $INCLUDE, $GENERATE, unknown directives
      }
      continue;
    }
    std::size_t index = 0;
    std::string owner;
    if (line.continues_owner) {
      if (last_owner.empty()) return malformed();
      owner = last_owner;
    } else {
      owner = absoluteName(first, origin);
      index = 1;
    }
    std::optional<std::int64_t> ttl;
    bool have_class = false;
    std::string type;
    while (index < tokens.size() && type.empty()) {
      const Token& token = tokens[index++];
      if (token.quoted) return malformed();
      if (!ttl && !token.text.empty() && token.text.front() >= '0' && token.text.front() <= '9') {
        ttl = parseTtl(token.text);
        if (!ttl) return malformed();
      } else if (!have_class && iequals(token.text, "IN")) {
        have_class = true;
      } else {
        type = upper(token.text);
      }
    }
    if (type.empty() || !isKnownRecordType(type)) return malformed();
    if (hostNameProblem(owner) || !inside(owner, zone_lower)) return malformed();
    const auto data = recordData(type, tokens, index, origin);
    if (!data || !validRecordData(type, *data)) return malformed();
    if (ttl) last_ttl = ttl;
    const std::int64_t effective_ttl = ttl ? *ttl : default_ttl ? *default_ttl : last_ttl ? *last_ttl : 3600;
    last_owner = owner;
    if (type == "SOA") {
      if (owner != zone_lower) return malformed();
      if (have_soa) continue;  // like dnspython: one SOA per zone
      have_soa = true;
      const auto parts = split(*data, ' ');
      zone.soa_rname = std::string(parts[1]);
      zone.serial = parsePyInt(parts[2]).value_or(0);
      zone.soa_ttl = effective_ttl;
      continue;
    }
    zone.records.push_back(ZoneFileRecord{std::move(owner), effective_ttl, std::move(type), *data});
  }
  if (!have_soa) {
    result.error = kSoaRequired;
    return result;
  }
  result.zone = std::move(zone);
  return result;
}

std::string renderZoneFile(const Zone& zone) {
  std::string out;
  out.reserve(128 + zone.recordsets.size() * 64);
  out += "$ORIGIN " + zone.name + "\n$TTL " + std::to_string(zone.ttl) + "\n\n";
  const auto line = [&out](const Recordset& rs) {
    for (const std::string& data : rs.records) {
      out += rs.name;
      out += ' ';
      if (rs.ttl) out += std::to_string(*rs.ttl);
      out += " IN ";
      out += rs.type;
      out += ' ';
      out += data;
      out += '\n';
    }
  };
  for (const auto& [key, rs] : zone.recordsets.by_created) {
    if (rs != zone.soa && rs != zone.ns) line(*rs);
  }
  if (zone.ns != nullptr) line(*zone.ns);
  if (zone.soa != nullptr) line(*zone.soa);
  out += '\n';
  return out;
}

}  // namespace accurate::designate_sim
