#pragma once
/// @file list_query.hpp
/// Designate's list semantics: limit/marker/sort_key/sort_dir/filters parsing with its errors, and paging over
/// the ordered indexes. Default order (created_at, id) and id order walk an index from the marker, so a page
/// costs O(log n + limit) without filters; other sort keys and filtered totals scan the scope.

#include "api_error.hpp"
#include "json_writer.hpp"
#include "model.hpp"
#include "request.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace accurate::designate_sim {

/// Designate's default page size (default_limit_v2).
inline constexpr std::int64_t kDefaultLimit = 20;
/// What limit=max means (max_limit_v2).
inline constexpr std::int64_t kMaxLimit = 1000;

/// The paging parameters and filters of a list request.
struct ListParams {
  std::int64_t limit = kDefaultLimit;                        ///< page size (>= 1)
  std::optional<Uuid> marker;                                ///< start after this item
  std::string sort_key = "created_at";                       ///< validated sort key
  bool desc = false;                                         ///< sort_dir=desc
  std::vector<std::pair<std::string, std::string>> filters;  ///< remaining query parameters (validated names)
  /// The value of filter @p key, or null.
  const std::string* filter(std::string_view key) const {
    for (const auto& [k, v] : filters) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

/// Reads the list parameters of @p ctx: limit ("max" → 1000; not a positive integer → 400 invalid_limit),
/// marker (not a UUID → 400 invalid_marker), sort_key (not in @p sort_keys → 400 invalid_sort_key; tenant_id
/// without all-projects is ignored), sort_dir (400 invalid_sort_dir), filters (not in @p filter_keys → 400
/// bad_request "Invalid filters ..."). Throws ApiError.
ListParams parseListParams(const RequestContext& ctx, std::initializer_list<std::string_view> sort_keys,
                           std::initializer_list<std::string_view> filter_keys);

/// 400 marker_not_found "Marker None could not be found".
ApiError markerNotFound();

/// A sort value: numbers compare first, then text (lower case for names).
struct SortValue {
  std::int64_t number = 0;  ///< numeric keys (times, ttl, serial); null times are -1
  std::string text;         ///< text keys
  friend auto operator<=>(const SortValue&, const SortValue&) = default;
};

/// One page and the total count of matching items.
template <class T>
struct Page {
  std::vector<const T*> items;  ///< the page, in order
  std::size_t total = 0;        ///< metadata.total_count
};

/// Pages over @p index in created_at or id order (params.sort_key must be one of them), keeping the items that
/// satisfy @p match. @p marker is the marker item (null when none). @p filtered says whether @p match can reject
/// anything (otherwise the total is the index size).
template <class T, class Match>
Page<T> pageIndex(const OrderedIndex<T>& index, const ListParams& params, const T* marker, Match&& match,
                  bool filtered) {
  Page<T> page;
  const auto limit = static_cast<std::size_t>(std::min<std::int64_t>(params.limit, 1 << 20));
  page.items.reserve(std::min<std::size_t>(limit, 64));
  const auto walk = [&](const auto& map, const auto* after) {
    if (!params.desc) {
      auto it = after != nullptr ? map.upper_bound(*after) : map.begin();
      for (; it != map.end() && page.items.size() < limit; ++it) {
        if (match(*it->second)) page.items.push_back(it->second);
      }
    } else {
      auto it = after != nullptr ? std::make_reverse_iterator(map.lower_bound(*after)) : map.rbegin();
      for (; it != map.rend() && page.items.size() < limit; ++it) {
        if (match(*it->second)) page.items.push_back(it->second);
      }
    }
  };
  if (params.sort_key == "id") {
    walk(index.by_id, marker != nullptr ? &marker->id : nullptr);
  } else {
    const CreatedKey key = marker != nullptr ? CreatedKey{marker->created_at, marker->id} : CreatedKey{};
    walk(index.by_created, marker != nullptr ? &key : nullptr);
  }
  if (!filtered) {
    page.total = index.size();
  } else {
    for (const auto& [id, item] : index.by_id) page.total += match(*item) ? 1 : 0;
  }
  return page;
}

/// Pages over @p matching (every item that satisfies the filters) sorted by @p value_of(item) then id in the
/// requested direction, starting after @p marker (which need not match).
template <class T, class ValueOf>
Page<T> pageSorted(const std::vector<const T*>& matching, const ListParams& params, const T* marker,
                   ValueOf&& value_of) {
  using Entry = std::pair<SortValue, const T*>;
  std::vector<Entry> entries;
  entries.reserve(matching.size());
  for (const T* item : matching) entries.emplace_back(value_of(*item), item);
  const auto less = [desc = params.desc](const Entry& a, const Entry& b) {
    if (a.first != b.first) return desc ? b.first < a.first : a.first < b.first;
    return desc ? b.second->id < a.second->id : a.second->id < b.second->id;
  };
  std::sort(entries.begin(), entries.end(), less);
  auto it = entries.begin();
  if (marker != nullptr) it = std::upper_bound(entries.begin(), entries.end(), Entry{value_of(*marker), marker}, less);
  Page<T> page;
  page.total = entries.size();
  for (; it != entries.end() && static_cast<std::int64_t>(page.items.size()) < params.limit; ++it) {
    page.items.push_back(it->second);
  }
  return page;
}

/// Writes `"links": {"self": ..., "next": ...}` (next iff the page is full) and, unless @p hide_counts,
/// `"metadata": {"total_count": N}` (else `"metadata": {}`).
template <class T>
void writeListTail(JsonWriter& w, const RequestContext& ctx, const ListParams& params, const Page<T>& page,
                   bool hide_counts) {
  w.key("links").beginObject().key("self").value(ctx.collectionLink(std::nullopt));
  if (!page.items.empty() && static_cast<std::int64_t>(page.items.size()) == params.limit) {
    w.key("next").value(ctx.collectionLink(page.items.back()->id.str()));
  }
  w.endObject();
  w.key("metadata").beginObject();
  if (!hide_counts) w.key("total_count").value(static_cast<std::int64_t>(page.total));
  w.endObject();
}

}  // namespace accurate::designate_sim
