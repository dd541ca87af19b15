// ordered-recovery / ordered-scale / ordered-update judged from recorded timelines.
#include "tests/unit/assertions/assertion_fixture.h"

namespace kdrill::testing {
namespace {

using assertions::VerdictKind;

class OrderingTest : public AssertionTest {};

PodState NotReady() {
  PodState s;
  s.ready = false;
  s.running = false;
  return s;
}
PodState Terminating(const std::string& rev = "rev1") {
  PodState s;
  s.terminating = true;
  s.revision = rev;
  return s;
}
PodState Rev(const std::string& rev, bool ready = true) {
  PodState s;
  s.revision = rev;
  s.ready = ready;
  s.running = ready;
  return s;
}

TEST_F(OrderingTest, RecoveryInOrderPasses) {
  InitialState();
  Fault(10, "kill all", "pod-kill", {"u0", "u1", "u2"});
  for (int i = 0; i < 3; ++i) Pod(10.5, "DELETED", "web-" + std::to_string(i), "u" + std::to_string(i));
  Pod(11, "ADDED", "web-0", "n0", NotReady());
  Pod(14, "MODIFIED", "web-0", "n0");
  Pod(14.5, "ADDED", "web-1", "n1", NotReady());
  Pod(17, "MODIFIED", "web-1", "n1");
  Pod(17.5, "ADDED", "web-2", "n2", NotReady());
  Pod(20, "MODIFIED", "web-2", "n2");
  auto v = Run("ordered-recovery");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["ordering.judged"], "3");
  EXPECT_NE(v.message.find("3 controller move(s), all in order"), std::string::npos) << v.message;
}

TEST_F(OrderingTest, RecoveryCreatingBeforeLowerOrdinalIsReadyFails) {
  InitialState();
  Fault(10, "kill all", "pod-kill", {"u0", "u1", "u2"});
  for (int i = 0; i < 3; ++i) Pod(10.5, "DELETED", "web-" + std::to_string(i), "u" + std::to_string(i));
  Pod(11, "ADDED", "web-0", "n0", NotReady());
  Pod(11.2, "ADDED", "web-1", "n1", NotReady());
  Pod(11.4, "ADDED", "web-2", "n2", NotReady());
  auto v = Run("ordered-recovery");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("at 11.2s web-1 was created while ordinal 0 was not Running"), std::string::npos)
      << v.message;
  EXPECT_NE(v.message.find("at 11.4s web-2 was created while ordinal 0 was not Running"), std::string::npos)
      << v.message;
  // The sequence seen is reported with timestamps, fault first.
  std::string details;
  for (const auto& d : v.details) details += d + "\n";
  EXPECT_NE(details.find("10.0s fault kill all (pod-kill)"), std::string::npos) << details;
  EXPECT_NE(details.find("11.2s web-1 created"), std::string::npos) << details;
}

TEST_F(OrderingTest, ParallelIsNotApplicableUnlessRequiredThenFails) {
  baseline_ = SnapshotOf(3, "Parallel");
  InitialState("Parallel");
  Fault(10, "kill all", "pod-kill", {"u0", "u1", "u2"});
  Pod(10.5, "DELETED", "web-0", "u0");
  Pod(10.5, "DELETED", "web-1", "u1");
  Pod(11, "ADDED", "web-0", "n0", NotReady());
  Pod(11, "ADDED", "web-1", "n1", NotReady());
  auto na = Run("ordered-recovery");
  EXPECT_EQ(na.kind, VerdictKind::kNotApplicable);
  EXPECT_NE(na.message.find("Parallel"), std::string::npos);
  auto req = Run("ordered-recovery", {{"required", true}});
  ASSERT_EQ(req.kind, VerdictKind::kFail);
  EXPECT_NE(req.message.find("the drill requires order, but StatefulSet web uses podManagementPolicy Parallel"),
            std::string::npos)
      << req.message;
  EXPECT_NE(req.message.find("web-1 was created while ordinal 0 was not Running"), std::string::npos) << req.message;
}

TEST_F(OrderingTest, NothingRecreatedIsNotApplicableOrAFailureWhenRequired) {
  InitialState();
  Fault(10, "cordon", "node-cordon");
  EXPECT_EQ(Run("ordered-recovery").kind, VerdictKind::kNotApplicable);
  EXPECT_EQ(Run("ordered-recovery", {{"required", true}}).kind, VerdictKind::kFail);
}

