// PlanReplay: which pending undos replay runs, and which it skips as superseded.
#include "harness/undo/replay_plan.h"

#include <gtest/gtest.h>

#include "harness/undo/undo_actions.h"

namespace kdrill {
namespace {

using Kind = PlannedUndo::Kind;

UndoRecord Rec(int id, nlohmann::json action) {
  UndoRecord r;
  r.id = id;
  r.description = "undo " + std::to_string(id);
  r.action = std::move(action);
  return r;
}

nlohmann::json DeleteObject(const std::string& resource, const std::string& ns, const std::string& name) {
  return {{"kind", "delete-object"},
          {"ref", RefToJson(kube::ResourceRef{resource == "statefulsets" ? "apps/v1" : "v1", resource, ns, name, ""})},
          {"wait", true}};
}

nlohmann::json DeleteNamespace(const std::string& name) { return DeleteObject("namespaces", "", name); }

nlohmann::json ScalePatch(const std::string& ns, int replicas) {
  return {{"kind", "patch"},
          {"ref", RefToJson(kube::StatefulSets(ns, "web"))},
          {"patchType", "merge"},
          {"patch", {{"spec", {{"replicas", replicas}}}}}};
}

std::vector<Kind> Kinds(const std::vector<PlannedUndo>& plan) {
  std::vector<Kind> out;
  for (const auto& p : plan) out.push_back(p.kind);
  return out;
}

TEST(ReplayPlanTest, EveryOtherUndoRunsInReplayOrder) {
  // Deletions inside a namespace that a later undo deletes run too (the namespace
  // controller is slow to delete a namespace whose pods are still terminating).
  std::vector<UndoRecord> pending = {
      Rec(5, DeleteObject("services", "demo", "web")),
      Rec(4, DeleteObject("statefulsets", "demo", "web")),
      Rec(3, {{"kind", "delete-claims"}, {"namespace", "demo"}, {"statefulset", "web"}, {"templates", {"data"}}}),
      Rec(2, ScalePatch("demo", 3)),
      Rec(1, DeleteNamespace("demo")),
  };
  auto plan = PlanReplay(pending);
  ASSERT_EQ(plan.size(), 5u);
  EXPECT_EQ(Kinds(plan), (std::vector<Kind>(5, Kind::kRun)));
  for (size_t i = 0; i < plan.size(); ++i) EXPECT_EQ(plan[i].record.id, static_cast<int>(5 - i));
}

TEST(ReplayPlanTest, AMergePatchOverwrittenByTheNextUndoIsSuperseded) {
  // Scaled 3 -> 5 (undo #1: replicas 3), then 5 -> 4 (undo #2: replicas 5).
  std::vector<UndoRecord> pending = {Rec(2, ScalePatch("demo", 5)), Rec(1, ScalePatch("demo", 3))};
  auto plan = PlanReplay(pending);
  EXPECT_EQ(Kinds(plan), (std::vector<Kind>{Kind::kSuperseded, Kind::kRun}));
  EXPECT_EQ(plan[0].superseded_by, 1);
  EXPECT_EQ(plan[0].superseded_by_description, "undo 1");
}

TEST(ReplayPlanTest, AChainOfScalesKeepsOnlyTheOldest) {
  std::vector<UndoRecord> pending = {Rec(3, ScalePatch("demo", 2)), Rec(2, ScalePatch("demo", 5)),
                                     Rec(1, ScalePatch("demo", 3))};
  auto plan = PlanReplay(pending);
  EXPECT_EQ(Kinds(plan), (std::vector<Kind>{Kind::kSuperseded, Kind::kSuperseded, Kind::kRun}));
  EXPECT_EQ(plan[0].superseded_by, 2);
  EXPECT_EQ(plan[1].superseded_by, 1);
}

TEST(ReplayPlanTest, APatchIsKeptWhenTheNextUndoLeavesOneOfItsFieldsOrIsNotAdjacent) {
  auto labels = ScalePatch("demo", 3);
  labels["patch"]["metadata"] = {{"labels", {{"a", "b"}}}};
  // The newer patch also sets a label the older one does not: applying only the older would lose it.
  EXPECT_EQ(Kinds(PlanReplay({Rec(2, labels), Rec(1, ScalePatch("demo", 5))})),
            (std::vector<Kind>{Kind::kRun, Kind::kRun}));
  // An undo between them may need the intermediate state.
  auto exec = nlohmann::json{{"kind", "exec"}, {"namespace", "demo"}, {"pod", "web-4"}, {"argv", {"true"}}};
  EXPECT_EQ(Kinds(PlanReplay({Rec(3, ScalePatch("demo", 5)), Rec(2, exec), Rec(1, ScalePatch("demo", 3))})),
            (std::vector<Kind>{Kind::kRun, Kind::kRun, Kind::kRun}));
  // Another object, or a strategic patch: kept.
  EXPECT_EQ(Kinds(PlanReplay({Rec(2, ScalePatch("other", 5)), Rec(1, ScalePatch("demo", 3))})),
            (std::vector<Kind>{Kind::kRun, Kind::kRun}));
  auto strategic = ScalePatch("demo", 5);
  strategic["patchType"] = "strategic";
  EXPECT_EQ(Kinds(PlanReplay({Rec(2, strategic), Rec(1, ScalePatch("demo", 3))})),
            (std::vector<Kind>{Kind::kRun, Kind::kRun}));
}

}  // namespace
}  // namespace kdrill
