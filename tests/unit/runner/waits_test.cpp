// The drill's wait conditions (waits.h) against foreign pods: pods of another
// controller whose labels match the target's selector (app=web on both). A
// wait is never satisfied by such a pod, Ready or not, and never blocked by
// one.

#include <gtest/gtest.h>

#include "harness/cluster/workload.h"
#include "harness/runner/waits.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/foreign_pods.h"

namespace kdrill {
namespace {

using testing::ForeignPod;

class WaitsTest : public ::testing::Test {
 protected:
  void SetUp() override { sts_.Create(); }

  // What the Recorder's watches would hold: every pod in demo and the target.
  ObjectStore Store(const std::string& kind = "StatefulSet", const std::string& name = "web") {
    ObjectStore s;
    const kube::Json pods = *api_.List(kube::Pods("demo"), {});
    for (const auto& p : pods["items"]) {
      s["Pod"]["demo/" + p["metadata"].value("name", "")] = p;
    }
    s[kind]["demo/" + name] = api_.Peek(cluster::TargetRef(kind, "demo", name));
    return s;
  }

  cluster::StatefulSetSpec Spec() {
    auto spec = cluster::ReadTarget(cluster::kStatefulSet, api_.Peek(kube::StatefulSets("demo", "web")));
    spec.ns = "demo";
    spec.name = "web";
    return spec;
  }

  WaitPredicate PodReady(int ordinal) {
    drill::WaitSpec w;
    w.condition = "pod-ready";
    w.params = drill::Params(kube::Json{{"ordinal", ordinal}}, {}, {});
    auto pred = MakeWaitPredicate(w, Spec());
    EXPECT_TRUE(pred) << pred.error().message;
    return *pred;
  }

  testing::FakeKubeApi api_;
  testing::FakeStatefulSet sts_{api_, {}};
};

TEST_F(WaitsTest, PodReadyIsNeverSatisfiedByAForeignPodAtTheName) {
  // "web-3": a name web's controller would use, on web-twin's Ready pod.
  testing::PutForeignWeb3(api_);
  auto ready3 = PodReady(3);
  EXPECT_FALSE(ready3.done(Store()));
  EXPECT_EQ(ready3.status(Store()), "web-3 is not the StatefulSet's own pod (owned by StatefulSet web-twin)");
  // web-twin's Ready pod with pod-index 1 is not web-1 either.
  ASSERT_TRUE(api_.Delete(kube::Pods("demo", "web-1"), {}));
  testing::PutTwinPods(api_);
  api_.Put(kube::Pods("demo"), ForeignPod("web-twin-1", 1, true));
  auto ready1 = PodReady(1);
  EXPECT_FALSE(ready1.done(Store()));
  EXPECT_EQ(ready1.status(Store()), "web-1 does not exist");
  // web's own pods at those names do.
  ASSERT_TRUE(api_.Delete(kube::Pods("demo", "web-3"), {}));
  api_.Put(kube::Pods("demo"), sts_.MakePod(3, true));
  api_.Put(kube::Pods("demo"), sts_.MakePod(1, true));
  EXPECT_TRUE(ready3.done(Store()));
  EXPECT_TRUE(ready1.done(Store()));
}

TEST_F(WaitsTest, SettledIsNeitherSatisfiedNorBlockedByForeignPods) {
  auto settled = SettledPredicate("demo", "web");
  testing::PutTwinPods(api_);  // web-twin-1 is not Ready
  testing::PutForeignWeb3(api_, "node-c", /*ready=*/false);
  EXPECT_TRUE(settled.done(Store())) << settled.status(Store());
  // web-2 gone; web-twin's Ready pod with pod-index 2 does not stand in for it.
  ASSERT_TRUE(api_.Delete(kube::Pods("demo", "web-2"), {}));
  EXPECT_FALSE(settled.done(Store()));
  EXPECT_EQ(settled.status(Store()), "web-2 absent");
  // Nor does a Ready pod at its very name that another controller holds (a
  // ReplicaSet selecting app=web that adopted an orphaned web-2).
  auto adopted = sts_.MakePod(2, true);
  adopted["metadata"]["ownerReferences"] = {{{"kind", "ReplicaSet"}, {"name", "web-rs"}, {"controller", true}}};
  api_.Put(kube::Pods("demo"), adopted);
  EXPECT_FALSE(settled.done(Store()));
  EXPECT_EQ(settled.status(Store()), "web-2 not the StatefulSet's own pod (owned by ReplicaSet web-rs)");
}

TEST_F(WaitsTest, DeploymentSettledCountsOnlyItsOwnPods) {
  api_.Put(kube::ResourceRef{"apps/v1", "deployments", "demo", "", {}},
           {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "shop"}, {"generation", 1}}},
            {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", {{"app", "shop"}}}}}}},
            {"status",
             {{"observedGeneration", 1}, {"replicas", 2}, {"updatedReplicas", 2}, {"readyReplicas", 2},
              {"availableReplicas", 2}}}});
  // Pods of ReplicaSet <deployment>-<pod-template-hash>: shop's own, and a
  // twin Deployment's (shop-twin) with the same app label.
  auto pod = [](const std::string& name, const std::string& rs, const std::string& hash, bool ready) {
    auto p = ForeignPod(name, 0, ready, "node-a", rs);
    p["metadata"]["labels"] = {{"app", "shop"}, {"pod-template-hash", hash}};
    p["metadata"]["ownerReferences"][0]["kind"] = "ReplicaSet";
    return p;
  };
  api_.Put(kube::Pods("demo"), pod("shop-7d9c-a", "shop-7d9c", "7d9c", true));
  api_.Put(kube::Pods("demo"), pod("shop-7d9c-b", "shop-7d9c", "7d9c", true));
  api_.Put(kube::Pods("demo"), pod("shop-twin-55f-x", "shop-twin-55f", "55f", false));
  auto settled = SettledPredicate("demo", "shop", {}, cluster::kDeployment);
  EXPECT_TRUE(settled.done(Store("Deployment", "shop"))) << settled.status(Store("Deployment", "shop"));
  // One of shop's pods gone; the twin's pod, now Ready, does not make up for it.
  ASSERT_TRUE(api_.Delete(kube::Pods("demo", "shop-7d9c-b"), {}));
  api_.Put(kube::Pods("demo"), pod("shop-twin-55f-x", "shop-twin-55f", "55f", true));
  EXPECT_FALSE(settled.done(Store("Deployment", "shop")));
  EXPECT_EQ(settled.status(Store("Deployment", "shop")), "1 of 2 pods live and Ready");
}

}  // namespace
}  // namespace kdrill
