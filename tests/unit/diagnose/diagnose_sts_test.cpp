// DiagnoseStatefulSet: pods never created (quota, OrderedReady), pods not
// Ready, and the store the runner has (no StorageClasses or quotas).

#include <gtest/gtest.h>

#include "harness/diagnose/diagnose.h"
#include "tests/unit/diagnose/diagnose_fixture.h"

namespace kdrill::testing {
namespace {

using diagnose::DiagnoseStatefulSet;
using V = std::vector<std::string>;

DJson Sts(int replicas, int ready, const std::string& policy = "OrderedReady") {
  return {{"metadata", {{"name", "web"}, {"namespace", "demo"}, {"uid", "uid-sts"}, {"generation", 1}}},
          {"spec",
           {{"replicas", replicas},
            {"podManagementPolicy", policy},
            {"selector", {{"matchLabels", {{"app", "web"}}}}},
            {"volumeClaimTemplates", {{{"metadata", {{"name", "data"}}}}}}}},
          {"status",
           {{"observedGeneration", 1},
            {"replicas", ready},
            {"readyReplicas", ready},
            {"updatedReplicas", ready},
            {"currentRevision", "web-1"},
            {"updateRevision", "web-1"}}}};
}

DJson ReadyPod(const std::string& name) {
  auto p = Pod(name, "node-a", {"data-" + name});
  p["status"]["conditions"] = {{{"type", "Ready"}, {"status", "True"}}};
  return p;
}

TEST(DiagnoseStatefulSetTest, SettledWithEveryPodReadyHasNoCause) {
  StoreBuilder s;
  s.Add("StatefulSet", Sts(2, 2)).Add("Pod", ReadyPod("web-0")).Add("Pod", ReadyPod("web-1"));
  EXPECT_EQ(DiagnoseStatefulSet(s.Get(), "demo", "web"), V{});
}

TEST(DiagnoseStatefulSetTest, MissingStatefulSet) {
  EXPECT_EQ(DiagnoseStatefulSet(StoreBuilder().Get(), "demo", "web"), V{"StatefulSet demo/web does not exist"});
}

TEST(DiagnoseStatefulSetTest, QuotaExceededFromFailedCreateAndAnotherQuotaAtItsLimit) {
  const std::string msg =
      "create Claim data-web-2 for Pod web-2 in StatefulSet web failed error: persistentvolumeclaims \"data-web-2\" "
      "is forbidden: exceeded quota: storage, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=2, "
      "limited: persistentvolumeclaims=2";
  StoreBuilder s;
  s.Add("StatefulSet", Sts(3, 2)).Add("Pod", ReadyPod("web-0")).Add("Pod", ReadyPod("web-1"));
  s.Add("Event", Event("e1", "StatefulSet", "web", "Warning", "FailedCreate", msg, "2025-01-01T10:00:00Z", 6, "uid-sts"));
  // Named by the event: no second line for it.
  s.Add("ResourceQuota", Parse(R"({"metadata": {"name": "storage", "namespace": "demo"},
      "status": {"hard": {"persistentvolumeclaims": "2"}, "used": {"persistentvolumeclaims": "2"}}})"));
  // Another quota at its limit, and one with room (CPU in millicores).
  s.Add("ResourceQuota", Parse(R"({"metadata": {"name": "compute", "namespace": "demo"},
      "status": {"hard": {"pods": "3", "requests.cpu": "2", "requests.memory": "1Gi"},
                 "used": {"pods": "2", "requests.cpu": "2000m", "requests.memory": "1024Mi"}}})"));
  s.Add("ResourceQuota", Parse(R"({"metadata": {"name": "roomy", "namespace": "demo"},
      "status": {"hard": {"requests.cpu": "2"}, "used": {"requests.cpu": "1500m"}}})"));
  EXPECT_EQ(DiagnoseStatefulSet(s.Get(), "demo", "web"),
            (V{"StatefulSet web: 2/3 pods exist",
               "web-2: cannot be created: quota exceeded (6 times): " + msg +
                   ": raise ResourceQuota \"storage\" or free what it counts",
               "ResourceQuota compute: at its limit for requests.cpu (used 2000m of 2) and requests.memory (used "
               "1024Mi of 1Gi): raise the quota or free what it counts"}));
}

TEST(DiagnoseStatefulSetTest, OtherFailedCreate) {
  StoreBuilder s;
  s.Add("StatefulSet", Sts(1, 0));
  s.Add("Event", Event("e1", "StatefulSet", "web", "Warning", "FailedCreate",
                       "create Pod web-0 in StatefulSet web failed error: pods \"web-0\" is forbidden: violates "
                       "PodSecurity \"restricted:latest\""));
  EXPECT_EQ(DiagnoseStatefulSet(s.Get(), "demo", "web"),
            (V{"StatefulSet web: 0/1 pods exist",
               "web-0: cannot be created: FailedCreate: create Pod web-0 in StatefulSet web failed error: pods "
               "\"web-0\" is forbidden: violates PodSecurity \"restricted:latest\""}));
}

TEST(DiagnoseStatefulSetTest, OrderedReadyWaitsForTheLowerOrdinal) {
  StoreBuilder s;
  s.Add("StatefulSet", Sts(3, 1)).Add("Pod", ReadyPod("web-0"));
  auto web1 = Pod("web-1", "node-a");
  web1["status"]["containerStatuses"] = {
      {{"name", "web"},
       {"ready", false},
       {"restartCount", 2},
       {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}},
       {"lastState", {{"terminated", {{"exitCode", 3}, {"reason", "Error"}}}}}}};
  s.Add("Pod", web1);
  EXPECT_EQ(DiagnoseStatefulSet(s.Get(), "demo", "web"),
            (V{"StatefulSet web: 1/3 pods exist",
               "web-1: container web CrashLoopBackOff: last exit code 3 (Error), 2 restarts: read its logs: kubectl "
               "logs -n demo web-1 -c web --previous",
               "web-2: does not exist: OrderedReady creates it once web-1 is Ready"}));
}

TEST(DiagnoseStatefulSetTest, RunnerStoreWithoutStorageClassesStillNamesTheMissingClass) {
  // What the Recorder holds when a wait times out: pods, claims, events; no StorageClasses.
  StoreBuilder s;
  s.Add("StatefulSet", Sts(1, 0));
  s.Add("Pod", Pod("web-0", "", {"data-web-0"}));
  s.Add("PersistentVolumeClaim", Claim("data-web-0", "fast"));
  s.Add("Event", Event("e1", "Pod", "web-0", "Warning", "FailedScheduling",
                       "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims."));
  s.Add("Event", Event("e2", "PersistentVolumeClaim", "data-web-0", "Warning", "ProvisioningFailed",
                       "storageclass.storage.k8s.io \"fast\" not found"));
  EXPECT_EQ(DiagnoseStatefulSet(s.Get(), "demo", "web"),
            (V{"StatefulSet web: 0/1 pods exist",
               "web-0: Pending: FailedScheduling: 0/2 nodes are available: pod has unbound immediate "
               "PersistentVolumeClaims.",
               "claim data-web-0: Pending: StorageClass \"fast\" does not exist: create the StorageClass or recreate "
               "the claim with an existing storageClassName"}));
}

}  // namespace
}  // namespace kdrill::testing
