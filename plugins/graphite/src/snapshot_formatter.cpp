#include "snapshot_formatter.hpp"

#include "metric_names.hpp"

#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace accurate::graphite {
namespace {

std::int64_t slotOf(double time, std::chrono::milliseconds interval) {
  return static_cast<std::int64_t>(std::floor(time * 1000.0 / static_cast<double>(interval.count())));
}

void addLine(FormattedPoint& out, const std::string& name, std::string_view value) {
  out.lines.push_back(fmt::format("{} {} {}\n", name, value, out.timestamp));
}

void addLine(FormattedPoint& out, const std::string& name, double value) {
  if (std::isfinite(value)) addLine(out, name, formatValue(value));
}

void addLine(FormattedPoint& out, const std::string& name, std::uint64_t value) {
  addLine(out, name, std::string_view(fmt::format("{}", value)));
}

double ms(std::uint64_t us) { return static_cast<double>(us) / 1000.0; }

std::uint64_t bucketMiddle(std::uint32_t index) {
  const std::uint64_t low = sdk::Histogram::bucketLowest(index);
  return low + (sdk::Histogram::bucketHighest(index) - low) / 2;
}

}  // namespace

std::string formatValue(double value) {
  std::string text = fmt::format("{:.3f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

SnapshotFormatter::SnapshotFormatter(FormatSettings settings) : settings_(std::move(settings)) {
  settings_.prefix = sanitizePrefix(settings_.prefix);
  settings_.client_id = sanitizeSegment(settings_.client_id);
  if (settings_.interval.count() <= 0) settings_.interval = std::chrono::milliseconds(1000);
}

std::optional<double> SnapshotFormatter::lastTime() const {
  if (!last_) return std::nullopt;
  return last_->time;
}

bool SnapshotFormatter::due(const sdk::StatsSnapshot& snapshot) const {
  if (!last_ || last_->start_time != snapshot.start_time) return true;
  return slotOf(snapshot.time, settings_.interval) > slotOf(last_->time, settings_.interval);
}

FormattedPoint SnapshotFormatter::format(const sdk::StatsSnapshot& snapshot) {
  if (last_ && last_->start_time != snapshot.start_time) {  // stats were reset: a new test
    last_.reset();
    before_last_.reset();
  }
  FormattedPoint out;
  out.timestamp = static_cast<std::int64_t>(std::floor(snapshot.time));
  const bool replaces = last_ && last_->timestamp == out.timestamp;
  const Point* previous = replaces ? (before_last_ ? &*before_last_ : nullptr) : (last_ ? &*last_ : nullptr);
  const double elapsed_s = std::max(snapshot.time - (previous ? previous->time : snapshot.start_time), 1e-3);

  Point point{snapshot.time, snapshot.start_time, out.timestamp, {}};
  std::map<std::string, std::vector<const sdk::EntryStats*>> groups;
  for (const sdk::EntryStats& entry : snapshot.entries) {
    const std::string base = settings_.compat ? compatEntryName(entry.method, entry.name)
                                              : fmt::format("{}.{}.{}", settings_.prefix, sanitizeSegment(entry.method),
                                                            sanitizeSegment(entry.name));
    groups[base].push_back(&entry);
  }
  for (const auto& [base, members] : groups) addSeries(base, members, previous, elapsed_s, point, out);
  if (!settings_.compat) {
    addSeries(settings_.prefix + ".total", {&snapshot.total}, previous, elapsed_s, point, out);
    addLine(out, settings_.prefix + ".users", std::uint64_t{snapshot.users});
    addLine(out, settings_.prefix + ".workers", std::uint64_t{snapshot.workers});
  }

  if (replaces) {
    last_ = std::move(point);
  } else {
    before_last_ = std::move(last_);
    last_ = std::move(point);
  }
  return out;
}

void SnapshotFormatter::addSeries(const std::string& base, const std::vector<const sdk::EntryStats*>& members,
                                  const Point* previous, double elapsed_s, Point& point, FormattedPoint& out) const {
  Baseline now;
  double rps = 0;
  double fail_per_sec = 0;
  for (const sdk::EntryStats* entry : members) {
    now.requests += entry->num_requests;
    now.failures += entry->num_failures;
    now.total_time_us += entry->total_response_time_us;
    now.times.merge(entry->response_times);
    rps += entry->current_rps;
    fail_per_sec += entry->current_fail_per_sec;
  }
  static const Baseline kEmpty;
  const Baseline* before = &kEmpty;
  if (previous != nullptr) {
    const auto found = previous->series.find(base);
    if (found != previous->series.end()) before = &found->second;
  }
  // Counters never go back within one test; if they do (a source was reset), start the window afresh.
  if (before->requests > now.requests || before->times.count() > now.times.count() ||
      before->total_time_us > now.total_time_us) {
    before = &kEmpty;
  }
  sdk::Histogram window = now.times;
  bool window_valid = true;
  try {
    window.subtract(before->times);
  } catch (const sdk::Error&) {
    window_valid = false;  // not an earlier state of this histogram: no response times for this point
  }
  const std::uint64_t completed = now.requests - before->requests;

  if (settings_.compat) {
    const std::string times_name = fmt::format("{}.response_time.{}", base, settings_.client_id);
    if (window_valid && window.count() > 0) {
      if (window.count() <= settings_.compat_cap) {
        for (const auto& [index, count] : window.nonZeroBuckets()) {
          const std::string value = formatValue(ms(std::clamp(bucketMiddle(index), window.min(), window.max())));
          for (std::uint64_t i = 0; i < count; ++i) addLine(out, times_name, std::string_view(value));
        }
      } else {
        // Evenly spread quantiles keep the window's distribution within the cap.
        const auto cap = static_cast<double>(settings_.compat_cap);
        for (std::size_t i = 0; i < settings_.compat_cap; ++i) {
          addLine(out, times_name, ms(window.valueAtQuantile((static_cast<double>(i) + 0.5) / cap)));
        }
        out.compat_capped += window.count() - settings_.compat_cap;
      }
    }
    addLine(out, fmt::format("{}.reqs_per_sec.{}", base, settings_.client_id),
            static_cast<double>(completed) / elapsed_s);
  } else {
    addLine(out, base + ".requests", now.requests);
    addLine(out, base + ".failures", now.failures);
    addLine(out, base + ".rps", rps);
    addLine(out, base + ".fail_per_sec", fail_per_sec);
    if (window_valid && window.count() > 0 && completed > 0) {
      addLine(out, base + ".p50_ms", ms(window.valueAtQuantile(0.50)));
      addLine(out, base + ".p90_ms", ms(window.valueAtQuantile(0.90)));
      addLine(out, base + ".p95_ms", ms(window.valueAtQuantile(0.95)));
      addLine(out, base + ".p99_ms", ms(window.valueAtQuantile(0.99)));
      addLine(out, base + ".max_ms", ms(window.max()));
      addLine(out, base + ".mean_ms",
              static_cast<double>(now.total_time_us - before->total_time_us) / static_cast<double>(completed) / 1000.0);
    }
  }
  point.series[base] = std::move(now);
}

}  // namespace accurate::graphite
