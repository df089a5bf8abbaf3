#include "request.hpp"

#include "json_writer.hpp"
#include "text_util.hpp"

#include <boost/json/error.hpp>
#include <boost/json/stream_parser.hpp>

#include <algorithm>

namespace accurate::designate_sim {

namespace {

/// Query parameters Designate's middleware consumes before the controllers (and so never echoes in links).
bool isMiddlewareParam(std::string_view key) {
  return key == "all_projects" || key == "all_tenants" || key == "edit_managed_records";
}

/// Python's json error location suffix for offset @p pos of @p text: ": line L column C (char N)".
std::string jsonLocation(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return ": line " + std::to_string(line) + " column " + std::to_string(pos - line_start + 1) + " (char " +
         std::to_string(pos) + ")";
}

}  // namespace

const std::string* RequestContext::param(std::string_view key) const {
  const std::string* found = nullptr;
  for (const auto& [k, v] : query) {
    if (k == key) found = &v;
  }
  return found;
}

std::string RequestContext::collectionLink(const std::optional<std::string>& marker) const {
  std::string link = base_url + path;
  std::string encoded;
  for (const auto& [k, v] : query) {
    if (marker && k == "marker") continue;
    if (!encoded.empty()) encoded.push_back('&');
    encoded += quotePlus(k);
    encoded.push_back('=');
    encoded += quotePlus(v);
  }
  if (marker) {
    if (!encoded.empty()) encoded.push_back('&');
    encoded += "marker=" + quotePlus(*marker);
  }
  if (!encoded.empty()) link += "?" + encoded;
  return link;
}

void parseRequest(const SimRequest& request, RequestContext& ctx) {
  ctx.method = request.method;
  std::string_view target = request.target;
  // Absolute-form targets: drop "http://authority".
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const std::size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  ctx.path = std::string(path == "/" ? std::string_view() : path);
  for (const std::string_view segment : split(path, '/')) {
    if (!segment.empty()) ctx.segments.push_back(urlDecode(segment, false));
  }
  if (!query.empty()) {
    for (const std::string_view piece : split(query, '&')) {
      if (piece.empty()) continue;
      const std::size_t eq = piece.find('=');
      std::string key = urlDecode(piece.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? std::string() : urlDecode(piece.substr(eq + 1), true);
      if (isMiddlewareParam(key)) {
        if (key != "edit_managed_records") ctx.all_projects_header = ctx.all_projects_header || boolFromString(value);
        if (key == "edit_managed_records") ctx.edit_managed = ctx.edit_managed || boolFromString(value);
        continue;
      }
      ctx.query.emplace_back(std::move(key), std::move(value));
    }
  }
  ctx.body = request.body;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "Host")) {
      ctx.host = value;
    } else if (iequals(name, "Content-Type")) {
      ctx.content_type = value;
    } else if (iequals(name, "Accept")) {
      ctx.accept = value;
    } else if (iequals(name, "X-Auth-Token")) {
      ctx.token = value;
    } else if (iequals(name, "X-Auth-Project-ID")) {
      ctx.header_project = value;
    } else if (iequals(name, "X-Roles")) {
      ctx.roles = value;
    } else if (iequals(name, "X-Auth-Sudo-Project-ID") || iequals(name, "X-Auth-Sudo-Tenant-ID")) {
      ctx.sudo_project = value;
    } else if (iequals(name, "X-Auth-All-Projects")) {
      ctx.all_projects_header = ctx.all_projects_header || boolFromString(value);
    } else if (iequals(name, "X-Designate-Edit-Managed-Records")) {
      ctx.edit_managed = ctx.edit_managed || boolFromString(value);
    } else if (iequals(name, "OpenStack-DNS-Hide-Counts")) {
      ctx.hide_counts = boolFromString(value);
    }
  }
  if (ctx.host.empty()) ctx.host = "localhost";
  ctx.base_url = "http://" + ctx.host;
}

SimResponse jsonResponse(unsigned status, std::string body) {
  SimResponse response;
  response.status = status;
  response.headers.reserve(3);
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

SimResponse errorResponse(const ApiError& error, const std::string& request_id) {
  JsonWriter w;
  w.beginObject().key("code").value(static_cast<std::int64_t>(error.code())).key("type").value(error.type());
  if (error.message()) w.key("message").value(*error.message());
  if (!error.errors().empty()) {
    w.key("errors").beginObject().key("errors").beginArray();
    for (const SchemaError& e : error.errors()) {
      w.beginObject().key("path").raw(e.path_json).key("message").value(e.message);
      w.key("validator").value(e.validator).key("validator_value").raw(e.validator_value_json).endObject();
    }
    w.endArray().endObject();
  }
  w.key("request_id").value(request_id).endObject();
  return jsonResponse(error.code(), std::move(w.str()));
}

boost::json::object parseJsonBody(const RequestContext& ctx) {
  std::string_view type = ctx.content_type.substr(0, ctx.content_type.find(';'));
  type = trim(type);
  if (!iequals(type, "application/json") && !iequals(type, "application/json-patch+json")) {
    throw ApiError(415, "unsupported_content_type", "Content-type must be application/json");
  }
  const std::string_view body = ctx.body;
  if (trim(body).empty()) {
    throw ApiError(400, "invalid_json", "Expecting value" + jsonLocation(body, body.size()));
  }
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t consumed = parser.write(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    std::string kind = "Expecting value";
    if (ec == boost::json::error::extra_data) {
      kind = "Extra data";
    } else if (ec != boost::json::error::syntax && ec != boost::json::error::incomplete) {
      kind = "Invalid JSON (" + ec.message() + ")";
    }
    throw ApiError(400, "invalid_json", kind + jsonLocation(body, consumed));
  }
  boost::json::value value = parser.release();
  if (value.is_null()) return {};
  if (!value.is_object()) {
    throw ApiError(400, "invalid_object", "Provided object does not match schema. The body must be a JSON object");
  }
  return std::move(value.get_object());
}

std::vector<std::string> unknownKeys(const boost::json::object& body, std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> out;
  for (const auto& entry : body) {
    const std::string_view key(entry.key().data(), entry.key().size());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) out.emplace_back(key);
  }
  return out;
}

}  // namespace accurate::designate_sim