TEST_F(OrderingTest, ScaleDownHighestFirstOneAtATimePasses) {
  InitialState();
  final_ = SnapshotOf(1);
  Fault(10, "scale", "scale");
  Sts(10.1, {1, 3, 3});
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  Pod(11, "DELETED", "web-2", "u2", Terminating());
  Pod(11.1, "MODIFIED", "web-1", "u1", Terminating());
  Pod(12, "DELETED", "web-1", "u1", Terminating());
  auto v = Run("ordered-scale");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["ordering.judged"], "2");
}

TEST_F(OrderingTest, ScaleDownTwoAtOnceFails) {
  InitialState();
  final_ = SnapshotOf(1);
  Fault(10, "scale", "scale");
  Sts(10.1, {1, 3, 3});
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  Pod(10.2, "MODIFIED", "web-1", "u1", Terminating());
  auto v = Run("ordered-scale");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("at 10.2s web-1 began terminating while higher ordinal web-2 still existed"),
            std::string::npos)
      << v.message;
}

TEST_F(OrderingTest, ScaleDownSeenBeforeTheStatefulSetUpdateIsStillJudged) {
  // The pod watch may deliver the deletion before the StatefulSet watch
  // delivers the new replicas: the final replicas still condemn the pod.
  InitialState();
  final_ = SnapshotOf(1);
  Fault(10, "scale", "scale");
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  Pod(10.2, "MODIFIED", "web-1", "u1", Terminating());
  auto v = Run("ordered-scale");
  EXPECT_EQ(v.kind, VerdictKind::kFail) << v.message;
}

TEST_F(OrderingTest, ScaleUpInOrderPasses) {
  baseline_ = SnapshotOf(1);
  timeline_.RecordObject("StatefulSet", "SYNC", MakeTimelineSts({1, 1, 1}));
  Pod(0, "SYNC", "web-0", "u0");
  Fault(10, "scale", "scale");
  Pod(11, "ADDED", "web-1", "n1", NotReady());
  Pod(13, "MODIFIED", "web-1", "n1");
  Pod(13.5, "ADDED", "web-2", "n2", NotReady());
  auto v = Run("ordered-scale");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["ordering.judged"], "2");
  // Recovery judges only re-created ordinals, so a scale-up is nothing to it.
  EXPECT_EQ(Run("ordered-recovery").kind, VerdictKind::kNotApplicable);
}

TEST_F(OrderingTest, RollingUpdateFromTheTopOneAtATimePasses) {
  InitialState();
  Fault(10, "rollout", "rollout");
  Sts(10.1, {3, 3, 0, "rev1", "rev2"});
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  Pod(11, "DELETED", "web-2", "u2", Terminating());
  Pod(11.1, "ADDED", "web-2", "n2", Rev("rev2", false));
  Pod(13, "MODIFIED", "web-2", "n2", Rev("rev2"));
  Pod(13.1, "MODIFIED", "web-1", "u1", Terminating());
  Pod(14, "DELETED", "web-1", "u1", Terminating());
  Pod(14.1, "ADDED", "web-1", "n1", Rev("rev2", false));
  Pod(16, "MODIFIED", "web-1", "n1", Rev("rev2"));
  Pod(16.1, "MODIFIED", "web-0", "u0", Terminating());
  auto v = Run("ordered-update");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["ordering.judged"], "3");
}

TEST_F(OrderingTest, RollingUpdateReplacingBeforeTheHigherOrdinalIsReadyFails) {
  InitialState();
  Fault(10, "rollout", "rollout");
  Sts(10.1, {3, 3, 0, "rev1", "rev2"});
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  Pod(11, "DELETED", "web-2", "u2", Terminating());
  Pod(11.1, "ADDED", "web-2", "n2", Rev("rev2", false));
  Pod(11.2, "MODIFIED", "web-1", "u1", Terminating());
  auto v = Run("ordered-update");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("at 11.2s web-1 began terminating while higher ordinal web-2 was not Running"),
            std::string::npos)
      << v.message;
}

// A partitioned rollout (partition 2 of 3) replaces only web-2. The pod watch
// delivers the whole replacement before the StatefulSet watch delivers the
// new updateRevision: the pods' own revisions still say what happened.
TEST_F(OrderingTest, PartitionedRolloutSeenBeforeTheNewRevisionIsJudged) {
  InitialState();
  Fault(10, "rollout with partition 2", "rollout");
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating("rev1"));
  Pod(11, "DELETED", "web-2", "u2", Terminating("rev1"));
  Pod(11.1, "ADDED", "web-2", "n2", Rev("rev2", false));
  Pod(13, "MODIFIED", "web-2", "n2", Rev("rev2"));
  Sts(13.5, {3, 3, 1, "rev1", "rev2"});
  auto v = Run("ordered-update", {{"required", true}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["ordering.judged"], "1");
}

