#include "swarm_request.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace accurate::web {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view text) noexcept {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

/// A plain decimal number ("90", "1.5") as a double; nothing for anything else (no sign, exponent, inf, nan).
std::optional<double> plainNumber(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  bool dot = false;
  bool digit = false;
  for (char c : text) {
    if (isDigit(c)) {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

int hexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// @p text with '+' as a space and %XX escapes decoded; nothing on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hexValue(text[i + 1]);
      const int low = hexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

/// The field @p name when present and non-blank.
std::optional<std::string_view> field(const FormFields& fields, std::string_view name) {
  const auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  const std::string_view value = trim(it->second);
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

Parsed<std::chrono::milliseconds> parseRunTime(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::string("empty");
  double seconds = 0;
  if (const std::optional<double> plain = plainNumber(text)) {
    seconds = *plain;
  } else {
    static constexpr std::string_view kUnits = "hms";
    static constexpr double kUnitSeconds[] = {3600, 60, 1};
    std::size_t next_unit = 0;  // units must come in the order h, m, s
    std::size_t pos = 0;
    while (pos < text.size()) {
      const std::size_t digits_start = pos;
      while (pos < text.size() && isDigit(text[pos])) ++pos;
      if (pos == digits_start || pos == text.size() || pos - digits_start > 9) {
        return std::string("not a duration");
      }
      const std::size_t unit = kUnits.find(text[pos]);
      if (unit == std::string_view::npos || unit < next_unit) return std::string("not a duration");
      std::uint64_t count = 0;
      std::from_chars(text.data() + digits_start, text.data() + pos, count);
      seconds += static_cast<double>(count) * kUnitSeconds[unit];
      next_unit = unit + 1;
      ++pos;
    }
  }
  if (!(seconds > 0)) return std::string("must be greater than 0");
  if (seconds > static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(kMaxRunTime).count())) {
    return std::string("longer than 30 days");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

Parsed<FormFields> parseUrlEncoded(std::string_view body) {
  FormFields fields;
  while (!body.empty()) {
    const std::size_t amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    std::optional<std::string> name = percentDecode(pair.substr(0, eq));
    std::optional<std::string> value =
        percentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return std::string("malformed form body: bad %-escape");
    fields.emplace(std::move(*name), std::move(*value));  // first value wins
  }
  return fields;
}

bool isAcceptableHost(std::string_view host) noexcept {
  if (host.size() > 2048) return false;
  std::size_t authority = 0;
  if (host.starts_with("http://")) {
    authority = 7;
  } else if (host.starts_with("https://")) {
    authority = 8;
  } else {
    return false;
  }
  if (authority >= host.size() || host[authority] == '/' || host[authority] == '?' || host[authority] == '#') {
    return false;
  }
  for (char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
    if (c == '<' || c == '>' || c == '"' || c == '\'' || c == '`') return false;
  }
  return true;
}

Parsed<SwarmRequest> swarmFromFields(const FormFields& fields) {
  SwarmRequest request;

  const std::optional<std::string_view> users = field(fields, "user_count");
  if (!users) return std::string("user_count: missing (a whole number >= 0)");
  std::uint64_t user_count = 0;
  const auto [users_end, users_ec] = std::from_chars(users->data(), users->data() + users->size(), user_count);
  if (users_ec != std::errc() || users_end != users->data() + users->size() || !isDigit(users->front()) ||
      user_count > std::numeric_limits<std::uint32_t>::max()) {
    return std::string("user_count: must be a whole number >= 0 (at most 4294967295)");
  }
  request.users = static_cast<std::uint32_t>(user_count);

  const std::optional<std::string_view> rate = field(fields, "spawn_rate");
  if (!rate) return std::string("spawn_rate: missing (a number > 0)");
  const std::optional<double> spawn_rate = plainNumber(*rate);
  if (!spawn_rate || !(*spawn_rate > 0)) return std::string("spawn_rate: must be a number > 0");
  request.spawn_rate = *spawn_rate;

  if (const std::optional<std::string_view> host = field(fields, "host")) {
    if (!isAcceptableHost(*host)) {
      return std::string("host: must be an http:// or https:// URL without spaces or <>\"'` characters");
    }
    request.host = std::string(*host);
  }

  if (const std::optional<std::string_view> run_time = field(fields, "run_time")) {
    Parsed<std::chrono::milliseconds> parsed = parseRunTime(*run_time);
    if (!parsed) {
      return "run_time: " + parsed.error() + " (use seconds, or e.g. 90s, 5m, 1h30m)";
    }
    request.run_time = *parsed;
  }
  return request;
}

Parsed<SwarmRequest> swarmFromJson(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec) return "body: invalid JSON: " + ec.message();
  if (!parsed.is_object()) return std::string("body: must be a JSON object");
  FormFields fields;
  for (const auto& [key, value] : parsed.as_object()) {
    const std::string name(key);
    if (name != "user_count" && name != "spawn_rate" && name != "host" && name != "run_time") continue;
    if (value.is_null()) continue;
    if (value.is_string()) {
      fields.emplace(name, std::string(value.as_string()));
    } else if (name == "host") {
      return std::string("host: must be a string");
    } else if (value.is_int64()) {
      if (value.as_int64() < 0) return name + ": must not be negative";
      fields.emplace(name, std::to_string(value.as_int64()));
    } else if (value.is_uint64()) {
      fields.emplace(name, std::to_string(value.as_uint64()));
    } else if (value.is_double()) {
      const double number = value.as_double();
      if (!std::isfinite(number) || number < 0) return name + ": must be a number >= 0";
      char buffer[64];
      const auto [end, to_ec] = std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed);
      if (to_ec != std::errc()) return name + ": number out of range";
      std::string text(buffer, end);
      // "2.0" is a whole number for user_count.
      if (text.find('.') != std::string::npos) {
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
      }
      fields.emplace(name, std::move(text));
    } else {
      return name + ": must be a number";
    }
  }
  return swarmFromFields(fields);
}

}  // namespace accurate::web
