#include "commands.hpp"

#include "secret_file.hpp"
#include "users_file.hpp"

#include <accurate/sdk/errors.hpp>

#include <algorithm>
#include <iostream>
#include <map>

#include <termios.h>
#include <unistd.h>

namespace accurate::auth {
namespace {

constexpr std::size_t kMaxPasswordBytes = 1024;

/// Positional arguments and `--flag value` / `--flag=value` options of a command.
struct ParsedArgs {
  std::vector<std::string> positional;        ///< words that are not options
  std::map<std::string, std::string> options;  ///< flag (without dashes) → value
};

ParsedArgs parseArgs(const std::vector<std::string>& args, const std::vector<std::string>& flags,
                     const std::string& command, const std::string& usage) {
  ParsedArgs parsed;
  const auto fail = [&](const std::string& reason) { throw sdk::Error(command + ": " + reason + " (usage: " + usage + ")"); };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") continue;  // arguments may be passed after `--`
    if (!arg.starts_with("--")) {
      parsed.positional.push_back(arg);
      continue;
    }
    std::string flag = arg.substr(2);
    std::optional<std::string> value;
    if (const auto eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    }
    if (std::find(flags.begin(), flags.end(), flag) == flags.end()) fail("unknown option '--" + flag + "'");
    if (!value) {
      if (i + 1 >= args.size()) fail("--" + flag + " needs a value");
      value = args[++i];
    }
    if (parsed.options.contains(flag)) fail("--" + flag + " given twice");
    parsed.options[flag] = *value;
  }
  return parsed;
}

/// The file named by --file, else by the section's @p key; throws when neither is set.
std::string targetFile(const ParsedArgs& parsed, const boost::json::object& section, const std::string& key,
                       const std::string& flag, const std::string& command) {
  if (const auto it = parsed.options.find("file"); it != parsed.options.end()) {
    if (it->second.empty()) throw sdk::Error(command + ": --file needs a non-empty path");
    return it->second;
  }
  if (const auto* value = section.if_contains(key); value != nullptr && value->is_string() &&
                                                   !value->get_string().empty()) {
    return std::string(value->get_string());
  }
  throw sdk::Error(command + ": no file to write: pass --file F, or set auth." + key + " in the config (--" + flag +
                   ")");
}

/// Restores the terminal's attributes when it goes out of scope.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      quiet.c_lflag |= ECHONL;
      active_ = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};      ///< attributes before echo was turned off
  bool active_ = false;  ///< true when they must be restored
};

std::optional<std::string> readLine(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) {
    wipe(line);
    return std::nullopt;
  }
  if (line.ends_with('\r')) line.pop_back();
  return line;
}

}  // namespace

CommandIo processIo() {
  CommandIo io;
  io.in = &std::cin;
  io.out = &std::cout;
  io.err = &std::cerr;
  if (isatty(STDIN_FILENO) == 1) {
    io.read_hidden = [](const std::string& prompt) -> std::optional<std::string> {
      std::cerr << prompt << std::flush;
      const EchoOff quiet;
      return readLine(std::cin);
    };
  }
  return io;
}

std::string readNewPassword(const CommandIo& io, const std::string& command) {
  std::optional<std::string> password;
  if (io.read_hidden) {
    password = io.read_hidden("Password: ");
    if (!password) throw sdk::Error(command + ": no password given (end of input)");
    std::optional<std::string> again = io.read_hidden("Repeat password: ");
    const bool same = again && *again == *password;
    if (again) wipe(*again);
    if (!same) {
      wipe(*password);
      throw sdk::Error(command + ": the passwords do not match");
    }
  } else {
    password = readLine(*io.in);
    if (!password) throw sdk::Error(command + ": no password on standard input");
  }
  if (password->empty()) throw sdk::Error(command + ": empty passwords are refused");
  if (password->size() > kMaxPasswordBytes) {
    wipe(*password);
    throw sdk::Error(command + ": the password is longer than 1024 bytes");
  }
  return std::move(*password);
}

int addUserCommand(const std::vector<std::string>& args, const boost::json::object& section, const CommandIo& io,
                   HashLimits limits) {
  const std::string command = "auth add-user";
  const std::string usage = "accurate auth add-user NAME [--file F]";
  const ParsedArgs parsed = parseArgs(args, {"file"}, command, usage);
  if (parsed.positional.size() != 1) {
    throw sdk::Error(command + ": expected exactly one user NAME (usage: " + usage + ")");
  }
  const std::string& name = parsed.positional.front();
  if (const auto problem = userNameProblem(name); !problem.empty()) throw sdk::Error(command + ": " + problem);
  const std::string file = targetFile(parsed, section, "users_file", "auth-users-file", command);
  // Refuse to touch a broken file before asking for the password.
  const std::string content = fileExists(file) ? readTextFile(file) : std::string();
  (void)parseUsersFile(content, file);
  std::string password = readNewPassword(io, command);
  const std::string hash = hashPassword(password, limits);
  wipe(password);
  writeFileAtomically(file, upsertUserLine(content, name, hash));
  *io.err << "auth: user '" << name << "' saved in " << file << '\n';
  return 0;
}

int addTokenCommand(const std::vector<std::string>& args, const boost::json::object& section, const CommandIo& io,
                    const std::function<SysSeconds()>& now) {
  const std::string command = "auth add-token";
  const std::string usage = "accurate auth add-token NAME [--expires-in 30d|12h|45m|never] [--file F]";
  const ParsedArgs parsed = parseArgs(args, {"file", "expires-in"}, command, usage);
  if (parsed.positional.size() != 1) {
    throw sdk::Error(command + ": expected exactly one token NAME (usage: " + usage + ")");
  }
  const std::string& name = parsed.positional.front();
  if (const auto problem = tokenNameProblem(name); !problem.empty()) throw sdk::Error(command + ": " + problem);
  std::optional<std::chrono::seconds> lifetime = std::chrono::seconds(90LL * 86400);
  if (const auto it = parsed.options.find("expires-in"); it != parsed.options.end()) {
    try {
      lifetime = parseExpiresIn(it->second);
    } catch (const sdk::Error& e) {
      throw sdk::Error(command + ": " + e.what());
    }
  }
  const std::string file = targetFile(parsed, section, "tokens_file", "auth-tokens-file", command);
  const std::string content = fileExists(file) ? readTextFile(file) : std::string();
  (void)parseTokensFile(content, file);
  std::optional<SysSeconds> expires;
  if (lifetime) expires = now() + *lifetime;
  std::string token = generateToken();
  writeFileAtomically(file, upsertTokenLine(content, name, tokenDigestHex(token), expires));
  *io.out << token << '\n' << std::flush;
  wipe(token);
  *io.err << "auth: token '" << name << "' saved in " << file
          << (expires ? " (expires " + formatIsoUtc(*expires) + ")"
                      : std::string(" (never expires)"))
          << "; it is shown only once\n";
  return 0;
}

int hashPasswordCommand(const std::vector<std::string>& args, const CommandIo& io, HashLimits limits) {
  const std::string command = "auth hash-password";
  const ParsedArgs parsed = parseArgs(args, {}, command, "accurate auth hash-password < password");
  if (!parsed.positional.empty()) {
    throw sdk::Error(command + ": takes no arguments; the password is read from standard input");
  }
  std::string password = readNewPassword(io, command);
  const std::string hash = hashPassword(password, limits);
  wipe(password);
  *io.out << hash << '\n' << std::flush;
  return 0;
}

}  // namespace accurate::auth
