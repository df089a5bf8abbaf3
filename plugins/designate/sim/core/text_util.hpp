#pragma once
/// @file text_util.hpp
/// Small text helpers of the simulator: case folding, Designate's timestamp formats, URL coding like Python's
/// urllib, '*' wildcard matching like Designate's SQL LIKE filters, Python reprs for error messages, integers
/// parsed like Python's int().

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::designate_sim {

/// ASCII lower case of @p text.
std::string toLower(std::string_view text);

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Designate's API timestamp of unix second @p seconds: "YYYY-MM-DDTHH:MM:SS.000000" (UTC, no zone).
std::string formatTimestamp(std::int64_t seconds);

/// Keystone's timestamp of unix second @p seconds: "YYYY-MM-DDTHH:MM:SS.000000Z".
std::string formatKeystoneTime(std::int64_t seconds);

/// Percent-decodes @p text; '+' becomes a space when @p plus_is_space. Bad escapes are kept literally.
std::string urlDecode(std::string_view text, bool plus_is_space);

/// Python's urllib.parse.quote_plus: letters, digits and "_.-~" kept, space → '+', the rest %XX.
std::string quotePlus(std::string_view text);

/// Whether @p text matches @p pattern case-insensitively, where '*' in the pattern matches any run of
/// characters (Designate turns '*' into SQL '%'; the MySQL collation is case-insensitive).
bool wildcardMatch(std::string_view pattern, std::string_view text) noexcept;

/// A filter value compared like Designate: wildcard match when it contains '*', else case-insensitive equality.
bool filterMatch(std::string_view filter_value, std::string_view text) noexcept;

/// Python's repr() of a str: 'text' with quotes and control characters escaped.
std::string pyRepr(std::string_view text);

/// Python's repr() of a list of str: ['a', 'b'].
std::string pyListRepr(const std::vector<std::string>& items);

/// Parses @p text like Python's int() (surrounding whitespace, optional sign, decimal digits, '_' separators not
/// supported). Values beyond the int64 range saturate and set @p overflow. nullopt when not an integer.
std::optional<std::int64_t> parsePyInt(std::string_view text, bool* overflow = nullptr) noexcept;

/// Whether @p value is one of oslo's bool_from_string true words (1, t, true, on, y, yes; any case).
bool boolFromString(std::string_view value) noexcept;

/// Trims ASCII whitespace from both ends.
std::string_view trim(std::string_view text) noexcept;

/// Splits @p text on @p separator (empty pieces kept).
std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace accurate::designate_sim
