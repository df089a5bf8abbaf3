#include <accurate/dns/message.hpp>

#include "wire.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <cctype>

namespace accurate::dns {
namespace {

class DecodeCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "dns.decode"; }
  std::string message(int value) const override {
    switch (static_cast<DecodeErrc>(value)) {
      case DecodeErrc::kTruncated: return "DNS message ends inside a field";
      case DecodeErrc::kBadLabelType: return "DNS name has a label of a reserved type";
      case DecodeErrc::kNameTooLong: return "DNS name longer than 255 octets";
      case DecodeErrc::kBadPointer: return "DNS compression pointer does not point backwards";
      case DecodeErrc::kBadRdata: return "DNS record data does not fit its type";
      case DecodeErrc::kTooLarge: return "DNS message larger than 65535 bytes";
    }
    return "DNS decode error " + std::to_string(value);
  }
};

constexpr std::size_t kMaxNameOctets = 255;
constexpr std::size_t kMaxLabelOctets = 63;

bool readHeader(wire::Reader& reader, Header& header, std::uint16_t (&counts)[4]) {
  std::uint16_t flags = 0;
  if (!reader.u16(header.id) || !reader.u16(flags)) return false;
  header.qr = (flags & 0x8000) != 0;
  header.opcode = static_cast<std::uint8_t>((flags >> 11) & 0x0F);
  header.aa = (flags & 0x0400) != 0;
  header.tc = (flags & 0x0200) != 0;
  header.rd = (flags & 0x0100) != 0;
  header.ra = (flags & 0x0080) != 0;
  header.z = (flags & 0x0040) != 0;
  header.ad = (flags & 0x0020) != 0;
  header.cd = (flags & 0x0010) != 0;
  header.rcode = static_cast<std::uint8_t>(flags & 0x0F);
  for (auto& count : counts) {
    if (!reader.u16(count)) return false;
  }
  return true;
}

bool readRecords(wire::Reader& reader, std::uint16_t count, std::vector<ResourceRecord>& out) {
  for (std::uint16_t i = 0; i < count; ++i) {
    ResourceRecord record;
    std::uint16_t length = 0;
    if (!reader.name(record.name) || !reader.u16(record.type) || !reader.u16(record.klass) ||
        !reader.u32(record.ttl) || !reader.u16(length)) {
      return false;
    }
    if (!wire::readRdata(reader, record.type, length, record.data)) return false;
    out.push_back(std::move(record));
  }
  return true;
}

void writeHeader(wire::Writer& writer, const Header& header, std::size_t qd, std::size_t an, std::size_t ns,
                 std::size_t ar) {
  writer.u16(header.id);
  std::uint16_t flags = static_cast<std::uint16_t>((header.opcode & 0x0F) << 11) | (header.rcode & 0x0F);
  if (header.qr) flags |= 0x8000;
  if (header.aa) flags |= 0x0400;
  if (header.tc) flags |= 0x0200;
  if (header.rd) flags |= 0x0100;
  if (header.ra) flags |= 0x0080;
  if (header.z) flags |= 0x0040;
  if (header.ad) flags |= 0x0020;
  if (header.cd) flags |= 0x0010;
  writer.u16(flags);
  for (std::size_t count : {qd, an, ns, ar}) {
    if (count > 0xFFFF) throw sdk::Error("DNS message: more than 65535 entries in one section");
    writer.u16(static_cast<std::uint16_t>(count));
  }
}

void writeRecord(wire::Writer& writer, const ResourceRecord& record) {
  const auto what = [&] { return "DNS record \"" + record.name + "\" " + typeName(record.type); };
  std::vector<std::uint8_t> owner;
  try {
    owner = nameToWire(record.name);
  } catch (const sdk::Error& e) {
    throw sdk::Error(what() + ": " + e.what());
  }
  writer.name(owner, true);
  writer.u16(record.type);
  writer.u16(record.klass);
  writer.u32(record.ttl);
  const std::size_t length_at = writer.size();
  writer.u16(0);
  wire::writeRdata(writer, record.type, record.data, what());
  const std::size_t length = writer.size() - length_at - 2;
  if (length > 0xFFFF) throw sdk::Error(what() + ": record data longer than 65535 bytes");
  writer.patchU16(length_at, static_cast<std::uint16_t>(length));
}

