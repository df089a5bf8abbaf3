#pragma once
// A sdk::StatsRecorder for plugin unit tests that keeps every sample, exception and counter, with lookups.
// Threading: single-threaded, like a shard's recorder.

#include <accurate/sdk/stats.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::test {

/// One recorded sample (owning copies of the views).
struct RecordedSample {
  std::string method;                 ///< sample method
  std::string name;                   ///< sample name
  std::uint64_t response_time_us = 0; ///< response time in µs
  std::uint64_t content_length = 0;   ///< body bytes
  std::string error;                  ///< "" for a success
};

/// A StatsRecorder that keeps everything.
class FakeRecorder final : public sdk::StatsRecorder {
 public:
  void record(const sdk::Sample& sample) override {
    samples.push_back({std::string(sample.method), std::string(sample.name), sample.response_time_us,
                       sample.content_length, std::string(sample.error)});
  }
  void recordException(std::string_view message) override { exceptions.emplace_back(message); }
  void count(std::string_view counter, std::uint64_t n) override { counters[std::string(counter)] += n; }

  /// Samples of entry (@p method, @p name), in order.
  std::vector<RecordedSample> named(std::string_view method, std::string_view name) const {
    std::vector<RecordedSample> out;
    for (const auto& s : samples) {
      if (s.method == method && s.name == name) out.push_back(s);
    }
    return out;
  }
  /// Number of failed samples.
  std::size_t failures() const {
    return static_cast<std::size_t>(
        std::count_if(samples.begin(), samples.end(), [](const RecordedSample& s) { return !s.error.empty(); }));
  }
  /// Value of counter @p name (0 when never counted).
  std::uint64_t counter(std::string_view name) const {
    const auto found = counters.find(std::string(name));
    return found == counters.end() ? 0 : found->second;
  }

  std::vector<RecordedSample> samples;                 ///< every sample, in order
  std::vector<std::string> exceptions;                 ///< every recorded exception message
  std::map<std::string, std::uint64_t> counters;       ///< counters by name
};

}  // namespace accurate::test
