#pragma once
/// @file text_format.hpp
/// Number, time and text formatting shared by the console tables, the CSV files and the HTML report.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace accurate::report {

/// @p value as Python's repr() of a float writes it (what Locust's csv files contain): shortest round-trip
/// digits, always with a decimal point or exponent ("10.0", "0.4", "1e-05"). Non-finite values give "0.0".
std::string pythonFloat(double value);

/// Milliseconds for a narrow console column: two decimals below 10, one below 100, none above ("0.31", "12.5",
/// "250"); exactly "0" for zero.
std::string consoleMs(double ms);

/// Epoch seconds @p epoch as "YYYY-mm-dd HH:MM:SS UTC" (empty for 0 or out of range).
std::string utcDateTime(double epoch);

/// Epoch seconds @p epoch as "HH:MM:SS" in UTC.
std::string utcClock(double epoch);

/// A duration in seconds as "1h 02m 03s", "4m 05s", "12.3s".
std::string humanDuration(double seconds);

/// Number of code points in UTF-8 text @p text (display width, ignoring wide characters).
std::size_t utf8Width(std::string_view text);

/// @p text shortened to at most @p width code points by replacing its middle with "..." (both ends of a URL path
/// are the informative parts); unchanged when it already fits. Never cuts a UTF-8 sequence.
std::string truncateMiddle(std::string_view text, std::size_t width);

/// @p text padded with spaces on the right (left-aligned) to @p width code points.
std::string padRight(std::string_view text, std::size_t width);

/// @p text padded with spaces on the left (right-aligned) to @p width code points.
std::string padLeft(std::string_view text, std::size_t width);

/// @p text with every control character (newline, tab, ...) replaced by a space: one console line.
std::string oneLine(std::string_view text);

/// @p value with at most @p decimals decimals, trailing zeros removed ("1.5", "2", "0.333").
std::string trimmedFixed(double value, int decimals);

/// @p value with up to 6 significant digits and no exponent below 1e6 ("53.679", "0.00037", "1500").
std::string shortNumber(double value);

/// @p value with a comma between groups of three digits ("1,234,567").
std::string groupThousands(std::uint64_t value);

/// @p text with &, <, >, " and ' replaced by character references: safe in HTML/SVG text and attributes.
std::string escapeHtml(std::string_view text);

}  // namespace accurate::report
