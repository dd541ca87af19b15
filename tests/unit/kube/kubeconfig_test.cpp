#include "harness/kube/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/kube/base64.h"
#include "tests/fakes/https_test_certs.h"
#include "tests/fakes/kube_temp_dir.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::GetHttpsTestCerts;
using testing::KubeTempDir;

constexpr const char* kFirst = R"(apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: shared
  cluster:
    server: https://first.example:6443
    certificate-authority: certs/ca.crt
- name: only-first
  cluster:
    server: https://only-first.example
contexts:
- name: alpha
  context: {cluster: shared, user: alice, namespace: team-a}
- name: shared-ctx
  context: {cluster: shared, user: alice}
users:
- name: alice
  user:
    client-certificate: certs/alice.crt
    client-key: /abs/alice.key
)";

constexpr const char* kSecond = R"(apiVersion: v1
kind: Config
current-context: beta
clusters:
- name: shared
  cluster:
    server: https://second.example:6443
- name: only-second
  cluster:
    server: https://only-second.example/
    insecure-skip-tls-verify: true
    tls-server-name: api.internal
    proxy-url: socks5://proxy.local:1080
contexts:
- name: shared-ctx
  context: {cluster: only-second, user: bob}
- name: beta
  context: {cluster: only-second, user: bob}
users:
- name: alice
  user: {token: second-file-token}
- name: bob
  user:
    tokenFile: tokens/bob
)";

TEST(KubeconfigTest, MergesTwoFilesFirstWins) {
  KubeTempDir dir;
  std::string first = dir.Write("one/config", kFirst);
  std::string second = dir.Write("two/config", kSecond);
  Result<Kubeconfig> merged = LoadKubeconfigFiles({first, second}, /*skip_missing=*/false);
  ASSERT_TRUE(merged) << merged.error().ToString();

  EXPECT_EQ(merged->current_context, "alpha");  // from the first file that sets it
  EXPECT_EQ(merged->clusters.at("shared").server, "https://first.example:6443");
  EXPECT_EQ(merged->clusters.at("shared").source_file, first);
  EXPECT_TRUE(merged->clusters.contains("only-first"));
  EXPECT_TRUE(merged->clusters.contains("only-second"));
  EXPECT_EQ(merged->contexts.at("shared-ctx").cluster, "shared");  // first file's context
  EXPECT_EQ(merged->contexts.at("beta").user, "bob");
  EXPECT_TRUE(merged->users.at("alice").token.empty()) << "second file's alice must not win";
  EXPECT_EQ(merged->Sources(), first + ":" + second);
}

TEST(KubeconfigTest, CurrentContextFromLaterFileWhenEarlierHasNone) {
  Result<Kubeconfig> a = ParseKubeconfig("clusters: []\n", "/a/config");
  Result<Kubeconfig> b = ParseKubeconfig("current-context: from-b\n", "/b/config");
  ASSERT_TRUE(a && b);
  MergeKubeconfig(*a, *b);
  EXPECT_EQ(a->current_context, "from-b");
}

TEST(KubeconfigTest, RelativePathsResolveAgainstTheirOwnFile) {
  KubeTempDir dir;
  std::string first = dir.Write("one/config", kFirst);
  std::string second = dir.Write("two/config", kSecond);
  Result<Kubeconfig> merged = LoadKubeconfigFiles({first, second}, false);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->clusters.at("shared").certificate_authority, dir.Path("one/certs/ca.crt"));
  EXPECT_EQ(merged->users.at("alice").client_certificate, dir.Path("one/certs/alice.crt"));
  EXPECT_EQ(merged->users.at("alice").client_key, "/abs/alice.key");
  EXPECT_EQ(merged->users.at("bob").token_file, dir.Path("two/tokens/bob"));
}

