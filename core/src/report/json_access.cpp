#include "report/json_access.hpp"

#include "report/json_pretty.hpp"

#include <cmath>

namespace accurate::report {

const boost::json::object* objectAt(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value ? value->if_object() : nullptr;
}

const boost::json::array* arrayAt(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value ? value->if_array() : nullptr;
}

double toDouble(const boost::json::value& value, double fallback) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(value.get_double()) ? value.get_double() : fallback;
    case boost::json::kind::int64:
      return static_cast<double>(value.get_int64());
    case boost::json::kind::uint64:
      return static_cast<double>(value.get_uint64());
    default:
      return fallback;
  }
}

double numberAt(const boost::json::object& object, std::string_view key, double fallback) {
  const auto* value = object.if_contains(key);
  return value ? toDouble(*value, fallback) : fallback;
}

std::uint64_t countAt(const boost::json::object& object, std::string_view key, std::uint64_t fallback) {
  const auto* value = object.if_contains(key);
  if (!value) return fallback;
  if (value->is_uint64()) return value->get_uint64();
  if (value->is_int64()) return value->get_int64() < 0 ? fallback : static_cast<std::uint64_t>(value->get_int64());
  const double number = toDouble(*value, -1);
  if (number < 0 || number > 1.8e19) return fallback;
  return static_cast<std::uint64_t>(std::llround(number));
}

std::string stringAt(const boost::json::object& object, std::string_view key, std::string_view fallback) {
  const auto* value = object.if_contains(key);
  if (value && value->is_string()) return std::string(value->get_string());
  return std::string(fallback);
}

bool isScalar(const boost::json::value& value) { return !value.is_object() && !value.is_array(); }

std::string scalarText(const boost::json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  return compactJson(value);
}

}  // namespace accurate::report
