#include "auth_test_support.hpp"
#include "commands.hpp"
#include "settings.hpp"
#include "users_file.hpp"

#include <accurate/sdk/errors.hpp>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <deque>
#include <sstream>

namespace accurate::auth {
namespace {

using std::chrono::seconds;

/// Streams standing in for stdin/stdout/stderr, optionally with a "terminal" answering prompts.
struct FakeIo {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  std::deque<std::string> terminal;    ///< answers to hidden prompts, in order
  std::vector<std::string> prompts;    ///< prompts shown

  explicit FakeIo(std::string input = "") : in(std::move(input)) {}
  CommandIo io(bool tty = false) {
    CommandIo io;
    io.in = &in;
    io.out = &out;
    io.err = &err;
    if (tty) {
      io.read_hidden = [this](const std::string& prompt) -> std::optional<std::string> {
        prompts.push_back(prompt);
        if (terminal.empty()) return std::nullopt;
        std::string answer = terminal.front();
        terminal.pop_front();
        return answer;
      };
    }
    return io;
  }
};

std::string errorOf(const std::function<void()>& run) {
  try {
    run();
  } catch (const sdk::Error& e) {
    return e.what();
  }
  return "";
}

unsigned modeOf(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777;
}

TEST(AddUserCommand, CreatesThePrivateUsersFileAndTheHashVerifies) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  FakeIo fake("wonderland\n");
  EXPECT_EQ(addUserCommand({"alice", "--file", file}, {}, fake.io(), minimumLimits()), 0);
  EXPECT_EQ(modeOf(file), 0600u);
  const auto users = readUsersFile(file);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_TRUE(verifyPassword(users.at("alice"), "wonderland"));
  EXPECT_EQ(fake.out.str(), "");
  EXPECT_EQ(test::readFile(file).find("wonderland"), std::string::npos);
}

TEST(AddUserCommand, UpdatesAnExistingEntryInPlaceAndKeepsTheRest) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  const std::string bob = test::cheapHash("b");
  test::writeFile(file, "# team\nalice:" + test::cheapHash("old") + "\nbob:" + bob + "\n");
  ::chmod(file.c_str(), 0644);
  FakeIo fake("new password\r\n");
  const boost::json::object config{{"users_file", file}};  // the section's file is the default
  EXPECT_EQ(addUserCommand({"--", "alice"}, config, fake.io(), minimumLimits()), 0);
  const std::string content = test::readFile(file);
  EXPECT_TRUE(content.starts_with("# team\nalice:$argon2id$")) << content;
  EXPECT_TRUE(content.ends_with("\nbob:" + bob + "\n")) << content;
  EXPECT_TRUE(verifyPassword(readUsersFile(file).at("alice"), "new password"));
  EXPECT_EQ(modeOf(file), 0600u) << "the replaced file is private too";
}

TEST(AddUserCommand, PromptsTwiceOnATerminalAndRefusesAMismatch) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  FakeIo fake;
  fake.terminal = {"one", "two"};
  EXPECT_EQ(errorOf([&] { addUserCommand({"alice", "--file=" + file}, {}, fake.io(true), minimumLimits()); }),
            "auth add-user: the passwords do not match");
  EXPECT_EQ(fake.prompts.size(), 2u);
  EXPECT_FALSE(std::filesystem::exists(file));
  fake.terminal = {"same", "same"};
  EXPECT_EQ(addUserCommand({"alice", "--file=" + file}, {}, fake.io(true), minimumLimits()), 0);
  EXPECT_TRUE(verifyPassword(readUsersFile(file).at("alice"), "same"));
}

TEST(AddUserCommand, RefusesMisuseWithOneLine) {
  test::TempDir dir;
  const std::string file = dir.file("users");
  const auto run = [&](std::vector<std::string> args, const boost::json::object& config = {}) {
    FakeIo local("pw\n");
    return errorOf([&] { addUserCommand(args, config, local.io(), minimumLimits()); });
  };
  EXPECT_EQ(run({}), "auth add-user: expected exactly one user NAME (usage: accurate auth add-user NAME [--file F])");
  EXPECT_EQ(run({"a", "b", "--file", file}),
            "auth add-user: expected exactly one user NAME (usage: accurate auth add-user NAME [--file F])");
  EXPECT_EQ(run({"alice"}), "auth add-user: no file to write: pass --file F, or set auth.users_file in the config "
                            "(--auth-users-file)");
  EXPECT_EQ(run({"alice", "--file"}), "auth add-user: --file needs a value (usage: accurate auth add-user NAME [--file F])");
  EXPECT_EQ(run({"alice", "--bogus", "x"}),
            "auth add-user: unknown option '--bogus' (usage: accurate auth add-user NAME [--file F])");
  EXPECT_EQ(run({"al:ice", "--file", file}), "auth add-user: user name contains ':'");
  FakeIo empty("\n");
  EXPECT_EQ(errorOf([&] { addUserCommand({"alice", "--file", file}, {}, empty.io(), minimumLimits()); }),
            "auth add-user: empty passwords are refused");
  FakeIo none("");
  EXPECT_EQ(errorOf([&] { addUserCommand({"alice", "--file", file}, {}, none.io(), minimumLimits()); }),
            "auth add-user: no password on standard input");
  EXPECT_FALSE(std::filesystem::exists(file));
  test::writeFile(file, "broken line\n");
  EXPECT_EQ(run({"alice", "--file", file}), file + ":1: expected name:hash");
  EXPECT_EQ(test::readFile(file), "broken line\n") << "a broken file is left alone";
  EXPECT_EQ(run({"alice", "--file", dir.file("missing/dir/users")}).substr(0, 13), "cannot write ");
}

