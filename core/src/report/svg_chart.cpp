#include "report/svg_chart.hpp"

#include "report/text_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace accurate::report {

namespace {

constexpr double kLeft = 64;    // room for y labels
constexpr double kRight = 16;
constexpr double kTop = 40;     // room for the title and legend
constexpr double kBottom = 30;  // room for x labels

/// Time steps the x axis may use, seconds.
constexpr std::array<double, 19> kTimeSteps{1,    2,    5,     10,    15,    30,    60,    120,   300,  600,
                                            900,  1800, 3600,  7200,  10800, 21600, 43200, 86400, 172800};

struct Box {
  double x0, y0, width, height;  ///< plot area in viewBox px
  double t_min, t_max;           ///< x domain, epoch seconds
  double y_max;                  ///< y domain top (bottom is 0)
  double x(double t) const { return x0 + (t - t_min) / (t_max - t_min) * width; }
  double y(double v) const { return y0 + height - std::clamp(v, 0.0, y_max) / y_max * height; }
};

std::string number(double value) { return fmt::format("{:.1f}", value); }

int decimalsFor(double step) {
  if (step >= 1) return 0;
  return std::min(6, static_cast<int>(std::ceil(-std::log10(step))));
}

/// Keeps at most two points (min and max, in time order) per pixel column of @p width.
std::vector<std::pair<double, double>> reduce(const std::vector<std::pair<double, double>>& points, const Box& box) {
  if (points.size() <= static_cast<std::size_t>(box.width * 2)) return points;
  std::vector<std::pair<double, double>> out;
  out.reserve(static_cast<std::size_t>(box.width * 2) + 2);
  std::size_t i = 0;
  while (i < points.size()) {
    const long column = std::lround(box.x(points[i].first));
    std::size_t lo = i, hi = i;
    std::size_t j = i;
    for (; j < points.size() && std::lround(box.x(points[j].first)) == column; ++j) {
      if (points[j].second < points[lo].second) lo = j;
      if (points[j].second > points[hi].second) hi = j;
    }
    out.push_back(points[std::min(lo, hi)]);
    if (lo != hi) out.push_back(points[std::max(lo, hi)]);
    i = j;
  }
  return out;
}

void appendLegend(const LineChart& chart, std::string& out) {
  // Laid out from the right edge; about 7 px per character at 12 px.
  double x = chart.width - kRight;
  for (auto it = chart.series.rbegin(); it != chart.series.rend(); ++it) {
    x -= 18 + 7.0 * static_cast<double>(utf8Width(it->label)) + 12;
    out += fmt::format(R"(<rect x="{}" y="14" width="12" height="12" rx="2" fill="{}"/>)", number(x),
                       escapeHtml(it->color));
    out += fmt::format(R"(<text x="{}" y="24" class="legend">{}</text>)", number(x + 18), escapeHtml(it->label));
  }
}

void appendAxes(const Box& box, std::string& out) {
  const double step = niceStep(box.y_max, 5);
  const int decimals = decimalsFor(step);
  for (int i = 0; i * step <= box.y_max * (1 + 1e-9) && i <= 20; ++i) {
    const double value = i * step;
    const double y = box.y(value);
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>)", number(box.x0), number(y),
                       number(box.x0 + box.width), number(y));
    out += fmt::format(R"(<text x="{}" y="{}" class="ylabel">{}</text>)", number(box.x0 - 6), number(y + 4),
                       trimmedFixed(value, decimals));
  }
  const double span = box.t_max - box.t_min;
  double time_step = kTimeSteps.back();
  for (double candidate : kTimeSteps) {
    if (span / candidate <= 8) {
      time_step = candidate;
      break;
    }
  }
  if (span / time_step > 8) time_step = std::ceil(span / 8 / 86400) * 86400;
  const double first = std::ceil(box.t_min / time_step) * time_step;
  for (int i = 0; i <= 40; ++i) {
    const double t = first + i * time_step;
    if (t > box.t_max + 1e-9) break;
    const double x = box.x(t);
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" class="tick"/>)", number(x),
                       number(box.y0 + box.height), number(x), number(box.y0 + box.height + 4));
    out += fmt::format(R"(<text x="{}" y="{}" class="xlabel">{}</text>)", number(x), number(box.y0 + box.height + 18),
                       utcClock(t));
  }
  out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>)", number(box.x0),
                     number(box.y0 + box.height), number(box.x0 + box.width), number(box.y0 + box.height));
}

}  // namespace

double niceStep(double max, int ticks) {
  if (!(max > 0) || !std::isfinite(max) || ticks <= 0) return 1;
  const double raw = max / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

std::string renderLineChart(const LineChart& chart) {
  std::string title = chart.title + (chart.unit.empty() ? "" : " (" + chart.unit + ")");
  std::string out = fmt::format(
      R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="xMidYMid meet">)",
      chart.width, chart.height, escapeHtml(title));
  out += fmt::format(R"(<text x="{}" y="24" class="title">{}</text>)", number(kLeft), escapeHtml(title));

  double t_min = std::numeric_limits<double>::max();
  double t_max = std::numeric_limits<double>::lowest();
  double y_max = 0;
  std::size_t count = 0;
  for (const auto& series : chart.series) {
    for (const auto& [t, v] : series.points) {
      if (!std::isfinite(t) || !std::isfinite(v)) continue;
      t_min = std::min(t_min, t);
      t_max = std::max(t_max, t);
      y_max = std::max(y_max, v);
      ++count;
    }
  }
  const Box frame{kLeft, kTop, chart.width - kLeft - kRight, chart.height - kTop - kBottom, 0, 1, 1};
  if (count == 0) {
    out += fmt::format(R"(<text x="{}" y="{}" class="empty">No data recorded</text></svg>)",
                       number(frame.x0 + frame.width / 2), number(frame.y0 + frame.height / 2));
    return out;
  }
  if (t_max - t_min < 1) {
    t_min -= 0.5;
    t_max += 0.5;
  }
  const double step = niceStep(y_max > 0 ? y_max * 1.05 : 1, 5);
  const double top = std::max(step, std::ceil((y_max > 0 ? y_max * 1.05 : 1) / step) * step);
  const Box box{frame.x0, frame.y0, frame.width, frame.height, t_min, t_max, top};

  appendLegend(chart, out);
  appendAxes(box, out);
  for (const auto& series : chart.series) {
    std::vector<std::pair<double, double>> finite;
    finite.reserve(series.points.size());
    for (const auto& point : series.points) {
      if (std::isfinite(point.first) && std::isfinite(point.second)) finite.push_back(point);
    }
    const auto points = reduce(finite, box);
    if (points.size() == 1) {
      out += fmt::format(R"(<circle cx="{}" cy="{}" r="3" fill="{}"/>)", number(box.x(points[0].first)),
                         number(box.y(points[0].second)), escapeHtml(series.color));
      continue;
    }
    if (points.empty()) continue;
    std::string coordinates;
    coordinates.reserve(points.size() * 12);
    for (const auto& [t, v] : points) {
      if (!coordinates.empty()) coordinates += ' ';
      coordinates += number(box.x(t)) + "," + number(box.y(v));
    }
    out += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="1.8" stroke-linejoin="round"/>)",
                       coordinates, escapeHtml(series.color));
  }
  out += "</svg>";
  return out;
}

}  // namespace accurate::report
