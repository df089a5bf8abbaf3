/// @file locust_stats.cpp
/// The `stats` message in both directions: Locust's entry maps (what Python masters merge) and the exact
/// "accurate" extra key (what accurate masters merge).
///
/// Layout of the "accurate" key (layout 1). Every integer is non-negative; times are epoch seconds (float64);
/// a histogram is a list of [bucket index, count] pairs of sdk::Histogram, indexes strictly ascending, counts
/// > 0, and its exact smallest and largest values travel next to it (they must fall in its first and last
/// bucket; both 0 when it is empty):
///
///   "accurate": {
///     "layout": 1,
///     "start_time": float,                         // WorkerReport::start_time
///     "entries": [ {                                // parallel to WorkerReport::delta.entries (and to "stats")
///       "method": str, "name": str,
///       "num_requests": int, "num_failures": int,
///       "total_response_time_us": int, "total_content_length": int,
///       "first_sample_time": float, "last_sample_time": float,   // 0.0 when none
///       "response_times": [[index, count], ...], "min_response_time_us": int, "max_response_time_us": int,
///       "intended_response_times": [[index, count], ...], "min_intended_us": int, "max_intended_us": int,
///       "num_reqs_per_sec": {int epoch second: int}, "num_fail_per_sec": {int epoch second: int}
///     }, ... ],
///     "errors": [ {"method": str, "name": str, "error": str, "occurrences": int}, ... ],
///     "exceptions": [ {"message": str, "count": int}, ... ],
///     "counters": [ {"name": str, "value": int}, ... ]
///   }
///
/// The per-second maps are the same as in the entry's Locust form. A reader that finds the key with a layout it
/// does not know, or any part of it malformed, falls back to the Locust fields.

#include "cluster/locust_stats.hpp"

#include "stats/histogram_layout.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace accurate::cluster {

namespace {

using msgpack::Array;
using msgpack::DecodeError;
using msgpack::Map;
using msgpack::Nil;
using msgpack::Value;

/// The "accurate" layout this file writes and reads.
constexpr std::uint64_t kExactLayout = 1;
/// Largest Locust bucket key accepted, in ms (about 31 years; keeps key * 1000 far from overflow).
constexpr double kMaxBucketMs = 1e12;

/// Code points outside ASCII that CPython's repr() escapes (str.isprintable() is false), except the unassigned
/// ones (category Cn, which change with every Unicode version): Cc, Cf, Cs, Co, Zl, Zp and Zs but the space,
/// as of Unicode 14 (CPython 3.11).
constexpr std::pair<char32_t, char32_t> kNonPrintable[] = {
    {0x80, 0xA0},       {0xAD, 0xAD},       {0x600, 0x605},     {0x61C, 0x61C},     {0x6DD, 0x6DD},
    {0x70F, 0x70F},     {0x890, 0x891},     {0x8E2, 0x8E2},     {0x1680, 0x1680},   {0x180E, 0x180E},
    {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x2064},   {0x2066, 0x206F},   {0x3000, 0x3000},
    {0xD800, 0xF8FF},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
    {0x13430, 0x13438}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
    {0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD},
};

bool printable(char32_t c) {
  if (c < 0x80) return c >= 0x20 && c != 0x7f;
  return std::none_of(std::begin(kNonPrintable), std::end(kNonPrintable),
                      [c](const auto& r) { return c >= r.first && c <= r.second; });
}

/// Decodes the UTF-8 sequence at @p s[i] into @p c and returns its length; an invalid byte gives U+FFFD and 1
/// (what the msgpack encoder sends in its place).
std::size_t nextCodePoint(std::string_view s, std::size_t i, char32_t& c) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](std::size_t k) { return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80; };
  auto low = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[i + k]) & 0x3f); };
  if (b0 < 0x80) {
    c = b0;
    return 1;
  }
  if (b0 >= 0xc2 && b0 <= 0xdf && cont(1)) {
    c = (char32_t{b0 & 0x1fu} << 6) | low(1);
    return 2;
  }
  if (b0 >= 0xe0 && b0 <= 0xef && cont(1) && cont(2)) {
    c = (char32_t{b0 & 0x0fu} << 12) | (low(1) << 6) | low(2);
    if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) return 3;
  } else if (b0 >= 0xf0 && b0 <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    c = (char32_t{b0 & 0x07u} << 18) | (low(1) << 12) | (low(2) << 6) | low(3);
    if (c >= 0x10000 && c <= 0x10ffff) return 4;
  }
  c = 0xfffd;
  return 1;
}

void appendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  }
}

Value uintValue(std::uint64_t v) { return Value(v); }

/// A histogram as [[index, count], ...].
Value bucketsValue(const sdk::Histogram& h) {
  Array a;
  for (const auto& [index, count] : h.nonZeroBuckets()) {
    a.emplace_back(Array{uintValue(index), uintValue(count)});
  }
  return Value(std::move(a));
}

/// Locust's response_times map of @p h: each bucket's midpoint in ms, bucketed as Locust does, counts summed.
Value locustBucketsValue(const sdk::Histogram& h) {
  std::map<std::int64_t, std::uint64_t> keys;
  for (const auto& [index, count] : h.nonZeroBuckets()) {
    const double mid_us = (static_cast<double>(sdk::Histogram::bucketLowest(index)) +
                           static_cast<double>(sdk::Histogram::bucketHighest(index))) / 2.0;
    keys[locustBucket(mid_us / 1000.0)] += count;
  }
  Map m;
  m.reserve(keys.size());
  for (const auto& [k, c] : keys) m.emplace_back(static_cast<std::int64_t>(k), c);
  return Value(std::move(m));
}

Value perSecondValue(const std::map<std::int64_t, std::uint64_t>& counts) {
  Map m;
  for (const auto& [second, n] : counts) {
    if (n != 0) m.emplace_back(Value(static_cast<std::int64_t>(second)), uintValue(n));
  }
  return Value(std::move(m));
}

/// The per-second counts written for entry @p i: the known ones, else everything in the second of @p now.
PerSecondCounts perSecondOf(const WorkerReport& report, std::size_t i, double now) {
  const sdk::EntryStats& e = report.delta.entries[i];
  if (report.per_second.size() == report.delta.entries.size()) {
    const PerSecondCounts& known = report.per_second[i];
    if (!known.requests.empty() || !known.failures.empty() || (e.num_requests == 0 && e.num_failures == 0)) {
      return known;
    }
  }
  PerSecondCounts out;
  const auto second = static_cast<std::int64_t>(std::floor(now));
  if (e.num_requests != 0) out.requests[second] = e.num_requests;
  if (e.num_failures != 0) out.failures[second] = e.num_failures;
  return out;
}

/// Appends @p key: @p value to @p m.
void put(Map& m, std::string_view key, Value value) { m.emplace_back(Value(key), std::move(value)); }

/// One entry in Locust's 14-key form (key order as Locust's StatsEntryDict).
Value locustEntryValue(const sdk::EntryStats& e, const PerSecondCounts& per_second, double start_time) {
  const sdk::Histogram& h = e.response_times;
  const std::uint64_t timed = h.count();
  Map m;
  m.reserve(14);
  put(m, "name", Value(e.name));
  put(m, "method", Value(e.method));
  put(m, "last_request_timestamp", e.last_sample_time != 0 ? Value(e.last_sample_time) : Value(Nil{}));
  put(m, "start_time", Value(start_time));
  put(m, "num_requests", uintValue(e.num_requests));
  put(m, "num_none_requests", uintValue(e.num_requests > timed ? e.num_requests - timed : 0));
  put(m, "num_failures", uintValue(e.num_failures));
  put(m, "total_response_time", Value(static_cast<double>(e.total_response_time_us) / 1000.0));
  put(m, "max_response_time", timed != 0 ? Value(static_cast<double>(h.max()) / 1000.0) : Value(0));
  put(m, "min_response_time", timed != 0 ? Value(static_cast<double>(h.min()) / 1000.0) : Value(Nil{}));
  put(m, "total_content_length", uintValue(e.total_content_length));
  put(m, "response_times", locustBucketsValue(h));
  put(m, "num_reqs_per_sec", perSecondValue(per_second.requests));
  put(m, "num_fail_per_sec", perSecondValue(per_second.failures));
  return Value(std::move(m));
}

