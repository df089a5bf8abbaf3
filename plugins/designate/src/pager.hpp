#pragma once
/// @file pager.hpp
/// Walking Designate's paginated lists (zones, recordsets, imports, exports) without sockets: the walker says
/// which target to fetch next and consumes each page's body.

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace accurate::designate {

/// Path and query of @p url ("http://h:1/v2/zones?marker=x" → "/v2/zones?marker=x"); a relative target is
/// returned unchanged. Used to follow links.next through the configured endpoint even when Designate names
/// another host (proxies, Host header).
std::string targetOf(std::string_view url);

/// One parsed page.
struct Page {
  std::vector<boost::json::object> items;  ///< the objects under the list key, in order
  std::optional<std::string> next;         ///< links.next made relative (targetOf), when present
  std::optional<std::uint64_t> total_count;///< metadata.total_count when present
};

/// Parses a list page whose items are under @p key ("zones", "recordsets", ...).
/// @throws sdk::Error "list page: <reason>" on invalid JSON or a missing/non-array @p key.
Page parsePage(std::string_view body, std::string_view key);

/// The pagination state machine: start at a first target, follow links.next, stop on a missing next, an empty
/// page, a next that repeats an already fetched target (loop guard) or after @p max_pages pages.
/// Threading: one owner.
class PageWalker {
 public:
  /// @p first_target e.g. "/v2/zones?sort_key=id&limit=100"; @p key the list key.
  PageWalker(std::string first_target, std::string key, std::size_t max_pages = 100000);
  /// The target to fetch next; nullopt when the walk is over.
  const std::optional<std::string>& nextTarget() const noexcept { return next_; }
  /// Consumes the body fetched from nextTarget() and returns its items (parsePage errors propagate and leave
  /// the walker where it was, so the caller may retry the same target).
  std::vector<boost::json::object> onPage(std::string_view body);
  /// Pages consumed so far.
  std::size_t pages() const noexcept { return pages_; }

 private:
  std::optional<std::string> next_;   ///< next target to fetch
  std::string key_;                   ///< list key
  std::size_t max_pages_;             ///< hard cap on pages
  std::size_t pages_ = 0;             ///< pages consumed
  std::unordered_set<std::string> fetched_;  ///< targets already consumed (loop guard)
};

}  // namespace accurate::designate