TEST(KubeconfigTest, ParsesClusterTlsSettings) {
  Result<Kubeconfig> cfg = ParseKubeconfig(kSecond, "/k/config");
  ASSERT_TRUE(cfg);
  const KubeconfigCluster& c = cfg->clusters.at("only-second");
  EXPECT_TRUE(c.insecure_skip_tls_verify);
  EXPECT_EQ(c.tls_server_name, "api.internal");
  EXPECT_EQ(c.proxy_url, "socks5://proxy.local:1080");

  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->server, "https://only-second.example");  // trailing '/' dropped
  EXPECT_EQ(rest->tls.server_name, "api.internal");
  EXPECT_EQ(rest->tls.proxy_url, "socks5://proxy.local:1080");
  EXPECT_TRUE(rest->tls.insecure_skip_verify);
  EXPECT_EQ(rest->ns, "default");
  EXPECT_EQ(rest->token_file, "/k/tokens/bob");
}

TEST(KubeconfigTest, DataFieldsAreDecodedIntoBlobs) {
  const std::string ca = GetHttpsTestCerts().ca_pem;
  const std::string cert = GetHttpsTestCerts().client_cert_pem;
  const std::string key = GetHttpsTestCerts().client_key_pem;
  std::string yaml = "current-context: c\nclusters:\n- name: k\n  cluster:\n"
                     "    server: https://10.0.0.1:6443\n    certificate-authority: /ignored/ca\n"
                     "    certificate-authority-data: " + EncodeBase64(ca) +
                     "\nusers:\n- name: u\n  user:\n    client-certificate-data: " +
                     EncodeBase64(cert) + "\n    client-key-data: " + EncodeBase64(key) +
                     "\ncontexts:\n- name: c\n  context: {cluster: k, user: u, namespace: drills}\n";
  Result<Kubeconfig> cfg = ParseKubeconfig(yaml, "/k/config");
  ASSERT_TRUE(cfg) << cfg.error().ToString();
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->tls.ca_pem, ca);  // data wins over the (unreadable) file
  ASSERT_NE(rest->client_cert, nullptr);
  EXPECT_EQ(rest->client_cert->cert_pem, cert);
  EXPECT_EQ(rest->client_cert->key_pem, key);
  EXPECT_EQ(rest->ns, "drills");
  EXPECT_EQ(rest->context, "c");
}

TEST(KubeconfigTest, CertificateFilesAreReadAtResolveTime) {
  KubeTempDir dir;
  dir.Write("certs/ca.crt", GetHttpsTestCerts().ca_pem);
  dir.Write("certs/alice.crt", GetHttpsTestCerts().client_cert_pem);
  dir.Write("certs/alice.key", GetHttpsTestCerts().client_key_pem);
  std::string yaml = std::string(kFirst);
  yaml.replace(yaml.find("/abs/alice.key"), 14, "certs/alice.key");
  std::string path = dir.Write("config", yaml);
  Result<Kubeconfig> cfg = LoadKubeconfigFiles({path}, false);
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->tls.ca_pem, GetHttpsTestCerts().ca_pem);
  EXPECT_EQ(rest->client_cert->cert_pem, GetHttpsTestCerts().client_cert_pem);
  EXPECT_EQ(rest->client_cert->key_pem, GetHttpsTestCerts().client_key_pem);
  EXPECT_EQ(rest->ns, "team-a");
}