Value exactEntryValue(const sdk::EntryStats& e, const PerSecondCounts& per_second) {
  return Value(Map{
      {Value("method"), Value(e.method)},
      {Value("name"), Value(e.name)},
      {Value("num_requests"), uintValue(e.num_requests)},
      {Value("num_failures"), uintValue(e.num_failures)},
      {Value("total_response_time_us"), uintValue(e.total_response_time_us)},
      {Value("total_content_length"), uintValue(e.total_content_length)},
      {Value("first_sample_time"), Value(e.first_sample_time)},
      {Value("last_sample_time"), Value(e.last_sample_time)},
      {Value("response_times"), bucketsValue(e.response_times)},
      {Value("min_response_time_us"), uintValue(e.response_times.min())},
      {Value("max_response_time_us"), uintValue(e.response_times.max())},
      {Value("intended_response_times"), bucketsValue(e.intended_response_times)},
      {Value("min_intended_us"), uintValue(e.intended_response_times.min())},
      {Value("max_intended_us"), uintValue(e.intended_response_times.max())},
      {Value("num_reqs_per_sec"), perSecondValue(per_second.requests)},
      {Value("num_fail_per_sec"), perSecondValue(per_second.failures)},
  });
}

// ---- reading ------------------------------------------------------------------------------------------------

std::string sub(std::string_view what, std::string_view key) {
  return std::string(what) + ": '" + std::string(key) + "'";
}

std::uint64_t uintField(const Value& map, std::string_view what, std::string_view key) {
  return map.at(key, what).asUint(sub(what, key));
}

double numberField(const Value& map, std::string_view what, std::string_view key) {
  const double d = map.at(key, what).asNumber(sub(what, key));
  if (!std::isfinite(d)) throw DecodeError(sub(what, key) + " is not a finite number");
  return d;
}

/// A map key or value that must be a whole number: an int, or a float holding one (Python's 150.0).
std::int64_t wholeNumber(const Value& v, const std::string& what) {
  if (v.isInt()) return v.asInt(what);
  const double d = v.asNumber(what);
  if (!std::isfinite(d) || std::fabs(d) > 9e15) throw DecodeError(what + " is not a usable number");
  return static_cast<std::int64_t>(std::nearbyint(d));
}

std::map<std::int64_t, std::uint64_t> perSecondField(const Value& map, std::string_view what, std::string_view key,
                                                     bool required) {
  std::map<std::int64_t, std::uint64_t> out;
  const Value* v = map.find(key);
  if (v == nullptr) {
    if (required) map.at(key, what);  // throws "missing key"
    return out;
  }
  const std::string name = sub(what, key);
  for (const auto& [k, n] : v->asMap(name)) out[wholeNumber(k, name + " key")] += n.asUint(name + " count");
  return out;
}

