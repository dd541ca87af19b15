// Flag values checked before a drill is read or a cluster is asked
// (harness/cli/flag_checks.h): each refusal is bad input that names the flag
// and quotes the value.
#include "harness/cli/flag_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/reports/temp_dir.h"

namespace kdrill::cli {
namespace {

using ::testing::HasSubstr;
using reports::testing::TempDir;

TEST(ParseSeed, TakesEveryWholeNumberThatFitsIn64Bits) {
  EXPECT_EQ(ParseSeed("0"), 0u);
  EXPECT_EQ(ParseSeed("42"), 42u);
  EXPECT_EQ(ParseSeed("18446744073709551615"), UINT64_MAX);
}

TEST(ParseSeed, RefusesNegativeOverflowingEmptyAndDecoratedValues) {
  for (const std::string text : {"-1", "18446744073709551616", "", "+5", " 5", "5 ", "5x", "0x10", "1e3"}) {
    auto seed = ParseSeed(text);
    ASSERT_FALSE(seed) << text;
    EXPECT_EQ(seed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(seed.error().message,
              "--seed: expected a whole number from 0 to 18446744073709551615, got '" + text + "'");
  }
}

TEST(CheckNamespaceFlag, TakesRfc1123Labels) {
  EXPECT_TRUE(CheckNamespaceFlag("kdrill-demo"));
  EXPECT_TRUE(CheckNamespaceFlag("a"));
  EXPECT_TRUE(CheckNamespaceFlag(std::string(63, 'a')));
}

TEST(CheckNamespaceFlag, RefusesWhatTheApiWouldAndSaysTheRule) {
  for (const std::string ns : {"Bad_NS", "", "..", "a/b", "-a", "a-", "a.b"}) {
    auto st = CheckNamespaceFlag(ns);
    ASSERT_FALSE(st) << ns;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(st.error().message, HasSubstr("-n/--namespace: '" + ns + "' is not a valid namespace name"));
    EXPECT_THAT(st.error().message, HasSubstr("at most 63 characters"));
  }
  auto long_ns = CheckNamespaceFlag(std::string(64, 'a'));
  ASSERT_FALSE(long_ns);
  EXPECT_THAT(long_ns.error().message, HasSubstr("(it has 64)"));
}

TEST(CheckObjectName, RefusesNamesThatWouldChangeTheRequestPath) {
  EXPECT_TRUE(CheckObjectName("pod name", "web-0"));
  EXPECT_TRUE(CheckObjectName("pod name", "web.example-1"));
  for (const std::string& name :
       std::vector<std::string>{"", ".", "..", "a/b", "../x", "Web", "a..b", std::string(254, 'a')}) {
    auto st = CheckObjectName("pod name", name);
    ASSERT_FALSE(st) << name;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(st.error().message, HasSubstr("pod name '" + name + "' is not a valid Kubernetes name"));
  }
}

TEST(CheckJournalDir, TakesAnExistingOrMissingDirectory) {
  TempDir dir;
  EXPECT_TRUE(CheckJournalDir(dir.path().string()));
  EXPECT_TRUE(CheckJournalDir(dir.File("not/yet/there")));
}

TEST(CheckJournalDir, RefusesAFileOrAPathUnderAFileOrNothing) {
  TempDir dir;
  std::string file = dir.File("journal.txt");
  TempDir::Write(file, "x");
  auto st = CheckJournalDir(file);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(st.error().message,
            "--journal-dir: '" + file + "' exists and is not a directory; pass the path of a directory");
  auto under = CheckJournalDir(file + "/sub");
  ASSERT_FALSE(under);
  EXPECT_THAT(under.error().message, HasSubstr("cannot be created: '" + file + "' is not a directory"));
  auto empty = CheckJournalDir("");
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("--journal-dir: the path is empty"));
}

}  // namespace
}  // namespace kdrill::cli
