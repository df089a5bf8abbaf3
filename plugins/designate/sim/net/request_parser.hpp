#pragma once
/// @file request_parser.hpp
/// An HTTP/1.1 request parser that fills a SimRequest directly (no Beast fields container). The SimRequest is
/// reused across the requests of a connection: header strings are assigned in place, so a client sending the
/// same headers again causes no allocations.

#include "core/simulator.hpp"

// GCC 12 at -O2 with sanitizers reports a false -Wmaybe-uninitialized inside Beast's basic_parser (see
// core/src/http/response_parser.hpp); the pragma covers the parser's own header only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/basic_parser.hpp>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>

namespace accurate::designate_sim {

/// Parses one request into a SimRequest. One parser per request (Beast parsers are single-use).
/// Threading: one coroutine at a time.
class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  /// Parses into @p out (must outlive the parser); rejects headers over @p header_limit bytes (header_limit
  /// error) and bodies over @p body_limit bytes (body_limit error).
  RequestParser(SimRequest& out, std::uint32_t header_limit, std::uint64_t body_limit);

  /// True when the request carried `Expect: 100-continue`.
  bool expectsContinue() const noexcept { return expect_continue_; }
  /// HTTP minor version of the request line (10 = HTTP/1.0, 11 = HTTP/1.1).
  int version() const noexcept { return version_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                       error_code&) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field field, string_view name, string_view value, error_code&) override;
  void on_header_impl(error_code&) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  SimRequest& out_;               ///< where method, target, headers and body go
  std::size_t fields_ = 0;        ///< header fields stored so far
  int version_ = 11;              ///< HTTP version of the request line (major * 10 + minor)
  bool expect_continue_ = false;  ///< `Expect: 100-continue` seen
};

}  // namespace accurate::designate_sim
