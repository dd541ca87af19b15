// KubectlPodExecutor against a stand-in kubectl script: argv passing, stdin,
// remote exit codes vs kubectl's own errors, and the timeout.

#include "harness/exec/kubectl_pod_executor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace kdrill {
namespace {

class KubectlExecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kdrill-kubectl-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    script_ = (dir_ / "kubectl").string();
    // Prints its argv one per line; behaviour chosen by the last argument.
    std::ofstream(script_) << R"(#!/bin/sh
for a in "$@"; do last="$a"; done
case "$last" in
  echo-args) for a in "$@"; do echo "$a"; done ;;
  read-stdin) cat ;;
  binary-out) printf '\000\377\r\n\032end' ;;
  fail-3) echo "oops" >&2; echo "command terminated with exit code 3" >&2; exit 3 ;;
  not-found) echo 'Error from server (NotFound): pods "web-9" not found' >&2; exit 1 ;;
  klog) echo 'E1208 01:50:03.784939   31870 websocket.go:296] Unknown stream id 1, discarding message' >&2
        echo 'error: Internal error occurred: error executing command in container: container is not created or running' >&2; exit 1 ;;
  only-klog) echo 'W1208 01:50:03.7   31870 loader.go:1] odd' >&2; exit 1 ;;
  hang) exec sleep 30 ;;
esac
)";
    ::chmod(script_.c_str(), 0755);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  KubectlPodExecutor Exec() { return KubectlPodExecutor({script_, "/tmp/kc", "lab"}); }

  std::filesystem::path dir_;
  std::string script_;
};

TEST_F(KubectlExecTest, PassesArgvWithoutAShell) {
  auto r = Exec().Exec({"demo", "web-0", "app", {"sh", "-c", "echo $HOME; rm -rf /", "echo-args"}, std::nullopt});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_EQ(r->stdout_data,
            "--kubeconfig=/tmp/kc\n--context=lab\nexec\n--namespace=demo\nweb-0\n--container=app\n--\nsh\n-c\n"
            "echo $HOME; rm -rf /\necho-args\n");
}

TEST_F(KubectlExecTest, FeedsStdin) {
  auto r = Exec().Exec({"demo", "web-0", "", {"read-stdin"}, std::string("payload\n")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stdout_data, "payload\n");
}

TEST_F(KubectlExecTest, BinaryStdoutComesBackUnchanged) {
  auto r = Exec().Exec({"demo", "web-0", "", {"binary-out"}, std::nullopt});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->stdout_data, std::string("\0\377\r\n\032end", 8));
  auto s = Exec().Exec({"demo", "web-0", "", {"read-stdin"}, std::string("\0\r\n\xff", 4)});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->stdout_data, std::string("\0\r\n\xff", 4));
}

// Archives travel through files, not memory: every byte value, 3 MiB of them,
// in through stdin_path and out through stdout_path unchanged.
TEST_F(KubectlExecTest, StreamsFilesBothWaysByteForByte) {
  std::string data;
  for (int i = 0; i < 3 * 1024 * 1024; ++i) data += static_cast<char>((i * 7 + i / 256) & 0xff);
  std::string in = (dir_ / "in.bin").string(), out = (dir_ / "out.bin").string();
  std::ofstream(in, std::ios::binary) << data;
  ExecRequest req{"demo", "web-0", "", {"read-stdin"}, std::nullopt};
  req.stdin_path = in;
  req.stdout_path = out;
  auto r = Exec().Exec(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->stdout_data.empty());
  std::ifstream back(out, std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(back)), std::istreambuf_iterator<char>());
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  // Only stdout to a file; and --stdin is passed for a stdin file.
  ExecRequest args{"demo", "web-0", "", {"echo-args"}, std::nullopt};
  args.stdin_path = in;
  EXPECT_NE(Exec().BuildArgs(args), Exec().BuildArgs({"demo", "web-0", "", {"echo-args"}, std::nullopt}));
  ExecRequest bin{"demo", "web-0", "", {"binary-out"}, std::nullopt};
  bin.stdout_path = out;
  ASSERT_TRUE(Exec().Exec(bin));
  std::ifstream again(out, std::ios::binary);
  std::string small((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(small.size(), 8u) << "the stdout file must be truncated first";
  EXPECT_TRUE(small == std::string("\0\377\r\n\032end", 8));
}

TEST_F(KubectlExecTest, AMissingStdinFileIsAnError) {
  ExecRequest req{"demo", "web-0", "", {"read-stdin"}, std::nullopt};
  req.stdin_path = (dir_ / "nope").string();
  auto r = Exec().Exec(req);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("does not exist"), std::string::npos);
}

TEST_F(KubectlExecTest, RemoteExitCodeIsAResultNotAnError) {
  auto r = Exec().Exec({"demo", "web-0", "", {"fail-3"}, std::nullopt});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->stderr_data, "oops\n");
}

TEST_F(KubectlExecTest, KubectlOwnFailureIsATypedError) {
  auto r = Exec().Exec({"demo", "web-9", "", {"not-found"}, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_NE(r.error().message.find("demo/web-9"), std::string::npos);
}

TEST_F(KubectlExecTest, AFailureKeepsKubectlsErrorWithoutItsLogLines) {
  auto r = Exec().Exec({"demo", "web-1", "", {"klog"}, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.error().message.find("websocket.go"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("failed: error: Internal error occurred: error executing command in container: "
                                   "container is not created or running"),
            std::string::npos)
      << r.error().message;
  // Nothing but log lines: they are all there is to say.
  auto only = Exec().Exec({"demo", "web-1", "", {"only-klog"}, std::nullopt});
  ASSERT_FALSE(only);
  EXPECT_NE(only.error().message.find("loader.go:1] odd"), std::string::npos) << only.error().message;
}

TEST_F(KubectlExecTest, TimesOut) {
  ExecRequest req{"demo", "web-0", "", {"hang"}, std::nullopt, std::chrono::milliseconds(300)};
  auto start = std::chrono::steady_clock::now();
  auto r = Exec().Exec(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(KubectlExecTest, MissingKubectlSaysHowToFix) {
  KubectlPodExecutor e({"kubectl-that-does-not-exist", "", ""});
  auto r = e.Exec({"demo", "web-0", "", {"true"}, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("--kubectl"), std::string::npos);
}

}  // namespace
}  // namespace kdrill
