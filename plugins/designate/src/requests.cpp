#include "requests.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace accurate::designate {
namespace {

constexpr std::string_view kJson = "application/json";

/// A request with the given method, target, name and expected statuses; headers and body left empty.
sdk::HttpRequest make(std::string_view method, std::string target, std::string_view name,
                      std::vector<unsigned> expected, bool keep_body) {
  sdk::HttpRequest request;
  request.method.assign(method);
  request.target = std::move(target);
  request.name.assign(name);
  request.expected_status = std::move(expected);
  request.keep_headers = false;
  request.keep_body = keep_body;
  return request;
}

/// Adds a JSON body and its Content-Type.
void setJson(sdk::HttpRequest& request, const boost::json::object& body) {
  request.headers.emplace_back("Content-Type", kJson);
  request.body = boost::json::serialize(body);
}

std::string join(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size());
  out.append(a).append(b);
  return out;
}

std::string zonePath(std::string_view prefix, std::string_view zone_id) {
  std::string out;
  out.reserve(prefix.size() + 7 + zone_id.size());
  out.append(prefix).append("/zones/").append(zone_id);
  return out;
}

std::string recordsetPath(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id) {
  std::string out = zonePath(prefix, zone_id);
  out.append("/recordsets/").append(recordset_id);
  return out;
}

/// A status check succeeds on 200; after a DELETE the 404 that ends the wait is a success too.
std::vector<unsigned> statusCheckCodes(PollGoal goal) {
  if (goal == PollGoal::kGone) return {200, 404};
  return {200};
}

bool containsIgnoringCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

}  // namespace

std::string asyncName(std::string_view write_name) { return join(write_name, " - async"); }

std::string quotaCheck(const sdk::HttpResponse& response) {
  if (response.status != 413) return {};
  const std::string type = jsonString(response.body, {"type"});
  if (type == "over_quota") {
    std::string message = jsonString(response.body, {"message"});
    if (message.empty()) message = "Quota exceeded";
    return "over quota: " + message;
  }
  return type.empty() ? std::string("HTTP 413") : "HTTP 413 " + type;
}

std::string jsonString(std::string_view body, std::initializer_list<std::string_view> path) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  if (ec) return {};
  const boost::json::value* at = &root;
  for (std::string_view key : path) {
    const auto* object = at->if_object();
    if (object == nullptr) return {};
    at = object->if_contains(key);
    if (at == nullptr) return {};
  }
  if (const auto* text = at->if_string()) return std::string(*text);
  return {};
}

