// node-cordon / node-uncordon against the in-memory API: victims are the
// nodes of the chosen pods or the named nodes; the undo is journaled before
// the patch and restores only what kdrill changed.

#include <gtest/gtest.h>

#include "harness/faults/fault.h"
#include "harness/undo/journal.h"
#include "harness/undo/undo_actions.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/fault_fixture.h"

namespace kdrill::faults {
namespace {

using testing::StepFrom;

class NodeCordonTest : public testing::FaultTest {
 protected:
  // Replays the pending undos as cleanup would, newest first.
  void ReplayJournal() {
    std::stop_source never;
    for (const auto& rec : journal_->Pending()) {
      auto r = ExecuteUndo(rec.action, api_, *exec_, clock_, never.get_token());
      ASSERT_TRUE(r) << r.error().message;
      ASSERT_TRUE(journal_->MarkDone(rec.id, *r));
    }
  }
};

TEST_F(NodeCordonTest, CordonsTheNodesHostingTheChosenOrdinals) {
  auto step = StepFrom("    - fault: node-cordon\n      target: {ordinals: [0, 2]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-cordon")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->victims, std::vector<std::string>{"node-a"});  // web-0 and web-2 share node-a
  EXPECT_TRUE(Unschedulable("node-a"));
  EXPECT_FALSE(Unschedulable("node-b"));
  EXPECT_EQ(r->properties.at("cordoned"), "node-a");
  ASSERT_GE(LogIndex("victims: nodes node-a (hosts web-0, web-2)"), 0) << Joined();
  EXPECT_LT(LogIndex("victims"), LogIndex("cordoned node node-a"));  // printed before acting
  // One pending undo: uncordon node-a at cleanup.
  auto pending = journal_->Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].action["kind"], "patch");
  EXPECT_EQ(pending[0].action["ref"]["name"], "node-a");
  ReplayJournal();
  EXPECT_FALSE(Unschedulable("node-a"));
}

TEST_F(NodeCordonTest, TheUndoIsJournaledBeforeThePatch) {
  // The patch fails: the undo must already be on disk (it was written first).
  Error boom(ErrorCode::kServerError, "etcd is sad");
  boom.http_status = 500;
  api_.inject_errors["patch"] = {boom};
  auto step = StepFrom("    - fault: node-cordon\n      target: {ordinals: [1]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-cordon")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("etcd is sad"), std::string::npos);
  auto j = Journal::Open(path_);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->Pending().size(), 1u);
  EXPECT_EQ(j->Pending()[0].action["ref"]["name"], "node-b");
}

TEST_F(NodeCordonTest, UndoUncordonsOnlyTheNodesKdrillCordoned) {
  api_.Put(kube::Nodes(), testing::MakeNode("node-a", /*unschedulable=*/true));
  auto step = StepFrom("    - fault: node-cordon\n      target: {all: true}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-cordon")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->properties.at("cordoned"), "node-b");
  EXPECT_EQ(r->properties.at("alreadyUnschedulable"), "node-a");
  EXPECT_GE(LogIndex("node node-a is already unschedulable"), 0) << Joined();
  ASSERT_EQ(journal_->Pending().size(), 1u);
  ReplayJournal();
  EXPECT_TRUE(Unschedulable("node-a"));   // someone else's cordon stays
  EXPECT_FALSE(Unschedulable("node-b"));  // ours is undone
}

TEST_F(NodeCordonTest, UncordonRecordsARecordonOfWhatItUncordonedOnly) {
  api_.Put(kube::Nodes(), testing::MakeNode("node-a", /*unschedulable=*/true));
  auto step = StepFrom("    - fault: node-uncordon\n      target: {nodes: [node-a, node-b]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-uncordon")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(Unschedulable("node-a"));
  EXPECT_EQ(r->properties.at("uncordoned"), "node-a");
  EXPECT_EQ(r->properties.at("alreadySchedulable"), "node-b");
  ReplayJournal();
  EXPECT_TRUE(Unschedulable("node-a"));
  EXPECT_FALSE(Unschedulable("node-b"));
}

TEST_F(NodeCordonTest, ANamedNodeThatDoesNotExistIsAnErrorListingTheNodes) {
  auto step = StepFrom("    - fault: node-cordon\n      target: {nodes: [node-z]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("node-cordon")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("test.yaml:"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("\"node-z\" does not exist"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("node-a, node-b"), std::string::npos) << r.error().message;
  EXPECT_TRUE(Writes().empty());
  EXPECT_TRUE(journal_->Records().empty());
}

// The nodes are those of the target's own pods: web-twin's pods carry app=web
// as web's do, and its "web-3" even has a name web's controller would use, but
// the node they alone run on (node-c) is never cordoned for web.
TEST_F(NodeCordonTest, ANodeHostingOnlyForeignPodsWithTheTargetsLabelsIsNeverCordoned) {
  api_.Put(kube::Nodes(), testing::MakeNode("node-c"));
  testing::PutTwinPods(api_);
  testing::PutForeignWeb3(api_, "node-c");
  api_.Put(kube::Pods("demo"), testing::ForeignPod("web-twin-4", 4, true, "node-c"));
  auto ctx = Ctx();
  auto third =
      MakeFault("node-cordon")->Inject(ctx, StepFrom("    - fault: node-cordon\n      target: {ordinals: [3]}\n"));
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("ordinal 3 of StatefulSet demo/web has no live pod"), std::string::npos)
      << third.error().message;
  auto r = MakeFault("node-cordon")->Inject(ctx, StepFrom("    - fault: node-cordon\n      target: {all: true}\n"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->victims, (std::vector<std::string>{"node-a", "node-b"}));
  EXPECT_FALSE(Unschedulable("node-c"));
  EXPECT_GE(LogIndex("victims: nodes node-a (hosts web-0, web-2), node-b (hosts web-1)"), 0) << Joined();
}

TEST_F(NodeCordonTest, ANodeFaultWithoutATargetIsRefusedAtValidation) {
  RegistryCatalog catalog;
  auto d = drill::ParseDrill(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: node-cordon
)",
                             "n.yaml", catalog, {});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("n.yaml:7:"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("target.nodes"), std::string::npos) << d.error().message;
}

TEST_F(NodeCordonTest, PlanResolvesAndTouchesNothing) {
  auto step = StepFrom("    - fault: node-cordon\n      target: {ordinals: [1]}\n");
  auto ctx = Ctx(/*with_journal=*/false);
  auto plan = MakeFault("node-cordon")->Plan(ctx, step);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->victims, std::vector<std::string>{"node-b"});
  ASSERT_EQ(plan->actions.size(), 1u);
  EXPECT_NE(plan->actions[0].find("cordon node node-b, hosts web-1"), std::string::npos) << plan->actions[0];
  EXPECT_TRUE(Writes().empty());
  EXPECT_FALSE(Unschedulable("node-b"));
}

}  // namespace
}  // namespace kdrill::faults