/// A histogram with exactly the given buckets, smallest value @p min_us and largest @p max_us (which must lie
/// in the first and the last bucket).
sdk::Histogram exactHistogram(const Value& buckets, std::uint64_t min_us, std::uint64_t max_us,
                              const std::string& what) {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> pairs;
  std::uint64_t total = 0;
  for (const Value& p : buckets.asArray(what)) {
    const Array& pair = p.asArray(what + " bucket");
    if (pair.size() != 2) throw DecodeError(what + ": a bucket is not an [index, count] pair");
    const std::uint64_t index = pair[0].asUint(what + " bucket index");
    const std::uint64_t count = pair[1].asUint(what + " bucket count");
    if (index >= stats::kBucketCount) {
      throw DecodeError(what + ": bucket index " + std::to_string(index) + " is out of range");
    }
    if (!pairs.empty() && index <= pairs.back().first) throw DecodeError(what + ": bucket indexes are not ascending");
    if (count == 0 || total + count < total) throw DecodeError(what + ": a bucket count is 0 or too large");
    total += count;
    pairs.emplace_back(static_cast<std::uint32_t>(index), count);
  }
  sdk::Histogram h;
  if (pairs.empty()) return h;
  if (sdk::Histogram::bucketIndex(min_us) != pairs.front().first ||
      sdk::Histogram::bucketIndex(max_us) != pairs.back().first || min_us > max_us) {
    throw DecodeError(what + ": min/max do not fall in the first/last bucket");
  }
  if (pairs.size() == 1) {
    if (total == 1 && min_us != max_us) throw DecodeError(what + ": one value but min differs from max");
    h.record(min_us, pairs[0].second - 1);
    h.record(max_us, 1);
    return h;
  }
  h.record(min_us, pairs.front().second);
  for (std::size_t i = 1; i + 1 < pairs.size(); ++i) {
    h.record(sdk::Histogram::bucketLowest(pairs[i].first), pairs[i].second);
  }
  h.record(max_us, pairs.back().second);
  return h;
}

/// The exact data of the "accurate" key into @p report; throws DecodeError when any part is malformed.
void readExact(const Value& extra, WorkerReport& report) {
  constexpr std::string_view kWhat = "stats: 'accurate'";
  if (uintField(extra, kWhat, "layout") != kExactLayout) throw DecodeError("stats: unknown 'accurate' layout");
  report.start_time = numberField(extra, kWhat, "start_time");
  const Array& entries = extra.at("entries", kWhat).asArray(sub(kWhat, "entries"));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Value& v = entries[i];
    const std::string what = std::string(kWhat) + " entry " + std::to_string(i);
    sdk::EntryStats e;
    e.method = v.at("method", what).asStr(sub(what, "method"));
    e.name = v.at("name", what).asStr(sub(what, "name"));
    e.num_requests = uintField(v, what, "num_requests");
    e.num_failures = uintField(v, what, "num_failures");
    e.total_response_time_us = uintField(v, what, "total_response_time_us");
    e.total_content_length = uintField(v, what, "total_content_length");
    e.first_sample_time = numberField(v, what, "first_sample_time");
    e.last_sample_time = numberField(v, what, "last_sample_time");
    e.response_times = exactHistogram(v.at("response_times", what), uintField(v, what, "min_response_time_us"),
                                      uintField(v, what, "max_response_time_us"), sub(what, "response_times"));
    e.intended_response_times =
        exactHistogram(v.at("intended_response_times", what), uintField(v, what, "min_intended_us"),
                       uintField(v, what, "max_intended_us"), sub(what, "intended_response_times"));
    PerSecondCounts ps;
    ps.requests = perSecondField(v, what, "num_reqs_per_sec", true);
    ps.failures = perSecondField(v, what, "num_fail_per_sec", true);
    report.delta.entries.push_back(std::move(e));
    report.per_second.push_back(std::move(ps));
  }
  for (const Value& v : extra.at("errors", kWhat).asArray(sub(kWhat, "errors"))) {
    const std::string what = std::string(kWhat) + " error";
    report.delta.errors.push_back({v.at("method", what).asStr(sub(what, "method")),
                                   v.at("name", what).asStr(sub(what, "name")),
                                   v.at("error", what).asStr(sub(what, "error")), uintField(v, what, "occurrences")});
  }
  for (const Value& v : extra.at("exceptions", kWhat).asArray(sub(kWhat, "exceptions"))) {
    const std::string what = std::string(kWhat) + " exception";
    report.delta.exceptions.push_back(
        {v.at("message", what).asStr(sub(what, "message")), uintField(v, what, "count")});
  }
  for (const Value& v : extra.at("counters", kWhat).asArray(sub(kWhat, "counters"))) {
    const std::string what = std::string(kWhat) + " counter";
    report.delta.counters.push_back({v.at("name", what).asStr(sub(what, "name")), uintField(v, what, "value")});
  }
}

