#pragma once
/// @file commands.hpp
/// The sub-commands `accurate auth add-user`, `accurate auth add-token` and `accurate auth hash-password`.

#include "password_hash.hpp"
#include "tokens.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace accurate::auth {

/// Where a command reads the password and writes its output.
struct CommandIo {
  std::istream* in = nullptr;   ///< non-interactive password source (one line)
  std::ostream* out = nullptr;  ///< results (the hash, the token)
  std::ostream* err = nullptr;  ///< notes for the person at the terminal
  /// Reads one line without echo after showing @p prompt; set only when the input is a terminal. Returns none at
  /// end of input.
  std::function<std::optional<std::string>(const std::string& prompt)> read_hidden;
};

/// The process's standard streams; read_hidden is set (termios, echo off) when stdin is a terminal.
CommandIo processIo();

/// Reads a new password: from a terminal twice without echo (they must match), else one line from io.in.
/// Throws sdk::Error (prefixed with @p command) for an empty, mismatched or over-long password or no input.
std::string readNewPassword(const CommandIo& io, const std::string& command);

/// `auth add-user NAME [--file F]`: sets NAME's hash in F (default: the section's users_file), creating it with
/// mode 0600 or replacing it atomically. Throws sdk::Error / sdk::ConfigError with a one-line message.
/// @return the exit code (0).
int addUserCommand(const std::vector<std::string>& args, const boost::json::object& section, const CommandIo& io,
                   HashLimits limits);

/// `auth add-token NAME [--expires-in 30d|12h|45m|never] [--file F]`: makes a token, prints it once on io.out and
/// stores `NAME:sha256:expiry` in F (default: the section's tokens_file). Default expiry: 90 days.
int addTokenCommand(const std::vector<std::string>& args, const boost::json::object& section, const CommandIo& io,
                    const std::function<SysSeconds()>& now);

/// `auth hash-password`: reads a password and prints its argon2id hash (for the config's `users`).
int hashPasswordCommand(const std::vector<std::string>& args, const CommandIo& io, HashLimits limits);

}  // namespace accurate::auth
