#include "config/option_values.hpp"

#include <accurate/sdk/config.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace accurate::config {
namespace {

using boost::json::value;

[[noreturn]] void fail(std::string_view where, const std::string& reason) {
  throw sdk::ConfigError(std::string(where), reason);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(trim(text));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The JSON number written in @p text, or the text itself as a JSON string (so the checks report `got "ten"`).
value numberOrString(std::string_view text) {
  const std::string_view t = trim(text);
  std::int64_t integer = 0;
  auto [iptr, iec] = std::from_chars(t.data(), t.data() + t.size(), integer);
  if (!t.empty() && iec == std::errc() && iptr == t.data() + t.size()) return value(integer);
  if (!t.empty() && iec == std::errc::result_out_of_range && t.front() != '-' &&
      std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return value(std::numeric_limits<std::uint64_t>::max());  // reported as out of range
  }
  double number = 0;
  auto [dptr, dec] = std::from_chars(t.data(), t.data() + t.size(), number, std::chars_format::fixed);
  if (!t.empty() && dec == std::errc() && dptr == t.data() + t.size() && std::isfinite(number)) return value(number);
  return value(boost::json::string(text));
}

// Integral doubles become integers so the effective config reads "2" rather than "2E0".
value normalNumber(double number) {
  if (std::trunc(number) == number && std::abs(number) < 9e15) return value(static_cast<std::int64_t>(number));
  return value(number);
}

bool boolFromText(std::string_view text, std::string_view where) {
  const std::string t = lower(text);
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  fail(where, fmt::format("expected true or false, got {}", sdk::describeJson(boost::json::string(text))));
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kLogLevels{{
    {"trace", "trace"}, {"debug", "debug"}, {"info", "info"}, {"warn", "warn"}, {"warning", "warn"},
    {"error", "error"}, {"err", "error"}, {"critical", "critical"}, {"off", "off"}, {"none", "off"}}};

value logLevel(std::string_view text, std::string_view where) {
  const std::string t = lower(text);
  for (const auto& [name, canonical] : kLogLevels) {
    if (t == name) return value(canonical);
  }
  fail(where, fmt::format("expected one of trace, debug, info, warn, error, critical, off, got {}",
                          sdk::describeJson(boost::json::string(text))));
}

value url(std::string_view text, std::string_view where) {
  const std::string_view t = trim(text);
  if (!t.empty() && !t.starts_with("http://") && !t.starts_with("https://")) {
    fail(where, fmt::format("expected a URL starting with http:// or https://, got {}",
                            sdk::describeJson(boost::json::string(text))));
  }
  if (t == "http://" || t == "https://") fail(where, fmt::format("URL {} has no host", sdk::describeJson(boost::json::string(text))));
  return value(t);
}

value shape(const value& input, std::string_view where) {
  const boost::json::array& stages = sdk::requireArray(input, where);
  boost::json::array out;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", where, i);
    const boost::json::object& stage = sdk::requireObject(stages[i], at);
    sdk::rejectUnknownKeys(stage, at, {"duration", "users", "spawn_rate"});
    boost::json::object normal;
    for (const std::string_view key : {"duration", "users"}) {
      if (!stage.contains(key)) fail(at, fmt::format("missing \"{}\"", key));
    }
    normal["duration"] = sdk::formatDuration(sdk::requireDuration(stage.at("duration"), at + ".duration"));
    normal["users"] = sdk::requireInteger(stage.at("users"), at + ".users", 0, std::numeric_limits<std::uint32_t>::max());
    if (const auto* rate = stage.if_contains("spawn_rate")) {
      normal["spawn_rate"] = normalNumber(sdk::requireNumber(*rate, at + ".spawn_rate", 0, true));
    }
    out.push_back(std::move(normal));
  }
  return out;
}

}  // namespace

boost::json::array splitList(std::string_view text) {
  boost::json::array out;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

value valueFromText(const CoreOption& option, std::string_view text, std::string_view where) {
  switch (option.kind) {
    case OptionKind::kString:
      return value(trim(text));
    case OptionKind::kUrl:
      return url(text, where);
    case OptionKind::kInteger:
      return sdk::requireInteger(numberOrString(text), where, option.min, option.max);
    case OptionKind::kNumber:
      return normalNumber(sdk::requireNumber(numberOrString(text), where, static_cast<double>(option.min),
                                             option.exclusive_min));
    case OptionKind::kBoolean:
      return boolFromText(text, where);
    case OptionKind::kDuration:
      return value(sdk::formatDuration(sdk::parseDuration(text, where)));
    case OptionKind::kStringList:
      return splitList(text);
    case OptionKind::kLogLevel:
      return logLevel(text, where);
    case OptionKind::kShape:
      break;
  }
  fail(where, "can only be set in the config file");
}

value valueFromJson(const CoreOption& option, const value& input, std::string_view where) {
  if (input.is_null() && option.optional) return nullptr;
  switch (option.kind) {
    case OptionKind::kString:
      return value(sdk::requireString(input, where));
    case OptionKind::kUrl:
      return url(sdk::requireString(input, where), where);
    case OptionKind::kInteger:
      return sdk::requireInteger(input, where, option.min, option.max);
    case OptionKind::kNumber:
      return normalNumber(sdk::requireNumber(input, where, static_cast<double>(option.min), option.exclusive_min));
    case OptionKind::kBoolean:
      return sdk::requireBool(input, where);
    case OptionKind::kDuration:
      return value(sdk::formatDuration(sdk::requireDuration(input, where)));
    case OptionKind::kStringList: {
      if (input.is_string()) return splitList(input.get_string());
      const boost::json::array& items = sdk::requireArray(input, where);
      boost::json::array out;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string item = sdk::requireString(items[i], fmt::format("{}[{}]", where, i), false);
        out.emplace_back(trim(item));
      }
      return out;
    }
    case OptionKind::kLogLevel:
      return logLevel(sdk::requireString(input, where), where);
    case OptionKind::kShape:
      return shape(input, where);
  }
  fail(where, "unsupported option kind");
}

value pluginValueFromText(sdk::OptionSpec::Type type, std::string_view text, std::string_view where) {
  switch (type) {
    case sdk::OptionSpec::Type::kString:
      return value(text);
    case sdk::OptionSpec::Type::kInteger:
      return sdk::requireInteger(numberOrString(text), where, std::numeric_limits<std::int64_t>::min());
    case sdk::OptionSpec::Type::kNumber:
      return normalNumber(sdk::requireNumber(numberOrString(text), where, -std::numeric_limits<double>::infinity()));
    case sdk::OptionSpec::Type::kBoolean:
      return boolFromText(text, where);
    case sdk::OptionSpec::Type::kStringList:
      return splitList(text);
  }
  fail(where, "unsupported option type");
}

}  // namespace accurate::config
