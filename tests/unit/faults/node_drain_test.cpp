// node-drain against the in-memory API: every pod to evict is printed before
// acting; DaemonSet and mirror pods are skipped; 429 (a PodDisruptionBudget)
// is retried; other namespaces are refused unless allowed; the uncordon undo
// is journaled before the cordon.

#include <gtest/gtest.h>

#include "harness/faults/fault.h"
#include "harness/undo/journal.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/fault_fixture.h"

namespace kdrill::faults {
namespace {

using testing::MakeOtherPod;
using testing::StepFrom;

Error Status429() {
  Error e(ErrorCode::kTooManyRequests, "Cannot evict pod as it would violate the pod's disruption budget.");
  e.http_status = 429;
  e.reason = "TooManyRequests";
  return e;
}

class NodeDrainTest : public testing::FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    sts_.PlayController();  // evicted web pods come back (new UIDs)
    // node-a also runs: a DaemonSet pod, a mirror pod, and another StatefulSet's pod.
    api_.Put(kube::Pods("demo"), MakeOtherPod("demo", "agent-x1", "node-a", "DaemonSet", "agent"));
    auto mirror = MakeOtherPod("demo", "static-node-a", "node-a", "Node", "node-a");
    mirror["metadata"]["annotations"] = {{"kubernetes.io/config.mirror", "abc"}};
    api_.Put(kube::Pods("demo"), mirror);
    api_.Put(kube::Pods("demo"), MakeOtherPod("demo", "cache-0", "node-a", "StatefulSet", "cache"));
  }

  std::vector<std::string> Evictions() const {
    std::vector<std::string> out;
    for (const auto& c : api_.calls) {
      if (c.rfind("evict ", 0) == 0) out.push_back(c.substr(6));
    }
    return out;
  }
};

TEST_F(NodeDrainTest, EvictsTargetAndOtherPodsSkipsDaemonSetAndMirrorPods) {
  std::string uid0 = api_.Peek(kube::Pods("demo", "web-0"))["metadata"]["uid"];
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(r->victims, std::vector<std::string>{"node-a"});
  EXPECT_EQ(Evictions(), (std::vector<std::string>{"pods/demo/web-0", "pods/demo/web-2", "pods/demo/cache-0"}));
  EXPECT_TRUE(Unschedulable("node-a"));
  EXPECT_EQ(r->properties.at("evictedOther"), "demo/cache-0");
  // Every pod, the other StatefulSet's included, is listed before the first eviction.
  int listed = LogIndex("evict demo/cache-0 (StatefulSet cache: NOT the target)");
  int first_evicted = LogIndex("evicted pod");
  ASSERT_GE(listed, 0) << Joined();
  EXPECT_LT(listed, first_evicted);
  EXPECT_GE(LogIndex("skip  demo/agent-x1: DaemonSet agent"), 0) << Joined();
  EXPECT_GE(LogIndex("skip  demo/static-node-a: mirror"), 0) << Joined();
  // Waits ignore the evicted incarnations.
  EXPECT_NE(std::find(r->deleted_pod_uids.begin(), r->deleted_pod_uids.end(), uid0), r->deleted_pod_uids.end());
  // The uncordon is pending (cleanup replays it); the eviction record is done.
  auto pending = journal_->Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].action["ref"]["name"], "node-a");
  EXPECT_EQ(journal_->Records().size(), 2u);
}

TEST_F(NodeDrainTest, LeavesTheDrillsOwnWorkloadWriterRunning) {
  auto writer = MakeOtherPod("demo", "kdrill-writer-ab12", "node-a", "", "");
  writer["metadata"]["labels"] = {{"app.kubernetes.io/managed-by", "kdrill"}, {"kdrill.io/role", "workload-writer"}};
  api_.Put(kube::Pods("demo"), writer);
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(Evictions(), (std::vector<std::string>{"pods/demo/web-0", "pods/demo/web-2", "pods/demo/cache-0"}));
  EXPECT_GE(LogIndex("skip  demo/kdrill-writer-ab12: kdrill's workload writer"), 0) << Joined();
}

TEST_F(NodeDrainTest, ABarePodWithoutTheWritersLabelsIsStillABarePod) {
  api_.Put(kube::Pods("demo"), MakeOtherPod("demo", "kdrill-writer-ab12", "node-a", "", ""));
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("kdrill-writer-ab12"), std::string::npos) << r.error().message;
  EXPECT_TRUE(Evictions().empty());
}

