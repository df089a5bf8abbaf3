#include "report/html_plugin.hpp"

#include "report/html_json.hpp"
#include "report/svg_chart.hpp"
#include "report/text_format.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <cmath>

namespace accurate::report {
namespace {

/// Line colours of plugin charts, in series order (the web page's palette).
constexpr std::array<const char*, 8> kPalette{"#2b7bb9", "#e69f00", "#3c9a5f", "#d64545",
                                              "#7b5ea7", "#00a3a3", "#8c6d31", "#52606d"};

std::string cellHtml(const boost::json::value& value) {
  if (value.is_null()) return "&ndash;";
  if (const auto* text = value.if_string()) return escapeHtml(*text);
  return renderJsonHtml(value, 3);
}

/// {title, columns: [...], rows: [[...], ...]} as a table; nullopt-like "" when the shape is wrong.
std::string tableHtml(const boost::json::value& value) {
  const auto* table = value.if_object();
  const auto* columns = table ? table->if_contains("columns") : nullptr;
  const auto* rows = table ? table->if_contains("rows") : nullptr;
  if (!columns || !columns->is_array() || !rows || !rows->is_array()) return renderJsonHtml(value, 1);
  std::string out;
  if (const auto* title = table->if_contains("title"); title && title->is_string()) {
    out += "<h3>" + escapeHtml(title->get_string()) + "</h3>";
  }
  out += R"(<div class="scroll"><table><thead><tr>)";
  for (const auto& column : columns->get_array()) out += "<th>" + cellHtml(column) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows->get_array()) {
    out += "<tr>";
    if (const auto* cells = row.if_array()) {
      for (const auto& cell : *cells) out += (cell.is_number() ? R"(<td class="num">)" : "<td>") + cellHtml(cell) + "</td>";
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>";
}

double toNumber(const boost::json::value& value) {
  if (value.is_double()) return value.get_double();
  if (value.is_int64()) return static_cast<double>(value.get_int64());
  if (value.is_uint64()) return static_cast<double>(value.get_uint64());
  return std::nan("");
}

/// {title, unit, x, series: [{name, values}]} as an SVG line chart; null values are gaps (skipped points).
std::string chartHtml(const boost::json::value& value) {
  const auto* spec = value.if_object();
  if (!spec) return renderJsonHtml(value, 1);
  LineChart chart;
  if (const auto* title = spec->if_contains("title"); title && title->is_string()) chart.title = title->get_string();
  if (const auto* unit = spec->if_contains("unit"); unit && unit->is_string()) chart.unit = unit->get_string();
  const auto* x = spec->if_contains("x");
  const auto* series = spec->if_contains("series");
  if (!x || !x->is_array() || !series || !series->is_array()) return renderJsonHtml(value, 1);
  std::size_t index = 0;
  for (const auto& item : series->get_array()) {
    const auto* line = item.if_object();
    if (!line) continue;
    ChartSeries out;
    const auto* name = line->if_contains("name");
    out.label = name && name->is_string() ? std::string(name->get_string()) : "series " + std::to_string(index + 1);
    out.color = kPalette[index++ % kPalette.size()];
    const auto* values = line->if_contains("values");
    if (values && values->is_array()) {
      const auto& ys = values->get_array();
      for (std::size_t i = 0; i < ys.size() && i < x->get_array().size(); ++i) {
        const double t = toNumber(x->get_array()[i]);
        const double y = toNumber(ys[i]);
        if (std::isfinite(t) && std::isfinite(y)) out.points.emplace_back(t, y);
      }
    }
    chart.series.push_back(std::move(out));
  }
  return renderLineChart(chart);
}

}  // namespace

std::string renderPluginSectionHtml(std::string_view name, const boost::json::value& section) {
  std::string out = R"(<section class="plugin"><h2>)" + escapeHtml(name) + "</h2>";
  const auto* object = section.if_object();
  if (!object) return out + renderJsonHtml(section) + "</section>";
  boost::json::object rest;
  for (const auto& member : *object) {
    const auto& value = member.value();
    if (member.key() == "summary" && value.is_object()) {
      out += renderJsonHtml(value, 1);
    } else if (member.key() == "tables" && value.is_array()) {
      for (const auto& table : value.get_array()) out += tableHtml(table);
    } else if (member.key() == "charts" && value.is_array()) {
      out += R"(<div class="charts">)";
      for (const auto& chart : value.get_array()) out += chartHtml(chart);
      out += "</div>";
    } else {
      rest.emplace(member.key(), value);
    }
  }
  if (!rest.empty()) out += renderJsonHtml(rest);
  return out + "</section>";
}

}  // namespace accurate::report
