#pragma once
/// @file html_plugin.hpp
/// A plugin's report section in the HTML report, with the conventions the web report page also follows:
/// `summary` (flat object → key/value table), `tables` ([{title, columns, rows}] → tables), `charts`
/// ([{title, unit, x: [epoch s], series: [{name, values}]}] → inline SVG line charts), data-URI images, and
/// everything else rendered generically (renderJsonHtml).

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace accurate::report {

/// The `<section>` of plugin @p name with content @p section; every text is escaped.
std::string renderPluginSectionHtml(std::string_view name, const boost::json::value& section);

}  // namespace accurate::report
