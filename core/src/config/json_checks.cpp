// Implementation of the SDK validation helpers (sdk/config.hpp).
#include <accurate/sdk/config.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace accurate::sdk {
namespace {

constexpr double kMaxDurationMs = 1e13;  // about 317 years: anything longer is a typo

[[noreturn]] void fail(std::string_view where, const std::string& reason) {
  throw ConfigError(std::string(where), reason);
}

[[noreturn]] void badDuration(std::string_view text, std::string_view where) {
  fail(where, fmt::format("cannot parse duration {} (use e.g. 30s, 5m, 1h30m)",
                          describeJson(boost::json::string(text))));
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Reads an unsigned decimal number (digits with an optional fraction) at the front of @p text.
bool readNumber(std::string_view& text, double& number) {
  std::size_t end = 0;
  bool digits = false;
  bool dot = false;
  while (end < text.size()) {
    const char c = text[end];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
    ++end;
  }
  if (!digits) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (ec != std::errc() || ptr != text.data() + end) return false;
  text.remove_prefix(end);
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Optimal string alignment distance (an adjacent transposition counts as one edit).
std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string describeIntegerRange(std::int64_t min, std::int64_t max) {
  constexpr std::int64_t kLarge = std::numeric_limits<std::int32_t>::max();
  if (max < kLarge) return fmt::format("an integer between {} and {}", min, max);
  if (min == 0) return "a non-negative integer";
  if (min == 1) return "a positive integer";
  if (min == std::numeric_limits<std::int64_t>::min()) return "an integer";
  return fmt::format("an integer >= {}", min);
}

}  // namespace

std::chrono::milliseconds parseDuration(std::string_view text, std::string_view where) {
  std::string_view rest = trim(text);
  if (rest.empty()) badDuration(text, where);
  double total_ms = 0;
  double number = 0;
  if (!readNumber(rest, number)) badDuration(text, where);
  if (rest.empty()) {
    total_ms = number * 1000;  // a bare number is seconds
  } else {
    while (true) {
      double unit_ms = 0;
      if (rest.starts_with("ms")) {
        unit_ms = 1;
        rest.remove_prefix(2);
      } else if (rest.starts_with("h")) {
        unit_ms = 3'600'000;
        rest.remove_prefix(1);
      } else if (rest.starts_with("m")) {
        unit_ms = 60'000;
        rest.remove_prefix(1);
      } else if (rest.starts_with("s")) {
        unit_ms = 1000;
        rest.remove_prefix(1);
      } else {
        badDuration(text, where);
      }
      total_ms += number * unit_ms;
      if (rest.empty()) break;
      if (!readNumber(rest, number) || rest.empty()) badDuration(text, where);
    }
  }
  if (!(total_ms <= kMaxDurationMs)) fail(where, fmt::format("duration {} is too long", describeJson(boost::json::string(text))));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string formatDuration(std::chrono::milliseconds duration) {
  std::int64_t ms = std::max<std::int64_t>(duration.count(), 0);
  if (ms == 0) return "0s";
  std::string out;
  const std::int64_t hours = ms / 3'600'000;
  ms %= 3'600'000;
  const std::int64_t minutes = ms / 60'000;
  ms %= 60'000;
  const std::int64_t seconds = ms / 1000;
  ms %= 1000;
  if (hours) out += fmt::format("{}h", hours);
  if (minutes) out += fmt::format("{}m", minutes);
  if (seconds) out += fmt::format("{}s", seconds);
  if (ms) out += fmt::format("{}ms", ms);
  return out;
}

std::chrono::milliseconds requireDuration(const boost::json::value& value, std::string_view where) {
  if (value.is_string()) return parseDuration(value.get_string(), where);
  if (value.is_number()) {
    const double seconds = requireNumber(value, where);
    if (!(seconds * 1000 <= kMaxDurationMs)) fail(where, fmt::format("duration {} is too long", describeJson(value)));
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
  }
  fail(where, fmt::format("expected a duration such as \"30s\" or a number of seconds, got {}", describeJson(value)));
}

double requireNumber(const boost::json::value& value, std::string_view where, double min, bool exclusive_min) {
  std::string expected;
  if (std::isinf(min) && min < 0) {
    expected = "a number";
  } else if (min == 0) {
    expected = exclusive_min ? "a positive number" : "a non-negative number";
  } else {
    expected = fmt::format("a number {} {}", exclusive_min ? ">" : ">=", min);
  }
  if (!value.is_number()) fail(where, fmt::format("expected {}, got {}", expected, describeJson(value)));
  const double number = value.to_number<double>();
  if (!std::isfinite(number) || number < min || (exclusive_min && number == min)) {
    fail(where, fmt::format("expected {}, got {}", expected, describeJson(value)));
  }
  return number;
}

std::int64_t requireInteger(const boost::json::value& value, std::string_view where, std::int64_t min,
                            std::int64_t max) {
  const std::string expected = describeIntegerRange(min, max);
  std::int64_t number = 0;
  bool above_max = false;
  if (value.is_int64()) {
    number = value.get_int64();
  } else if (value.is_uint64()) {
    above_max = true;  // only values above INT64_MAX are stored as uint64
  } else if (value.is_double() && std::trunc(value.get_double()) == value.get_double() &&
             std::abs(value.get_double()) < 9.2e18) {
    number = static_cast<std::int64_t>(value.get_double());
  } else {
    fail(where, fmt::format("expected {}, got {}", expected, describeJson(value)));
  }
  if (above_max || number > max) {
    const bool shown = expected.find("between") != std::string::npos;
    fail(where, fmt::format("expected {}{}, got {}", expected, shown ? "" : fmt::format(" up to {}", max),
                            describeJson(value)));
  }
  if (number < min) fail(where, fmt::format("expected {}, got {}", expected, describeJson(value)));
  return number;
}

bool requireBool(const boost::json::value& value, std::string_view where) {
  if (!value.is_bool()) fail(where, fmt::format("expected true or false, got {}", describeJson(value)));
  return value.get_bool();
}

std::string requireString(const boost::json::value& value, std::string_view where, bool allow_empty) {
  if (!value.is_string()) fail(where, fmt::format("expected a string, got {}", describeJson(value)));
  if (!allow_empty && value.get_string().empty()) fail(where, "must not be empty");
  return std::string(value.get_string());
}

const boost::json::object& requireObject(const boost::json::value& value, std::string_view where) {
  if (!value.is_object()) fail(where, fmt::format("expected an object, got {}", describeJson(value)));
  return value.get_object();
}

const boost::json::array& requireArray(const boost::json::value& value, std::string_view where) {
  if (!value.is_array()) fail(where, fmt::format("expected an array, got {}", describeJson(value)));
  return value.get_array();
}

void rejectUnknownKeys(const boost::json::object& object, std::string_view where,
                       const std::vector<std::string_view>& known) {
  for (const auto& entry : object) {
    const std::string_view key = entry.key();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string suggestion = closestMatch(key, known);
    fail(fmt::format("{}.{}", where, key),
         suggestion.empty() ? std::string("unknown key") : fmt::format("unknown key (did you mean \"{}\"?)", suggestion));
  }
}

std::string closestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  const std::string needle = lower(word);
  const std::size_t limit = needle.size() <= 3 ? 1 : needle.size() <= 7 ? 2 : 3;
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const std::string_view candidate : candidates) {
    const std::size_t distance = editDistance(needle, lower(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

std::string describeJson(const boost::json::value& value) {
  std::string text = value.is_double() ? fmt::format("{}", value.get_double()) : boost::json::serialize(value);
  constexpr std::size_t kMax = 40;
  if (text.size() > kMax) {
    text.resize(kMax - 3);
    text += "...";
  }
  return text;
}

}  // namespace accurate::sdk
