#include "http/response_parser.hpp"

#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace accurate::http {

ResponseParser::ResponseParser(sdk::HttpResponse& out, bool keep_headers, bool keep_body)
    : out_(out), keep_headers_(keep_headers), keep_body_(keep_body) {
  header_limit(kMaxHeader);
  if (keep_body_) {
    body_limit(kMaxStoredBody);
  } else {
    body_limit(boost::none);
  }
  eager(true);
}

void ResponseParser::on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code& ec) {
  ec = boost::beast::http::error::bad_version;  // unreachable for a response parser
}

void ResponseParser::on_response_impl(int code, string_view, int, error_code&) {
  out_.status = static_cast<unsigned>(code);
}

void ResponseParser::on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code&) {
  if (keep_headers_) out_.headers.emplace_back(std::string(name), std::string(value));
}

void ResponseParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  if (keep_body_ && content_length) {
    out_.body.reserve(static_cast<std::size_t>(std::min(*content_length, kMaxStoredBody)));
  }
}

std::size_t ResponseParser::on_body_impl(string_view body, error_code&) {
  out_.content_length += body.size();
  if (keep_body_) out_.body.append(body.data(), body.size());
  return body.size();
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  out_.content_length += body.size();
  if (keep_body_) out_.body.append(body.data(), body.size());
  return body.size();
}

}  // namespace accurate::http
