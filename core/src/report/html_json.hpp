#pragma once
/// @file html_json.hpp
/// Generic HTML rendering of any JSON value (plugin sections of the report): objects become key/value
/// tables, arrays of flat objects become tables, deep or irregular values become indented JSON in <pre>.

#include <boost/json/value.hpp>

#include <string>

namespace accurate::report {

/// @p value as an HTML fragment; every string is escaped. Strings that are base64 data URIs of images
/// (data:image/png;base64,...) are shown as <img>, which keeps the page self-contained.
/// @param depth nesting level of @p value (deeper levels fall back to <pre>).
std::string renderJsonHtml(const boost::json::value& value, int depth = 0);

}  // namespace accurate::report