TEST(AddTokenCommand, PrintsTheTokenOnceAndStoresOnlyItsDigest) {
  test::TempDir dir;
  const std::string file = dir.file("tokens");
  FakeIo fake;
  const SysSeconds now(seconds(1'700'000'000));
  EXPECT_EQ(addTokenCommand({"ci", "--expires-in", "12h", "--file", file}, {}, fake.io(), [&] { return now; }), 0);
  std::string token = fake.out.str();
  ASSERT_TRUE(token.ends_with("\n"));
  token.pop_back();
  EXPECT_TRUE(token.starts_with("acc_"));
  const std::string content = test::readFile(file);
  EXPECT_EQ(content, "ci:" + tokenDigestHex(token) + ":" + std::to_string(1'700'000'000 + 12 * 3600) + "\n");
  EXPECT_EQ(content.find(token.substr(4)), std::string::npos);
  EXPECT_EQ(modeOf(file), 0600u);
  EXPECT_NE(fake.err.str().find("2023-11-15T10:13:20Z"), std::string::npos) << fake.err.str();
  // The stored form is accepted by the provider's settings, and the token authenticates.
  std::vector<std::string> warnings;
  const auto settings = parseSettings(boost::json::object{{"tokens_file", file}}, warnings);
  ASSERT_EQ(settings.tokens.size(), 1u);
  EXPECT_EQ(settings.tokens[0].sha256, tokenDigest(token));
}

TEST(AddTokenCommand, RotatesATokenOfTheSameNameAndSupportsNever) {
  test::TempDir dir;
  const std::string file = dir.file("tokens");
  const auto now = [] { return SysSeconds(seconds(100)); };
  FakeIo first;
  addTokenCommand({"ci", "--file", file}, {}, first.io(), now);
  EXPECT_TRUE(test::readFile(file).ends_with(":" + std::to_string(100 + 90 * 86400) + "\n")) << "default: 90 days";
  FakeIo second;
  const boost::json::object config{{"tokens_file", file}};
  addTokenCommand({"ci", "--expires-in", "never"}, config, second.io(), now);
  EXPECT_NE(first.out.str(), second.out.str());
  std::string token = second.out.str();
  token.pop_back();
  EXPECT_EQ(test::readFile(file), "ci:" + tokenDigestHex(token) + ":never\n");
}

TEST(AddTokenCommand, RefusesMisuseWithOneLine) {
  test::TempDir dir;
  const auto run = [&](std::vector<std::string> args) {
    FakeIo fake;
    return errorOf([&] { addTokenCommand(args, {}, fake.io(), [] { return SysSeconds(seconds(0)); }); });
  };
  EXPECT_EQ(run({"ci", "--expires-in", "soon", "--file", dir.file("t")}),
            "auth add-token: --expires-in: 'soon' is not a duration: use <n>d, <n>h, <n>m, <n>s (n > 0) or never");
  EXPECT_EQ(run({"ci"}), "auth add-token: no file to write: pass --file F, or set auth.tokens_file in the config "
                         "(--auth-tokens-file)");
  EXPECT_TRUE(run({}).starts_with("auth add-token: expected exactly one token NAME"));
  EXPECT_TRUE(run({"ci", "--file", "a", "--file", "b"}).starts_with("auth add-token: --file given twice"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("t")));
}

TEST(HashPasswordCommand, PrintsAHashOfStdin) {
  FakeIo fake("hunter2\n");
  EXPECT_EQ(hashPasswordCommand({}, fake.io(), minimumLimits()), 0);
  std::string hash = fake.out.str();
  ASSERT_TRUE(hash.ends_with("\n"));
  hash.pop_back();
  EXPECT_EQ(hashProblem(hash), "");
  EXPECT_TRUE(verifyPassword(hash, "hunter2"));
  FakeIo extra("x\n");
  EXPECT_EQ(errorOf([&] { hashPasswordCommand({"x"}, extra.io(), minimumLimits()); }),
            "auth hash-password: takes no arguments; the password is read from standard input");
  FakeIo big(std::string(2000, 'p') + "\n");
  EXPECT_EQ(errorOf([&] { hashPasswordCommand({}, big.io(), minimumLimits()); }),
            "auth hash-password: the password is longer than 1024 bytes");
}

}  // namespace
}  // namespace accurate::auth