TEST_F(NodeDrainTest, TheUncordonUndoIsJournaledBeforeTheCordonAndNothingIsEvictedWhenItFails) {
  Error boom(ErrorCode::kServerError, "apiserver hiccup");
  boom.http_status = 500;
  api_.inject_errors["patch"] = {boom};
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [1]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_TRUE(Evictions().empty());
  auto j = Journal::Open(path_);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->Pending().size(), 1u);
  EXPECT_EQ(j->Pending()[0].action["kind"], "patch");
  EXPECT_EQ(j->Pending()[0].action["ref"]["name"], "node-b");
}

TEST_F(NodeDrainTest, RetriesWhileADisruptionBudgetAnswers429ThenSucceeds) {
  api_.inject_errors["evict"] = {Status429(), Status429(), Status429()};
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [1]}\n      params: {retryInterval: 2s}\n");
  auto ctx = Ctx();
  auto before = clock_.Now();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(Evictions(), (std::vector<std::string>{"pods/demo/web-1", "pods/demo/web-1", "pods/demo/web-1",
                                                   "pods/demo/web-1"}));
  EXPECT_EQ(r->properties.at("evicted"), "demo/web-1");
  EXPECT_EQ(clock_.Now() - before, std::chrono::seconds(6));  // three pauses of 2s, on the injected clock
  EXPECT_GE(LogIndex("eviction blocked (round 1), retrying in 2000ms"), 0) << Joined();
}

TEST_F(NodeDrainTest, ABudgetThatNeverYieldsTimesOutNamingIt) {
  api_.inject_errors["evict"] = std::vector<Error>(50, Status429());
  auto step = StepFrom(
      "    - fault: node-drain\n      target: {ordinals: [1]}\n      params: {timeout: 10s, retryInterval: 2s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_NE(r.error().message.find("PodDisruptionBudget"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("demo/web-1"), std::string::npos) << r.error().message;
  EXPECT_FALSE(api_.Peek(kube::Pods("demo", "web-1")).is_null());
  // The node stays cordoned until cleanup replays the pending uncordon.
  EXPECT_TRUE(Unschedulable("node-b"));
  EXPECT_EQ(journal_->Pending().size(), 2u);  // uncordon + the eviction record (not done)
}

TEST_F(NodeDrainTest, NotFoundMeansAlreadyGone) {
  Error gone(ErrorCode::kNotFound, "pods \"web-1\" not found");
  gone.http_status = 404;
  api_.inject_errors["evict"] = {gone};
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [1]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->properties.at("evicted"), "");
  EXPECT_GE(LogIndex("pod demo/web-1 (uid"), 0) << Joined();
  EXPECT_GE(LogIndex("is already gone"), 0) << Joined();
}