TEST(KubeconfigTest, MissingCertificateFileNamesFileAndCluster) {
  Result<Kubeconfig> cfg = ParseKubeconfig(kFirst, "/nowhere/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_FALSE(rest);
  EXPECT_EQ(rest.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(rest.error().message, HasSubstr("/nowhere/certs/ca.crt"));
  EXPECT_THAT(rest.error().message, HasSubstr("cluster \"shared\""));
}

TEST(KubeconfigTest, UnknownContextListsAvailableOnes) {
  Result<Kubeconfig> cfg = ParseKubeconfig(kSecond, "/home/u/.kube/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::string("x"));
  ASSERT_FALSE(rest);
  EXPECT_EQ(rest.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(rest.error().message,
            "context \"x\" not found in kubeconfig /home/u/.kube/config; available: beta, "
            "shared-ctx");
}

TEST(KubeconfigTest, ContextOverrideWinsOverCurrentContext) {
  Result<Kubeconfig> cfg = ParseKubeconfig(kSecond, "/k/config");
  ASSERT_TRUE(cfg);
  cfg->clusters["shared"].server = "https://elsewhere";
  cfg->contexts["other"] = KubeconfigContext{"shared", "", "ns-x", "/k/config"};
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::string("other"));
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->server, "https://elsewhere");
  EXPECT_EQ(rest->ns, "ns-x");
  EXPECT_EQ(rest->context, "other");
}

TEST(KubeconfigTest, NoCurrentContextAsksForContextFlag) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "contexts:\n- name: a\n  context: {cluster: c}\n- name: b\n  context: {cluster: c}\n",
      "/k/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_FALSE(rest);
  EXPECT_THAT(rest.error().message, HasSubstr("--context"));
  EXPECT_THAT(rest.error().message, HasSubstr("a, b"));
}

TEST(KubeconfigTest, MissingUserAndClusterAreNamed) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "current-context: a\nclusters:\n- name: c\n  cluster: {server: https://x}\n"
      "contexts:\n- name: a\n  context: {cluster: c, user: ghost}\n"
      "- name: b\n  context: {cluster: nope}\n",
      "/k/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> a = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_FALSE(a);
  EXPECT_THAT(a.error().message, HasSubstr("user \"ghost\""));
  Result<RestConfig> b = ResolveKubeconfigContext(*cfg, std::string("b"));
  ASSERT_FALSE(b);
  EXPECT_THAT(b.error().message, HasSubstr("cluster \"nope\""));
  EXPECT_THAT(b.error().message, HasSubstr("available: c"));
}

TEST(KubeconfigTest, ParsesExecConfig) {
  Result<Kubeconfig> cfg = ParseKubeconfig(R"(users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, lab]
      env:
      - {name: AWS_PROFILE, value: drills}
      installHint: install the AWS CLI
      provideClusterInfo: true
      interactiveMode: Never
- name: local
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
)",
                                           "/home/u/.kube/config");
  ASSERT_TRUE(cfg) << cfg.error().ToString();
  const ExecConfig& eks = *cfg->users.at("eks").exec;
  EXPECT_EQ(eks.api_version, "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(eks.command, "aws");
  EXPECT_THAT(eks.args, ::testing::ElementsAre("eks", "get-token", "--cluster-name", "lab"));
  ASSERT_EQ(eks.env.size(), 1u);
  EXPECT_EQ(eks.env[0], std::make_pair(std::string("AWS_PROFILE"), std::string("drills")));
  EXPECT_EQ(eks.install_hint, "install the AWS CLI");
  EXPECT_TRUE(eks.provide_cluster_info);
  EXPECT_EQ(eks.interactive_mode, "Never");
  EXPECT_EQ(eks.base_dir, "/home/u/.kube");
  EXPECT_EQ(cfg->users.at("local").exec->command, "./bin/plugin");
}

TEST(KubeconfigTest, ExecWithUnknownApiVersionIsRejectedWithLocation) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n"
      "      command: x\n",
      "/k/config");
  ASSERT_FALSE(cfg);
  EXPECT_THAT(cfg.error().message, HasSubstr("/k/config:5:"));
  EXPECT_THAT(cfg.error().message, HasSubstr("v1alpha1"));
}

TEST(KubeconfigTest, BadBase64NamesFieldWithoutEchoingIt) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "users:\n- name: u\n  user:\n    client-key-data: 'c2Vj!!!cmV0'\n", "/k/config");
  ASSERT_FALSE(cfg);
  EXPECT_THAT(cfg.error().message, HasSubstr("client-key-data"));
  EXPECT_THAT(cfg.error().message, HasSubstr("/k/config:4:"));
  EXPECT_THAT(cfg.error().message, Not(HasSubstr("c2Vj")));
}

TEST(KubeconfigTest, MalformedYamlReportsLineAndColumn) {
  Result<Kubeconfig> cfg = ParseKubeconfig("clusters:\n  - name: [unclosed\n", "/k/config");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(cfg.error().message, HasSubstr("/k/config:"));
}

