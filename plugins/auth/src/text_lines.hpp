#pragma once
/// @file text_lines.hpp
/// Line splitting shared by the users and tokens files.

#include <string_view>
#include <vector>

namespace accurate::auth {

/// The lines of @p content without their "\n" (and a trailing "\r"); a final line without "\n" counts.
inline std::vector<std::string_view> splitLines(std::string_view content) {
  std::vector<std::string_view> lines;
  while (!content.empty()) {
    const auto newline = content.find('\n');
    std::string_view line = content.substr(0, newline);
    content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
  }
  return lines;
}

/// @p text without leading and trailing spaces and tabs.
inline std::string_view trimBlank(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// True for a blank line or a `#` comment.
inline bool isCommentOrBlank(std::string_view line) {
  line = trimBlank(line);
  return line.empty() || line.front() == '#';
}

}  // namespace accurate::auth
