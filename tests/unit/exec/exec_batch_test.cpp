// ExecBatch: several commands in one exec, each part answered as if it had
// run alone. The framing is parsed from hand-made output, the real script is
// run under the local sh (and busybox sh where installed) through
// KubectlPodExecutor with a stand-in kubectl, and the fallbacks are driven
// through a scripted executor.
#include "harness/exec/exec_batch.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/exec/kubectl_pod_executor.h"
#include "tests/unit/assertions/assertion_fixture.h"

namespace kdrill::testing {
namespace {

// Counts the execs it passes on; the first `fail_first` of them fail as a
// kubectl timeout would.
struct CountingExec : PodExecutor {
  explicit CountingExec(PodExecutor& i, int fail = 0) : inner(i), fail_first(fail) {}
  Result<ExecResult> Exec(const ExecRequest& req) override {
    if (n++ < fail_first) return MakeError(ErrorCode::kTimeout, "kubectl exec timed out after 30s");
    return inner.Exec(req);
  }
  PodExecutor& inner;
  int fail_first = 0;
  int n = 0;
};

TEST(ExecBatchFraming, SectionsKeepEveryByteOfTheirBody) {
  std::string out = FramePart("read", "token without newline", 0) + FramePart("empty", "", 0) +
                    FramePart("lines", "a\nb\n\n", 1);
  auto read = FindPart(out, "read");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->body, "token without newline");
  EXPECT_EQ(read->rc, 0);
  EXPECT_EQ(FindPart(out, "empty")->body, "");
  EXPECT_EQ(FindPart(out, "lines")->body, "a\nb\n\n");
  EXPECT_EQ(FindPart(out, "lines")->rc, 1);
  EXPECT_FALSE(FindPart(out, "resolve")) << "a part that never began";
  EXPECT_FALSE(FindPart(out, "rea")) << "names match whole";
}

TEST(ExecBatchFraming, APartWithoutItsEndLineHasNoExitStatus) {
  auto cut = FindPart(FramePart("read", "half a fi", std::nullopt), "read");
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->body, "half a fi");
  EXPECT_FALSE(cut->rc);
  // An end line cut before its newline is no exit status either.
  std::string framed = FramePart("read", "x", 0);
  EXPECT_FALSE(FindPart(framed.substr(0, framed.size() - 1), "read")->rc);
}

TEST(ExecBatchFraming, TheBeginLineCountsOnlyAtTheStartOfALine) {
  std::string out = "noise @@kdrill-part@@ begin read\n" + FramePart("read", "real", 0);
  EXPECT_EQ(FindPart(out, "read")->body, "real");
}

TEST(ExecBatchArgv, PartsTravelAsArgumentsAndComeBackWhole) {
  std::vector<BatchPart> parts = {{"read", {"cat", "/data/a file; rm -rf / $HOME `id`"}},
                                  {"remove", {"rm", "-f", "/data/x"}},
                                  {"hostname", {"hostname"}}};
  auto argv = BatchArgv(parts);
  EXPECT_EQ(argv[0], "sh");
  EXPECT_EQ(argv[1], "-c");
  EXPECT_EQ(argv[2].find("rm -rf"), std::string::npos) << "no argument is pasted into the script";
  auto back = ParseBatchArgv(argv);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].argv, parts[0].argv);
  EXPECT_EQ((*back)[2].name, "hostname");
  EXPECT_FALSE(ParseBatchArgv({"sh", "-c", "cat \"$1\"", "sh", "x"}));
  argv.pop_back();  // a count that runs past the end
  EXPECT_FALSE(ParseBatchArgv(argv));
}

// The real script under a real shell: a stand-in kubectl drops its own
// arguments and runs the argv after "--" (with `shell` in place of sh).
class ExecBatchShellTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "busybox sh" && ::access("/usr/bin/busybox", X_OK) != 0 && ::access("/bin/busybox", X_OK) != 0) {
      GTEST_SKIP() << "no busybox here";
    }
    dir_ = std::filesystem::temp_directory_path() /
           ("kdrill-batch-" + std::to_string(::getpid()) + "-" + (GetParam() == "sh" ? "sh" : "busybox"));
    std::filesystem::create_directories(dir_);
    kubectl_ = (dir_ / "kubectl").string();
    std::ofstream(kubectl_) << "#!/bin/sh\nwhile [ \"$#\" -gt 0 ]; do a=$1; shift; [ \"$a\" = -- ] && break; done\n"
                               "[ \"$1\" = sh ] && { shift; exec "
                            << GetParam() << " \"$@\"; }\nexec \"$@\"\n";
    ::chmod(kubectl_.c_str(), 0755);
    std::ofstream(dir_ / "marker", std::ios::binary) << "kdrill-marker run1 data-web-0 uid-0";
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::string kubectl_;
};