TEST(KubeconfigTest, InsecureWithCaIsRefused) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "current-context: c\nclusters:\n- name: k\n  cluster:\n    server: https://x\n"
      "    insecure-skip-tls-verify: true\n    certificate-authority-data: " +
          EncodeBase64("PEM") + "\ncontexts:\n- name: c\n  context: {cluster: k}\n",
      "/k/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_FALSE(rest);
  EXPECT_THAT(rest.error().message, HasSubstr("insecure-skip-tls-verify"));
}

TEST(KubeconfigTest, LegacyAuthProviderIsRefusedWithAdvice) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "current-context: c\nclusters:\n- name: k\n  cluster: {server: https://x}\n"
      "users:\n- name: g\n  user:\n    auth-provider: {name: gcp}\n"
      "contexts:\n- name: c\n  context: {cluster: k, user: g}\n",
      "/k/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_FALSE(rest);
  EXPECT_THAT(rest.error().message, HasSubstr("auth-provider \"gcp\""));
  EXPECT_THAT(rest.error().message, HasSubstr("exec plugin"));
}

TEST(KubeconfigTest, StaticTokenAndBasicAuthAreCarried) {
  Result<Kubeconfig> cfg = ParseKubeconfig(
      "current-context: c\nclusters:\n- name: k\n  cluster: {server: 'localhost:6443'}\n"
      "users:\n- name: u\n  user: {token: abc, username: admin, password: pw}\n"
      "contexts:\n- name: c\n  context: {cluster: k, user: u}\n",
      "/k/config");
  ASSERT_TRUE(cfg);
  Result<RestConfig> rest = ResolveKubeconfigContext(*cfg, std::nullopt);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->server, "https://localhost:6443");  // scheme defaults to https
  EXPECT_EQ(rest->bearer_token, "abc");
  EXPECT_EQ(rest->username, "admin");
  EXPECT_THAT(rest->Describe(), Not(HasSubstr("abc")));
  EXPECT_THAT(rest->Describe(), Not(HasSubstr("pw")));
}

TEST(KubeconfigTest, FindFilesFollowsClientGoPrecedence) {
  KubeconfigSearch explicit_flag =
      FindKubeconfigFiles(std::string("/flag"), std::string("/a:/b"), std::string("/home/u"));
  EXPECT_TRUE(explicit_flag.explicit_path);
  EXPECT_THAT(explicit_flag.paths, ::testing::ElementsAre("/flag"));

  KubeconfigSearch env = FindKubeconfigFiles(std::nullopt, std::string("/a::/b:/a"),
                                             std::string("/home/u"));
  EXPECT_FALSE(env.explicit_path);
  EXPECT_THAT(env.paths, ::testing::ElementsAre("/a", "/b"));

  KubeconfigSearch home = FindKubeconfigFiles(std::nullopt, std::nullopt, std::string("/home/u"));
  EXPECT_THAT(home.paths, ::testing::ElementsAre("/home/u/.kube/config"));
}

TEST(KubeconfigTest, MissingFilesInKubeconfigListAreSkippedButExplicitOneIsAnError) {
  KubeTempDir dir;
  std::string real = dir.Write("config", kSecond);
  Result<Kubeconfig> skipped = LoadKubeconfigFiles({dir.Path("absent"), real}, true);
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->current_context, "beta");

  Result<Kubeconfig> strict = LoadKubeconfigFiles({dir.Path("absent")}, false);
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(strict.error().message, HasSubstr(dir.Path("absent")));
  EXPECT_THAT(strict.error().message, HasSubstr("--kubeconfig"));
}

TEST(KubeBase64Test, RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(*DecodeBase64(EncodeBase64("a")), "a");
  EXPECT_EQ(*DecodeBase64(EncodeBase64("ab")), "ab");
  EXPECT_EQ(*DecodeBase64(EncodeBase64("abc")), "abc");
  EXPECT_EQ(*DecodeBase64("YWJj\nZA==\n"), "abcd");
  EXPECT_FALSE(DecodeBase64("abc"));
  EXPECT_FALSE(DecodeBase64("ab$c"));
}

}  // namespace
}  // namespace kdrill::kube