/// A response time in ms from a Locust entry as µs (negative values count as 0).
std::uint64_t msToUs(double ms) {
  if (!(ms > 0)) return 0;
  return static_cast<std::uint64_t>(std::llround(std::min(ms, kMaxBucketMs) * 1000.0));
}

/// One Locust entry map converted to an EntryStats (and its per-second counts).
sdk::EntryStats readLocustEntry(const Value& v, const std::string& what, double start_time, PerSecondCounts& ps) {
  v.asMap(what);
  sdk::EntryStats e;
  e.name = v.at("name", what).asStr(sub(what, "name"));
  const Value& method = v.at("method", what);
  if (!method.isNil()) e.method = method.asStr(sub(what, "method"));
  e.num_requests = uintField(v, what, "num_requests");
  e.num_failures = uintField(v, what, "num_failures");
  const double total_ms = numberField(v, what, "total_response_time");
  if (total_ms < 0) throw DecodeError(sub(what, "total_response_time") + " is negative");
  e.total_response_time_us = msToUs(total_ms);
  if (const Value* len = v.find("total_content_length")) {
    e.total_content_length = len->asUint(sub(what, "total_content_length"));
  }

  // Buckets: key in ms (int, or a float such as 150.0 from 2.12.1) -> count; 140 and 140.0 are one bucket.
  std::map<std::int64_t, std::uint64_t> buckets;
  const std::string rt = sub(what, "response_times");
  for (const auto& [k, n] : v.at("response_times", what).asMap(rt)) {
    const std::int64_t key = wholeNumber(k, rt + " key");
    if (key < 0 || static_cast<double>(key) > kMaxBucketMs) {
      throw DecodeError(rt + ": bucket key " + std::to_string(key) + " is out of range");
    }
    buckets[key] += n.asUint(rt + " count");
  }
  // The entry's exact min and max: one sample of their buckets is put back at the exact value, and every other
  // bucket value is kept inside [min, max], so the histogram's min() and max() are the entry's.
  std::optional<double> min_ms;
  std::optional<double> max_ms;
  if (const Value* m = v.find("min_response_time"); m != nullptr && !m->isNil()) {
    min_ms = numberField(v, what, "min_response_time");
  }
  if (const Value* m = v.find("max_response_time"); m != nullptr && !m->isNil() && !buckets.empty()) {
    max_ms = numberField(v, what, "max_response_time");
  }
  if (min_ms && max_ms && *min_ms > *max_ms) {
    throw DecodeError(what + ": min_response_time is above max_response_time");
  }
  const std::optional<std::uint64_t> min_us = min_ms ? std::optional(msToUs(*min_ms)) : std::nullopt;
  const std::optional<std::uint64_t> max_us = max_ms ? std::optional(msToUs(*max_ms)) : std::nullopt;
  auto take = [&buckets](std::optional<double> ms) {
    if (!ms) return false;
    auto it = buckets.find(locustBucket(*ms));
    if (it == buckets.end() || it->second == 0) return false;
    --it->second;
    return true;
  };
  const bool min_taken = take(min_ms);
  const bool max_taken = take(max_ms);
  const std::uint64_t lo = min_us.value_or(0);
  const std::uint64_t hi = max_us.value_or(std::numeric_limits<std::uint64_t>::max());
  if (min_taken) e.response_times.record(*min_us);
  if (max_taken) e.response_times.record(*max_us);
  for (const auto& [key, count] : buckets) {
    e.response_times.record(std::clamp(static_cast<std::uint64_t>(key) * 1000, lo, std::max(lo, hi)), count);
  }

  ps.requests = perSecondField(v, what, "num_reqs_per_sec", false);
  ps.failures = perSecondField(v, what, "num_fail_per_sec", false);
  if (const Value* last = v.find("last_request_timestamp"); last != nullptr && !last->isNil()) {
    e.last_sample_time = numberField(v, what, "last_request_timestamp");
  }
  if (!ps.requests.empty()) {
    e.first_sample_time = std::max(start_time, static_cast<double>(ps.requests.begin()->first));
    if (e.last_sample_time != 0) e.first_sample_time = std::min(e.first_sample_time, e.last_sample_time);
  } else {
    e.first_sample_time = e.last_sample_time;
  }
  return e;
}

