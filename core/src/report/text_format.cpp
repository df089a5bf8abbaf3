#include "report/text_format.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <ctime>

namespace accurate::report {

namespace {

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

/// Byte offset of the @p count-th code point of @p text (text.size() when it has fewer).
std::size_t byteOffsetOfCodePoint(std::string_view text, std::size_t count) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!isContinuationByte(text[i])) {
      if (seen == count) return i;
      ++seen;
    }
  }
  return text.size();
}

bool brokenDownUtc(double epoch, std::tm& out) {
  if (!std::isfinite(epoch) || epoch <= 0 || epoch > 253402300799.0) return false;  // up to year 9999
  const std::time_t seconds = static_cast<std::time_t>(epoch);
  return gmtime_r(&seconds, &out) != nullptr;
}

}  // namespace

std::string pythonFloat(double value) {
  if (!std::isfinite(value)) return "0.0";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  const double magnitude = std::fabs(value);
  // Python's repr switches to exponent notation below 1e-4 and from 1e16 on.
  const bool scientific = magnitude < 1e-4 || magnitude >= 1e16;
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                    scientific ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buffer, result.ptr);
  if (scientific) {
    // to_chars writes "1e-05" and "1e+16" exactly as Python does; nothing to adjust.
    return text;
  }
  if (text.find('.') == std::string::npos) text += ".0";
  return text;
}

std::string consoleMs(double ms) {
  if (!std::isfinite(ms) || ms == 0) return "0";
  if (ms < 10) return fmt::format("{:.2f}", ms);
  if (ms < 100) return fmt::format("{:.1f}", ms);
  return fmt::format("{:.0f}", ms);
}

std::string utcDateTime(double epoch) {
  std::tm tm{};
  if (!brokenDownUtc(epoch, tm)) return {};
  char buffer[40];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return std::string(buffer, n);
}

std::string utcClock(double epoch) {
  std::tm tm{};
  if (!brokenDownUtc(epoch, tm)) return {};
  char buffer[16];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%H:%M:%S", &tm);
  return std::string(buffer, n);
}

std::string humanDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  auto total = static_cast<unsigned long long>(std::llround(seconds));
  const unsigned long long hours = total / 3600;
  const unsigned long long minutes = (total % 3600) / 60;
  const unsigned long long secs = total % 60;
  if (hours > 0) return fmt::format("{}h {:02}m {:02}s", hours, minutes, secs);
  return fmt::format("{}m {:02}s", minutes, secs);
}

std::size_t utf8Width(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    if (!isContinuationByte(c)) ++width;
  }
  return width;
}

std::string truncateMiddle(std::string_view text, std::size_t width) {
  const std::size_t current = utf8Width(text);
  if (current <= width) return std::string(text);
  if (width <= 3) return std::string(text.substr(0, byteOffsetOfCodePoint(text, width)));
  const std::size_t keep = width - 3;
  const std::size_t head = keep / 2;
  const std::size_t tail = keep - head;
  const std::size_t head_end = byteOffsetOfCodePoint(text, head);
  const std::size_t tail_start = byteOffsetOfCodePoint(text, current - tail);
  return std::string(text.substr(0, head_end)) + "..." + std::string(text.substr(tail_start));
}

std::string padRight(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t current = utf8Width(text);
  if (current < width) out.append(width - current, ' ');
  return out;
}

std::string padLeft(std::string_view text, std::size_t width) {
  const std::size_t current = utf8Width(text);
  std::string out;
  if (current < width) out.assign(width - current, ' ');
  out.append(text);
  return out;
}

std::string oneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

std::string trimmedFixed(double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string shortNumber(double value) {
  if (!std::isfinite(value)) return "0";
  return fmt::format("{:.6g}", value);
}

std::string groupThousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string escapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace accurate::report
