// Report paths checked before `run` connects (harness/cli/report_paths.h):
// never an input, never a missing directory, never a directory or pipe,
// /dev/null written through, an unwritable directory found up front.
#include "harness/cli/report_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/reports/temp_dir.h"

namespace kdrill::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using reports::testing::TempDir;

class ReportPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    drill_ = dir_.File("drill.yaml");
    kubeconfig_ = dir_.File("kubeconfig");
    TempDir::Write(drill_, "drill");
    TempDir::Write(kubeconfig_, "config");
    inputs_ = {{"the drill file", drill_}, {"the kubeconfig", kubeconfig_}};
  }
  Status Check(const std::string& path) { return CheckReportPath({"--junit", path}, inputs_); }

  TempDir dir_;
  std::string drill_, kubeconfig_;
  std::vector<ReportPath> inputs_;
};

TEST_F(ReportPathsTest, TakesANewOrExistingFileInAnExistingDirectory) {
  EXPECT_TRUE(Check(dir_.File("junit.xml")));
  TempDir::Write(dir_.File("old.xml"), "x");
  EXPECT_TRUE(Check(dir_.File("old.xml")));
  EXPECT_TRUE(Check("/dev/null"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator()), 3) << "no probe left";
}

TEST_F(ReportPathsTest, RefusesAnInputHoweverItIsNamed) {
  fs::create_symlink(drill_, dir_.path() / "link.xml");
  ASSERT_EQ(::link(kubeconfig_.c_str(), dir_.File("hard.xml").c_str()), 0);
  fs::create_directory(dir_.path() / "sub");
  for (const std::string& path :
       {drill_, dir_.File("sub/../drill.yaml"), dir_.File("./link.xml"), dir_.File("hard.xml"), kubeconfig_}) {
    auto st = Check(path);
    ASSERT_FALSE(st) << path;
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(st.error().message, HasSubstr("--junit: '" + path + "' is the "));
    EXPECT_THAT(st.error().message, HasSubstr("the report would overwrite it: pass another path"));
  }
  EXPECT_EQ(TempDir::Read(drill_), "drill");
  EXPECT_EQ(TempDir::Read(kubeconfig_), "config");
  auto st = Check(drill_);
  EXPECT_EQ(st.error().message, "--junit: '" + drill_ + "' is the drill file " + drill_ +
                                    "; the report would overwrite it: pass another path");
}

TEST_F(ReportPathsTest, RefusesAMissingDirectoryAndCreatesNone) {
  auto st = Check(dir_.File("nonexistent/dir/x.xml"));
  ASSERT_FALSE(st);
  EXPECT_THAT(st.error().message, HasSubstr("directory " + dir_.File("nonexistent/dir") +
                                            " does not exist; create it first (kdrill does not create directories)"));
  EXPECT_FALSE(fs::exists(dir_.path() / "nonexistent"));
  auto under_file = Check(drill_ + "/x.xml");
  ASSERT_FALSE(under_file);
  EXPECT_THAT(under_file.error().message, HasSubstr(drill_ + " is not a directory"));
}

TEST_F(ReportPathsTest, RefusesADirectoryOrAPipeEvenBehindASymlink) {
  fs::create_directory(dir_.path() / "out");
  ASSERT_EQ(::mkfifo(dir_.File("pipe").c_str(), 0600), 0);
  fs::create_symlink("out", dir_.path() / "to-dir.xml");
  auto d = Check(dir_.File("out"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "--junit: '" + dir_.File("out") + "' is a directory, not a file: pass a file path");
  auto p = Check(dir_.File("pipe"));
  ASSERT_FALSE(p);
  EXPECT_THAT(p.error().message, HasSubstr("is a named pipe"));
  auto l = Check(dir_.File("to-dir.xml"));
  ASSERT_FALSE(l);
  EXPECT_THAT(l.error().message, HasSubstr("is a directory (" + dir_.File("out") + ")"));
}

TEST_F(ReportPathsTest, ADirectoryNoFileCanBeCreatedInIsFoundBeforeTheRun) {
  auto proc = Check("/proc/x");
  ASSERT_FALSE(proc);
  EXPECT_THAT(proc.error().message, HasSubstr("--junit: '/proc/x' cannot be written: no file can be created in /proc: "));
  if (::geteuid() != 0) {
    fs::create_directory(dir_.path() / "ro");
    fs::permissions(dir_.path() / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    auto ro = Check(dir_.File("ro/x.xml"));
    fs::permissions(dir_.path() / "ro", fs::perms::owner_all);
    ASSERT_FALSE(ro);
    EXPECT_THAT(ro.error().message, HasSubstr("no file can be created in"));
  }
}

TEST_F(ReportPathsTest, RefusesAnEmptyPathAndTwoReportsOnOneFile) {
  auto empty = Check("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "--junit: the path is empty; pass a file path");
  std::string same = dir_.File("r.xml");
  auto both = CheckReportPaths({{"--junit", same}, {"--json", same}}, inputs_);
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message, "--json: '" + same +
                                      "' is also the report of --junit; one would overwrite the other: pass another "
                                      "path");
  EXPECT_TRUE(CheckReportPaths({{"--junit", same}, {"--json", dir_.File("r.json")}}, inputs_));
}

TEST(KubeconfigCandidates, FlagElseEachKubeconfigEntryElseHome) {
  const char* home = std::getenv("HOME");
  const std::string saved_home = home ? home : "";
  EXPECT_EQ(KubeconfigCandidates("/k"), std::vector<std::string>{"/k"});
  ::setenv("KUBECONFIG", "/a::/b", 1);
  EXPECT_EQ(KubeconfigCandidates(""), (std::vector<std::string>{"/a", "/b"}));
  ::unsetenv("KUBECONFIG");
  ::setenv("HOME", "/home/x", 1);
  EXPECT_EQ(KubeconfigCandidates(""), std::vector<std::string>{"/home/x/.kube/config"});
  ::setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace kdrill::cli
