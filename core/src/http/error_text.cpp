#include "http/error_text.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace accurate::http {

namespace asio_error = boost::asio::error;

std::string transportErrorText(const boost::system::error_code& ec) {
  if (ec == asio_error::connection_refused) return "connection refused";
  if (ec == asio_error::connection_reset) return "connection reset by peer";
  if (ec == asio_error::connection_aborted) return "connection aborted";
  if (ec == asio_error::broken_pipe) return "connection closed by peer (broken pipe)";
  if (ec == asio_error::eof || ec == boost::asio::ssl::error::stream_truncated) {
    return "connection closed before complete response";
  }
  if (ec == asio_error::host_unreachable) return "host unreachable";
  if (ec == asio_error::network_unreachable) return "network unreachable";
  if (ec == asio_error::timed_out) return "connection timed out (by the kernel)";
  if (ec.category() == boost::asio::error::get_ssl_category()) return "TLS error: " + ec.message();
  std::string text = ec.message();
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

bool isPeerClosed(const boost::system::error_code& ec) noexcept {
  return ec == asio_error::eof || ec == asio_error::connection_reset || ec == asio_error::broken_pipe ||
         ec == asio_error::connection_aborted || ec == boost::asio::ssl::error::stream_truncated;
}

}  // namespace accurate::http