TEST_F(OrderingTest, PartitionedRolloutWithTheRevisionFirstIsJudgedTheSame) {
  InitialState();
  Fault(10, "rollout with partition 2", "rollout");
  Sts(10.1, {3, 3, 0, "rev1", "rev2"});
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating("rev1"));
  Pod(11, "DELETED", "web-2", "u2", Terminating("rev1"));
  Pod(11.1, "ADDED", "web-2", "n2", Rev("rev2", false));
  Pod(13, "MODIFIED", "web-2", "n2", Rev("rev2"));
  Sts(13.5, {3, 3, 1, "rev1", "rev2"});
  auto v = Run("ordered-update", {{"required", true}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_EQ(v.properties["ordering.judged"], "1");
}

// Someone replaces web-1 while web-2 still runs the old revision; the
// StatefulSet's new revision arrives only at the end. Still a violation.
TEST_F(OrderingTest, AnUpdateOutOfOrderIsCaughtWhicheverStreamSpeaksFirst) {
  InitialState();
  Fault(10, "rollout", "rollout");
  Pod(10.2, "MODIFIED", "web-1", "u1", Terminating("rev1"));
  Pod(11, "DELETED", "web-1", "u1", Terminating("rev1"));
  Pod(11.1, "ADDED", "web-1", "n1", Rev("rev2"));
  Sts(12, {3, 3, 1, "rev1", "rev2"});
  auto v = Run("ordered-update");
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("at 10.2s web-1 began terminating while higher ordinal web-2 was Ready at revision rev1 "
                           "(update revision rev2)"),
            std::string::npos)
      << v.message;
}

TEST_F(OrderingTest, APodRecreatedAtItsOwnRevisionWasNotReplacedForAnUpdate) {
  InitialState();
  Fault(10, "cordon", "node-cordon");
  Pod(10.2, "MODIFIED", "web-0", "u0", Terminating("rev1"));
  Pod(11, "DELETED", "web-0", "u0", Terminating("rev1"));
  Pod(11.1, "ADDED", "web-0", "n0", Rev("rev1"));
  EXPECT_EQ(Run("ordered-update").kind, VerdictKind::kNotApplicable);
}

TEST_F(OrderingTest, ScaleDownSeenBeforeAScaleBackUpIsStillJudged) {
  // 3 -> 1 -> 3 in one drill: at the end replicas are 3 again, but the
  // StatefulSet seen next after each deletion said 1.
  InitialState();
  Fault(10, "scale", "scale");
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  Pod(10.2, "MODIFIED", "web-1", "u1", Terminating());
  Sts(10.3, {1, 3, 3});
  Sts(20, {3, 3, 3});
  auto v = Run("ordered-scale");
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-1 began terminating while higher ordinal web-2 still existed"), std::string::npos)
      << v.message;
}

TEST_F(OrderingTest, AnotherControllersPodsAreNeverJudged) {
  InitialState();
  Fault(10, "rollout", "rollout");
  auto twin = MakeTimelinePod("webtwin-0", "t0", Terminating("other"));
  twin["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = "0";
  twin["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "webtwin"}, {"controller", true}}};
  At(10.5);
  timeline_.RecordObject("Pod", "MODIFIED", twin);
  EXPECT_EQ(Run("ordered-update").kind, VerdictKind::kNotApplicable);
  EXPECT_EQ(Run("ordered-recovery").kind, VerdictKind::kNotApplicable);
}

TEST_F(OrderingTest, FaultVictimsAreNotJudgedAsControllerMoves) {
  InitialState();
  final_ = SnapshotOf(1);
  Fault(10, "kill two", "pod-kill", {"u1", "u2"});
  Pod(10.2, "MODIFIED", "web-1", "u1", Terminating());
  Pod(10.2, "MODIFIED", "web-2", "u2", Terminating());
  EXPECT_EQ(Run("ordered-scale").kind, VerdictKind::kNotApplicable);
}

TEST_F(OrderingTest, UnknownParamIsRejected) {
  auto a = assertions::MakeAssertion("ordered-update");
  auto st = a->Validate(Spec("ordered-update", {{"requierd", true}}));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("requierd"), std::string::npos);
}

}  // namespace
}  // namespace kdrill::testing
