// RunProcess (exec_process.h) with tiny shell scripts: one deadline for the
// whole exchange, the process group killed, stdout capped. The timeouts are
// a few hundred ms of real time (listed in tests/unit/WALL_CLOCK_TESTS.md).
#include "harness/kube/exec_process.h"

#include <signal.h>

#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/kube_temp_dir.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using testing::KubeTempDir;

ProcessLimits Within(std::chrono::milliseconds timeout) {
  ProcessLimits limits;
  limits.timeout = timeout;
  return limits;
}

// True once `pid` is gone or a zombie (killed, waiting for its reaper).
bool Dead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  if (!(stat >> pid_field >> comm >> state)) {
    return true;
  }
  return state == "Z" || state == "X";
}

TEST(KubeExecProcessTest, CapturesOutputExitCodeAndEnvironment) {
  KubeTempDir dir;
  std::string script = dir.Write(
      "p.sh", "#!/bin/sh\nprintf 'out:%s:%s' \"$1\" \"$MARK\"\necho err >&2\nexit 7\n", true);
  Result<ProcessOutput> run =
      RunProcess(script, {"a b"}, {{"MARK", "set"}}, Within(std::chrono::seconds(20)));
  ASSERT_TRUE(run) << run.error().ToString();
  EXPECT_EQ(run->exit_code, 7);
  EXPECT_EQ(run->out, "out:a b:set");
  EXPECT_EQ(run->err, "err\n");
}

TEST(KubeExecProcessTest, AProgramThatCannotStartIsNotFound) {
  KubeTempDir dir;
  std::string script = dir.Write("not-executable.sh", "#!/bin/sh\necho hi\n");
  Result<ProcessOutput> run = RunProcess(script, {}, {}, Within(std::chrono::seconds(20)));
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(run.error().message, HasSubstr(script));
}

TEST(KubeExecProcessTest, ClosedOutputThenSleepTimesOut) {
  KubeTempDir dir;
  std::string script = dir.Write("quiet.sh", "#!/bin/sh\nexec >&- 2>&-\nexec sleep 5\n", true);
  auto start = std::chrono::steady_clock::now();
  Result<ProcessOutput> run = RunProcess(script, {}, {}, Within(std::chrono::milliseconds(200)));
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, ErrorCode::kTimeout);
  EXPECT_THAT(run.error().message, HasSubstr("did not finish within 200 ms"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(KubeExecProcessTest, BackgroundChildHoldingStdoutTimesOutAndIsKilled) {
  KubeTempDir dir;
  std::string script = dir.Write(
      "bg.sh",
      "#!/bin/sh\nsleep 5 &\necho $! > \"$(dirname \"$0\")/bg.pid\"\necho '{}'\nexit 0\n", true);
  auto start = std::chrono::steady_clock::now();
  Result<ProcessOutput> run = RunProcess(script, {}, {}, Within(std::chrono::milliseconds(300)));
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, ErrorCode::kTimeout);
  EXPECT_THAT(run.error().message, HasSubstr("a child it left behind kept its output open"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  pid_t background = 0;
  std::ifstream(dir.Path("bg.pid")) >> background;
  ASSERT_GT(background, 0);
  // SIGKILL has been sent to the group; its delivery is asynchronous.
  bool dead = Dead(background);
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
       !dead && std::chrono::steady_clock::now() < until; dead = Dead(background)) {
    std::this_thread::yield();
  }
  EXPECT_TRUE(dead) << "the background child " << background << " survived";
  if (!dead) {
    ::kill(background, SIGKILL);
  }
}

TEST(KubeExecProcessTest, EndlessOutputIsCappedAndKilled) {
  KubeTempDir dir;
  std::string script = dir.Write("yes.sh", "#!/bin/sh\nexec yes kdrill-endless-output\n", true);
  Result<ProcessOutput> run = RunProcess(script, {}, {}, Within(std::chrono::seconds(20)));
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, ErrorCode::kIo);
  EXPECT_THAT(run.error().message, HasSubstr("wrote more than 1 MiB on stdout and was killed"));
}

TEST(KubeExecProcessTest, EndlessStderrIsCappedButNotFatal) {
  KubeTempDir dir;
  std::string script = dir.Write(
      "noisy.sh", "#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\0' x >&2\necho done\n", true);
  ProcessLimits limits = Within(std::chrono::seconds(20));
  limits.max_stderr = 1000;
  Result<ProcessOutput> run = RunProcess(script, {}, {}, limits);
  ASSERT_TRUE(run) << run.error().ToString();
  EXPECT_EQ(run->err.size(), 1000u);
  EXPECT_EQ(run->out, "done\n");
}

}  // namespace
}  // namespace kdrill::kube
