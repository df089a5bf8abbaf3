#include <accurate/sdk/random.hpp>
#include "template.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>

namespace accurate::http_plugin {
namespace {

constexpr std::int64_t kMaxRandomString = 65536;
constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kKnown = "{uuid}, {random_int:A:B}, {random_string:N}, {user_id}, {counter}";

bool identifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool parseInt(std::string_view text, std::int64_t& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view body) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t colon = body.find(':');
    parts.push_back(body.substr(0, colon));
    if (colon == std::string_view::npos) return parts;
    body.remove_prefix(colon + 1);
  }
}

void appendNumber(std::string& out, std::int64_t value) {
  std::array<char, 24> buffer{};
  const auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), ptr);
}

void appendUnsigned(std::string& out, std::uint64_t value) {
  std::array<char, 24> buffer{};
  const auto [ptr, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), ptr);
}

// A random (version 4, RFC 4122 variant) UUID in its 36-character form.
void appendUuid(std::string& out, accurate::sdk::Rng& rng) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::uint64_t high = rng();
  std::uint64_t low = rng();
  high = (high & ~0xF000ULL) | 0x4000ULL;                      // version 4
  low = (low & ~(0xC0ULL << 56)) | (0x80ULL << 56);            // variant 10xx
  std::array<char, 36> text{};
  std::size_t at = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) text[at++] = '-';
    const std::uint64_t word = i < 16 ? high : low;
    const int shift = 60 - 4 * (i % 16);
    text[at++] = kHex[(word >> shift) & 0xF];
  }
  out.append(text.data(), text.size());
}

}  // namespace

Template::Segment Template::placeholder(std::string_view body, const std::string& where) {
  const std::vector<std::string_view> parts = split(body);
  const std::string_view name = parts.front();
  const auto refuse = [&](const std::string& reason) -> Segment {
    throw sdk::ConfigError(where, fmt::format("placeholder {{{}}} {}", body, reason));
  };
  const auto noArguments = [&](Kind kind) -> Segment {
    if (parts.size() != 1) return refuse("takes no argument");
    return Segment{kind, {}, 0, 0};
  };
  if (name == "uuid") return noArguments(Kind::kUuid);
  if (name == "user_id") return noArguments(Kind::kUserId);
  if (name == "counter") return noArguments(Kind::kCounter);
  if (name == "random_int") {
    Segment segment{Kind::kRandomInt, {}, 0, 0};
    if (parts.size() != 3 || !parseInt(parts[1], segment.low) || !parseInt(parts[2], segment.high) ||
        segment.low > segment.high) {
      return refuse("needs two integers A <= B, e.g. {random_int:1:100}");
    }
    return segment;
  }
  if (name == "random_string") {
    Segment segment{Kind::kRandomString, {}, 0, 0};
    if (parts.size() != 2 || !parseInt(parts[1], segment.low) || segment.low < 1 || segment.low > kMaxRandomString) {
      return refuse(fmt::format("needs a length between 1 and {}, e.g. {{random_string:8}}", kMaxRandomString));
    }
    return segment;
  }
  const std::string suggestion =
      sdk::closestMatch(name, {"uuid", "random_int", "random_string", "user_id", "counter"});
  if (!suggestion.empty()) {
    throw sdk::ConfigError(where, fmt::format("unknown placeholder {{{}}} (did you mean {{{}}}?)", body, suggestion));
  }
  throw sdk::ConfigError(where, fmt::format("unknown placeholder {{{}}} (known: {}; write {{{{ for a literal {{)",
                                            body, kKnown));
}

Template Template::parse(std::string_view text, const std::string& where) {
  Template result;
  result.source_ = std::string(text);
  std::string literal;
  std::size_t escaped_open = 0;  // `{{` seen and not yet closed by `}}`
  const auto flush = [&] {
    if (!literal.empty()) result.segments_.push_back(Segment{Kind::kLiteral, std::move(literal), 0, 0});
    literal.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{';
      ++escaped_open;
      i += 2;
    } else if (c == '}' && escaped_open > 0 && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}';
      --escaped_open;
      i += 2;
    } else if (c == '{' && i + 1 < text.size() && identifierChar(text[i + 1])) {
      const std::size_t close = text.find('}', i + 1);
      if (close == std::string_view::npos) {
        throw sdk::ConfigError(where, fmt::format("placeholder at offset {} has no closing }} (write {{{{ for a literal {{)", i));
      }
      flush();
      result.segments_.push_back(placeholder(text.substr(i + 1, close - i - 1), where));
      i = close + 1;
    } else {
      literal += c;
      ++i;
    }
  }
  flush();
  return result;
}

void Template::appendTo(std::string& out, ExpandContext& context) const {
  for (const Segment& segment : segments_) {
    switch (segment.kind) {
      case Kind::kLiteral:
        out += segment.literal;
        break;
      case Kind::kUuid:
        appendUuid(out, context.rng);
        break;
      case Kind::kRandomInt:
        appendNumber(out, std::uniform_int_distribution<std::int64_t>(segment.low, segment.high)(context.rng));
        break;
      case Kind::kRandomString: {
        std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
        for (std::int64_t n = 0; n < segment.low; ++n) out += kAlphabet[pick(context.rng)];
        break;
      }
      case Kind::kUserId:
        appendUnsigned(out, context.user_id);
        break;
      case Kind::kCounter:
        appendUnsigned(out, context.counter);
        break;
    }
  }
}

std::string Template::expand(ExpandContext& context) const {
  std::string out;
  appendTo(out, context);
  return out;
}

bool Template::constant() const noexcept {
  for (const Segment& segment : segments_) {
    if (segment.kind != Kind::kLiteral) return false;
  }
  return true;
}

}  // namespace accurate::http_plugin
