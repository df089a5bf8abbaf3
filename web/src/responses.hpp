#pragma once
/// @file responses.hpp
/// Small helpers that fill an httplib::Response: JSON, errors, downloads, header replacement.

#include <boost/json/value.hpp>

#include <httplib.h>

#include <string>
#include <string_view>

namespace accurate::web {

/// Content type of every JSON answer.
inline constexpr const char* kJsonType = "application/json";

/// Replaces every header @p name of @p response by one with @p value.
void replaceHeader(httplib::Response& response, const std::string& name, const std::string& value);

/// Answers @p value serialized as JSON with @p status.
void sendJson(httplib::Response& response, const boost::json::value& value, int status = 200);

/// Answers {"success": false, "message": @p message} with @p status.
void sendError(httplib::Response& response, int status, std::string_view message);

/// Answers @p body as a download named @p filename (Content-Disposition: attachment).
void sendDownload(httplib::Response& response, std::string body, const char* content_type,
                  const std::string& filename);

/// The one-line message of the JSON body httplib's own error answers get (413, 400, 404, ...).
std::string defaultErrorMessage(int status);

}  // namespace accurate::web
