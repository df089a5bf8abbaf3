#include "report/report_store.hpp"

#include <accurate/sdk/errors.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace accurate::report {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using std::chrono::system_clock;

/// Whether @p id is "<8 digits>T<6 digits>Z-<8 lowercase hex digits>"; with @p stamp, also that it starts with it.
bool isReportId(const std::string& id, const std::string& stamp = {}) {
  if (id.size() != 25 || id[8] != 'T' || id[15] != 'Z' || id[16] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14}) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  for (std::size_t i = 17; i < 25; ++i) {
    if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'))) return false;
  }
  return id.rfind(stamp, 0) == 0;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void writeRaw(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string reportJson(double start, std::uint64_t requests, const std::string& host = "http://h") {
  return "{\"start_time\": " + std::to_string(start) + ", \"end_time\": " + std::to_string(start + 60) +
         ", \"host\": \"" + host + "\", \"total\": {\"num_requests\": " + std::to_string(requests) +
         ", \"num_failures\": 2}}";
}

class ReportStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("accurate-report-store-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> directoryNames() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    return names;
  }

  fs::path dir_;
};

TEST(ReportStoreId, IsUtcTimestampAndEightHexDigits) {
  const auto when = system_clock::from_time_t(1700000000);  // 2023-11-14 22:13:20 UTC
  const std::string id = ReportStore::makeId(when);
  EXPECT_TRUE(isReportId(id, "20231114T221320Z-")) << id;
  EXPECT_NE(ReportStore::makeId(when), ReportStore::makeId(when));  // 32 random bits: equal twice is ~2^-32
}

TEST_F(ReportStoreTest, WritesAllFilesAtomicallyAndCreatesTheDirectory) {
  ReportStore store(dir_ / "nested");
  const std::string id = store.write({{"report.json", "{\"a\": 1}"}, {"stats.csv", "x,y\r\n"}, {"empty.txt", ""}});
  EXPECT_TRUE(isReportId(id)) << id;
  EXPECT_FALSE(isReportId("20231114T221320Z-0123abcG"));
  const fs::path report = dir_ / "nested" / id;
  EXPECT_EQ(readFile(report / "report.json"), "{\"a\": 1}");
  EXPECT_EQ(readFile(report / "stats.csv"), "x,y\r\n");
  EXPECT_TRUE(fs::is_regular_file(report / "empty.txt"));
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / "nested")) {
    ++entries;
    EXPECT_EQ(entry.path().filename().string().rfind(".tmp-", 0), std::string::npos) << entry.path();
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(ReportStoreTest, WritesUnderAGivenIdAndRefusesToOverwriteIt) {
  ReportStore store(dir_);
  const std::string id = ReportStore::makeId();
  EXPECT_EQ(store.write({{"report.json", "{}"}}, id), id);
  EXPECT_THROW(store.write({{"report.json", "{\"other\": 1}"}}, id), sdk::Error);
  EXPECT_EQ(readFile(dir_ / id / "report.json"), "{}");
  EXPECT_EQ(directoryNames().size(), 1u);
}

TEST_F(ReportStoreTest, RefusesBadIdsAndFileNamesWithoutLeavingATemporaryDirectory) {
  ReportStore store(dir_);
  EXPECT_THROW(store.write({{"report.json", "{}"}}, "../escape"), sdk::Error);
  EXPECT_THROW(store.write({{"report.json", "{}"}}, ".hidden"), sdk::Error);
  EXPECT_THROW(store.write({{"../x", "{}"}}), sdk::Error);
  EXPECT_THROW(store.write({{"", "{}"}}), sdk::Error);
  EXPECT_THROW(store.write({{"a.json", "{}"}, {"a.json", "{}"}}), sdk::Error);  // duplicate name: O_EXCL fails
  if (fs::exists(dir_)) {
    EXPECT_TRUE(directoryNames().empty());
  }
}

TEST_F(ReportStoreTest, ListsNewestFirstWithFieldsFromReportJson) {
  ReportStore store(dir_);
  const auto t0 = system_clock::from_time_t(1700000000);
  const std::string old_id = ReportStore::makeId(t0);
  const std::string mid_id = ReportStore::makeId(t0 + seconds(3600));
  const std::string new_id = ReportStore::makeId(t0 + seconds(86400));
  store.write({{"report.json", reportJson(1700086400, 30, "http://new")}}, new_id);
  store.write({{"report.json", reportJson(1700000000, 10)}}, old_id);
  store.write({{"report.json", reportJson(1700003600, 20)}}, mid_id);
  const auto list = store.list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, new_id);
  EXPECT_EQ(list[1].id, mid_id);
  EXPECT_EQ(list[2].id, old_id);
  EXPECT_EQ(list[0].host, "http://new");
  EXPECT_EQ(list[0].num_requests, 30u);
  EXPECT_EQ(list[0].num_failures, 2u);
  EXPECT_DOUBLE_EQ(list[0].start_time, 1700086400);
  EXPECT_DOUBLE_EQ(list[0].end_time, 1700086460);
}

