#pragma once
/// @file secret_file.hpp
/// Reading and atomically replacing the small private files the plugin keeps (users and tokens files).

#include <string>

namespace accurate::auth {

/// The content of the file at @p path (at most 16 MiB). Throws sdk::ConfigError naming the file and the reason
/// when it is missing, unreadable, not a regular file or too large.
std::string readTextFile(const std::string& path);

/// True when the file at @p path exists.
bool fileExists(const std::string& path);

/// True when the file at @p path can be read or written by its group or others (mode & 077).
bool readableByOthers(const std::string& path);

/// Replaces the file at @p path with @p content atomically: writes a temporary file with mode 0600 in the same
/// folder, flushes it to disk and renames it over @p path. Throws sdk::Error naming the file and the reason.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace accurate::auth
