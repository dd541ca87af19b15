// kdrill plan / run --dry-run: every step resolved against the (fake) live
// cluster, printed in order, and nothing written: the API sees only reads.

#include "harness/runner/planner.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/unit/runner/drill_fixture.h"

namespace kdrill {
namespace {

using testing::FakeKubeApi;

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sts_.Create();
    api_.Put(kube::Nodes(), {{"metadata", {{"name", "node-a"}}}, {"spec", kube::Json::object()}});
    api_.Put(kube::Nodes(), {{"metadata", {{"name", "node-b"}}}, {"spec", kube::Json::object()}});
  }

  PlanOutcome Plan(const std::string& yaml, PlanOptions opts = {}) {
    opts.out = [this](const std::string& l) { text_ += l + "\n"; };
    api_.calls.clear();
    return PlanDrill(api_, clock_, opts, testing::ParseOrDie(yaml));
  }

  void ExpectOnlyReads() {
    for (const auto& c : api_.calls) {
      EXPECT_TRUE(c.rfind("get ", 0) == 0 || c.rfind("list ", 0) == 0) << "a plan made the call: " << c;
    }
  }

  FakeKubeApi api_;
  testing::FakeStatefulSet sts_{api_, {}};
  RealClock clock_;
  std::string text_;
};

constexpr const char* kExisting = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: p}
spec:
  target: {namespace: demo, statefulSet: web}
  seed: 7
  steps:
    - fault: container-kill
      target: {ordinals: [1]}
    - fault: node-drain
      target: {ordinals: [0]}
    - wait: statefulset-settled
      timeout: 60s
    - fault: pod-kill
      target: {random: 1}
  assertions:
    - type: stable-identity
)";

TEST_F(PlannerTest, ResolvesEveryStepInOrderAndOnlyReads) {
  auto o = Plan(kExisting);
  EXPECT_EQ(o.end, RunEnd::kPassed) << text_;
  EXPECT_EQ(o.problems, 0) << text_;
  ExpectOnlyReads();
  auto at = [&](const std::string& s) { return text_.find(s); };
  ASSERT_NE(at("step 1/4: container-kill #1"), std::string::npos) << text_;
  ASSERT_NE(at("exec `kill -s TERM 1` in container app of pod demo/web-1"), std::string::npos) << text_;
  ASSERT_NE(at("cordon node node-a"), std::string::npos) << text_;
  ASSERT_NE(at("evict demo/web-2 (StatefulSet web: the target)"), std::string::npos) << text_;
  ASSERT_NE(at("step 3/4: wait statefulset-settled #3: wait for"), std::string::npos) << text_;
  ASSERT_NE(at("seed 7 (spec.seed)"), std::string::npos) << text_;
  EXPECT_LT(at("step 1/4"), at("step 2/4"));
  EXPECT_LT(at("step 2/4"), at("step 4/4"));
  EXPECT_NE(at("nothing was changed"), std::string::npos) << text_;
  // Same seed, same pods: the same random victim.
  std::string first = text_;
  text_.clear();
  Plan(kExisting);
  EXPECT_EQ(first.substr(first.find("step 4/4")), text_.substr(text_.find("step 4/4")));
}

TEST_F(PlannerTest, NarrationIsPrintedUnderItsStepAndAssertion) {
  std::string drill = kExisting;
  drill.replace(drill.find("      timeout: 60s\n"), 0, "      explain: Nothing is left for the controller to do.\n");
  drill += "      explain: Every pod kept its name.\n";
  auto o = Plan(drill);
  EXPECT_EQ(o.problems, 0) << text_;
  auto at = [&](const std::string& s) { return text_.find(s); };
  ASSERT_NE(at("  explain: Nothing is left for the controller to do.\n"), std::string::npos) << text_;
  EXPECT_LT(at("step 3/4"), at("  explain: Nothing is left"));
  EXPECT_LT(at("  explain: Nothing is left"), at("step 4/4"));
  EXPECT_NE(at("  stable-identity: Every pod kept its name.\n"), std::string::npos) << text_;
  text_.clear();
  Plan(kExisting);
  EXPECT_EQ(text_.find("explain"), std::string::npos) << text_;  // no narration, no lines
}

TEST_F(PlannerTest, ATargetCreatedBySetupIsResolvedAfterSetup) {
  auto o = Plan(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: p}
spec:
  target: {namespace: fresh, statefulSet: db}
  setup:
    - inline: |
        apiVersion: v1
        kind: Namespace
        metadata:
          name: fresh
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          replicas: 2
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: x}]}
          volumeClaimTemplates:
            - metadata: {name: data}
  steps:
    - fault: node-cordon
      target: {ordinals: [0]}
    - fault: node-cordon
      target: {nodes: [node-b]}
)");
  EXPECT_EQ(o.end, RunEnd::kPassed) << text_;
  ExpectOnlyReads();
  EXPECT_NE(text_.find("create Namespace fresh"), std::string::npos) << text_;
  EXPECT_NE(text_.find("create StatefulSet fresh/db"), std::string::npos) << text_;
  EXPECT_NE(text_.find("its claims data-db-*"), std::string::npos) << text_;
  EXPECT_NE(text_.find("does not exist yet; setup creates it (2 replicas)"), std::string::npos) << text_;
  EXPECT_NE(text_.find("victims: resolved after setup (ordinals [0] of db)"), std::string::npos) << text_;
  // Named nodes are resolved all the same.
  EXPECT_NE(text_.find("cordon node node-b (spec.unschedulable=true"), std::string::npos) << text_;
}

TEST_F(PlannerTest, ADrainIntoAnotherNamespaceIsRefusedWithExit4) {
  api_.Put(kube::Pods("payments"), {{"metadata", {{"name", "api-1"}}},
                                    {"spec", {{"nodeName", "node-b"}}},
                                    {"status", {{"phase", "Running"}}}});
  auto o = Plan(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: p}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: node-drain
      target: {ordinals: [1]}
)");
  EXPECT_EQ(o.end, RunEnd::kRefused) << text_;
  EXPECT_EQ(o.problems, 1);
  EXPECT_NE(text_.find("cannot plan: test.yaml:"), std::string::npos) << text_;
  EXPECT_NE(text_.find("payments/api-1 (a bare pod: nothing recreates it)"), std::string::npos) << text_;
  ExpectOnlyReads();
}

TEST_F(PlannerTest, AnUnresolvableStepIsAProblemButTheOthersAreStillPlanned) {
  auto o = Plan(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: p}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: pod-kill
      target: {ordinals: [9]}
    - fault: node-cordon
      target: {ordinals: [1]}
)");
  EXPECT_EQ(o.end, RunEnd::kBroken) << text_;
  EXPECT_NE(text_.find("ordinal 9"), std::string::npos) << text_;
  EXPECT_NE(text_.find("cordon node node-b"), std::string::npos) << text_;
  ExpectOnlyReads();
}

TEST_F(PlannerTest, AProtectedNamespaceIsRefusedBeforeAnyRead) {
  PlanOptions opts;
  opts.ns_override = "kube-system";
  auto o = Plan(kExisting, opts);
  EXPECT_EQ(o.end, RunEnd::kRefused) << text_;
  EXPECT_NE(text_.find("REFUSED"), std::string::npos) << text_;
  EXPECT_TRUE(api_.calls.empty());
}

}  // namespace
}  // namespace kdrill
