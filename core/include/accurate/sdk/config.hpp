#pragma once
/// @file config.hpp
/// Helpers a plugin uses to validate its config section. Each one either returns the checked value or throws
/// ConfigError whose message is `<where>: <reason>`, e.g.
/// `$.http.user_classes[0].weight: expected a non-negative number, got "x"`.
/// `where` is normally the JSON path of the value; the core also passes "--flag" or "environment NAME".
/// Threading: all functions are pure and may be called from any thread.

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/version.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::sdk {

/// Parses a duration such as "250ms", "30s", "5m", "1h30m" or "1.5s" (units h, m, s, ms, combinable in any
/// order; a bare number is seconds). Rounds to whole milliseconds.
/// @throws ConfigError `<where>: cannot parse duration "5x" (use e.g. 30s, 5m, 1h30m)`.
ACCURATE_API std::chrono::milliseconds parseDuration(std::string_view text, std::string_view where);

/// Formats @p duration the way parseDuration reads it back, e.g. "1h30m", "250ms", "0s".
ACCURATE_API std::string formatDuration(std::chrono::milliseconds duration);

/// A duration given as a JSON string ("30s") or a non-negative JSON number of seconds.
ACCURATE_API std::chrono::milliseconds requireDuration(const boost::json::value& value, std::string_view where);

/// A JSON number at least @p min (or greater than @p min when @p exclusive_min).
/// The reason says "expected a non-negative number" (min 0), "a positive number" (min 0, exclusive) or
/// "a number >= min".
ACCURATE_API double requireNumber(const boost::json::value& value, std::string_view where, double min = 0,
                                  bool exclusive_min = false);

/// A JSON integer (an integral double such as 3.0 is accepted) within [@p min, @p max].
ACCURATE_API std::int64_t requireInteger(const boost::json::value& value, std::string_view where,
                                         std::int64_t min = 0,
                                         std::int64_t max = std::numeric_limits<std::int64_t>::max());

/// A JSON boolean.
ACCURATE_API bool requireBool(const boost::json::value& value, std::string_view where);

/// A JSON string; when @p allow_empty is false an empty string is refused.
ACCURATE_API std::string requireString(const boost::json::value& value, std::string_view where,
                                       bool allow_empty = true);

/// A JSON object. The reference points into @p value.
ACCURATE_API const boost::json::object& requireObject(const boost::json::value& value, std::string_view where);

/// A JSON array. The reference points into @p value.
ACCURATE_API const boost::json::array& requireArray(const boost::json::value& value, std::string_view where);

/// Refuses any key of @p object (found at @p where) that is not in @p known, naming the first such key as
/// `<where>.<key>: unknown key (did you mean "<closest>"?)`; the suggestion appears only when one is close.
ACCURATE_API void rejectUnknownKeys(const boost::json::object& object, std::string_view where,
                                    const std::vector<std::string_view>& known);

/// The candidate closest to @p word by edit distance when it is close enough to be a likely typo, else "".
ACCURATE_API std::string closestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

/// Short text of a JSON value for error messages: its JSON form, cut to about 40 characters.
ACCURATE_API std::string describeJson(const boost::json::value& value);

}  // namespace accurate::sdk
