#pragma once
/// @file requests.hpp
/// Pure builders of every request the designate tasks, the gather phase and the prepare command send: method,
/// target (under the tenant's API prefix, see DesignateClient::prefix), headers, JSON or text/dns body, the stats
/// entry name (IDs replaced by ID, the tenant never in it) and the statuses that count as success. Auth headers
/// are added later by DesignateClient::send.

#include "poller.hpp"

#include <accurate/sdk/http.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace accurate::designate {

/// "<write name> - async": the name of the synthetic entry timing an asynchronous write to its final state.
std::string asyncName(std::string_view write_name);

/// The failure text of a response the request builders accepted as "expected" only to explain it: a 413 whose body
/// type is `over_quota` → "over quota: <message>"; another 413 → "HTTP 413 <type>"; anything else → "" (success).
/// Used as the `validate` function of every write that may exceed a quota.
std::string quotaCheck(const sdk::HttpResponse& response);

/// The string found at @p path in the JSON object @p body (e.g. {"links", "export"}); "" when the body is not
/// JSON, the path is missing or the value is not a string.
std::string jsonString(std::string_view body, std::initializer_list<std::string_view> path);

/// The last path segment of @p url ("http://h/v2/zones/abc" → "abc"; a query is ignored); "" when none.
std::string lastSegment(std::string_view url);

/// The request builders. @p prefix is "/v2" or "/v2/<project>" (DesignateClient::prefix). Each returns a request
/// that keeps the response body only when the caller reads it (writes, status checks, lists, the export).
namespace requests {

/// get_domain_by_id: GET <prefix>/zones/<id>, "/v2/zones/ID", 200.
sdk::HttpRequest getZone(std::string_view prefix, std::string_view zone_id);
/// get_domain_by_name: GET <prefix>/zones?name=<name>, "/v2/zones?name=zoneNAME", 200.
sdk::HttpRequest findZoneByName(std::string_view prefix, std::string_view zone_name);
/// list_domains: GET <prefix>/zones, "/v2/zones", 200.
sdk::HttpRequest listZones(std::string_view prefix);
/// create_domain: POST <prefix>/zones {name, email, ttl}, "/v2/zones", 202 (413 → over quota).
sdk::HttpRequest createZone(std::string_view prefix, std::string_view name, std::string_view email, std::uint32_t ttl);
/// modify_domain: PATCH <prefix>/zones/<id> {email, ttl}, "/v2/zones/ID", 202.
sdk::HttpRequest patchZone(std::string_view prefix, std::string_view zone_id, std::string_view email,
                           std::uint32_t ttl);
/// remove_domain: DELETE <prefix>/zones/<id>, "/v2/zones/ID", 202.
sdk::HttpRequest deleteZone(std::string_view prefix, std::string_view zone_id);
/// Status check of a zone write: GET <prefix>/zones/<id>, "/v2/zones/ID - status check"; 200, plus 404 when the
/// goal is kGone.
sdk::HttpRequest zoneStatus(std::string_view prefix, std::string_view zone_id, PollGoal goal);

/// list_records: GET <prefix>/zones/<id>/recordsets, "/v2/zones/ID/recordsets", 200.
sdk::HttpRequest listRecordsets(std::string_view prefix, std::string_view zone_id);
/// get_record: GET <prefix>/zones/<zid>/recordsets/<id>, "/v2/zones/ID/recordsets/ID", 200.
sdk::HttpRequest getRecordset(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id);
/// create_record: POST <prefix>/zones/<zid>/recordsets {name, type "A", ttl, records [ip]},
/// "/v2/zones/ID/recordsets", 201 or 202 (413 → over quota).
sdk::HttpRequest createRecordset(std::string_view prefix, std::string_view zone_id, std::string_view name,
                                 std::uint32_t ttl, std::string_view ip);
/// modify_record: PUT <prefix>/zones/<zid>/recordsets/<id> {records [ip], ttl}, "/v2/zones/ID/recordsets/ID",
/// 200 or 202 (413 → over quota).
sdk::HttpRequest updateRecordset(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id,
                                 std::string_view ip, std::uint32_t ttl);
/// remove_record: DELETE <prefix>/zones/<zid>/recordsets/<id>, "/v2/zones/ID/recordsets/ID", 202.
sdk::HttpRequest deleteRecordset(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id);
/// Status check of a recordset write: GET .../recordsets/<id>, "/v2/zones/ID/recordsets/ID - status check";
/// 200, plus 404 when the goal is kGone.
sdk::HttpRequest recordsetStatus(std::string_view prefix, std::string_view zone_id, std::string_view recordset_id,
                                 PollGoal goal);

/// import_zone: POST <prefix>/zones/tasks/imports with the zone file (Content-Type text/dns),
/// "/v2/zones/tasks/imports", 202 (413 → over quota).
sdk::HttpRequest createImport(std::string_view prefix, std::string zone_file);
/// Status check of an import: GET <prefix>/zones/tasks/imports/<id>, "/v2/zones/tasks/imports/ID - status check",
/// 200.
sdk::HttpRequest importStatus(std::string_view prefix, std::string_view import_id);
/// export_domain: POST <prefix>/zones/<id>/tasks/export (no body), "/v2/zones/ID/tasks/export", 202.
sdk::HttpRequest createExport(std::string_view prefix, std::string_view zone_id);
/// Status check of an export: GET <prefix>/zones/tasks/exports/<id>, "/v2/zones/tasks/exports/ID - status check",
/// 200.
sdk::HttpRequest exportStatus(std::string_view prefix, std::string_view export_id);
/// The export download: GET @p target (links.export made relative, or <prefix>/zones/tasks/exports/<id>/export)
/// with Accept text/dns, "/v2/zones/tasks/exports/ID/export", 200, and a check that the zone file names
/// @p zone_name (else the failure "export does not name the zone").
sdk::HttpRequest downloadExport(std::string target, std::string zone_name);
/// The download target when the export task carries no links.export.
std::string exportTarget(std::string_view prefix, std::string_view export_id);

/// One page of a list walk (gather phase, prepare): GET @p target named @p name, 200, body kept.
sdk::HttpRequest listPage(std::string target, std::string name);
/// First page of a tenant's zones: "<prefix>/zones?sort_key=id&limit=<page_size>".
std::string zonesPageTarget(std::string_view prefix, std::uint32_t page_size);
/// First page of a zone's A recordsets: "<prefix>/zones/<id>/recordsets?type=A&sort_key=id&limit=<page_size>".
std::string recordsetsPageTarget(std::string_view prefix, std::string_view zone_id, std::uint32_t page_size);
/// Stats names of the gather phase's list pages.
inline constexpr std::string_view kGatherZonesName = "/v2/zones (gather)";
inline constexpr std::string_view kGatherRecordsetsName = "/v2/zones/ID/recordsets (gather)";

/// PATCH /v2/quotas/<project> with @p quotas (admin API; "/v2/quotas/ID"), 200.
sdk::HttpRequest setQuotas(std::string_view project_id, const boost::json::object& quotas);

}  // namespace requests
}  // namespace accurate::designate
