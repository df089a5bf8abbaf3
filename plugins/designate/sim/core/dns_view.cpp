#include "dns_view.hpp"

#include "text_util.hpp"

#include <algorithm>

namespace accurate::designate_sim {

namespace {

constexpr std::uint16_t kTypeCname = 5;
constexpr std::uint16_t kTypeAny = 255;

/// The records of @p content owned by @p name (content.records is sorted by name).
std::pair<std::vector<DnsRecord>::const_iterator, std::vector<DnsRecord>::const_iterator> recordsAt(
    const DnsZoneContent& content, std::string_view name) {
  const auto lo = std::lower_bound(content.records.begin(), content.records.end(), name,
                                   [](const DnsRecord& r, std::string_view n) { return r.name < n; });
  auto hi = lo;
  while (hi != content.records.end() && hi->name == name) ++hi;
  return {lo, hi};
}

/// Whether some record is owned by a name below @p name (an empty non-terminal otherwise).
bool hasDescendant(const DnsZoneContent& content, std::string_view name) {
  for (const DnsRecord& r : content.records) {
    if (r.name.size() > name.size() && r.name.compare(r.name.size() - name.size(), name.size(), name) == 0 &&
        r.name[r.name.size() - name.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

/// @p name without its first label ("." stays ".").
std::string_view parentOf(std::string_view name) {
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return ".";
  return name.substr(dot + 1);
}

}  // namespace

std::uint16_t dnsTypeNumber(std::string_view type) noexcept {
  struct Entry {
    std::string_view name;
    std::uint16_t number;
  };
  static constexpr Entry kTypes[] = {{"A", 1},     {"NS", 2},     {"CNAME", 5}, {"SOA", 6},    {"PTR", 12},
                                     {"MX", 15},   {"TXT", 16},   {"AAAA", 28}, {"SRV", 33},   {"NAPTR", 35},
                                     {"CERT", 37}, {"SSHFP", 44}, {"SPF", 99},  {"CAA", 257}};
  for (const Entry& entry : kTypes) {
    if (entry.name == type) return entry.number;
  }
  return 0;
}

void DnsView::publish(const std::string& apex, std::shared_ptr<const DnsZoneContent> content, TimePoint visible_at) {
  auto& versions = zones_[apex];
  if (!content && versions.empty()) {
    zones_.erase(apex);  // removing a zone that was never published: nothing to serve
    return;
  }
  versions.push_back(Version{visible_at, std::move(content)});
  prune_queue_.emplace_back(visible_at, apex);
}

void DnsView::prune(TimePoint now) {
  while (!prune_queue_.empty() && prune_queue_.front().first <= now) {
    const std::string apex = std::move(prune_queue_.front().second);
    prune_queue_.pop_front();
    const auto it = zones_.find(apex);
    if (it == zones_.end()) continue;
    auto& versions = it->second;
    // Keep the newest version visible at `now` and everything after it.
    std::size_t newest_visible = 0;
    bool any_visible = false;
    for (std::size_t i = 0; i < versions.size(); ++i) {
      if (versions[i].visible_at <= now) {
        newest_visible = i;
        any_visible = true;
      }
    }
    if (!any_visible) continue;
    versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(newest_visible));
    if (versions.size() == 1 && !versions.front().content) zones_.erase(it);
  }
}

std::size_t DnsView::versionCount() const noexcept {
  std::size_t count = 0;
  for (const auto& [apex, versions] : zones_) count += versions.size();
  return count;
}

DnsAnswer DnsView::lookup(std::string_view qname, std::uint16_t qtype, TimePoint now) {
  prune(now);
  std::string name = toLower(qname);
  if (name.empty() || name.back() != '.') name.push_back('.');
  std::string_view candidate = name;
  std::string key;
  while (true) {
    key.assign(candidate);
    const auto it = zones_.find(key);
    if (it != zones_.end()) {
      const auto& versions = it->second;
      for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
        if (v->visible_at > now) continue;
        if (v->content) return answer(*v->content, name, qtype);
        break;  // the newest visible version is the removal
      }
    }
    if (candidate == ".") break;
    candidate = parentOf(candidate);
  }
  return DnsAnswer{};  // REFUSED, not authoritative
}

DnsAnswer DnsView::answer(const DnsZoneContent& content, const std::string& qname, std::uint16_t qtype) {
  DnsAnswer result;
  result.rcode = DnsAnswer::Rcode::kNoError;
  result.authoritative = true;
  DnsRecord negative_soa = content.soa;
  negative_soa.ttl = content.negative_ttl;

  // Answers from the records at `owner`, renamed to qname (for wildcards); false when the name has no records.
  const auto answerFrom = [&](std::string_view owner) {
    const auto [lo, hi] = recordsAt(content, owner);
    if (lo == hi) return false;
    for (auto r = lo; r != hi; ++r) {
      if (qtype == kTypeAny || r->type == qtype) result.answers.push_back(*r);
    }
    if (result.answers.empty() && qtype != kTypeCname) {
      for (auto r = lo; r != hi; ++r) {
        if (r->type == kTypeCname) result.answers.push_back(*r);
      }
    }
    for (DnsRecord& r : result.answers) r.name = qname;
    if (result.answers.empty()) result.authority.push_back(negative_soa);
    return true;
  };

  if (answerFrom(qname)) return result;
  if (hasDescendant(content, qname)) {
    result.authority.push_back(negative_soa);  // empty non-terminal: no data
    return result;
  }
  // Wildcard at the closest encloser (the nearest ancestor that exists; the apex always does).
  std::string_view encloser = parentOf(qname);
  while (encloser.size() > content.apex.size()) {
    if (recordsAt(content, encloser).first != recordsAt(content, encloser).second ||
        hasDescendant(content, encloser)) {
      break;
    }
    encloser = parentOf(encloser);
  }
  if (encloser.size() >= content.apex.size()) {
    const std::string wildcard = "*." + std::string(encloser);
    if (wildcard != qname && answerFrom(wildcard)) return result;
  }
  result.rcode = DnsAnswer::Rcode::kNxDomain;
  result.authority.push_back(negative_soa);
  return result;
}

}  // namespace accurate::designate_sim
