#include "metric_names.hpp"

namespace accurate::graphite {
namespace {

bool allowed(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

std::string sanitizeSegment(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const char kept = allowed(c) ? c : '_';
    if (kept == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(kept);
  }
  if (out.empty()) out = "_";
  return out;
}

std::string sanitizePrefix(std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = prefix.find('.', start);
    if (!out.empty()) out.push_back('.');
    out += sanitizeSegment(prefix.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string compatEntryName(std::string_view method, std::string_view name) {
  std::string joined(method);
  for (char c : name) joined.push_back(c == '/' ? '-' : c == ' ' ? '_' : c);
  return "locust." + sanitizeSegment(joined);
}

}  // namespace accurate::graphite
