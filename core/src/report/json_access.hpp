#pragma once
/// @file json_access.hpp
/// Tolerant readers for report.json: a report read back from disk may be old, hand-edited or truncated, so
/// every reader falls back to a default instead of throwing.

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace accurate::report {

/// The object at @p key of @p object, or nullptr when missing or not an object.
const boost::json::object* objectAt(const boost::json::object& object, std::string_view key);

/// The array at @p key of @p object, or nullptr when missing or not an array.
const boost::json::array* arrayAt(const boost::json::object& object, std::string_view key);

/// @p value as a double (any JSON number), or @p fallback when it is not a number.
double toDouble(const boost::json::value& value, double fallback = 0);

/// The number at @p key as a double, or @p fallback.
double numberAt(const boost::json::object& object, std::string_view key, double fallback = 0);

/// The number at @p key as a non-negative integer (rounded), or @p fallback.
std::uint64_t countAt(const boost::json::object& object, std::string_view key, std::uint64_t fallback = 0);

/// The string at @p key, or @p fallback when missing or not a string.
std::string stringAt(const boost::json::object& object, std::string_view key, std::string_view fallback = {});

/// Whether @p value is a string, number, bool or null.
bool isScalar(const boost::json::value& value);

/// @p value as display text: strings unquoted, numbers in their shortest form (compactJson), null as "null".
std::string scalarText(const boost::json::value& value);

}  // namespace accurate::report