/// The Locust fields of a stats map into @p report.
void readLocust(const Value& data, WorkerReport& report) {
  const Value& total = data.at("stats_total", "stats");
  if (const Value* t = total.find("start_time"); t != nullptr && t->isNumber() && std::isfinite(t->asNumber())) {
    report.start_time = t->asNumber();
  }
  const Array& entries = data.at("stats", "stats").asArray("stats: 'stats'");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string what = "stats: stats[" + std::to_string(i) + "]";
    if (report.start_time == 0) {
      const Value* t = entries[i].find("start_time");
      if (t != nullptr && t->isNumber() && std::isfinite(t->asNumber())) report.start_time = t->asNumber();
    }
    PerSecondCounts ps;
    report.delta.entries.push_back(readLocustEntry(entries[i], what, report.start_time, ps));
    report.per_second.push_back(std::move(ps));
  }
  for (const auto& [key, v] : data.at("errors", "stats").asMap("stats: 'errors'")) {
    const std::string what = "stats: errors['" + (key.isStr() ? key.asStr() : std::string("?")) + "']";
    v.asMap(what);
    sdk::ErrorCount err;
    const Value& method = v.at("method", what);
    if (!method.isNil()) err.method = method.asStr(sub(what, "method"));
    err.name = v.at("name", what).asStr(sub(what, "name"));
    err.error = v.at("error", what).asStr(sub(what, "error"));
    err.occurrences = uintField(v, what, "occurrences");
    report.delta.errors.push_back(std::move(err));
  }
}

}  // namespace

std::int64_t locustBucket(double ms) {
  if (std::isnan(ms)) return 0;
  constexpr double kLimit = 4611686018427387904.0;  // 2^62: beyond it the result saturates
  if (ms >= kLimit) return std::numeric_limits<std::int64_t>::max();
  if (ms <= -kLimit) return std::numeric_limits<std::int64_t>::min();
  // Python's round(x) / round(x, -n): the multiple of p nearest to the exact binary value, ties to the even
  // multiple. x = f + frac with f = floor(x); every step below is exact in doubles (x < 2^62 is either an
  // integer or below 2^53, where frac and r + frac are exact).
  const std::int64_t p = ms < 100 ? 1 : ms < 1000 ? 10 : ms < 10000 ? 100 : 1000;
  const double f = std::floor(ms);
  const auto fi = static_cast<std::int64_t>(f);
  std::int64_t q = fi / p;
  std::int64_t r = fi % p;
  if (r < 0) {
    r += p;
    --q;
  }
  const double d = static_cast<double>(r) + (ms - f);  // distance above q * p, in [0, p)
  const double half = static_cast<double>(p) / 2.0;
  if (d > half || (d == half && (q % 2) != 0)) ++q;
  return q * p;
}

std::string pythonRepr(std::string_view text) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  out.reserve(text.size() + 2);
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    i += nextCodePoint(text, i, c);
    if (c == static_cast<char32_t>(quote) || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (printable(c)) {
      appendUtf8(out, c);
    } else {
      char buf[16];
      if (c < 0x100) {
        std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
      } else if (c < 0x10000) {
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
      }
      out += buf;
    }
  }
  out.push_back(quote);
  return out;
}

