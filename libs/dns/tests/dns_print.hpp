#pragma once
/// @file dns_print.hpp
/// Readable GoogleTest output for DNS messages (instead of a byte dump when an equality check fails).

#include <accurate/dns/message.hpp>

#include <ostream>

namespace accurate::dns {

inline void PrintTo(const Message& message, std::ostream* out) {
  const Header& h = message.header;
  *out << "{id " << h.id << (h.qr ? " qr" : "") << " opcode " << int(h.opcode) << (h.aa ? " aa" : "")
       << (h.tc ? " tc" : "") << (h.rd ? " rd" : "") << (h.ra ? " ra" : "") << (h.z ? " z" : "") << (h.ad ? " ad" : "")
       << (h.cd ? " cd" : "") << " rcode " << int(h.rcode);
  for (const auto& q : message.questions) *out << "\n  Q " << q.name << " " << q.type << " " << q.klass;
  const auto section = [&](const char* tag, const std::vector<ResourceRecord>& records) {
    for (const auto& r : records) {
      *out << "\n  " << tag << " " << r.name << " " << r.type << " " << r.klass << " " << r.ttl << " " << r.data;
    }
  };
  section("AN", message.answers);
  section("NS", message.authority);
  section("AR", message.additional);
  *out << "}";
}

}  // namespace accurate::dns
