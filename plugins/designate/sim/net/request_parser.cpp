#include "net/request_parser.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>

namespace accurate::designate_sim {
namespace {

/// A request body kept in a reused SimRequest beyond this capacity is released between requests (bytes).
constexpr std::size_t kKeptBodyCapacity = 64 * 1024;

}  // namespace

RequestParser::RequestParser(SimRequest& out, std::uint32_t header_limit, std::uint64_t body_limit) : out_(out) {
  this->header_limit(header_limit);
  this->body_limit(body_limit);
  eager(true);
}

void RequestParser::on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                                    error_code&) {
  out_.method.assign(method.data(), method.size());
  out_.target.assign(target.data(), target.size());
  version_ = version;
  if (out_.body.capacity() > kKeptBodyCapacity) {
    std::string().swap(out_.body);
  } else {
    out_.body.clear();
  }
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = boost::beast::http::error::bad_method;  // unreachable for a request parser
}

void RequestParser::on_field_impl(boost::beast::http::field field, string_view name, string_view value,
                                  error_code&) {
  if (fields_ < out_.headers.size()) {
    auto& slot = out_.headers[fields_];
    slot.first.assign(name.data(), name.size());
    slot.second.assign(value.data(), value.size());
  } else {
    out_.headers.emplace_back(std::string(name), std::string(value));
  }
  ++fields_;
  if (field == boost::beast::http::field::expect && boost::beast::iequals(value, "100-continue")) {
    expect_continue_ = true;
  }
}

void RequestParser::on_header_impl(error_code&) {
  out_.headers.erase(out_.headers.begin() + static_cast<std::ptrdiff_t>(fields_), out_.headers.end());
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  // The limit was checked by basic_parser before this call, so the reservation is bounded.
  if (content_length) out_.body.reserve(static_cast<std::size_t>(*content_length));
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  out_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  out_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace accurate::designate_sim
