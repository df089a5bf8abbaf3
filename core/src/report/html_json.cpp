#include "report/html_json.hpp"

#include "report/json_access.hpp"
#include "report/json_pretty.hpp"
#include "report/text_format.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace accurate::report {

namespace {

constexpr int kMaxTableDepth = 3;            // deeper values are shown as JSON text
constexpr std::size_t kMaxTableColumns = 16; // wider arrays of objects are shown as JSON text
constexpr std::size_t kMaxTableRows = 500;   // longer tables are cut (the full data stays in report.json)
constexpr std::size_t kMaxInlineList = 20;   // longer scalar arrays are shown as JSON text

bool isImageDataUri(std::string_view text) {
  static constexpr std::array<std::string_view, 5> kPrefixes{
      "data:image/png;base64,", "data:image/jpeg;base64,", "data:image/gif;base64,", "data:image/webp;base64,",
      "data:image/svg+xml;base64,"};
  for (auto prefix : kPrefixes) {
    if (!text.starts_with(prefix)) continue;
    const auto payload = text.substr(prefix.size());
    return !payload.empty() && std::all_of(payload.begin(), payload.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
             c == '=';
    });
  }
  return false;
}

std::string scalarHtml(const boost::json::value& value) {
  if (const auto* text = value.if_string()) {
    if (isImageDataUri(*text)) return fmt::format(R"(<img class="plot" alt="plot" src="{}">)", escapeHtml(*text));
    return escapeHtml(*text);
  }
  if (value.is_null()) return R"(<span class="muted">null</span>)";
  return escapeHtml(scalarText(value));
}

std::string preJson(const boost::json::value& value) { return "<pre>" + escapeHtml(prettyJson(value)) + "</pre>"; }

/// Columns of @p array when it is a non-empty array of objects whose values are all scalars; empty otherwise.
std::vector<std::string> flatColumns(const boost::json::array& array) {
  std::vector<std::string> columns;
  for (const auto& element : array) {
    const auto* object = element.if_object();
    if (!object) return {};
    for (const auto& member : *object) {
      if (!isScalar(member.value())) return {};
      const std::string key(member.key());
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
      if (columns.size() > kMaxTableColumns) return {};
    }
  }
  return columns;
}

std::string arrayTable(const boost::json::array& array, const std::vector<std::string>& columns) {
  std::string out = R"(<div class="scroll"><table><thead><tr>)";
  for (const auto& column : columns) out += "<th>" + escapeHtml(column) + "</th>";
  out += "</tr></thead><tbody>";
  const std::size_t shown = std::min(array.size(), kMaxTableRows);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& object = array[i].get_object();
    out += "<tr>";
    for (const auto& column : columns) {
      const auto* value = object.if_contains(column);
      const bool numeric = value && value->is_number();
      out += numeric ? R"(<td class="num">)" : "<td>";
      if (value) out += scalarHtml(*value);
      out += "</td>";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div>";
  if (array.size() > shown) {
    out += fmt::format(R"(<p class="muted">{} more rows in report.json</p>)", array.size() - shown);
  }
  return out;
}

}  // namespace

std::string renderJsonHtml(const boost::json::value& value, int depth) {
  if (isScalar(value)) return scalarHtml(value);
  if (depth >= kMaxTableDepth) return preJson(value);

  if (const auto* object = value.if_object()) {
    if (object->empty()) return R"(<span class="muted">empty</span>)";
    std::string out = R"(<table class="kv"><tbody>)";
    for (const auto& member : *object) {
      out += "<tr><th>" + escapeHtml(member.key()) + "</th><td>" + renderJsonHtml(member.value(), depth + 1) +
             "</td></tr>";
    }
    out += "</tbody></table>";
    return out;
  }

  const auto& array = value.get_array();
  if (array.empty()) return R"(<span class="muted">none</span>)";
  if (array.size() <= kMaxInlineList && std::all_of(array.begin(), array.end(), [](const auto& v) {
        return isScalar(v) && !(v.is_string() && isImageDataUri(v.get_string()));
      })) {
    std::string out;
    for (const auto& element : array) {
      if (!out.empty()) out += ", ";
      out += scalarHtml(element);
    }
    return out;
  }
  if (std::all_of(array.begin(), array.end(), [](const auto& v) { return v.is_string() && isImageDataUri(v.get_string()); })) {
    std::string out;
    for (const auto& element : array) out += scalarHtml(element);
    return out;
  }
  const auto columns = flatColumns(array);
  if (!columns.empty()) return arrayTable(array, columns);
  return preJson(value);
}

}  // namespace accurate::report
