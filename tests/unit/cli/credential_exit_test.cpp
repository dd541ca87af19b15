// Issue 26 through the command line: a credential kdrill cannot load is exit
// 2 before any request, and --exec-plugin-timeout takes a positive duration.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/cli/cli.h"
#include "harness/cli/exit_codes.h"
#include "tests/fakes/kube_temp_dir.h"

namespace kdrill::cli {
namespace {

using testing::KubeTempDir;

int RunMain(std::vector<std::string> args) {
  args.insert(args.begin(), "kdrill");
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  return Main(static_cast<int>(argv.size()), argv.data());
}

// Nothing listens at the server: reaching the network would not be exit 2.
std::string Kubeconfig(const std::string& user_block) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n"
         "    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\n"
         "contexts:\n- name: c\n  context: {cluster: k, user: u}\n"
         "users:\n- name: u\n  user:\n" + user_block;
}

TEST(CliCredentialExitTest, MissingTokenFileIsBadInput) {
  KubeTempDir dir;
  std::string path = dir.Write("config", Kubeconfig("    tokenFile: nope\n"));
  EXPECT_EQ(RunMain({"diagnose", "pod", "web-0", "--kubeconfig", path}), kExitUsage);
}

TEST(CliCredentialExitTest, MissingExecPluginIsBadInputWithTheTimeoutFlagSet) {
  KubeTempDir dir;
  std::string path = dir.Write(
      "config", Kubeconfig("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                           "      command: ./no-such-plugin\n"));
  EXPECT_EQ(RunMain({"--exec-plugin-timeout", "300ms", "diagnose", "pod", "web-0", "--kubeconfig",
                     path}),
            kExitUsage);
}

TEST(CliCredentialExitTest, ExecPluginTimeoutMustBeAPositiveDuration) {
  for (const char* bad : {"0s", "soon", "-1s"}) {
    EXPECT_EQ(RunMain({"diagnose", "pod", "web-0", "--exec-plugin-timeout", bad}), kExitUsage)
        << bad;
  }
}

}  // namespace
}  // namespace kdrill::cli
