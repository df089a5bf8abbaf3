#pragma once
/// @file response_parser.hpp
/// An HTTP/1.1 response parser that stores only what the request asked for: the status always, the headers
/// only when kept, the body only when kept (its length is always counted). Chunked bodies are de-chunked by
/// Beast's parser.

#include <accurate/sdk/http.hpp>

// GCC 12 at -O2 with -fsanitize=address,undefined reports a false -Wmaybe-uninitialized inside Beast's
// basic_parser (the boost::optional<std::uint64_t> of content_length_unchecked, inlined into put()), which
// -Werror turns into a failed sanitizer build. The pragma covers the parser's own code only: it applies to
// locations inside the header, wherever the parser is instantiated.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/basic_parser.hpp>
#pragma GCC diagnostic pop

#include <cstdint>

namespace accurate::http {

/// Parses one response into an sdk::HttpResponse. Threading: one coroutine at a time.
class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  /// Largest body stored when keep_body is set (bytes); larger bodies fail with body_limit.
  static constexpr std::uint64_t kMaxStoredBody = 256ull << 20;
  /// Largest response header accepted (bytes).
  static constexpr std::uint32_t kMaxHeader = 64u << 10;

  /// Parses into @p out, which must outlive the parser. Stores headers only when @p keep_headers, the body
  /// only when @p keep_body; out.content_length counts body bytes in every case.
  ResponseParser(sdk::HttpResponse& out, bool keep_headers, bool keep_body);

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override;
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code&) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) override;
  std::size_t on_body_impl(string_view body, error_code&) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
  void on_finish_impl(error_code&) override {}

  sdk::HttpResponse& out_;  ///< where status, headers, body and length go
  bool keep_headers_;       ///< store header fields
  bool keep_body_;          ///< store body bytes
};

}  // namespace accurate::http
