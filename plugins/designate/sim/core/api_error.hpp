#pragma once
/// @file api_error.hpp
/// The error answers of the simulated Designate, thrown inside the simulator and turned into
/// {"code", "type", "message" | "errors", "request_id"} bodies at the top of Simulator::handle.

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accurate::designate_sim {

/// One schema error of an invalid_object answer (rendered into "errors": {"errors": [...]}).
struct SchemaError {
  std::string path_json;             ///< JSON array of the path, e.g. ["records", 0]
  std::string message;               ///< e.g. "'999.0.2.1' is not a 'A' Record"
  std::string validator;             ///< e.g. "format"
  std::string validator_value_json;  ///< JSON value, e.g. ["A"]
};

/// A Designate error answer. Thrown by the request handlers and the store; caught in Simulator::handle.
class ApiError : public std::exception {
 public:
  /// An error with a message (nullopt = no "message" key, as for forbidden or invalid_marker).
  ApiError(unsigned code, std::string type, std::optional<std::string> message)
      : code_(code), type_(std::move(type)), message_(std::move(message)) {}
  /// A 400 invalid_object carrying schema errors instead of a message.
  explicit ApiError(std::vector<SchemaError> errors)
      : code_(400), type_("invalid_object"), errors_(std::move(errors)) {}

  const char* what() const noexcept override { return message_ ? message_->c_str() : type_.c_str(); }
  /// HTTP status.
  unsigned code() const noexcept { return code_; }
  /// Designate's error type, e.g. "zone_not_found".
  const std::string& type() const noexcept { return type_; }
  /// The message, if the type has one.
  const std::optional<std::string>& message() const noexcept { return message_; }
  /// Schema errors (invalid_object without message).
  const std::vector<SchemaError>& errors() const noexcept { return errors_; }

 private:
  unsigned code_;                         ///< HTTP status
  std::string type_;                      ///< error type
  std::optional<std::string> message_;    ///< message (absent for some types)
  std::vector<SchemaError> errors_;       ///< schema errors (invalid_object)
};

/// 400 invalid_object "Provided object is not valid. Got a ValueError error with message <detail>".
inline ApiError valueError(const std::string& detail) {
  return ApiError(400, "invalid_object", "Provided object is not valid. Got a ValueError error with message " + detail);
}

/// 400 invalid_object "Provided object does not match schema. Keys [...] are not valid for <object>".
inline ApiError invalidKeys(const std::string& keys_repr, const std::string& object) {
  return ApiError(400, "invalid_object",
                  "Provided object does not match schema. Keys " + keys_repr + " are not valid for " + object);
}

/// 400 bad_request with @p message.
inline ApiError badRequest(std::string message) { return ApiError(400, "bad_request", std::move(message)); }

/// 413 over_quota "Quota exceeded for <resource>.".
inline ApiError overQuota(const std::string& resource) {
  return ApiError(413, "over_quota", "Quota exceeded for " + resource + ".");
}

}  // namespace accurate::designate_sim
