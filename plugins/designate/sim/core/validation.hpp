#pragma once
/// @file validation.hpp
/// Designate's field checks with its error wording: zone and host names, emails, TTLs and record data.

#include "api_error.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::designate_sim {

/// Largest TTL Designate accepts (and the upper bound of its integer fields).
inline constexpr std::int64_t kMaxTtl = 2147483647;

/// Why @p name is not a valid zone name (Designate's DomainField): "Domain x does not end with a dot",
/// "Domain x is invalid"; nullopt when valid.
std::optional<std::string> zoneNameProblem(std::string_view name);

/// Why @p name is not a valid recordset name (HostField): "Host name x does not end with a dot",
/// "Host x is invalid"; nullopt when valid. A leading "*" label (wildcard) is allowed.
std::optional<std::string> hostNameProblem(std::string_view name);

/// Why @p email is not an acceptable zone email (Designate's EmailField: exactly one '@', and the address with
/// '@' → '.' plus a final dot must be a valid host name, so no trailing dot): "x is not an email",
/// "Email x is invalid"; nullopt when valid.
std::optional<std::string> emailProblem(std::string_view email);

/// Whether Designate knows record type @p type (upper case: A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, SPF,
/// NAPTR, CAA, SSHFP, CERT).
bool isKnownRecordType(std::string_view type);

/// Whether @p data is a valid record of @p type in presentation form (e.g. an IPv4 address for A, an absolute
/// host name for CNAME/NS/PTR, "prio host." for MX, a quoted string for TXT).
bool validRecordData(std::string_view type, std::string_view data);

/// Whether @p text is a dotted-quad IPv4 address (no leading zeros).
bool isIpv4(std::string_view text);

/// Reads an integer field the way Designate's objects coerce it (int, or a string holding an int), checking
/// @p min..@p max. Throws ApiError invalid_object with Designate's messages ("Value must be >= 0 for field ttl").
std::int64_t integerField(const boost::json::value& value, std::string_view field, std::int64_t min,
                          std::int64_t max);

/// Reads a string field (or null when @p nullable), at most @p max_length characters. Throws ApiError
/// invalid_object with a schema error when the type or length is wrong.
std::optional<std::string> stringField(const boost::json::value& value, std::string_view field, bool nullable,
                                       std::size_t max_length);

/// A schema error "'<field>' is a required property" with validator "required" and the JSON path @p path_json
/// (Designate prints a zone's missing email with path ["type", "email"]).
SchemaError requiredError(std::string path_json, std::string_view field);

}  // namespace accurate::designate_sim
