// `kdrill diagnose`: the store it reads through the KubeApi, and the report
// and exit code it prints, against the in-memory API.

#include <gtest/gtest.h>

#include <sstream>

#include "harness/cli/commands.h"
#include "harness/cli/exit_codes.h"
#include "harness/diagnose/store_reader.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/unit/diagnose/diagnose_fixture.h"

namespace kdrill::testing {
namespace {

// Lists of one resource fail with Forbidden, as RBAC would refuse them.
class ForbiddingKubeApi : public FakeKubeApi {
 public:
  std::string forbidden;
  Result<Json> List(const ResourceRef& ref, const kube::ListOptions& opts) override {
    if (ref.resource == forbidden) {
      Error e(ErrorCode::kForbidden, ref.resource + " is forbidden: User \"dev\" cannot list resource");
      e.http_status = 403;
      return std::unexpected(e);
    }
    return FakeKubeApi::List(ref, opts);
  }
};

class DiagnoseCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_.Put(kube::StorageClasses(), StorageClass("lab-shared", "lab.kdrill.io"));
    api_.Put(kube::CsiDrivers(), CsiDriver("lab.kdrill.io"));
    api_.Put(kube::Nodes(), Node("node-a"));
    api_.Put(kube::Pvcs("demo"), Claim("data", "fast"));
    api_.Put(kube::Pods("demo"), Pod("web-0", "", {"data"}));
    api_.Put(kube::Pods("other"), Pod("elsewhere", "node-a"));
    api_.Put(kube::Events("demo"), Event("e1", "PersistentVolumeClaim", "data", "Warning", "ProvisioningFailed",
                                         "storageclass.storage.k8s.io \"fast\" not found"));
  }

  int Run(const std::string& kind, const std::string& name, const std::string& ns = "demo") {
    out_.str("");
    err_.str("");
    return cli::DiagnoseObject(api_, kind, ns, name, out_, err_);
  }

  ForbiddingKubeApi api_;
  std::ostringstream out_, err_;
};

TEST_F(DiagnoseCommandTest, StoreHoldsEveryKindListedKeyedLikeTheTimeline) {
  auto read = diagnose::ReadForDiagnosis(api_, {"PersistentVolumeClaim", "demo", "data"});
  ASSERT_TRUE(read) << read.error().ToString();
  const auto& st = read->store;
  EXPECT_EQ(read->object["metadata"]["name"], "data");
  EXPECT_TRUE(st.at("Pod").count("demo/web-0"));
  EXPECT_FALSE(st.at("Pod").count("other/elsewhere")) << "pods of other namespaces are not read";
  EXPECT_TRUE(st.at("PersistentVolumeClaim").count("demo/data"));
  EXPECT_TRUE(st.at("StorageClass").count("/lab-shared"));
  EXPECT_TRUE(st.at("CSIDriver").count("/lab.kdrill.io"));
  EXPECT_TRUE(st.at("Node").count("/node-a"));
  EXPECT_EQ(st.at("Event").size(), 1u);
  // Read and empty is not the same as not read: the kinds are present.
  EXPECT_TRUE(st.at("PersistentVolume").empty());
  EXPECT_TRUE(st.at("ResourceQuota").empty());
  EXPECT_TRUE(read->unread.empty());
  for (const auto& c : api_.calls) {
    EXPECT_TRUE(c.rfind("get ", 0) == 0 || c.rfind("list ", 0) == 0) << "diagnose must only read: " << c;
  }
}

TEST_F(DiagnoseCommandTest, ClaimWithMissingClassPrintsTheCauseAndExitsOne) {
  EXPECT_EQ(Run("pvc", "data"), cli::kExitFailed);
  EXPECT_EQ(out_.str(),
            "claim demo/data: Pending, StorageClass \"fast\", 1Gi requested\n"
            "  claim data: Pending: StorageClass \"fast\" does not exist: create the StorageClass or recreate the "
            "claim with an existing storageClassName\n");
  EXPECT_EQ(err_.str(), "");
}

TEST_F(DiagnoseCommandTest, PodShowsItsClaimsCause) {
  EXPECT_EQ(Run("pod", "web-0"), cli::kExitFailed);
  EXPECT_NE(out_.str().find("pod demo/web-0: Pending, 0/1 containers ready, not scheduled\n"), std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find("  claim data: Pending: StorageClass \"fast\" does not exist"), std::string::npos)
      << out_.str();
}