std::string locustErrorKey(std::string_view method, std::string_view name, std::string_view error) {
  std::string text;
  text.reserve(method.size() + name.size() + error.size() + 8);
  text.append(method).append(".").append(name).append(".").append(pythonRepr(error));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("locustErrorKey: OpenSSL SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

msgpack::Value statsReportValue(const WorkerReport& report, double now) {
  const auto& entries = report.delta.entries;
  Array locust_entries;
  Array exact_entries;
  locust_entries.reserve(entries.size());
  exact_entries.reserve(entries.size());
  sdk::EntryStats total;
  total.name = "Aggregated";
  PerSecondCounts total_per_second;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const PerSecondCounts ps = perSecondOf(report, i, now);
    locust_entries.push_back(locustEntryValue(entries[i], ps, report.start_time));
    exact_entries.push_back(exactEntryValue(entries[i], ps));
    total.merge(entries[i]);
    for (const auto& [s, n] : ps.requests) total_per_second.requests[s] += n;
    for (const auto& [s, n] : ps.failures) total_per_second.failures[s] += n;
  }

  // Locust's errors map: keyed by locustErrorKey. Only strings that differ in invalid UTF-8 bytes share a key
  // (a Python peer sees them as one error), so their occurrences are added up.
  std::vector<std::pair<std::string, sdk::ErrorCount>> keyed;
  std::map<std::string, std::size_t> key_index;
  Array exact_errors;
  for (const auto& err : report.delta.errors) {
    std::string key = locustErrorKey(err.method, err.name, err.error);
    if (auto it = key_index.find(key); it != key_index.end()) {
      keyed[it->second].second.occurrences += err.occurrences;
    } else {
      key_index.emplace(key, keyed.size());
      keyed.emplace_back(std::move(key), err);
    }
    exact_errors.push_back(Value(Map{{Value("method"), Value(err.method)},
                                     {Value("name"), Value(err.name)},
                                     {Value("error"), Value(err.error)},
                                     {Value("occurrences"), uintValue(err.occurrences)}}));
  }
  Map errors;
  for (auto& [key, err] : keyed) {
    errors.emplace_back(Value(std::move(key)), Value(Map{{Value("name"), Value(err.name)},
                                                         {Value("method"), Value(err.method)},
                                                         {Value("error"), Value(err.error)},
                                                         {Value("occurrences"), uintValue(err.occurrences)}}));
  }
  Array exceptions;
  for (const auto& ex : report.delta.exceptions) {
    exceptions.push_back(Value(Map{{Value("message"), Value(ex.message)}, {Value("count"), uintValue(ex.count)}}));
  }
  Array counters;
  for (const auto& c : report.delta.counters) {
    counters.push_back(Value(Map{{Value("name"), Value(c.name)}, {Value("value"), uintValue(c.value)}}));
  }
  std::uint64_t users = 0;
  for (const auto& [name, n] : report.user_classes_count) users += n;

  return Value(Map{
      {Value("stats"), Value(std::move(locust_entries))},
      {Value("stats_total"), locustEntryValue(total, total_per_second, report.start_time)},
      {Value("errors"), Value(std::move(errors))},
      {Value("user_classes_count"), classCountsValue(report.user_classes_count)},
      {Value("user_count"), uintValue(users)},
      {Value("accurate"), Value(Map{
                              {Value("layout"), uintValue(kExactLayout)},
                              {Value("start_time"), Value(report.start_time)},
                              {Value("entries"), Value(std::move(exact_entries))},
                              {Value("errors"), Value(std::move(exact_errors))},
                              {Value("exceptions"), Value(std::move(exceptions))},
                              {Value("counters"), Value(std::move(counters))},
                          })},
  });
}

WorkerReport parseStatsReport(const msgpack::Value& data) {
  data.asMap("stats: data");
  // The four keys a Python master needs must be there and well-formed whichever part is then used.
  data.at("stats", "stats").asArray("stats: 'stats'");
  data.at("stats_total", "stats").asMap("stats: 'stats_total'");
  data.at("errors", "stats").asMap("stats: 'errors'");
  WorkerReport report;
  report.user_classes_count = parseClassCounts(data.at("user_classes_count", "stats"), "stats: 'user_classes_count'");

  if (const Value* extra = data.find("accurate"); extra != nullptr && extra->isMap()) {
    WorkerReport exact;
    try {
      readExact(*extra, exact);
      exact.user_classes_count = std::move(report.user_classes_count);
      exact.exact = true;
      return exact;
    } catch (const DecodeError&) {
      // Malformed or unknown exact data: the Locust fields below still describe the report.
    }
  }
  readLocust(data, report);
  return report;
}

}  // namespace accurate::cluster
