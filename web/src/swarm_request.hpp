#pragma once
/// @file swarm_request.hpp
/// Parsing and validation of POST /swarm's input (form fields or a JSON object) into a SwarmRequest. Pure
/// functions; every error is one line naming the field and the reason.

#include "run_control.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::web {

/// Longest accepted run time (a typo guard): 30 days.
inline constexpr std::chrono::hours kMaxRunTime{24 * 30};

/// A value or a one-line error message.
template <typename T>
using Parsed = boost::system::result<T, std::string>;

/// Form fields by name (the first value of a repeated field wins, as Flask's form.items() gives it).
using FormFields = std::map<std::string, std::string, std::less<>>;

/// Parses a run time: seconds ("90", "1.5") or Locust's spans ("90s", "5m", "1h30m", "1h30m10s": h, m, s in
/// this order, each at most once). Must be > 0 and at most kMaxRunTime. The error says why (no field name).
Parsed<std::chrono::milliseconds> parseRunTime(std::string_view text);

/// Decodes an application/x-www-form-urlencoded body ('+' is a space, %XX escapes) into fields. Error on a
/// malformed %-escape.
Parsed<FormFields> parseUrlEncoded(std::string_view body);

/// Validates form fields: user_count (whole number >= 0, required), spawn_rate (number > 0, required), host
/// (http:// or https:// URL, optional; empty = keep), run_time (parseRunTime, optional; empty = none). Other
/// fields are ignored.
Parsed<SwarmRequest> swarmFromFields(const FormFields& fields);

/// Validates a JSON object body with the same fields as swarmFromFields; numbers may be JSON numbers or
/// strings, null means absent. Errors name "body" when the JSON is invalid or not an object.
Parsed<SwarmRequest> swarmFromJson(std::string_view body);

/// Whether @p host is an acceptable target base URL: http:// or https://, a non-empty authority, at most 2048
/// characters, no whitespace, control characters or any of <>"'`.
bool isAcceptableHost(std::string_view host) noexcept;

}  // namespace accurate::web
