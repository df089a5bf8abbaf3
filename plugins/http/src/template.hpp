#pragma once
/// @file template.hpp
/// Text with placeholders ({uuid}, {random_int:A:B}, {random_string:N}, {user_id}, {counter}), parsed once at
/// configure time into segments so that expanding it on the hot path only appends to a string.

#include <accurate/sdk/random.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::http_plugin {

/// What a placeholder may draw from while expanding.
struct ExpandContext {
  accurate::sdk::Rng& rng;      ///< the user's random generator
  std::uint64_t user_id;     ///< the user's number ({user_id})
  std::uint64_t counter;     ///< the user's request counter for this request ({counter})
};

/// A parsed template. Syntax: `{name}` or `{name:arg:...}` is a placeholder; `{{` is a literal `{`, and `}}`
/// closing it is a literal `}`; any other brace (e.g. of a JSON body) is kept as it is.
/// Threading: immutable after parse(); expand from any thread with that thread's context.
class Template {
 public:
  /// An empty template.
  Template() = default;

  /// Parses @p text. @param where JSON path named in errors.
  /// @throws sdk::ConfigError `<where>: unknown placeholder {x} (...)` or a malformed placeholder.
  static Template parse(std::string_view text, const std::string& where);

  /// Appends the expansion to @p out.
  void appendTo(std::string& out, ExpandContext& context) const;
  /// The expansion as a new string.
  std::string expand(ExpandContext& context) const;
  /// True when the template has no placeholder (its expansion is always the same).
  bool constant() const noexcept;
  /// The text it was parsed from.
  const std::string& source() const noexcept { return source_; }

 private:
  /// The kinds of segment.
  enum class Kind : std::uint8_t { kLiteral, kUuid, kRandomInt, kRandomString, kUserId, kCounter };
  /// One piece of the template.
  struct Segment {
    Kind kind = Kind::kLiteral;  ///< what to append
    std::string literal;         ///< kLiteral: the text
    std::int64_t low = 0;        ///< kRandomInt: lower bound (inclusive); kRandomString: length
    std::int64_t high = 0;       ///< kRandomInt: upper bound (inclusive)
  };

  /// Parses the placeholder body @p body (between the braces) into a segment.
  static Segment placeholder(std::string_view body, const std::string& where);

  std::vector<Segment> segments_;  ///< the pieces, in order
  std::string source_;             ///< the original text
};

}  // namespace accurate::http_plugin
