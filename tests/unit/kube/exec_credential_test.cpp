#include "harness/kube/exec_credential.h"

#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/fakes/https_test_certs.h"
#include "tests/fakes/kube_exec_plugin.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ExecConfigFor;
using testing::ExecPluginRuns;
using testing::KubeTempDir;
using testing::KubeTestClock;
using testing::ReadTestFile;
using testing::WriteCountingExecPlugin;

TEST(KubeExecCredentialTest, RunsPluginWithArgvEnvAndExecInfo) {
  KubeTempDir dir;
  std::string plugin = WriteCountingExecPlugin(dir, "plugin.sh", "tok");
  ExecConfig config = ExecConfigFor(plugin);
  config.args = {"get-token", "--cluster", "lab one"};  // a space survives: argv, not a shell
  config.env = {{"PLUGIN_MARK", "from-kubeconfig"}};
  KubeTestClock clock;
  ExecCredentialProvider provider(config, clock);

  Result<Credentials> creds = provider.Get();
  ASSERT_TRUE(creds) << creds.error().ToString();
  EXPECT_EQ(creds->authorization, "Bearer tok-1");
  EXPECT_EQ(ReadTestFile(dir.Path("args")), "get-token\n--cluster\nlab one\n");
  EXPECT_EQ(ReadTestFile(dir.Path("mark")), "from-kubeconfig");
  nlohmann::json info = nlohmann::json::parse(ReadTestFile(dir.Path("exec-info")));
  EXPECT_EQ(info["apiVersion"], "client.authentication.k8s.io/v1");
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"], false);
  EXPECT_FALSE(info["spec"].contains("cluster"));
}

TEST(KubeExecCredentialTest, CachesUntilExpirationTimestamp) {
  KubeTempDir dir;
  ExecConfig config = ExecConfigFor(WriteCountingExecPlugin(dir, "plugin.sh", "tok"));
  config.env = {{"EXPIRY", "2024-05-01T00:10:00Z"}};  // the test clock starts at 2024-05-01T00:00Z
  KubeTestClock clock;
  ExecCredentialProvider provider(config, clock);

  EXPECT_EQ(provider.Get()->authorization, "Bearer tok-1");
  clock.Advance(std::chrono::minutes(9));
  EXPECT_EQ(provider.Get()->authorization, "Bearer tok-1");
  EXPECT_EQ(ExecPluginRuns(dir), 1);
  clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(provider.Get()->authorization, "Bearer tok-2");
  EXPECT_EQ(ExecPluginRuns(dir), 2);
}

TEST(KubeExecCredentialTest, WithoutExpiryCachesUntilInvalidated) {
  KubeTempDir dir;
  ExecConfig config = ExecConfigFor(WriteCountingExecPlugin(dir, "plugin.sh", "tok"));
  KubeTestClock clock;
  ExecCredentialProvider provider(config, clock);

  Result<Credentials> first = provider.Get();
  clock.Advance(std::chrono::hours(24));
  EXPECT_EQ(provider.Get()->authorization, "Bearer tok-1");
  EXPECT_TRUE(provider.Invalidate(*first));
  Result<Credentials> second = provider.Get();
  EXPECT_EQ(second->authorization, "Bearer tok-2");
  // A late 401 for the old credentials must not throw away the fresh ones.
  provider.Invalidate(*first);
  EXPECT_EQ(provider.Get()->authorization, "Bearer tok-2");
  EXPECT_EQ(provider.Runs(), 2);
}

TEST(KubeExecCredentialTest, RelativeCommandResolvesAgainstKubeconfigDirectory) {
  KubeTempDir dir;
  WriteCountingExecPlugin(dir, "bin/plugin.sh", "rel");
  ExecConfig config = ExecConfigFor("./bin/plugin.sh");
  config.base_dir = dir.path();
  KubeTestClock clock;
  ExecCredentialProvider provider(config, clock);
  Result<Credentials> creds = provider.Get();
  ASSERT_TRUE(creds) << creds.error().ToString();
  EXPECT_EQ(creds->authorization, "Bearer rel-1");
}

TEST(KubeExecCredentialTest, FailingPluginReportsExitCodeAndStderr) {
  KubeTempDir dir;
  std::string plugin = dir.Write(
      "fail.sh", "#!/bin/sh\necho 'error: SSO session expired, run aws sso login' >&2\nexit 3\n",
      true);
  KubeTestClock clock;
  ExecCredentialProvider provider(ExecConfigFor(plugin), clock);
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(creds.error().message, HasSubstr("exited with code 3"));
  EXPECT_THAT(creds.error().message, HasSubstr("SSO session expired"));
  EXPECT_THAT(creds.error().message, HasSubstr("/test/kubeconfig"));
}

