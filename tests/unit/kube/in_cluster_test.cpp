#include "harness/kube/in_cluster.h"

#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/kube/token_file_provider.h"
#include "tests/fakes/kube_temp_dir.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::kube {
namespace {

using ::testing::HasSubstr;
using testing::KubeTempDir;
using testing::KubeTestClock;

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

InClusterPaths WriteServiceAccount(const KubeTempDir& dir, const std::string& ns) {
  InClusterPaths paths;
  paths.token = dir.Write("sa/token", "sa-token-1\n");
  paths.ca = dir.Write("sa/ca.crt", "CLUSTER-CA");
  paths.ns = ns.empty() ? dir.Path("sa/namespace") : dir.Write("sa/namespace", ns);
  return paths;
}

TEST(KubeInClusterTest, BuildsConfigFromServiceAccount) {
  KubeTempDir dir;
  InClusterPaths paths = WriteServiceAccount(dir, "drills\n");
  Result<RestConfig> rest = LoadInClusterConfig(
      FakeEnv({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
      paths);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->server, "https://10.96.0.1:443");
  EXPECT_EQ(rest->tls.ca_pem, "CLUSTER-CA");
  EXPECT_EQ(rest->token_file, paths.token);
  EXPECT_EQ(rest->ns, "drills");
  EXPECT_EQ(rest->source, "in-cluster");
}

TEST(KubeInClusterTest, BracketsIpv6HostAndDefaultsNamespace) {
  KubeTempDir dir;
  InClusterPaths paths = WriteServiceAccount(dir, "");
  Result<RestConfig> rest = LoadInClusterConfig(
      FakeEnv({{"KUBERNETES_SERVICE_HOST", "fd00:10:96::1"}, {"KUBERNETES_SERVICE_PORT", "6443"}}),
      paths);
  ASSERT_TRUE(rest) << rest.error().ToString();
  EXPECT_EQ(rest->server, "https://[fd00:10:96::1]:6443");
  EXPECT_EQ(rest->ns, "default");
}

TEST(KubeInClusterTest, OutsideAPodSaysWhatToDo) {
  EXPECT_FALSE(InClusterAvailable(FakeEnv({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}})));
  Result<RestConfig> rest = LoadInClusterConfig(FakeEnv({}), {});
  ASSERT_FALSE(rest);
  EXPECT_EQ(rest.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_THAT(rest.error().message, HasSubstr("--kubeconfig"));
}

TEST(KubeInClusterTest, MissingTokenFileIsNamed) {
  KubeTempDir dir;
  InClusterPaths paths;
  paths.token = dir.Path("missing-token");
  paths.ca = dir.Write("ca.crt", "CA");
  Result<RestConfig> rest = LoadInClusterConfig(
      FakeEnv({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}),
      paths);
  ASSERT_FALSE(rest);
  EXPECT_EQ(rest.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(rest.error().message, HasSubstr(paths.token));
}

TEST(KubeTokenFileTest, RereadsWhenTheFileRotates) {
  KubeTempDir dir;
  std::string path = dir.Write("token", "first-token\n");
  KubeTestClock clock;
  TokenFileProvider provider(path, "tokenFile", clock);
  Result<Credentials> a = provider.Get();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->authorization, "Bearer first-token");

  dir.Write("token", "second-token-longer");  // size changes: noticed at once
  Result<Credentials> b = provider.Get();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->authorization, "Bearer second-token-longer");
  EXPECT_NE(a->generation, b->generation);
}

TEST(KubeTokenFileTest, RereadsPeriodicallyEvenWithoutVisibleChange) {
  KubeTempDir dir;
  std::string path = dir.Write("token", "aaaa");
  KubeTestClock clock;
  TokenFileProvider provider(path, "tokenFile", clock, std::chrono::seconds(60));
  ASSERT_EQ(provider.Get()->authorization, "Bearer aaaa");
  // Same size, and force the same mtime: only the period can reveal the change.
  auto mtime = std::filesystem::last_write_time(path);
  dir.Write("token", "bbbb");
  std::filesystem::last_write_time(path, mtime);
  EXPECT_EQ(provider.Get()->authorization, "Bearer aaaa");
  clock.Advance(std::chrono::seconds(61));
  EXPECT_EQ(provider.Get()->authorization, "Bearer bbbb");
}

TEST(KubeTokenFileTest, InvalidateForcesReread) {
  KubeTempDir dir;
  std::string path = dir.Write("token", "aaaa");
  KubeTestClock clock;
  TokenFileProvider provider(path, "tokenFile", clock);
  Result<Credentials> first = provider.Get();
  auto mtime = std::filesystem::last_write_time(path);
  dir.Write("token", "bbbb");
  std::filesystem::last_write_time(path, mtime);
  EXPECT_TRUE(provider.Invalidate(*first));
  EXPECT_EQ(provider.Get()->authorization, "Bearer bbbb");
}

TEST(KubeTokenFileTest, KeepsLastGoodTokenWhenFileVanishes) {
  KubeTempDir dir;
  std::string path = dir.Write("token", "good-token");
  KubeTestClock clock;
  TokenFileProvider provider(path, "service-account token", clock);
  ASSERT_TRUE(provider.Get());
  std::filesystem::remove(path);
  Result<Credentials> still = provider.Get();
  ASSERT_TRUE(still);
  EXPECT_EQ(still->authorization, "Bearer good-token");

  TokenFileProvider never(dir.Path("nope"), "service-account token", clock);
  Result<Credentials> err = never.Get();
  ASSERT_FALSE(err);
  EXPECT_THAT(err.error().message, HasSubstr("service-account token"));
}

}  // namespace
}  // namespace kdrill::kube
