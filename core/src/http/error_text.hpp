#pragma once
/// @file error_text.hpp
/// One-line failure reasons for transport, TLS and parse errors, as recorded in stats and HttpResponse.error.

#include <boost/system/error_code.hpp>

#include <string>

namespace accurate::http {

/// Reason for a socket or TLS stream error while connecting, writing or reading, e.g. "connection refused",
/// "connection reset by peer", "connection closed before complete response".
std::string transportErrorText(const boost::system::error_code& ec);

/// True for errors that mean the peer closed or reset the connection (candidates for a transparent retry on a
/// reused keep-alive connection).
bool isPeerClosed(const boost::system::error_code& ec) noexcept;

}  // namespace accurate::http