TEST_P(ExecBatchShellTest, EveryPartAnswersAsIfItRanAloneInOneExec) {
  KubectlPodExecutor real({kubectl_, "", ""});
  CountingExec counting(real);
  const std::string marker = (dir_ / "marker").string();
  ExecBatch batch(counting, {"demo", "web-0", "", {}, std::nullopt},
                  {{"read", {"cat", marker}},
                   {"missing", {"cat", (dir_ / "no such file").string()}},
                   {"absent", {"kdrill-no-such-command"}},
                   {"many", {"echo", "1", "2", "3", "4", "5", "6", "7", "8", "9", "ten", "$HOME"}},
                   {"remove", {"rm", "-f", marker}}});
  auto read = batch.Part("read");
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->exit_code, 0);
  EXPECT_EQ(read->stdout_data, "kdrill-marker run1 data-web-0 uid-0") << "byte for byte, no newline added";
  auto missing = batch.Part("missing");
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->exit_code, 0);
  EXPECT_TRUE(missing->stdout_data.empty());
  EXPECT_NE(missing->stderr_data.find("no such file"), std::string::npos) << missing->stderr_data;
  auto absent = batch.Part("absent");
  ASSERT_TRUE(absent);
  EXPECT_TRUE(ExecCannotRun(absent)) << "a command the image lacks reads as before: exit " << absent->exit_code;
  EXPECT_EQ(batch.Part("many")->stdout_data, "1 2 3 4 5 6 7 8 9 ten $HOME\n");
  auto removed = batch.Part("remove");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the removal ran after the read";
  EXPECT_EQ(counting.n, 1) << "one exec for every part";
}

INSTANTIATE_TEST_SUITE_P(Shells, ExecBatchShellTest, ::testing::Values("sh", "busybox sh"),
                         [](const auto& info) { return info.param == "sh" ? "LocalSh" : "BusyboxSh"; });

class ExecBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    exec_.answer = [](const ExecRequest& req) -> ExecResult {
      if (req.argv[0] == "hostname") return {0, req.pod + "\n", ""};
      if (req.argv[0] == "cat") return {1, "", "cat: can't open '" + req.argv[1] + "'"};
      if (req.argv[0] == "rm") return {0, "", ""};
      return {127, "", "not scripted"};
    };
  }
  ExecBatch Batch() {
    return ExecBatch(exec_, {"demo", "web-0", "web", {}, std::nullopt},
                     {{"hostname", {"hostname"}},
                      {"read", {"cat", "/data/m"}},
                      {"remove", {"rm", "-f", "/data/m"}}});
  }
  ScriptedExecutor exec_;
};

TEST_F(ExecBatchTest, OneExecAnswersEveryPartAndRunsOnlyOnce) {
  auto batch = Batch();
  EXPECT_TRUE(exec_.calls.empty()) << "nothing runs before the first answer is asked for";
  EXPECT_EQ(batch.Part("hostname")->stdout_data, "web-0\n");
  auto read = batch.Part("read");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->exit_code, 1);
  EXPECT_EQ(read->stderr_data, "cat: can't open '/data/m'");
  EXPECT_EQ(batch.Part("remove")->exit_code, 0);
  EXPECT_EQ(batch.Part("hostname")->stdout_data, "web-0\n");
  EXPECT_EQ(exec_.calls.size(), 1u);
  EXPECT_EQ(exec_.calls[0].container, "web");
  EXPECT_FALSE(batch.Part("nslookup")) << "not a part";
}

TEST_F(ExecBatchTest, APartAloneRunsUnframed) {
  ExecBatch one(exec_, {"demo", "web-0", "", {}, std::nullopt}, {{"hostname", {"hostname"}}});
  EXPECT_EQ(one.Part("hostname")->stdout_data, "web-0\n");
  ASSERT_EQ(exec_.calls.size(), 1u);
  EXPECT_EQ(exec_.calls[0].argv, std::vector<std::string>{"hostname"});
}

TEST_F(ExecBatchTest, WithoutShEachPartRunsAloneWhenAskedFor) {
  exec_.no_shell = true;
  auto batch = Batch();
  EXPECT_EQ(batch.Part("hostname")->stdout_data, "web-0\n") << "an image without sh may still have hostname";
  EXPECT_EQ(exec_.calls.size(), 2u) << "the refused batch, then hostname alone";
  EXPECT_EQ(exec_.calls[1].argv, std::vector<std::string>{"hostname"});
  EXPECT_EQ(batch.Part("read")->exit_code, 1);
  EXPECT_EQ(exec_.calls.size(), 3u);
}

TEST_F(ExecBatchTest, AFailedExecIsEveryPartsErrorNeverAnExitStatus) {
  CountingExec failing(exec_, /*fail=*/1);
  ExecBatch batch(failing, {"demo", "web-0", "", {}, std::nullopt},
                  {{"read", {"cat", "/data/m"}}, {"remove", {"rm", "-f", "/data/m"}, /*rerun_if_unanswered=*/true}});
  auto read = batch.Part("read");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kTimeout);
  auto removed = batch.Part("remove");
  ASSERT_TRUE(removed) << "a removal is tried again alone";
  EXPECT_EQ(removed->exit_code, 0);
  EXPECT_EQ(failing.n, 2);
}

TEST_F(ExecBatchTest, AnExecThatEndedBeforeAPartFinishedSaysSo) {
  struct Cut : PodExecutor {
    Result<ExecResult> Exec(const ExecRequest&) override {
      return ExecResult{137, FramePart("hostname", "web-0\n", 0) + FramePart("read", "partial", std::nullopt),
                        "Killed"};
    }
  } cut;
  ExecBatch batch(cut, {"demo", "web-0", "", {}, std::nullopt},
                  {{"hostname", {"hostname"}}, {"read", {"cat", "/data/m"}}, {"remove", {"rm", "-f", "/data/m"}}});
  EXPECT_EQ(batch.Part("hostname")->stdout_data, "web-0\n");
  auto read = batch.Part("read");
  ASSERT_FALSE(read) << "no exit status is made up";
  EXPECT_NE(read.error().message.find("ended (exit 137) before cat finished"), std::string::npos)
      << read.error().message;
  EXPECT_FALSE(batch.Part("remove"));
}

}  // namespace
}  // namespace kdrill::testing