TEST(KubeExecCredentialTest, MalformedOutputNeverQuotesStdout) {
  KubeTempDir dir;
  std::string plugin =
      dir.Write("bad.sh", "#!/bin/sh\necho 'token=super-secret-value-123 {'\n", true);
  KubeTestClock clock;
  ExecCredentialProvider provider(ExecConfigFor(plugin), clock);
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(creds.error().message, Not(HasSubstr("super-secret")));
}

TEST(KubeExecCredentialTest, HangingPluginTimesOut) {
  KubeTempDir dir;
  std::string plugin = dir.Write("hang.sh", "#!/bin/sh\nexec sleep 5\n", true);
  KubeTestClock clock;
  ExecCredentialProvider provider(ExecConfigFor(plugin), clock, {},
                                  std::chrono::milliseconds(200));
  auto start = std::chrono::steady_clock::now();
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, ErrorCode::kTimeout);
  EXPECT_THAT(creds.error().message, HasSubstr("--exec-plugin-timeout"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(KubeExecCredentialTest, MissingCommandShowsInstallHint) {
  ExecConfig config = ExecConfigFor("kdrill-test-no-such-plugin");
  config.install_hint = "install it with: apt-get install no-such-plugin";
  KubeTestClock clock;
  ExecCredentialProvider provider(config, clock);
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  // A missing plugin is the kubeconfig's problem, never "not found" (which
  // callers read as an answer about an object).
  EXPECT_EQ(creds.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(creds.error().message, HasSubstr("not found in PATH"));
  EXPECT_THAT(creds.error().message, HasSubstr("/test/kubeconfig"));
  EXPECT_THAT(creds.error().message, HasSubstr("apt-get install no-such-plugin"));
}

TEST(KubeExecCredentialTest, CommandThatIsNotExecutableIsBadInput) {
  KubeTempDir dir;
  std::string plugin = dir.Write("plain.sh", "#!/bin/sh\necho hi\n");
  KubeTestClock clock;
  ExecCredentialProvider provider(ExecConfigFor(plugin), clock);
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(creds.error().message, HasSubstr(plugin + " is not executable"));
  EXPECT_THAT(creds.error().message, HasSubstr("users[].user.exec.command"));
  EXPECT_EQ(provider.Runs(), 0);
}

TEST(KubeExecCredentialTest, RelayedStderrIsScrubbedOfCredentialsAndCapped) {
  KubeTempDir dir;
  // Prints a credential on stdout, echoes it and the kubeconfig's password on
  // stderr with a long tail, then fails.
  std::string plugin = dir.Write(
      "leaky.sh",
      "#!/bin/sh\n"
      "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
      "\"status\":{\"token\":\"plugin-token-0123456789\"}}\\n'\n"
      "echo 'debug: got plugin-token-0123456789 with password kubeconfig-pass-42' >&2\n"
      "head -c 5000 /dev/zero | tr '\\0' x >&2\n"
      "exit 1\n",
      true);
  KubeTestClock clock;
  ExecCredentialProvider provider(ExecConfigFor(plugin), clock, {}, std::chrono::seconds(20),
                                  {"kubeconfig-pass-42"});
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(creds.error().message, HasSubstr("exited with code 1: debug: got [redacted]"));
  EXPECT_THAT(creds.error().message, Not(HasSubstr("plugin-token-0123456789")));
  EXPECT_THAT(creds.error().message, Not(HasSubstr("kubeconfig-pass-42")));
  EXPECT_LT(creds.error().message.size(), 600u);
}

TEST(KubeExecCredentialTest, EndlessOutputIsRefused) {
  KubeTempDir dir;
  std::string plugin = dir.Write("yes.sh", "#!/bin/sh\nexec yes token\n", true);
  KubeTestClock clock;
  ExecCredentialProvider provider(ExecConfigFor(plugin), clock, {}, std::chrono::seconds(20));
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_THAT(creds.error().message, HasSubstr("exec plugin \"" + plugin + "\""));
  EXPECT_THAT(creds.error().message, HasSubstr("wrote more than 1 MiB on stdout"));
}

TEST(KubeExecCredentialTest, InteractiveAlwaysIsRefused) {
  ExecConfig config = ExecConfigFor("/bin/true");
  config.interactive_mode = "Always";
  KubeTestClock clock;
  ExecCredentialProvider provider(config, clock);
  Result<Credentials> creds = provider.Get();
  ASSERT_FALSE(creds);
  EXPECT_EQ(creds.error().code, ErrorCode::kFailedPrecondition);
}

TEST(KubeExecCredentialTest, ProvideClusterInfoAddsSpecCluster) {
  ExecConfig config = ExecConfigFor("x");
  RestConfig rest;
  rest.server = "https://10.0.0.1:6443";
  rest.tls.ca_pem = "PEM";
  rest.tls.server_name = "api.internal";
  nlohmann::json cluster = ExecClusterInfo(rest);
  EXPECT_FALSE(nlohmann::json::parse(BuildExecInfo(config, &cluster))["spec"].contains("cluster"));
  config.provide_cluster_info = true;
  nlohmann::json info = nlohmann::json::parse(BuildExecInfo(config, &cluster));
  EXPECT_EQ(info["spec"]["cluster"]["server"], "https://10.0.0.1:6443");
  EXPECT_EQ(info["spec"]["cluster"]["certificate-authority-data"], "UEVN");
  EXPECT_EQ(info["spec"]["cluster"]["tls-server-name"], "api.internal");
  EXPECT_EQ(info["spec"]["interactive"], false);
}

TEST(KubeExecCredentialTest, ParseValidatesTheCredential) {
  const std::string v1 = "client.authentication.k8s.io/v1";
  auto parse = [&](const std::string& json) { return ParseExecCredential(json, v1, "plugin"); };

  const auto& certs = testing::GetHttpsTestCerts();
  auto with_pair = [&](const std::string& cert, const std::string& key) {
    nlohmann::json doc = {{"apiVersion", v1},
                          {"kind", "ExecCredential"},
                          {"status",
                           {{"clientCertificateData", cert},
                            {"clientKeyData", key},
                            {"expirationTimestamp", "2024-05-01T10:00:00.5+02:00"}}}};
    return parse(doc.dump());
  };
  Result<ExecCredentialStatus> ok = with_pair(certs.client_cert_pem, certs.client_key_pem);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->client_cert_pem, certs.client_cert_pem);
  EXPECT_EQ(ok->client_key_pem, certs.client_key_pem);
  ASSERT_TRUE(ok->expiration);
  EXPECT_EQ(*ok->expiration, *ParseRfc3339("2024-05-01T08:00:00.5Z"));

  EXPECT_FALSE(parse(R"({"apiVersion":"client.authentication.k8s.io/v1beta1",)"
                     R"("kind":"ExecCredential","status":{"token":"t"}})"));
  EXPECT_FALSE(parse(R"({"apiVersion":")" + v1 + R"(","kind":"ExecCredential"})"));
  EXPECT_FALSE(parse(R"({"apiVersion":")" + v1 +
                     R"(","kind":"ExecCredential","status":{"clientCertificateData":"C"}})"));
  EXPECT_FALSE(parse(R"({"apiVersion":")" + v1 +
                     R"(","kind":"ExecCredential","status":{"token":"t","expirationTimestamp":"soon"}})"));

  // A certificate or key the plugin returns is checked as a kubeconfig's are:
  // an error of the plugin naming the field, never quoting the key.
  Result<ExecCredentialStatus> garbage = with_pair("C", certs.client_key_pem);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(garbage.error().message, ::testing::HasSubstr("plugin status.clientCertificateData"));
  Result<ExecCredentialStatus> bad_key = with_pair(certs.client_cert_pem, "K");
  ASSERT_FALSE(bad_key);
  EXPECT_THAT(bad_key.error().message, ::testing::HasSubstr("plugin status.clientKeyData"));
  std::ifstream server_key(certs.server_key_path);
  std::string other_key((std::istreambuf_iterator<char>(server_key)), std::istreambuf_iterator<char>());
  Result<ExecCredentialStatus> mismatch = with_pair(certs.client_cert_pem, other_key);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, ErrorCode::kUnauthorized);
  EXPECT_THAT(mismatch.error().message, ::testing::HasSubstr("status.clientKeyData"));
  EXPECT_EQ(mismatch.error().message.find("PRIVATE KEY"), std::string::npos) << mismatch.error().message;
}

TEST(KubeExecCredentialTest, ParsesRfc3339) {
  std::optional<WallTime> t = ParseRfc3339("1970-01-02T00:00:01Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->time_since_epoch(), std::chrono::seconds(86401));
  EXPECT_EQ(*ParseRfc3339("1970-01-01T01:00:00+01:00"), WallTime{});
  EXPECT_FALSE(ParseRfc3339("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseRfc3339("2024-01-01 garbage"));
  EXPECT_FALSE(ParseRfc3339("2024-01-01T00:00:00"));  // no zone
}

}  // namespace
}  // namespace kdrill::kube
