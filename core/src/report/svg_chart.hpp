#pragma once
/// @file svg_chart.hpp
/// Inline SVG line charts over time for the HTML report: no script, no external resource.

#include <string>
#include <utility>
#include <vector>

namespace accurate::report {

/// One line of a chart.
struct ChartSeries {
  std::string label;                               ///< legend text
  std::string color;                               ///< CSS colour, e.g. "#2b7bb9"
  std::vector<std::pair<double, double>> points;   ///< (epoch seconds, value), in time order
};

/// A line chart with a time x axis (UTC clock labels) and a linear y axis starting at 0.
struct LineChart {
  std::string title;                  ///< shown above the plot
  std::string unit;                   ///< y unit shown after the title, e.g. "ms"; may be empty
  std::vector<ChartSeries> series;    ///< the lines, drawn in order
  int width = 960;                    ///< viewBox width, px (the SVG scales to its container)
  int height = 280;                   ///< viewBox height, px
};

/// The chart as an `<svg>` element. Long series are reduced to the min and max of each pixel column, so spikes
/// stay visible and the SVG stays small. Every text is HTML-escaped. A chart without points says so.
std::string renderLineChart(const LineChart& chart);

/// A "nice" tick step (1, 2 or 5 × 10^k) so that [0, @p max] holds about @p ticks steps.
double niceStep(double max, int ticks);

}  // namespace accurate::report