TEST_F(DiagnoseCommandTest, AListThatFailsIsNamedAndTheDiagnosisFallsBackToEvents) {
  api_.forbidden = "storageclasses";
  auto read = diagnose::ReadForDiagnosis(api_, {"PersistentVolumeClaim", "demo", "data"});
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->store.count("StorageClass"));
  ASSERT_EQ(read->unread.size(), 1u);
  EXPECT_EQ(read->unread[0].rfind("storageclasses: Forbidden: ", 0), 0u) << read->unread[0];
  EXPECT_EQ(Run("pvc", "data"), cli::kExitFailed);
  EXPECT_NE(out_.str().find("StorageClass \"fast\" does not exist"), std::string::npos) << out_.str();
  EXPECT_NE(err_.str().find("note: could not list storageclasses: Forbidden"), std::string::npos) << err_.str();
}

TEST_F(DiagnoseCommandTest, HealthyClaimExitsZero) {
  auto bound = Claim("ok", "lab-shared", "Bound");
  bound["spec"]["volumeName"] = "pvc-1";
  api_.Put(kube::Pvcs("demo"), bound);
  EXPECT_EQ(Run("persistentvolumeclaim", "ok"), cli::kExitOk);
  EXPECT_EQ(out_.str(),
            "claim demo/ok: Bound to PersistentVolume pvc-1 (StorageClass \"lab-shared\")\n"
            "no problem found: the claim is Bound to PersistentVolume pvc-1\n");
}

TEST_F(DiagnoseCommandTest, HealthyStatefulSetExitsZero) {
  api_.Put(kube::StatefulSets("demo"), Parse(R"({"metadata": {"name": "db", "generation": 1},
      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "db"}}},
      "status": {"observedGeneration": 1, "replicas": 1, "readyReplicas": 1, "updatedReplicas": 1,
                 "currentRevision": "db-1", "updateRevision": "db-1"}})"));
  auto pod = Pod("db-0", "node-a");
  pod["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
  api_.Put(kube::Pods("demo"), pod);
  EXPECT_EQ(Run("sts", "db"), cli::kExitOk);
  EXPECT_EQ(out_.str(),
            "StatefulSet demo/db: 1/1 ready, 1 replica, OrderedReady, revision db-1\n"
            "no problem found: the StatefulSet is settled and its 1 pod is Ready at revision db-1\n");
}

TEST_F(DiagnoseCommandTest, MissingObjectExitsThree) {
  EXPECT_EQ(Run("pod", "nope"), cli::kExitCluster);
  EXPECT_EQ(err_.str(), "kdrill diagnose: pod nope not found in namespace demo (pass -n for another namespace)\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(DiagnoseCommandTest, EmptyNamespaceMeansTheContextsDefault) {
  api_.Put(kube::Pods("default"), Pod("web-9"));
  EXPECT_EQ(Run("po", "web-9", ""), cli::kExitFailed);
  EXPECT_EQ(out_.str().rfind("pod default/web-9: ", 0), 0u) << out_.str();
}

TEST_F(DiagnoseCommandTest, UnknownKindIsBadUsage) {
  EXPECT_EQ(Run("deployment", "web"), cli::kExitUsage);
  EXPECT_TRUE(api_.calls.empty());
}

}  // namespace
}  // namespace kdrill::testing

namespace kdrill::testing {
namespace {

// A name or namespace that is not a Kubernetes name would change the request
// path (".." or '/'), or list every object (empty): refused before any call.
TEST_F(DiagnoseCommandTest, NamesThatAreNotKubernetesNamesAreRefusedBeforeAnyRequest) {
  EXPECT_EQ(cli::DiagnoseObject(api_, "pod", "demo", "..", out_, err_), cli::kExitUsage);
  EXPECT_EQ(cli::DiagnoseObject(api_, "pod", "demo", "", out_, err_), cli::kExitUsage);
  EXPECT_EQ(cli::DiagnoseObject(api_, "pvc", "..", "data", out_, err_), cli::kExitUsage);
  EXPECT_EQ(cli::DiagnoseObject(api_, "sts", "a/b", "web", out_, err_), cli::kExitUsage);
  EXPECT_TRUE(api_.calls.empty());
  EXPECT_NE(err_.str().find("kdrill diagnose: pod name '..' is not a valid Kubernetes name"), std::string::npos);
  EXPECT_NE(err_.str().find("kdrill diagnose: -n/--namespace: '..' is not a valid namespace name"),
            std::string::npos);
  EXPECT_TRUE(out_.str().empty());
}

}  // namespace
}  // namespace kdrill::testing
