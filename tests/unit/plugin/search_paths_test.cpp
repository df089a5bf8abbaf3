#include "plugin/search_paths.hpp"

#include <gtest/gtest.h>

namespace accurate::plugin {
namespace {

using Paths = std::vector<std::filesystem::path>;

TEST(SearchPaths, BuildTreeThenInstallPrefixThenEnvironmentInOrder) {
  EXPECT_EQ(makeSearchPaths("/opt/accurate/bin", "lib/accurate/plugins", "/a:/b/c"),
            (Paths{"/opt/accurate/bin/plugins", "/opt/accurate/lib/accurate/plugins", "/a", "/b/c"}));
}

TEST(SearchPaths, SkipsEmptyEnvironmentEntries) {
  EXPECT_EQ(makeSearchPaths("/x/bin", "lib/p", "::/a::"), (Paths{"/x/bin/plugins", "/x/lib/p", "/a"}));
  EXPECT_EQ(makeSearchPaths("/x/bin", "lib/p", ""), (Paths{"/x/bin/plugins", "/x/lib/p"}));
}

TEST(SearchPaths, KeepsAFolderListedTwiceOnceAtItsFirstPosition) {
  EXPECT_EQ(makeSearchPaths("/x/bin", "lib/p", "/x/lib/p/:/a:/x/bin/plugins:/a/"),
            (Paths{"/x/bin/plugins", "/x/lib/p", "/a"}));
}

TEST(SearchPaths, DefaultListStartsNextToTheRunningExecutable) {
  const auto paths = defaultSearchPaths();
  ASSERT_GE(paths.size(), 2u);
  EXPECT_EQ(paths[0].filename(), "plugins");
  EXPECT_TRUE(std::filesystem::exists(paths[0].parent_path() / "unit_plugin"));
}

}  // namespace
}  // namespace accurate::plugin
