#include "users_file.hpp"

#include "password_hash.hpp"
#include "secret_file.hpp"
#include "text_lines.hpp"

#include <accurate/sdk/errors.hpp>

namespace accurate::auth {

std::string userNameProblem(std::string_view name) {
  if (name.empty()) return "empty user name";
  if (name.size() > 128) return "user name longer than 128 bytes";
  for (const char c : name) {
    if (c == ':') return "user name contains ':'";
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "user name contains a control character";
  }
  if (trimBlank(name).size() != name.size()) return "user name starts or ends with white space";
  return "";
}

UserTable parseUsersFile(std::string_view content, const std::string& file_name) {
  UserTable users;
  std::map<std::string, std::size_t, std::less<>> first_line;
  const auto lines = splitLines(content);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    const std::size_t number = index + 1;
    const auto fail = [&](const std::string& reason) {
      throw sdk::ConfigError("", file_name + ":" + std::to_string(number) + ": " + reason);
    };
    if (isCommentOrBlank(lines[index])) continue;
    const std::string_view line = trimBlank(lines[index]);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) fail("expected name:hash");
    const std::string_view name = line.substr(0, colon);
    const std::string_view hash = line.substr(colon + 1);
    if (const auto problem = userNameProblem(name); !problem.empty()) fail(problem);
    if (const auto problem = hashProblem(hash); !problem.empty()) fail("user '" + std::string(name) + "': " + problem);
    if (const auto it = first_line.find(name); it != first_line.end()) {
      fail("user '" + std::string(name) + "' is already defined on line " + std::to_string(it->second));
    }
    first_line.emplace(std::string(name), number);
    users.emplace(std::string(name), std::string(hash));
  }
  return users;
}

UserTable readUsersFile(const std::string& path) { return parseUsersFile(readTextFile(path), path); }

std::string upsertUserLine(std::string_view content, std::string_view name, std::string_view hash) {
  std::string out;
  bool replaced = false;
  for (const std::string_view raw : splitLines(content)) {
    const std::string_view line = trimBlank(raw);
    const bool ours = !isCommentOrBlank(line) && line.starts_with(name) && line.size() > name.size() &&
                      line[name.size()] == ':';
    if (ours) {
      if (replaced) continue;  // parseUsersFile refuses duplicates, so this does not happen for valid files
      out.append(name).append(":").append(hash).append("\n");
      replaced = true;
    } else {
      out.append(raw).append("\n");
    }
  }
  if (!replaced) out.append(name).append(":").append(hash).append("\n");
  return out;
}

}  // namespace accurate::auth
