#include "harness/kube/connect.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/kube/base64.h"
#include "tests/fakes/https_fixture_server.h"
#include "tests/fakes/https_test_certs.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using testing::GetHttpsTestCerts;
using testing::HttpsFixtureServer;
using testing::KubeTempDir;
using testing::TestObject;

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

std::string Kubeconfig(const std::string& server, const std::string& user_block,
                       const std::string& ns = "drills") {
  return "apiVersion: v1\nkind: Config\ncurrent-context: lab\nclusters:\n- name: lab\n  cluster:\n"
         "    server: " + server + "\n    certificate-authority-data: " +
         EncodeBase64(GetHttpsTestCerts().ca_pem) +
         "\ncontexts:\n- name: lab\n  context: {cluster: lab, user: admin, namespace: " + ns +
         "}\n- name: other\n  context: {cluster: lab, user: admin}\n"
         "users:\n- name: admin\n  user:\n" + user_block;
}

TEST(KubeConnectTest, ExplicitKubeconfigBeatsEnvironment) {
  KubeTempDir dir;
  std::string flag = dir.Write("flag.yaml", Kubeconfig("https://flag.example", "    token: t\n"));
  std::string env = dir.Write("env.yaml", Kubeconfig("https://env.example", "    token: t\n"));
  ConnectOptions options;
  options.kubeconfig = flag;
  options.getenv = FakeEnv({{"KUBECONFIG", env}, {"HOME", dir.path()}});
  Result<RestConfig> rest = ResolveRestConfig(options);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->server, "https://flag.example");

  options.kubeconfig.reset();
  rest = ResolveRestConfig(options);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->server, "https://env.example");
}

TEST(KubeConnectTest, KubeconfigEnvListIsMergedAndContextFlagApplies) {
  KubeTempDir dir;
  std::string a = dir.Write("a.yaml", "current-context: other\n");
  std::string b = dir.Write("b.yaml", Kubeconfig("https://b.example", "    token: t\n"));
  ConnectOptions options;
  options.getenv = FakeEnv({{"KUBECONFIG", dir.Path("missing.yaml") + ":" + a + ":" + b}});
  Result<RestConfig> rest = ResolveRestConfig(options);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->context, "other");  // current-context from a.yaml, the first to set it
  EXPECT_EQ(rest->ns, "default");
  EXPECT_EQ(rest->source, "kubeconfig " + a + ":" + b);

  options.context = "lab";
  rest = ResolveRestConfig(options);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->ns, "drills");
}

TEST(KubeConnectTest, FallsBackToInClusterOnlyWithoutAnyKubeconfig) {
  KubeTempDir dir;
  InClusterPaths paths;
  paths.token = dir.Write("sa/token", "sa");
  paths.ca = dir.Write("sa/ca.crt", "CA");
  paths.ns = dir.Write("sa/namespace", "drills");
  ConnectOptions options;
  options.in_cluster_paths = paths;
  options.getenv = FakeEnv({{"HOME", dir.path()},
                            {"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                            {"KUBERNETES_SERVICE_PORT", "443"}});
  Result<RestConfig> rest = ResolveRestConfig(options);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->source, "in-cluster");
  EXPECT_EQ(rest->ns, "drills");
  EXPECT_EQ(DescribeConnection(*rest).auth, "token file " + paths.token);

  options.context = "lab";
  Result<RestConfig> with_context = ResolveRestConfig(options);
  ASSERT_FALSE(with_context);
  EXPECT_THAT(with_context.error().message, HasSubstr("--context lab"));

  options.context.reset();
  options.allow_in_cluster = false;
  Result<RestConfig> refused = ResolveRestConfig(options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(refused.error().message, HasSubstr(dir.Path(".kube/config")));
}

TEST(KubeConnectTest, ConnectsThroughKubeconfigWithTokenAndCaData) {
  HttpsFixtureServer server;
  server.http().Get("/api/v1/namespaces/drills/pods/web-0",
                    [](const httplib::Request&, httplib::Response& res) {
                      res.set_content(TestObject("drills", "web-0", "3").dump(), "application/json");
                    });
  server.Start();
  KubeTempDir dir;
  std::string path = dir.Write("config", Kubeconfig(server.Url(), "    token: static-token-value\n"));
  testing::KubeTestClock clock;
  ConnectOptions options;
  options.kubeconfig = path;
  options.getenv = FakeEnv({});
  options.clock = &clock;
  ConnectionInfo info;
  Result<std::unique_ptr<KubeApi>> api = ConnectKubeApi(options, &info);
  ASSERT_TRUE(api) << api.error().ToString();
  EXPECT_EQ(info.context, "lab");
  EXPECT_EQ(info.server, server.Url());
  EXPECT_EQ(info.ns, "drills");
  EXPECT_EQ(info.auth, "bearer token");
  EXPECT_EQ((*api)->DefaultNamespace(), "drills");
  EXPECT_EQ((*api)->ServerUrl(), server.Url());

  Result<Json> pod = (*api)->Get(Pods((*api)->DefaultNamespace(), "web-0"));
  ASSERT_TRUE(pod) << pod.error().ToString();
  EXPECT_EQ(server.Requests().back().Header("Authorization"), "Bearer static-token-value");
  api->reset();
}

TEST(KubeConnectTest, ConnectsWithClientCertificateFilesRelativeToKubeconfig) {
  HttpsFixtureServer server(HttpsFixtureServer::Options{true});
  server.http().Get("/api/v1/nodes", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"kind":"NodeList","items":[]})", "application/json");
  });
  server.Start();
  KubeTempDir dir;
  dir.Write("creds/admin.crt", GetHttpsTestCerts().client_cert_pem);
  dir.Write("creds/admin.key", GetHttpsTestCerts().client_key_pem);
  std::string path = dir.Write(
      "config", Kubeconfig(server.Url(),
                           "    client-certificate: creds/admin.crt\n    client-key: creds/admin.key\n"));
  ConnectOptions options;
  options.kubeconfig = path;
  options.getenv = FakeEnv({});
  ConnectionInfo info;
  Result<std::unique_ptr<KubeApi>> api = ConnectKubeApi(options, &info);
  ASSERT_TRUE(api) << api.error().ToString();
  EXPECT_EQ(info.auth, "client certificate");
  Result<Json> nodes = (*api)->List(Nodes(), {});
  ASSERT_TRUE(nodes) << nodes.error().ToString();
  EXPECT_EQ(server.Requests().back().client_cn, "kdrill-test-user");
  api->reset();
}

TEST(KubeConnectTest, BadServerUrlIsReportedWithContext) {
  KubeTempDir dir;
  std::string path = dir.Write("config", Kubeconfig("https://", "    token: t\n"));
  ConnectOptions options;
  options.kubeconfig = path;
  options.getenv = FakeEnv({});
  Result<std::unique_ptr<KubeApi>> api = ConnectKubeApi(options);
  ASSERT_FALSE(api);
  EXPECT_EQ(api.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(api.error().message, HasSubstr("context \"lab\""));
}

}  // namespace
}  // namespace kdrill::kube
