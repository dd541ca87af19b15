// Issue 26: credentials are loaded and checked when kdrill connects, before
// any request. A missing token file or exec plugin, a server URL carrying
// credentials, a CA, client certificate or key that is not what its field
// promises: each is kInvalidArgument (exit 2) naming the field and the
// kubeconfig, and a credential failure during a request never reads as an
// answer from the API server.
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/kube/base64.h"
#include "harness/kube/connect.h"
#include "harness/kube/real_kube_api.h"
#include "tests/fakes/https_test_certs.h"
#include "tests/fakes/kube_scripted_transport.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::GetHttpsTestCerts;
using testing::KubeScriptedTransport;
using testing::KubeTempDir;
using testing::KubeTestClock;

// Nothing listens there: a test that reached the network would fail slowly.
constexpr const char* kNowhere = "https://127.0.0.1:1";

std::string Config(const std::string& server, const std::string& cluster_block,
                   const std::string& user_block) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: lab\nclusters:\n- name: lab\n  cluster:\n"
         "    server: \"" + server + "\"\n" + cluster_block +
         "contexts:\n- name: lab\n  context: {cluster: lab, user: admin}\n"
         "users:\n- name: admin\n  user:\n" + user_block;
}

std::string Insecure() { return "    insecure-skip-tls-verify: true\n"; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Result<std::unique_ptr<KubeApi>> ConnectWith(const std::string& kubeconfig, KubeTestClock& clock) {
  ConnectOptions options;
  options.kubeconfig = kubeconfig;
  options.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  options.clock = &clock;
  options.exec_plugin_timeout = std::chrono::seconds(20);
  return ConnectKubeApi(options);
}

TEST(KubeCredentialLoadTest, MissingTokenFileIsBadInputNamingFieldAndFile) {
  KubeTempDir dir;
  std::string path =
      dir.Write("config", Config(kNowhere, Insecure(), "    tokenFile: tokens/missing\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(api.error().message, "tokenFile of user \"admin\" (kubeconfig " + path + "): " +
                                     dir.Path("tokens/missing") + " does not exist");
}

TEST(KubeCredentialLoadTest, EmptyTokenFileIsBadInput) {
  KubeTempDir dir;
  dir.Write("tokens/empty", "\n");
  std::string path =
      dir.Write("config", Config(kNowhere, Insecure(), "    tokenFile: tokens/empty\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message, HasSubstr("is empty"));
}

TEST(KubeCredentialLoadTest, MissingExecCommandIsBadInput) {
  KubeTempDir dir;
  std::string path = dir.Write(
      "config", Config(kNowhere, Insecure(),
                       "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                       "      command: kdrill-test-no-such-plugin\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message,
              HasSubstr("exec plugin \"kdrill-test-no-such-plugin\" (kubeconfig " + path +
                        ") not found in PATH"));
}

TEST(KubeCredentialLoadTest, FailingExecPluginIsBadInputAtConnect) {
  KubeTempDir dir;
  dir.Write("fail.sh", "#!/bin/sh\necho 'login expired' >&2\nexit 2\n", true);
  std::string path = dir.Write(
      "config", Config(kNowhere, Insecure(),
                       "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                       "      command: ./fail.sh\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message, HasSubstr("exited with code 2: login expired"));
}

TEST(KubeCredentialLoadTest, ExecPluginRunsOnceAtConnectAndItsTokenIsReused) {
  KubeTempDir dir;
  dir.Write("ok.sh",
            "#!/bin/sh\necho run >> \"$(dirname \"$0\")/runs\"\n"
            "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
            "\"status\":{\"token\":\"t\"}}'\n",
            true);
  std::string path = dir.Write(
      "config", Config(kNowhere, Insecure(),
                       "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                       "      command: ./ok.sh\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_TRUE(api) << api.error().ToString();
  EXPECT_EQ(Slurp(dir.Path("runs")), "run\n");
}

TEST(KubeCredentialLoadTest, ServerUrlWithUserinfoOrQueryIsRefusedRedacted) {
  for (const std::string server : {"https://admin:s3cret-pw@10.0.0.1:6443",
                                   "https://10.0.0.1:6443/?access_token=s3cret-pw"}) {
    KubeTempDir dir;
    std::string path = dir.Write("config", Config(server, Insecure(), "    token: t\n"));
    KubeTestClock clock;
    Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
    ASSERT_FALSE(api) << server;
    EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(api.error().message, Not(HasSubstr("s3cret-pw")));
    EXPECT_THAT(api.error().message, HasSubstr("cluster \"lab\" in " + path));
    EXPECT_THAT(api.error().message, HasSubstr("REDACTED"));
    EXPECT_THAT(api.error().message, HasSubstr("put credentials in the user entry"));
  }
}

TEST(KubeCredentialLoadTest, CaThatIsNotPemIsBadInputNamingTheFile) {
  KubeTempDir dir;
  dir.Write("ca.crt", "this is not a certificate\n");
  std::string path = dir.Write(
      "config", Config(kNowhere, "    certificate-authority: ca.crt\n", "    token: t\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(api.error().message,
            "certificate-authority of cluster \"lab\" (" + path + "): " + dir.Path("ca.crt") +
                " holds no PEM certificate (expected \"-----BEGIN CERTIFICATE-----\" blocks); fix "
                "the field or the file it names");
}

TEST(KubeCredentialLoadTest, CorruptCaBlockIsBadInput) {
  const std::string corrupt =
      GetHttpsTestCerts().ca_pem + "-----BEGIN CERTIFICATE-----\nnot!base64\n-----END CERTIFICATE-----\n";
  KubeTempDir dir;
  std::string path = dir.Write(
      "config", Config(kNowhere, "    certificate-authority-data: " + EncodeBase64(corrupt) + "\n",
                       "    token: t\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message,
              HasSubstr("certificate-authority-data of cluster \"lab\" (" + path +
                        ") holds a PEM certificate that cannot be read"));
}

TEST(KubeCredentialLoadTest, GarbageClientKeyIsBadInputWithoutQuotingIt) {
  KubeTempDir dir;
  std::string path = dir.Write(
      "config",
      Config(kNowhere, Insecure(),
             "    client-certificate-data: " + EncodeBase64(GetHttpsTestCerts().client_cert_pem) +
                 "\n    client-key-data: " + EncodeBase64("secret-garbage-key-material") + "\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message,
              HasSubstr("client-key-data of user \"admin\" (" + path + ") holds no PEM private key"));
  EXPECT_THAT(api.error().message, Not(HasSubstr("secret-garbage")));
}

TEST(KubeCredentialLoadTest, GarbageClientCertificateIsBadInput) {
  KubeTempDir dir;
  dir.Write("admin.crt", "garbage\n");
  dir.Write("admin.key", GetHttpsTestCerts().client_key_pem);
  std::string path = dir.Write(
      "config", Config(kNowhere, Insecure(),
                       "    client-certificate: admin.crt\n    client-key: admin.key\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message,
              HasSubstr("client-certificate of user \"admin\" (" + path + "): " +
                        dir.Path("admin.crt") + " holds no PEM certificate"));
}

TEST(KubeCredentialLoadTest, ClientKeyOfAnotherCertificateIsBadInput) {
  KubeTempDir dir;
  std::string path = dir.Write(
      "config",
      Config(kNowhere, Insecure(),
             "    client-certificate-data: " + EncodeBase64(GetHttpsTestCerts().client_cert_pem) +
                 "\n    client-key-data: " +
                 EncodeBase64(Slurp(GetHttpsTestCerts().server_key_path)) + "\n"));
  KubeTestClock clock;
  Result<std::unique_ptr<KubeApi>> api = ConnectWith(path, clock);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message, HasSubstr("does not belong to the client certificate"));
}

// A provider that fails the way a vanished token file does.
class VanishedTokenFile final : public CredentialProvider {
 public:
  Result<Credentials> Get() override {
    return MakeError(ErrorCode::kNotFound, "tokenFile of user \"u\": /t does not exist");
  }
  bool Invalidate(const Credentials&) override { return false; }
};

TEST(KubeCredentialLoadTest, CredentialFailureDuringARequestIsNeverNotFound) {
  auto transport = std::make_unique<KubeScriptedTransport>();
  KubeScriptedTransport* sent = transport.get();
  KubeTestClock clock;
  RealKubeApi api(std::move(transport), std::make_unique<VanishedTokenFile>(), clock);
  Result<Json> pod = api.Get(Pods("demo", "web-0"));
  ASSERT_FALSE(pod);
  EXPECT_EQ(pod.error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(pod.error().http_status, 0);
  EXPECT_THAT(pod.error().message, HasSubstr("cannot get credentials: tokenFile"));
  Status deleted = api.Delete(Pods("demo", "web-0"));
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::kUnauthorized);
  EXPECT_TRUE(sent->Requests().empty());
}

}  // namespace
}  // namespace kdrill::kube
