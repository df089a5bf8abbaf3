// Designate list pages and the pagination walker (see pager.hpp).
#include "pager.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

namespace accurate::designate {

std::string targetOf(std::string_view url) {
  std::size_t scheme_end = std::string_view::npos;
  if (url.starts_with("http://")) {
    scheme_end = 7;
  } else if (url.starts_with("https://")) {
    scheme_end = 8;
  }
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t path = url.find_first_of("/?#", scheme_end);
  if (path == std::string_view::npos) return "/";
  std::string_view rest = url.substr(path);
  if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  if (rest.empty() || rest.front() != '/') return "/" + std::string(rest);
  return std::string(rest);
}

Page parsePage(std::string_view body, std::string_view key) {
  boost::system::error_code ec;
  boost::json::value root = boost::json::parse(body, ec);
  if (ec) throw sdk::Error(fmt::format("list page: invalid JSON ({})", ec.message()));
  if (!root.is_object()) throw sdk::Error("list page: expected a JSON object");
  boost::json::object& fields = root.get_object();
  boost::json::value* list = fields.if_contains(key);
  if (list == nullptr) throw sdk::Error(fmt::format("list page: no \"{}\" list", key));
  if (!list->is_array()) throw sdk::Error(fmt::format("list page: \"{}\" is not an array", key));
  Page page;
  boost::json::array& items = list->get_array();
  page.items.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object()) throw sdk::Error(fmt::format("list page: {}[{}] is not an object", key, i));
    page.items.push_back(std::move(items[i].get_object()));
  }
  if (const auto* links = fields.if_contains("links"); links != nullptr && links->is_object()) {
    if (const auto* next = links->get_object().if_contains("next"); next != nullptr && next->is_string() &&
                                                                     !next->get_string().empty()) {
      page.next = targetOf(next->get_string());
    }
  }
  if (const auto* metadata = fields.if_contains("metadata"); metadata != nullptr && metadata->is_object()) {
    if (const auto* total = metadata->get_object().if_contains("total_count")) {
      if (total->is_uint64()) {
        page.total_count = total->get_uint64();
      } else if (total->is_int64() && total->get_int64() >= 0) {
        page.total_count = static_cast<std::uint64_t>(total->get_int64());
      }
    }
  }
  return page;
}

PageWalker::PageWalker(std::string first_target, std::string key, std::size_t max_pages)
    : next_(std::move(first_target)), key_(std::move(key)), max_pages_(max_pages) {
  if (max_pages_ == 0) next_.reset();
}

std::vector<boost::json::object> PageWalker::onPage(std::string_view body) {
  if (!next_) throw sdk::Error("list page: the walk is already over");
  Page page = parsePage(body, key_);  // may throw: the state stays as it was
  ++pages_;
  fetched_.insert(*next_);
  if (page.items.empty() || !page.next || fetched_.contains(*page.next) || pages_ >= max_pages_) {
    next_.reset();
  } else {
    next_ = std::move(page.next);
  }
  return std::move(page.items);
}

}  // namespace accurate::designate
