// recovered-within and at-most-one-per-ordinal judged from recorded timelines.
#include "tests/unit/assertions/assertion_fixture.h"

namespace kdrill::testing {
namespace {

using assertions::VerdictKind;

class RecoveryTest : public AssertionTest {
 protected:
  // web-1 killed at 10s, back Ready at 25s, StatefulSet settled at 26s.
  void KillAndRecoverWeb1() {
    InitialState();
    Fault(10, "kill web-1", "pod-kill", {"u1"});
    Pod(10.3, "MODIFIED", "web-1", "u1", Terminated());
    Sts(10.4, {3, 2, 3});
    Pod(11, "DELETED", "web-1", "u1", Terminated());
    Pod(12, "ADDED", "web-1", "n1", Starting());
    Pod(25, "MODIFIED", "web-1", "n1");
    Sts(26, {3, 3, 3});
  }
  static PodState Terminated() {
    PodState s;
    s.terminating = true;
    return s;
  }
  static PodState Starting() {
    PodState s;
    s.ready = false;
    return s;
  }
};

TEST_F(RecoveryTest, WithinObjectivesPassesAndReportsTimes) {
  KillAndRecoverWeb1();
  auto v = Run("recovered-within", {{"ordinal", "30s"}, {"total", "1m"}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["recovery.web-1.seconds"], "15.0");
  EXPECT_EQ(v.properties["recovery.total.seconds"], "16.0");
  EXPECT_NE(v.message.find("slowest ordinal 15.0s (objective 30s), settled after 16.0s (objective 60s)"),
            std::string::npos)
      << v.message;
}

TEST_F(RecoveryTest, OverTheOrdinalObjectiveFails) {
  KillAndRecoverWeb1();
  auto v = Run("recovered-within", {{"ordinal", "10s"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-1 took 15.0s to be Ready again, over the objective of 10s"), std::string::npos)
      << v.message;
}

TEST_F(RecoveryTest, OverTheTotalObjectiveFails) {
  KillAndRecoverWeb1();
  auto v = Run("recovered-within", {{"total", "12s"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("settled 16.0s after the first fault, over the objective of 12s"), std::string::npos)
      << v.message;
}

TEST_F(RecoveryTest, ALastFaultThatDisruptsNothingKeepsTheTotal) {
  KillAndRecoverWeb1();
  Fault(40, "uncordon node-a", "node-uncordon", {});  // disrupts no pod
  Sts(41, {3, 3, 3});
  auto v = Run("recovered-within", {{"total", "1m"}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["recovery.total.seconds"], "16.0") << "settled at 26s, 16s after the first fault";
}

TEST_F(RecoveryTest, ALaterDisruptionMovesTheTotalToItsSettling) {
  KillAndRecoverWeb1();
  Fault(40, "kill web-2", "pod-kill", {"u2"});
  Sts(40.2, {3, 3, 3});  // still settled: the kill has not shown yet
  Pod(40.5, "MODIFIED", "web-2", "u2", Terminated());
  Sts(40.6, {3, 2, 3});
  Pod(41, "DELETED", "web-2", "u2", Terminated());
  Pod(42, "ADDED", "web-2", "n2", Starting());
  Pod(50, "MODIFIED", "web-2", "n2");
  Sts(51, {3, 3, 3});
  auto v = Run("recovered-within", {{"total", "1m"}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["recovery.total.seconds"], "41.0") << "settled again at 51s";
  v = Run("recovered-within", {{"total", "30s"}});
  EXPECT_EQ(v.kind, VerdictKind::kFail) << v.message;
}

TEST_F(RecoveryTest, NeverReadyAgainFailsWithTheDiagnosis) {
  InitialState();
  Fault(10, "kill web-1", "pod-kill", {"u1"});
  Pod(11, "DELETED", "web-1", "u1");
  Pod(12, "ADDED", "web-1", "n1", Starting());
  Sts(12.5, {3, 2, 3});
  At(13);
  timeline_.RecordObject("Event", "ADDED",
                         {{"metadata", {{"name", "web-1.1"}, {"namespace", "demo"}}},
                          {"involvedObject", {{"kind", "Pod"}, {"name", "web-1"}, {"namespace", "demo"}, {"uid", "n1"}}},
                          {"type", "Warning"},
                          {"reason", "Unhealthy"},
                          {"message", "Readiness probe failed: cat: can't open '/tmp/ready'"}});
  auto v = Run("recovered-within", {{"ordinal", "30s"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-1 was not Running and Ready again by the end of the drill"), std::string::npos)
      << v.message;
  EXPECT_EQ(v.properties["recovery.web-1.seconds"], "none");
  std::string details;
  for (const auto& d : v.details) details += d + "\n";
  EXPECT_NE(details.find("diagnosis: "), std::string::npos) << details;
  EXPECT_NE(details.find("Readiness probe failed"), std::string::npos) << details;
}

TEST_F(RecoveryTest, NothingDisruptedIsNotApplicable) {
  InitialState();
  Fault(10, "cordon", "node-cordon");
  Sts(11, {3, 3, 3});
  EXPECT_EQ(Run("recovered-within", {{"ordinal", "30s"}}).kind, VerdictKind::kNotApplicable);
}

TEST_F(RecoveryTest, NeedsAnObjective) {
  auto a = assertions::MakeAssertion("recovered-within");
  auto st = a->Validate(Spec("recovered-within"));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("needs at least one objective"), std::string::npos) << st.error().message;
  EXPECT_FALSE(a->Validate(Spec("recovered-within", {{"ordinal", "fast"}})));
  EXPECT_FALSE(a->Validate(Spec("recovered-within", {{"ordinal", "0s"}})));
}

class AtMostOneTest : public RecoveryTest {};

TEST_F(AtMostOneTest, ReplacementAfterTheOldPodIsGonePasses) {
  InitialState();
  Fault(10, "kill web-1", "pod-kill", {"u1"});
  Pod(10.5, "MODIFIED", "web-1", "u1", Terminated());
  Pod(11, "DELETED", "web-1", "u1");
  Pod(12, "ADDED", "web-1", "n1");
  auto v = Run("at-most-one-per-ordinal");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["pods.seen"], "4");
}

TEST_F(AtMostOneTest, AWatchThatDeliveredNoPodJudgesNothingAndSaysSo) {
  auto v = Run("at-most-one-per-ordinal");  // no event at all, though web-0..2 ran at the baseline
  ASSERT_EQ(v.kind, VerdictKind::kError) << v.message;
  EXPECT_NE(v.message.find("the pod watch delivered none of StatefulSet web's pods"), std::string::npos) << v.message;
  baseline_ = SnapshotOf(0);
  v = Run("at-most-one-per-ordinal");
  EXPECT_EQ(v.kind, VerdictKind::kNotApplicable) << v.message;
}

TEST_F(AtMostOneTest, ADeploymentsPodsHoldNoOrdinalSoNothingIsJudged) {
  baseline_.spec.kind = "Deployment";
  InitialState();
  auto v = Run("at-most-one-per-ordinal");
  ASSERT_EQ(v.kind, VerdictKind::kNotApplicable) << v.message;
  EXPECT_NE(v.message.find("a Deployment's pods carry no ordinal"), std::string::npos) << v.message;
}

TEST_F(AtMostOneTest, ACopyCarryingThePodIndexLabelFails) {
  InitialState();
  PodState copy;
  copy.owned = false;
  copy.pod_index = 1;
  Pod(5, "ADDED", "web-1-debug", "d1", copy);
  auto v = Run("at-most-one-per-ordinal");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("at 5.0s web-1 (uid u1) and web-1-debug (uid d1, not owned by the StatefulSet) both "
                           "held ordinal 1"),
            std::string::npos)
      << v.message;
}

TEST_F(AtMostOneTest, AReplacementWhileTheOldPodIsStillTerminatingFails) {
  InitialState();
  Pod(10.5, "MODIFIED", "web-1", "u1", Terminated());
  Pod(10.6, "ADDED", "web-1", "n1");  // a server would refuse the name; a relabelled copy would not
  auto v = Run("at-most-one-per-ordinal");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-1 (uid u1, terminating) and web-1 (uid n1) both held ordinal 1"), std::string::npos)
      << v.message;
}

TEST_F(AtMostOneTest, ATwinStatefulSetsPodsWithTheSameLabelsAndIndexHoldNoOrdinal) {
  // Overlapping selectors are common (app=web on both): dbtwin's pods carry
  // the selector labels and a pod-index, but another controller owns them.
  InitialState();
  for (int i = 0; i < 3; ++i) {
    auto twin = MakeTimelinePod("webtwin-" + std::to_string(i), "t" + std::to_string(i), {});
    twin["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = std::to_string(i);
    twin["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "webtwin"}, {"controller", true}}};
    At(1);
    timeline_.RecordObject("Pod", "ADDED", twin);
  }
  auto v = Run("at-most-one-per-ordinal");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["pods.seen"], "3") << "only web-0..2 are the StatefulSet's";
}

TEST_F(AtMostOneTest, PodsOutsideTheSelectorAreIgnored) {
  InitialState();
  auto other = MakeTimelinePod("web-1", "x1", {});
  other["metadata"]["labels"]["app"] = "other";
  timeline_.RecordObject("Pod", "ADDED", other);
  EXPECT_EQ(Run("at-most-one-per-ordinal").kind, VerdictKind::kPass);
}

}  // namespace
}  // namespace kdrill::testing