TEST_F(NodeDrainTest, PodsInOtherNamespacesAreRefusedBeforeAnythingChanges) {
  api_.Put(kube::Pods("payments"), MakeOtherPod("payments", "api-7f9c", "node-a", "ReplicaSet", "api-7f"));
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(r.error().http_status, 0);
  const auto& m = r.error().message;
  EXPECT_NE(m.find("test.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("payments/api-7f9c (ReplicaSet api-7f: NOT the target)"), std::string::npos) << m;
  EXPECT_NE(m.find("allowOtherNamespaces: true"), std::string::npos) << m;
  EXPECT_TRUE(Writes().empty());
  EXPECT_TRUE(journal_->Records().empty());
  EXPECT_FALSE(Unschedulable("node-a"));
}

TEST_F(NodeDrainTest, AllowOtherNamespacesEvictsThemToo) {
  api_.Put(kube::Pods("payments"), MakeOtherPod("payments", "api-7f9c", "node-a", "ReplicaSet", "api-7f"));
  auto step = StepFrom(
      "    - fault: node-drain\n      target: {ordinals: [0]}\n      params: {allowOtherNamespaces: true}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  auto ev = Evictions();
  EXPECT_NE(std::find(ev.begin(), ev.end(), "pods/payments/api-7f9c"), ev.end());
  EXPECT_EQ(r->properties.at("evictedOther"), "demo/cache-0,payments/api-7f9c");
}

TEST_F(NodeDrainTest, ProtectedNamespacesAreRefusedEvenWhenOtherNamespacesAreAllowed) {
  api_.Put(kube::Pods("kube-system"), MakeOtherPod("kube-system", "coredns-5d8f", "node-a", "ReplicaSet", "coredns-5d"));
  auto step = StepFrom(
      "    - fault: node-drain\n      target: {ordinals: [0]}\n      params: {allowOtherNamespaces: true}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_NE(r.error().message.find("kube-system/coredns-5d8f"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("protected namespaces"), std::string::npos) << r.error().message;
  EXPECT_TRUE(Writes().empty());
  EXPECT_TRUE(Evictions().empty());
}

TEST_F(NodeDrainTest, BarePodsAreRefusedUnlessAllowed) {
  api_.Put(kube::Pods("demo"), MakeOtherPod("demo", "debug-shell", "node-a", "", ""));
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kForbidden);
  EXPECT_NE(r.error().message.find("demo/debug-shell (a bare pod: nothing recreates it)"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("allowBarePods: true"), std::string::npos) << r.error().message;
  EXPECT_TRUE(Writes().empty());

  auto allowed =
      StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n      params: {allowBarePods: true}\n");
  auto r2 = MakeFault("node-drain")->Inject(ctx, allowed);
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_TRUE(api_.Peek(kube::Pods("demo", "debug-shell")).is_null());
}

// web-twin's pods carry app=web as web's do. A drain empties its node, so a
// twin pod there is evicted, but as another controller's pod (named and
// counted as NOT the target), never as one of web's.
TEST_F(NodeDrainTest, AForeignPodWithTheTargetsLabelsIsEvictedOnlyAsAnotherPod) {
  testing::PutTwinPods(api_);
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [1]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(r->victims, std::vector<std::string>{"node-b"});
  EXPECT_EQ(Evictions(), (std::vector<std::string>{"pods/demo/web-1", "pods/demo/web-twin-1"}));
  EXPECT_EQ(r->properties.at("evictedOther"), "demo/web-twin-1");
  EXPECT_GE(LogIndex("node node-b: evict 2 pod(s): 1 of the target, 1 other"), 0) << Joined();
  EXPECT_GE(LogIndex("evict demo/web-twin-1 (StatefulSet web-twin: NOT the target)"), 0) << Joined();
}

// The nodes drained are those of the target's own pods: a node that runs only
// web-twin's pods (one of them named "web-3", a name web's controller would
// use) is never drained for web, and those pods are never evicted.
TEST_F(NodeDrainTest, ANodeHostingOnlyForeignPodsWithTheTargetsLabelsIsNeverDrained) {
  api_.Put(kube::Nodes(), testing::MakeNode("node-c"));
  std::string web3_uid = testing::PutForeignWeb3(api_, "node-c");
  api_.Put(kube::Pods("demo"), testing::ForeignPod("web-twin-4", 4, true, "node-c"));
  auto step = StepFrom("    - fault: node-drain\n      target: {all: true}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-drain")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(r->victims, (std::vector<std::string>{"node-a", "node-b"}));
  EXPECT_FALSE(Unschedulable("node-c"));
  for (const auto& e : Evictions()) {
    EXPECT_TRUE(e != "pods/demo/web-3" && e != "pods/demo/web-twin-4") << e;
  }
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-3"))["metadata"]["uid"], web3_uid);
}

TEST_F(NodeDrainTest, PlanListsEveryPodAndTouchesNothing) {
  auto step = StepFrom("    - fault: node-drain\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx(/*with_journal=*/false);
  auto plan = MakeFault("node-drain")->Plan(ctx, step);
  ASSERT_TRUE(plan) << plan.error().message;
  std::string all;
  for (const auto& a : plan->actions) all += a + "\n";
  EXPECT_NE(all.find("cordon node node-a"), std::string::npos) << all;
  EXPECT_NE(all.find("evict demo/web-0 (StatefulSet web: the target)"), std::string::npos) << all;
  EXPECT_NE(all.find("evict demo/web-2 (StatefulSet web: the target)"), std::string::npos) << all;
  EXPECT_NE(all.find("evict demo/cache-0 (StatefulSet cache: NOT the target)"), std::string::npos) << all;
  EXPECT_NE(all.find("skip  demo/agent-x1"), std::string::npos) << all;
  EXPECT_TRUE(Writes().empty()) << Writes()[0];
  EXPECT_FALSE(Unschedulable("node-a"));
}

}  // namespace
}  // namespace kdrill::faults
