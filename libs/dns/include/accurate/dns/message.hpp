#pragma once
/// @file message.hpp
/// A DNS message codec (RFC 1035; generic rdata per RFC 3597; the EDNS OPT record of RFC 6891 as an ordinary
/// record). Decodes and encodes queries and responses alike. Names and rdata are in presentation form:
/// names absolute with a trailing dot ("www.example.test.", root "."), case kept as received, special bytes
/// escaped (`\.`, `\\`, `\DDD`); rdata as in a zone file: A "192.0.2.1", AAAA "2001:db8::1", NS/CNAME/PTR
/// "ns1.x.test.", SOA "mname rname serial refresh retry expire minimum", MX "10 mx.x.test.", TXT/SPF "\"a\" \"b\"",
/// SRV "priority weight port target.", NAPTR "order preference \"flags\" \"services\" \"regexp\" replacement.",
/// SSHFP "algorithm type HEX", CAA "flags tag \"value\""; any type (these included) also as RFC 3597
/// `\# <length> <hex>`, which is how other types are decoded.
/// Decoding follows compression pointers only backwards (so loops are impossible) and checks every length;
/// malformed input gives an error, never a crash. Threading: pure functions, any thread.

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace accurate::dns {

/// Record types the codec knows by name (others travel as generic rdata).
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeNs = 2;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeSoa = 6;
inline constexpr std::uint16_t kTypePtr = 12;
inline constexpr std::uint16_t kTypeMx = 15;
inline constexpr std::uint16_t kTypeTxt = 16;
inline constexpr std::uint16_t kTypeAaaa = 28;
inline constexpr std::uint16_t kTypeSrv = 33;
inline constexpr std::uint16_t kTypeNaptr = 35;
inline constexpr std::uint16_t kTypeOpt = 41;
inline constexpr std::uint16_t kTypeSshfp = 44;
inline constexpr std::uint16_t kTypeSpf = 99;
inline constexpr std::uint16_t kTypeIxfr = 251;
inline constexpr std::uint16_t kTypeAxfr = 252;
inline constexpr std::uint16_t kTypeAny = 255;
inline constexpr std::uint16_t kTypeCaa = 257;
/// The Internet class.
inline constexpr std::uint16_t kClassIn = 1;

/// Opcodes (4 bits).
inline constexpr std::uint8_t kOpcodeQuery = 0;
/// Response codes (4 bits of the header).
inline constexpr std::uint8_t kRcodeNoError = 0;
inline constexpr std::uint8_t kRcodeFormErr = 1;
inline constexpr std::uint8_t kRcodeServFail = 2;
inline constexpr std::uint8_t kRcodeNxDomain = 3;
inline constexpr std::uint8_t kRcodeNotImp = 4;
inline constexpr std::uint8_t kRcodeRefused = 5;

/// Size of the fixed header (bytes).
inline constexpr std::size_t kHeaderSize = 12;
/// Largest UDP message without EDNS (bytes).
inline constexpr std::size_t kClassicUdpSize = 512;
/// Largest message at all (TCP length prefix, bytes).
inline constexpr std::size_t kMaxMessageSize = 65535;

/// The fixed header (counts are implied by the sections).
struct Header {
  std::uint16_t id = 0;      ///< query id, echoed by the response
  bool qr = false;           ///< the message is a response
  std::uint8_t opcode = 0;   ///< 0 QUERY (4 bits)
  bool aa = false;           ///< authoritative answer
  bool tc = false;           ///< truncated
  bool rd = false;           ///< recursion desired
  bool ra = false;           ///< recursion available
  bool z = false;            ///< reserved bit (kept as received)
  bool ad = false;           ///< authentic data (RFC 4035)
  bool cd = false;           ///< checking disabled (RFC 4035)
  std::uint8_t rcode = 0;    ///< response code (4 bits)

  bool operator==(const Header&) const = default;
};

/// One question.
struct Question {
  std::string name;                  ///< absolute presentation name, e.g. "example.test."
  std::uint16_t type = kTypeA;       ///< QTYPE
  std::uint16_t klass = kClassIn;    ///< QCLASS

  bool operator==(const Question&) const = default;
};

/// One resource record.
struct ResourceRecord {
  std::string name;                  ///< owner, absolute presentation name
  std::uint16_t type = kTypeA;       ///< TYPE
  std::uint16_t klass = kClassIn;    ///< CLASS (the UDP payload size for OPT)
  std::uint32_t ttl = 0;             ///< TTL in seconds (extended rcode and flags for OPT)
  std::string data;                  ///< rdata in presentation form (see the file comment)

  bool operator==(const ResourceRecord&) const = default;
};

/// A whole message.
struct Message {
  Header header;                            ///< the fixed header
  std::vector<Question> questions;          ///< question section
  std::vector<ResourceRecord> answers;      ///< answer section
  std::vector<ResourceRecord> authority;    ///< authority section
  std::vector<ResourceRecord> additional;   ///< additional section (incl. an OPT record)

  bool operator==(const Message&) const = default;
};

/// Why decoding failed.
enum class DecodeErrc {
  kTruncated = 1,     ///< the message ends inside a field
  kBadLabelType,      ///< a label length byte with the reserved 01/10 prefix
  kNameTooLong,       ///< a name longer than 255 octets
  kBadPointer,        ///< a compression pointer that does not point backwards (a loop or a forward jump)
  kBadRdata,          ///< rdata whose length does not fit its type
  kTooLarge,          ///< more than 65535 bytes
};

/// The error category of DecodeErrc (messages like "DNS compression pointer does not point backwards").
const boost::system::error_category& decodeCategory() noexcept;
/// Makes an error_code of @p errc.
boost::system::error_code make_error_code(DecodeErrc errc) noexcept;

/// Reads the fixed header of @p wire; nullopt when it is shorter than 12 bytes.
std::optional<Header> decodeHeader(std::span<const std::uint8_t> wire) noexcept;

/// Decodes a whole message. Bytes after the last record are ignored. Never throws except std::bad_alloc.
boost::system::result<Message> decode(std::span<const std::uint8_t> wire);

/// Encoding choices.
struct EncodeOptions {
  bool compress = true;                      ///< compress names (owner names and NS/CNAME/PTR/SOA/MX rdata)
  std::size_t max_size = kMaxMessageSize;    ///< larger output: all records dropped except OPT, TC set
};

/// Encodes @p message. Output bigger than options.max_size is replaced by the header with TC set, the
/// questions and the OPT record (if any) — the usual answer to "too big for UDP".
/// @throws accurate::sdk::Error naming the record and the reason when a name or rdata is not valid
///         presentation data, e.g. `DNS record "www.x.test." A: bad IPv4 address "999.0.0.1"`.
std::vector<std::uint8_t> encode(const Message& message, const EncodeOptions& options = {});

/// Converts a presentation name ("www.example.test." or relative "www.example.test") to wire form
/// (uncompressed labels). @throws accurate::sdk::Error on an empty label, a label over 63 or a name over 255 octets.
std::vector<std::uint8_t> nameToWire(std::string_view name);

/// The UDP payload size an EDNS OPT record in @p message advertises, or nullopt without one.
std::optional<std::uint16_t> ednsPayloadSize(const Message& message) noexcept;

/// Lower-cases ASCII letters (DNS names compare case-insensitively).
std::string toLowerAscii(std::string_view text);

/// A type's mnemonic ("A", "SOA", ...; every kType* constant above except IXFR/AXFR/ANY has one) or the
/// RFC 3597 form "TYPE<n>" for the others.
std::string typeName(std::uint16_t type);

/// The inverse of typeName: a mnemonic of typeName (any letter case, also "IXFR", "AXFR", "ANY") or "TYPE<n>"
/// (n in 0..65535); nullopt for anything else.
std::optional<std::uint16_t> typeFromName(std::string_view name);

/// A query message: header id @p id, opcode QUERY, RD = @p recursion_desired, one question (@p name, @p type,
/// class IN), no EDNS record.
Message makeQuery(std::uint16_t id, std::string name, std::uint16_t type, bool recursion_desired = false);

}  // namespace accurate::dns

template <>
struct boost::system::is_error_code_enum<accurate::dns::DecodeErrc> : std::true_type {};
