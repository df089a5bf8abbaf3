#include "responses.hpp"

#include "api_json.hpp"

#include <boost/json/serialize.hpp>

namespace accurate::web {

void replaceHeader(httplib::Response& response, const std::string& name, const std::string& value) {
  response.headers.erase(name);
  response.set_header(name, value);
}

void sendJson(httplib::Response& response, const boost::json::value& value, int status) {
  response.status = status;
  response.set_content(boost::json::serialize(value), kJsonType);
}

void sendError(httplib::Response& response, int status, std::string_view message) {
  sendJson(response, errorJson(message), status);
}

void sendDownload(httplib::Response& response, std::string body, const char* content_type,
                  const std::string& filename) {
  response.status = 200;
  response.set_content(std::move(body), content_type);
  replaceHeader(response, "Content-Disposition", "attachment; filename=\"" + filename + "\"");
}

std::string defaultErrorMessage(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "authentication required";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 411: return "Content-Length required";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 416: return "range not satisfiable";
    case 429: return "too many requests; retry later";
    case 500: return "internal error";
    default: return "HTTP " + std::to_string(status);
  }
}

}  // namespace accurate::web