TEST_F(ReportStoreTest, ListSkipsBrokenReportsTemporaryDirectoriesAndFiles) {
  ReportStore store(dir_);
  const std::string good = store.write({{"report.json", reportJson(1700000000, 1)}});
  writeRaw(dir_ / "20990101T000000Z-deadbeef" / "report.json", "{\"start_time\": 1, ");  // truncated
  writeRaw(dir_ / "20990101T000001Z-deadbeef" / "report.json", "[1, 2]");              // not an object
  fs::create_directories(dir_ / "20990101T000002Z-deadbeef");                          // no report.json
  writeRaw(dir_ / ".tmp-20990101T000003Z-deadbeef" / "report.json", reportJson(1, 1)); // being written
  writeRaw(dir_ / "stray-file.json", reportJson(1, 1));
  std::vector<ReportListEntry> list;
  ASSERT_NO_THROW(list = store.list());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, good);
}

TEST_F(ReportStoreTest, ListOfAMissingDirectoryIsEmpty) {
  EXPECT_TRUE(ReportStore(dir_ / "absent").list().empty());
}

TEST_F(ReportStoreTest, LoadsByIdOrUniquePrefix) {
  ReportStore store(dir_);
  const std::string a = "20231114T221320Z-aaaa0001";
  const std::string b = "20231114T221320Z-aaaa0002";
  const std::string c = "20231115T000000Z-bbbb0001";
  store.write({{"report.json", reportJson(1, 1)}}, a);
  store.write({{"report.json", reportJson(2, 2)}}, b);
  store.write({{"report.json", reportJson(3, 3)}}, c);
  EXPECT_EQ(store.load(a).at("total").at("num_requests").to_number<int>(), 1);
  EXPECT_EQ(store.load("20231115").at("total").at("num_requests").to_number<int>(), 3);
  EXPECT_EQ(store.load("20231114T221320Z-aaaa0002").at("total").at("num_requests").to_number<int>(), 2);
  EXPECT_EQ(store.resolve("20231115"), dir_ / c);
}

TEST_F(ReportStoreTest, AmbiguousUnknownAndMalformedIdsGiveClearErrors) {
  ReportStore store(dir_);
  store.write({{"report.json", "{}"}}, "20231114T221320Z-aaaa0001");
  store.write({{"report.json", "{}"}}, "20231114T221320Z-aaaa0002");
  try {
    store.load("20231114");
    FAIL() << "expected an ambiguity error";
  } catch (const sdk::Error& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("ambiguous"), std::string::npos) << what;
    EXPECT_NE(what.find("20231114T221320Z-aaaa0001"), std::string::npos) << what;
    EXPECT_NE(what.find("20231114T221320Z-aaaa0002"), std::string::npos) << what;
  }
  try {
    store.load("1999");
    FAIL() << "expected an unknown-id error";
  } catch (const sdk::Error& error) {
    EXPECT_NE(std::string(error.what()).find("no report '1999'"), std::string::npos) << error.what();
  }
  EXPECT_THROW(store.load("../etc"), sdk::Error);
  EXPECT_THROW(store.load(""), sdk::Error);
  EXPECT_THROW(store.load(".tmp-x"), sdk::Error);
}

TEST_F(ReportStoreTest, LoadOfABrokenReportNamesIt) {
  ReportStore store(dir_);
  writeRaw(dir_ / "20231114T221320Z-aaaa0001" / "report.json", "{nope");
  try {
    store.load("20231114T221320Z-aaaa0001");
    FAIL() << "expected a parse error";
  } catch (const sdk::Error& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("20231114T221320Z-aaaa0001"), std::string::npos) << what;
    EXPECT_NE(what.find("not valid JSON"), std::string::npos) << what;
  }
}

TEST_F(ReportStoreTest, WriteFileAtomicallyReplacesContentAndLeavesNoTemporaryFile) {
  const fs::path file = dir_ / "sub" / "report.html";
  writeFileAtomically(file, "first");
  EXPECT_EQ(readFile(file), "first");
  writeFileAtomically(file, "second, longer content");
  EXPECT_EQ(readFile(file), "second, longer content");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_ / "sub")) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST_F(ReportStoreTest, WriteFileAtomicallyNamesThePathOnFailure) {
  fs::create_directories(dir_ / "a-directory");
  try {
    writeFileAtomically(dir_ / "a-directory", "x");
    FAIL() << "expected an error";
  } catch (const sdk::Error& error) {
    EXPECT_NE(std::string(error.what()).find("a-directory"), std::string::npos) << error.what();
  }
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++entries;
  EXPECT_EQ(entries, 1u);  // the temporary file was removed
}

}  // namespace
}  // namespace accurate::report
