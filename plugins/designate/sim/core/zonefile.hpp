#pragma once
/// @file zonefile.hpp
/// Zone files: a robust parser for the subset an import needs ($ORIGIN, $TTL, relative/absolute/@/blank owners,
/// optional TTL and class, parentheses, comments, quoted strings; SOA NS A AAAA CNAME TXT MX and the other types
/// Designate knows) and the export writer in Designate's format.

#include "model.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::designate_sim {

/// One record of a zone file, names absolute and lower case.
struct ZoneFileRecord {
  std::string name;   ///< owner
  std::int64_t ttl;   ///< seconds (explicit, else $TTL, else the previous record's, else 3600)
  std::string type;   ///< upper case
  std::string data;   ///< presentation form, names made absolute
};

/// A parsed zone file.
struct ParsedZone {
  std::string origin;                   ///< zone name from $ORIGIN, absolute (case as written)
  std::string soa_rname;                ///< SOA contact as a name, e.g. "hostmaster.example.test."
  std::int64_t soa_ttl = 3600;          ///< TTL of the SOA record (becomes the zone TTL)
  std::int64_t serial = 0;              ///< SOA serial (kept by the import)
  std::vector<ZoneFileRecord> records;  ///< every record except the SOA
};

/// The outcome of parsing: the zone, or Designate's import error message.
struct ZoneFileResult {
  std::optional<ParsedZone> zone;  ///< set on success
  std::string error;               ///< e.g. "An SOA record is required."
};

/// Parses @p text. Never throws for bad input: errors come back as Designate's import messages
/// ("The $ORIGIN statement is required and must be the first statement in the zonefile.",
/// "An SOA record is required.", "Malformed zonefile.").
ZoneFileResult parseZoneFile(std::string_view text);

/// Renders @p zone like Designate's export: "$ORIGIN", "$TTL", a blank line, then one line per record
/// ("name ttl IN TYPE data", two spaces when the recordset has no TTL): user recordsets in created order, then
/// NS, then SOA; a trailing blank line. @p soa_data is the SOA record's data.
std::string renderZoneFile(const Zone& zone);

}  // namespace accurate::designate_sim
