#include "auth_test_support.hpp"
#include "users_file.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

namespace accurate::auth {
namespace {

std::string errorOf(const std::string& content) {
  try {
    (void)parseUsersFile(content, "users.txt");
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(UsersFile, ParsesEntriesCommentsAndBlankLines) {
  const std::string a = test::cheapHash("a");
  const std::string b = test::cheapHash("b");
  const auto users = parseUsersFile("# web users\n\nalice:" + a + "\r\n  bob:" + b + "  \n   # indented comment\n",
                                    "users.txt");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users.at("alice"), a);
  EXPECT_EQ(users.at("bob"), b);
}

TEST(UsersFile, NamesTheLineOfAMissingColon) {
  EXPECT_EQ(errorOf("# c\n\nalice\n"), "users.txt:3: expected name:hash");
}

TEST(UsersFile, RefusesAPlaintextPasswordWithItsLine) {
  const std::string message = errorOf("alice:" + test::cheapHash("a") + "\nbob:hunter2\n");
  EXPECT_TRUE(message.starts_with("users.txt:2: user 'bob': not an argon2id hash")) << message;
  EXPECT_NE(message.find("plaintext passwords are refused"), std::string::npos);
  EXPECT_EQ(message.find("hunter2"), std::string::npos) << "the refused secret must not be echoed";
}

TEST(UsersFile, RefusesBadNamesAndDuplicates) {
  const std::string hash = test::cheapHash("a");
  EXPECT_EQ(errorOf(":" + hash + "\n"), "users.txt:1: empty user name");
  EXPECT_EQ(errorOf("al\x01ice:" + hash + "\n"), "users.txt:1: user name contains a control character");
  EXPECT_EQ(errorOf("alice:" + hash + "\n\nalice:" + hash + "\n"),
            "users.txt:3: user 'alice' is already defined on line 1");
}

TEST(UsersFile, ReportsAMissingFile) {
  try {
    (void)readUsersFile("/nonexistent/users.txt");
    FAIL() << "read a missing file";
  } catch (const sdk::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read /nonexistent/users.txt: No such file or directory");
  }
}

TEST(UsersFile, UpsertReplacesInPlaceAndKeepsComments) {
  const std::string content = "# header\nalice:old\nbob:keep\n";
  EXPECT_EQ(upsertUserLine(content, "alice", "new"), "# header\nalice:new\nbob:keep\n");
  EXPECT_EQ(upsertUserLine(content, "carol", "h"), "# header\nalice:old\nbob:keep\ncarol:h\n");
  EXPECT_EQ(upsertUserLine("", "dave", "h"), "dave:h\n");
  EXPECT_EQ(upsertUserLine("alicex:h\n", "alice", "n"), "alicex:h\nalice:n\n");
}

}  // namespace
}  // namespace accurate::auth
