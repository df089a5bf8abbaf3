#pragma once
/// @file json_pretty.hpp
/// JSON text for report.json and for values shown in the HTML report: readable numbers (1700000000.5, not
/// 1.7000000005E9) and a layout that stays short for long histories and histograms.

#include <boost/json/value.hpp>

#include <string>

namespace accurate::report {

/// @p value as compact JSON with numbers written as Python's json module writes them (doubles as their
/// shortest round-trip decimal, with ".0" when integral; non-finite doubles as null).
std::string compactJson(const boost::json::value& value);

/// @p value as indented JSON (2 spaces). A container whose compact form fits in @p inline_width characters
/// stays on one line; so does every flat object inside an array (one history point per line); arrays of
/// scalars or of flat arrays (histogram buckets) are packed several elements per line.
std::string prettyJson(const boost::json::value& value, std::size_t inline_width = 100);

}  // namespace accurate::report