std::string lastSegment(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

namespace requests {

sdk::HttpRequest getZone(std::string_view prefix, std::string_view zone_id) {
  return make("GET", zonePath(prefix, zone_id), "/v2/zones/ID", {200}, false);
}

sdk::HttpRequest findZoneByName(std::string_view prefix, std::string_view zone_name) {
  return make("GET", join(prefix, "/zones") + sdk::queryString({{"name", zone_name}}), "/v2/zones?name=zoneNAME",
              {200}, false);
}

sdk::HttpRequest listZones(std::string_view prefix) {
  return make("GET", join(prefix, "/zones"), "/v2/zones", {200}, false);
}

sdk::HttpRequest createZone(std::string_view prefix, std::string_view name, std::string_view email,
                            std::uint32_t ttl) {
  sdk::HttpRequest request = make("POST", join(prefix, "/zones"), "/v2/zones", {202, 413}, true);
  setJson(request, {{"name", name}, {"email", email}, {"ttl", ttl}});
  request.validate = quotaCheck;
  return request;
}

sdk::HttpRequest patchZone(std::string_view prefix, std::string_view zone_id, std::string_view email,
                           std::uint32_t ttl) {
  sdk::HttpRequest request = make("PATCH", zonePath(prefix, zone_id), "/v2/zones/ID", {202}, true);
  setJson(request, {{"email", email}, {"ttl", ttl}});
  return request;
}

sdk::HttpRequest deleteZone(std::string_view prefix, std::string_view zone_id) {
  return make("DELETE", zonePath(prefix, zone_id), "/v2/zones/ID", {202}, true);
}

sdk::HttpRequest zoneStatus(std::string_view prefix, std::string_view zone_id, PollGoal goal) {
  return make("GET", zonePath(prefix, zone_id), "/v2/zones/ID - status check", statusCheckCodes(goal), true);
}

sdk::HttpRequest listRecordsets(std::string_view prefix, std::string_view zone_id) {
  return make("GET", zonePath(prefix, zone_id) + "/recordsets", "/v2/zones/ID/recordsets", {200}, false);
}

sdk::HttpRequest getRecordset(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id) {
  return make("GET", recordsetPath(prefix, zone_id, recordset_id), "/v2/zones/ID/recordsets/ID", {200}, false);
}

sdk::HttpRequest createRecordset(std::string_view prefix, std::string_view zone_id, std::string_view name,
                                 std::uint32_t ttl, std::string_view ip) {
  sdk::HttpRequest request =
      make("POST", zonePath(prefix, zone_id) + "/recordsets", "/v2/zones/ID/recordsets", {201, 202, 413}, true);
  boost::json::array records;
  records.emplace_back(ip);
  setJson(request, {{"name", name}, {"type", "A"}, {"ttl", ttl}, {"records", std::move(records)}});
  request.validate = quotaCheck;
  return request;
}

sdk::HttpRequest updateRecordset(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id,
                                 std::string_view ip, std::uint32_t ttl) {
  sdk::HttpRequest request = make("PUT", recordsetPath(prefix, zone_id, recordset_id), "/v2/zones/ID/recordsets/ID",
                                  {200, 202, 413}, true);
  boost::json::array records;
  records.emplace_back(ip);
  setJson(request, {{"records", std::move(records)}, {"ttl", ttl}});
  request.validate = quotaCheck;
  return request;
}

sdk::HttpRequest deleteRecordset(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id) {
  return make("DELETE", recordsetPath(prefix, zone_id, recordset_id), "/v2/zones/ID/recordsets/ID", {202}, true);
}

sdk::HttpRequest recordsetStatus(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id,
                                 PollGoal goal) {
  return make("GET", recordsetPath(prefix, zone_id, recordset_id), "/v2/zones/ID/recordsets/ID - status check",
              statusCheckCodes(goal), true);
}

sdk::HttpRequest createImport(std::string_view prefix, std::string zone_file) {
  sdk::HttpRequest request =
      make("POST", join(prefix, "/zones/tasks/imports"), "/v2/zones/tasks/imports", {202, 413}, true);
  request.headers.emplace_back("Content-Type", "text/dns");
  request.body = std::move(zone_file);
  request.validate = quotaCheck;
  return request;
}

sdk::HttpRequest importStatus(std::string_view prefix, std::string_view import_id) {
  return make("GET", join(prefix, "/zones/tasks/imports/").append(import_id),
              "/v2/zones/tasks/imports/ID - status check", {200}, true);
}

sdk::HttpRequest createExport(std::string_view prefix, std::string_view zone_id) {
  return make("POST", zonePath(prefix, zone_id) + "/tasks/export", "/v2/zones/ID/tasks/export", {202}, true);
}

sdk::HttpRequest exportStatus(std::string_view prefix, std::string_view export_id) {
  return make("GET", join(prefix, "/zones/tasks/exports/").append(export_id),
              "/v2/zones/tasks/exports/ID - status check", {200}, true);
}

std::string exportTarget(std::string_view prefix, std::string_view export_id) {
  return join(prefix, "/zones/tasks/exports/").append(export_id).append("/export");
}

sdk::HttpRequest downloadExport(std::string target, std::string zone_name) {
  sdk::HttpRequest request = make("GET", std::move(target), "/v2/zones/tasks/exports/ID/export", {200}, true);
  request.headers.emplace_back("Accept", "text/dns");
  // Designate writes the zone's name in $ORIGIN and in the owner of its SOA/NS records.
  request.validate = [zone = std::move(zone_name)](const sdk::HttpResponse& response) -> std::string {
    if (containsIgnoringCase(response.body, zone)) return {};
    return "export does not name the zone";
  };
  return request;
}

sdk::HttpRequest listPage(std::string target, std::string name) {
  sdk::HttpRequest request = make("GET", std::move(target), {}, {200}, true);
  request.name = std::move(name);
  return request;
}

std::string zonesPageTarget(std::string_view prefix, std::uint32_t page_size) {
  return join(prefix, "/zones?sort_key=id&limit=") + std::to_string(page_size);
}

std::string recordsetsPageTarget(std::string_view prefix, std::string_view zone_id, std::uint32_t page_size) {
  return zonePath(prefix, zone_id) + "/recordsets?type=A&sort_key=id&limit=" + std::to_string(page_size);
}

sdk::HttpRequest setQuotas(std::string_view project_id, const boost::json::object& quotas) {
  sdk::HttpRequest request = make("PATCH", "/v2/quotas/" + sdk::urlEncode(project_id), "/v2/quotas/ID", {200}, true);
  setJson(request, quotas);
  return request;
}

}  // namespace requests
}  // namespace accurate::designate
