// The propagation conditions of each change type (see conditions.hpp).
#include "conditions.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/asio/ip/address.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace accurate::digaas {
namespace {

using Type = sdk::DnsChange::Type;

/// At most this many records are listed in an answer description.
constexpr std::size_t kMaxListed = 3;

/// @p name lower-cased with a trailing dot.
std::string canonicalName(std::string_view name) {
  std::string out = dns::toLowerAscii(name);
  if (out.empty() || out.back() != '.') out.push_back('.');
  return out;
}

bool isZoneChange(Type type) {
  return type == Type::kZoneCreate || type == Type::kZoneUpdate || type == Type::kZoneDelete;
}

std::vector<std::string_view> blankSeparated(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

/// The comparable form of rdata @p data of type @p type (see the file comment of conditions.hpp).
std::string comparable(std::uint16_t type, std::string_view data) {
  if (type == dns::kTypeA || type == dns::kTypeAaaa) {
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(std::string(data), error);
    if (!error) return address.to_string();
    return std::string(data);
  }
  if (type == dns::kTypeNs || type == dns::kTypeCname || type == dns::kTypePtr || type == 39 /* DNAME */) {
    return canonicalName(data);
  }
  std::vector<std::string_view> parts = blankSeparated(data);
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back(' ');
    const bool target = (type == dns::kTypeMx || type == dns::kTypeSrv) && i + 1 == parts.size();
    out += target ? canonicalName(parts[i]) : std::string(parts[i]);
  }
  return out;
}

/// The serial (third field) of SOA rdata, or nullopt when it does not parse.
std::optional<std::uint32_t> soaSerial(std::string_view data) {
  const auto parts = blankSeparated(data);
  if (parts.size() < 3) return std::nullopt;
  std::uint32_t serial = 0;
  const auto [end, errc] = std::from_chars(parts[2].data(), parts[2].data() + parts[2].size(), serial);
  if (errc != std::errc() || end != parts[2].data() + parts[2].size()) return std::nullopt;
  return serial;
}

/// The data of the answer's records of @p type owned by @p name (canonical).
std::vector<std::string> recordsAt(const dns::Message& response, const std::string& name, std::uint16_t type) {
  std::vector<std::string> out;
  for (const auto& record : response.answers) {
    if (record.type == type && canonicalName(record.name) == name) out.push_back(record.data);
  }
  return out;
}

std::string listed(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size() && i < kMaxListed; ++i) out += (i ? ", " : "") + values[i];
  if (values.size() > kMaxListed) out += fmt::format(" and {} more", values.size() - kMaxListed);
  return out;
}

Verdict checkZone(const sdk::DnsChange& change, const dns::Message& response, const std::string& name) {
  const std::uint8_t rcode = response.header.rcode;
  const std::vector<std::string> soas = recordsAt(response, name, dns::kTypeSoa);
  if (change.type == Type::kZoneDelete) {
    if (rcode == dns::kRcodeNxDomain || rcode == dns::kRcodeRefused || rcode == dns::kRcodeServFail) {
      return {true, rcodeName(rcode)};
    }
    if (rcode != dns::kRcodeNoError) return {false, rcodeName(rcode)};
    if (soas.empty()) return {true, "NOERROR, no SOA in the answer"};
    const auto serial = soaSerial(soas.front());
    return {false, serial ? fmt::format("NOERROR, SOA serial {} still served", *serial) : "NOERROR, SOA still served"};
  }
  if (rcode != dns::kRcodeNoError) return {false, rcodeName(rcode)};
  if (soas.empty()) {
    const bool in_authority = std::any_of(response.authority.begin(), response.authority.end(),
                                          [](const dns::ResourceRecord& r) { return r.type == dns::kTypeSoa; });
    return {false, in_authority ? "NOERROR, SOA only in the authority section" : "NOERROR, no SOA in the answer"};
  }
  const auto serial = soaSerial(soas.front());
  if (change.type == Type::kZoneCreate || !change.serial) {
    return {true, serial ? fmt::format("SOA serial {}", *serial) : std::string("SOA")};
  }
  if (!serial) return {false, fmt::format("SOA with unreadable serial \"{}\"", soas.front())};
  if (serialReached(*serial, *change.serial)) return {true, fmt::format("SOA serial {}", *serial)};
  return {false, fmt::format("SOA serial {} < {}", *serial, *change.serial)};
}

Verdict checkRecord(const sdk::DnsChange& change, const dns::Message& response, const std::string& name,
                    std::uint16_t type) {
  const std::uint8_t rcode = response.header.rcode;
  const std::string type_name = dns::typeName(type);
  const bool deleting = change.type == Type::kRecordDelete;
  if (deleting && rcode == dns::kRcodeNxDomain) return {true, "NXDOMAIN"};
  if (rcode != dns::kRcodeNoError) return {false, rcodeName(rcode)};
  const std::vector<std::string> present = recordsAt(response, name, type);
  const std::string expected = comparable(type, change.rdata);
  const bool found = std::any_of(present.begin(), present.end(),
                                 [&](const std::string& data) { return comparable(type, data) == expected; });
  if (present.empty()) return {deleting, fmt::format("NOERROR, no {} record", type_name)};
  const std::string records = fmt::format("{} records: {}", type_name, listed(present));
  if (!deleting) {
    return {found, found ? fmt::format("NOERROR, {}", records)
                         : fmt::format("NOERROR, {} not among {}", change.rdata, records)};
  }
  if (change.rdata.empty()) return {false, fmt::format("NOERROR, {} still served", records)};
  return {!found, found ? fmt::format("NOERROR, {} still among {}", change.rdata, records)
                        : fmt::format("NOERROR, {} gone ({})", change.rdata, records)};
}

}  // namespace

std::string rcodeName(std::uint8_t rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 6: return "YXDOMAIN";
    case 7: return "YXRRSET";
    case 8: return "NXRRSET";
    case 9: return "NOTAUTH";
    case 10: return "NOTZONE";
    default: return fmt::format("RCODE{}", rcode);
  }
}

bool serialReached(std::uint32_t serial, std::uint32_t expected) noexcept {
  return serial == expected || static_cast<std::uint32_t>(serial - expected) < 0x80000000u;
}

dns::Question questionFor(const sdk::DnsChange& change) {
  const std::string_view type_name = sdk::changeTypeName(change.type);
  if (change.name.empty() || change.name == ".") {
    throw sdk::Error(fmt::format("propagation {}: the change has no name to query", type_name));
  }
  dns::Question question;
  question.name = change.name.back() == '.' ? change.name : change.name + ".";
  question.klass = dns::kClassIn;
  if (isZoneChange(change.type)) {
    question.type = dns::kTypeSoa;
    return question;
  }
  if (change.rdatatype.empty()) {
    throw sdk::Error(fmt::format("propagation {} {}: the change has no record type", type_name, change.name));
  }
  const auto type = dns::typeFromName(change.rdatatype);
  if (!type || *type == dns::kTypeAny || *type == dns::kTypeAxfr || *type == dns::kTypeIxfr || *type == dns::kTypeOpt) {
    throw sdk::Error(fmt::format("propagation {} {}: cannot query record type \"{}\"", type_name, change.name,
                                 change.rdatatype));
  }
  question.type = *type;
  return question;
}

Verdict checkPropagated(const sdk::DnsChange& change, const dns::Message& response) {
  const dns::Question question = questionFor(change);
  const std::string name = canonicalName(question.name);
  if (isZoneChange(change.type)) return checkZone(change, response, name);
  return checkRecord(change, response, name, question.type);
}

}  // namespace accurate::digaas
