// The settle wait inside faults (sts_wait.h) against foreign pods: pods of
// another StatefulSet, web-twin, whose labels match web's selector (app=web
// on both). They never satisfy the wait, never block it, and never appear in
// what it returns.

#include <gtest/gtest.h>

#include "harness/faults/sts_wait.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/fault_fixture.h"

namespace kdrill::faults {
namespace {

class StsWaitTest : public testing::FaultTest {
 protected:
  kube::Json Sts() const { return api_.Peek(kube::StatefulSets("demo", "web")); }

  // web's pods as listed by its selector, with the twin's pods and "web-3" (foreign) added.
  std::map<std::string, kube::Json> ListedPods() {
    testing::PutTwinPods(api_);  // web-twin-1 is not Ready
    testing::PutForeignWeb3(api_, "node-c", /*ready=*/false);
    std::map<std::string, kube::Json> pods;
    const kube::Json listed = *api_.List(kube::Pods("demo"), {"app=web", "", "", 0});
    for (const auto& p : listed["items"]) {
      pods[p["metadata"].value("name", "")] = p;
    }
    return pods;
  }
};

TEST_F(StsWaitTest, ForeignPodsBeyondTheReplicasOrNotReadyDoNotBlockIt) {
  auto pods = ListedPods();
  ASSERT_EQ(pods.size(), 7u);
  EXPECT_EQ(NotSettledReason(Sts(), pods, SettleGoal{}), "");
}

TEST_F(StsWaitTest, AForeignPodAtAnExpectedNameNeverSatisfiesIt) {
  // Scaled to 4: web-3 is expected, but the pod there (Ready) is web-twin's.
  auto pods = ListedPods();
  pods["web-3"]["status"]["conditions"][0]["status"] = "True";
  auto sts = Sts();
  sts["spec"]["replicas"] = 4;
  sts["status"]["replicas"] = 4;
  sts["status"]["readyReplicas"] = 4;
  sts["status"]["updatedReplicas"] = 4;
  EXPECT_EQ(NotSettledReason(sts, pods, SettleGoal{}),
            "web-3 not owned by the StatefulSet (owned by StatefulSet web-twin)");
}

TEST_F(StsWaitTest, TheSettledPodsAreTheTargetsOwnOnly) {
  ListedPods();
  auto ctx = Ctx();
  SettleGoal goal;
  goal.timeout = std::chrono::seconds(5);
  auto settled = AwaitSettled(ctx, goal);
  ASSERT_TRUE(settled) << settled.error().message;
  std::vector<std::string> names;
  for (const auto& [name, pod] : settled->pods) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
}

}  // namespace
}  // namespace kdrill::faults
