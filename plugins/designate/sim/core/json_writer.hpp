#pragma once
/// @file json_writer.hpp
/// A minimal streaming JSON writer appending to a string (the simulator renders every response by hand: much
/// cheaper than building a boost::json::value per request).

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace accurate::designate_sim {

/// Appends JSON tokens to a string and inserts the commas. Usage: w.beginObject().key("a").value(1).endObject().
/// The caller keeps the nesting balanced. Threading: one owner.
class JsonWriter {
 public:
  /// Starts an object.
  JsonWriter& beginObject() {
    comma();
    out_.push_back('{');
    need_comma_ = false;
    return *this;
  }
  /// Ends an object.
  JsonWriter& endObject() {
    out_.push_back('}');
    need_comma_ = true;
    return *this;
  }
  /// Starts an array.
  JsonWriter& beginArray() {
    comma();
    out_.push_back('[');
    need_comma_ = false;
    return *this;
  }
  /// Ends an array.
  JsonWriter& endArray() {
    out_.push_back(']');
    need_comma_ = true;
    return *this;
  }
  /// Writes an object key; the next call writes its value.
  JsonWriter& key(std::string_view name) {
    comma();
    appendString(name);
    out_.push_back(':');
    need_comma_ = false;
    return *this;
  }
  /// Writes a string value.
  JsonWriter& value(std::string_view text) {
    comma();
    appendString(text);
    need_comma_ = true;
    return *this;
  }
  /// Writes a string value (avoids the bool overload for literals).
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  /// Writes a string value.
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  /// Writes an integer value.
  JsonWriter& value(std::int64_t number) {
    comma();
    char buffer[24];
    const int n = std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(number));
    out_.append(buffer, static_cast<std::size_t>(n));
    need_comma_ = true;
    return *this;
  }
  /// Writes an integer value.
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  /// Writes a boolean value.
  JsonWriter& value(bool flag) {
    comma();
    out_ += flag ? "true" : "false";
    need_comma_ = true;
    return *this;
  }
  /// Writes null.
  JsonWriter& null() {
    comma();
    out_ += "null";
    need_comma_ = true;
    return *this;
  }
  /// Writes the string or null.
  JsonWriter& optional(const std::optional<std::string>& text) { return text ? value(*text) : null(); }
  /// Writes already serialised JSON as one value.
  JsonWriter& raw(std::string_view json) {
    comma();
    out_ += json;
    need_comma_ = true;
    return *this;
  }
  /// The text so far.
  std::string& str() noexcept { return out_; }
  /// Reserves capacity.
  void reserve(std::size_t bytes) { out_.reserve(bytes); }

  /// Appends @p text as a quoted JSON string to @p out.
  static void appendQuoted(std::string& out, std::string_view text) {
    out.push_back('"');
    appendEscaped(out, text);
    out.push_back('"');
  }

  /// Appends @p text JSON-escaped (without quotes) to @p out.
  static void appendEscaped(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : text) {
      const auto u = static_cast<unsigned char>(c);
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          if (u < 0x20) {
            out += "\\u00";
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 15]);
          } else {
            out.push_back(c);
          }
      }
    }
  }

 private:
  void comma() {
    if (need_comma_) out_.push_back(',');
  }
  void appendString(std::string_view text) { appendQuoted(out_, text); }

  std::string out_;          ///< the JSON text
  bool need_comma_ = false;  ///< a value was written at this level, so the next one needs a comma
};

}  // namespace accurate::designate_sim
