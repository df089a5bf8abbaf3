#pragma once
/// @file users_file.hpp
/// The users file: one `name:argon2id-hash` per line, `#` comments and blank lines allowed.

#include <map>
#include <string>
#include <string_view>

namespace accurate::auth {

/// User name → argon2id hash string.
using UserTable = std::map<std::string, std::string, std::less<>>;

/// Why @p name cannot be a user name ("" when it can): empty, longer than 128 bytes, or holding ':', a control
/// character or leading/trailing white space.
std::string userNameProblem(std::string_view name);

/// Parses a users file's @p content; @p file_name is used in errors. Throws sdk::ConfigError whose message is
/// `<file>:<line>: <reason>` for a bad line (no ':', bad name, a hash that is not argon2id, a duplicate user).
UserTable parseUsersFile(std::string_view content, const std::string& file_name);

/// Reads and parses the users file at @p path. Throws sdk::ConfigError when it cannot be read or is invalid.
UserTable readUsersFile(const std::string& path);

/// @p content with the entry of @p name set to @p hash: the existing line is replaced in place, else a line is
/// appended; comments and other lines are kept. @p content must parse (see parseUsersFile).
std::string upsertUserLine(std::string_view content, std::string_view name, std::string_view hash);

}  // namespace accurate::auth