std::vector<std::uint8_t> encodeAll(const Message& message, bool compress, bool only_opt) {
  wire::Writer writer(compress);
  std::size_t additional = message.additional.size();
  if (only_opt) {
    additional = static_cast<std::size_t>(std::count_if(message.additional.begin(), message.additional.end(),
                                                        [](const ResourceRecord& r) { return r.type == kTypeOpt; }));
  }
  Header header = message.header;
  if (only_opt) header.tc = true;
  writeHeader(writer, header, message.questions.size(), only_opt ? 0 : message.answers.size(),
              only_opt ? 0 : message.authority.size(), additional);
  for (const auto& question : message.questions) {
    std::vector<std::uint8_t> name;
    try {
      name = nameToWire(question.name);
    } catch (const sdk::Error& e) {
      throw sdk::Error("DNS question \"" + question.name + "\": " + e.what());
    }
    writer.name(name, true);
    writer.u16(question.type);
    writer.u16(question.klass);
  }
  if (!only_opt) {
    for (const auto& record : message.answers) writeRecord(writer, record);
    for (const auto& record : message.authority) writeRecord(writer, record);
  }
  for (const auto& record : message.additional) {
    if (!only_opt || record.type == kTypeOpt) writeRecord(writer, record);
  }
  return std::move(writer.out());
}

}  // namespace

const boost::system::error_category& decodeCategory() noexcept {
  static const DecodeCategory category;
  return category;
}

boost::system::error_code make_error_code(DecodeErrc errc) noexcept {
  return {static_cast<int>(errc), decodeCategory()};
}

std::optional<Header> decodeHeader(std::span<const std::uint8_t> bytes) noexcept {
  wire::Reader reader(bytes);
  Header header;
  std::uint16_t counts[4];
  if (!readHeader(reader, header, counts)) return std::nullopt;
  return header;
}

boost::system::result<Message> decode(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxMessageSize) return make_error_code(DecodeErrc::kTooLarge);
  wire::Reader reader(bytes);
  Message message;
  std::uint16_t counts[4] = {0, 0, 0, 0};
  if (!readHeader(reader, message.header, counts)) return reader.error();
  for (std::uint16_t i = 0; i < counts[0]; ++i) {
    Question question;
    if (!reader.name(question.name) || !reader.u16(question.type) || !reader.u16(question.klass)) {
      return reader.error();
    }
    message.questions.push_back(std::move(question));
  }
  if (!readRecords(reader, counts[1], message.answers) || !readRecords(reader, counts[2], message.authority) ||
      !readRecords(reader, counts[3], message.additional)) {
    return reader.error();
  }
  return message;
}

std::vector<std::uint8_t> encode(const Message& message, const EncodeOptions& options) {
  auto out = encodeAll(message, options.compress, false);
  if (out.size() > options.max_size) out = encodeAll(message, options.compress, true);
  return out;
}

std::vector<std::uint8_t> nameToWire(std::string_view name) {
  if (name.empty()) throw sdk::Error("empty DNS name");
  std::vector<std::uint8_t> out;
  if (name == ".") {
    out.push_back(0);
    return out;
  }
  std::vector<std::uint8_t> label;
  const auto endLabel = [&] {
    if (label.empty()) throw sdk::Error("DNS name \"" + std::string(name) + "\" has an empty label");
    if (label.size() > kMaxLabelOctets) {
      throw sdk::Error("DNS name \"" + std::string(name) + "\" has a label longer than 63 octets");
    }
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    label.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      endLabel();
    } else if (c == '\\') {
      if (i + 1 >= name.size()) throw sdk::Error("DNS name \"" + std::string(name) + "\" ends with a backslash");
      if (i + 3 < name.size() && std::isdigit(static_cast<unsigned char>(name[i + 1])) &&
          std::isdigit(static_cast<unsigned char>(name[i + 2])) &&
          std::isdigit(static_cast<unsigned char>(name[i + 3]))) {
        const int value = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
        if (value > 255) throw sdk::Error("DNS name \"" + std::string(name) + "\" has an escape above \\255");
        label.push_back(static_cast<std::uint8_t>(value));
        i += 3;
      } else if (std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
        throw sdk::Error("DNS name \"" + std::string(name) + "\" has a short \\DDD escape");
      } else {
        label.push_back(static_cast<std::uint8_t>(name[i + 1]));
        i += 1;
      }
    } else {
      label.push_back(static_cast<std::uint8_t>(c));
    }
  }
  if (!label.empty()) endLabel();  // a relative name is taken as absolute
  out.push_back(0);
  if (out.size() > kMaxNameOctets) throw sdk::Error("DNS name \"" + std::string(name) + "\" is longer than 255 octets");
  return out;
}

std::optional<std::uint16_t> ednsPayloadSize(const Message& message) noexcept {
  for (const auto& record : message.additional) {
    if (record.type == kTypeOpt) return record.klass;
  }
  return std::nullopt;
}

Message makeQuery(std::uint16_t id, std::string name, std::uint16_t type, bool recursion_desired) {
  Message query;
  query.header.id = id;
  query.header.opcode = kOpcodeQuery;
  query.header.rd = recursion_desired;
  query.questions.push_back(Question{std::move(name), type, kClassIn});
  return query;
}

std::string toLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace accurate::dns
