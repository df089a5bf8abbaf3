/// @file entry_stats.cpp
/// sdk::EntryStats: derived figures and merging.

#include <accurate/sdk/stats.hpp>

#include <algorithm>

namespace accurate::sdk {

double EntryStats::avgResponseTimeMs() const noexcept {
  if (num_requests == 0) return 0;
  return static_cast<double>(total_response_time_us) / static_cast<double>(num_requests) / 1000.0;
}

double EntryStats::percentileMs(double q) const {
  return static_cast<double>(response_times.valueAtQuantile(q)) / 1000.0;
}

double EntryStats::avgContentLength() const noexcept {
  if (num_requests == 0) return 0;
  return static_cast<double>(total_content_length) / static_cast<double>(num_requests);
}

void EntryStats::merge(const EntryStats& other) {
  num_requests += other.num_requests;
  num_failures += other.num_failures;
  total_response_time_us += other.total_response_time_us;
  total_content_length += other.total_content_length;
  response_times.merge(other.response_times);
  intended_response_times.merge(other.intended_response_times);
  if (other.first_sample_time != 0) {
    first_sample_time =
        first_sample_time == 0 ? other.first_sample_time : std::min(first_sample_time, other.first_sample_time);
  }
  last_sample_time = std::max(last_sample_time, other.last_sample_time);
}

}  // namespace accurate::sdk
