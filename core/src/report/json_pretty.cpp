#include "report/json_pretty.hpp"

#include "report/json_access.hpp"
#include "report/text_format.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace accurate::report {

namespace {

void appendCompact(const boost::json::value& value, std::string& out) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      out += std::isfinite(value.get_double()) ? pythonFloat(value.get_double()) : "null";
      return;
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        out += boost::json::serialize(boost::json::string_view(member.key()));
        out += ':';
        appendCompact(member.value(), out);
      }
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        appendCompact(element, out);
      }
      out += ']';
      return;
    }
    default:
      out += boost::json::serialize(value);  // strings (escaped), integers, booleans, null
  }
}

bool isFlat(const boost::json::value& value) {
  if (const auto* object = value.if_object()) {
    return std::all_of(object->begin(), object->end(), [](const auto& m) { return isScalar(m.value()); });
  }
  if (const auto* array = value.if_array()) return std::all_of(array->begin(), array->end(), isScalar);
  return true;
}

void appendPretty(const boost::json::value& value, std::size_t indent, std::size_t inline_width, std::string& out);

/// Arrays of scalars or of flat arrays: as many elements per line as fit.
void appendPacked(const boost::json::array& array, std::size_t indent, std::size_t inline_width, std::string& out) {
  const std::string inner(indent + 2, ' ');
  out += "[\n" + inner;
  std::size_t line = inner.size();
  for (std::size_t i = 0; i < array.size(); ++i) {
    std::string element = compactJson(array[i]);
    if (i + 1 < array.size()) element += ',';
    if (i > 0) {
      if (line + 1 + element.size() > inline_width) {
        out += '\n' + inner;
        line = inner.size();
      } else {
        out += ' ';
        ++line;
      }
    }
    out += element;
    line += element.size();
  }
  out += '\n' + std::string(indent, ' ') + ']';
}

void appendPretty(const boost::json::value& value, std::size_t indent, std::size_t inline_width, std::string& out) {
  if (isScalar(value)) {
    appendCompact(value, out);
    return;
  }
  const std::string compact = compactJson(value);
  if (compact.size() + indent <= inline_width || compact.size() <= 2) {
    out += compact;
    return;
  }
  const std::string inner(indent + 2, ' ');
  if (const auto* object = value.if_object()) {
    out += "{\n";
    bool first = true;
    for (const auto& member : *object) {
      if (!first) out += ",\n";
      first = false;
      out += inner + boost::json::serialize(boost::json::string_view(member.key())) + ": ";
      appendPretty(member.value(), indent + 2, inline_width, out);
    }
    out += '\n' + std::string(indent, ' ') + '}';
    return;
  }
  const auto& array = value.get_array();
  if (std::all_of(array.begin(), array.end(), [](const auto& v) { return isScalar(v) || (v.is_array() && isFlat(v)); })) {
    appendPacked(array, indent, inline_width, out);
    return;
  }
  out += "[\n";
  bool first = true;
  for (const auto& element : array) {
    if (!first) out += ",\n";
    first = false;
    out += inner;
    if (element.is_object() && isFlat(element)) {
      appendCompact(element, out);  // one record per line, however long
    } else {
      appendPretty(element, indent + 2, inline_width, out);
    }
  }
  out += '\n' + std::string(indent, ' ') + ']';
}

}  // namespace

std::string compactJson(const boost::json::value& value) {
  std::string out;
  appendCompact(value, out);
  return out;
}

std::string prettyJson(const boost::json::value& value, std::size_t inline_width) {
  std::string out;
  appendPretty(value, 0, inline_width, out);
  out += '\n';
  return out;
}

}  // namespace accurate::report
