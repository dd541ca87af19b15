// BuildRunPicture: the lanes of a run read back from its recording, on a
// recorded pod kill (tests/fixtures/recordings/pod-kill.json) and on
// synthetic event lists.
#include <gtest/gtest.h>

#include <filesystem>

#include "reports/lanes_svg.h"
#include "reports/run_picture.h"
#include "tests/unit/reports/recording_builder.h"

namespace kdrill::reports {
namespace {

using testing::RecordingBuilder;

std::string Fixture(const std::string& name) {
  return (std::filesystem::path(KDRILL_SOURCE_DIR) / "tests/fixtures/recordings" / name).string();
}

const Lane* LaneOf(const RunPicture& p, int ordinal) {
  for (const auto& l : p.lanes) {
    if (l.ordinal == ordinal) return &l;
  }
  return nullptr;
}

// Spans cover the incarnation from its first sight to its end, end to start.
void ExpectContiguous(const Incarnation& inc) {
  ASSERT_FALSE(inc.spans.empty()) << inc.uid;
  EXPECT_DOUBLE_EQ(inc.spans.front().from, inc.from) << inc.uid;
  EXPECT_DOUBLE_EQ(inc.spans.back().to, inc.to) << inc.uid;
  for (size_t i = 1; i < inc.spans.size(); ++i) {
    EXPECT_DOUBLE_EQ(inc.spans[i - 1].to, inc.spans[i].from) << inc.uid << " span " << i;
    EXPECT_NE(inc.spans[i - 1].state, inc.spans[i].state) << inc.uid << " span " << i;
  }
}

TEST(RunPicture, PodKillFixtureShowsTheKilledOrdinalReplacedAndRecovered) {
  const RunPicture p = BuildRunPicture(testing::FixtureReport(Fixture("pod-kill.json")));
  ASSERT_EQ(p.missing, "");
  EXPECT_EQ(p.ns, "kdrill-demo");
  EXPECT_EQ(p.target, "web");
  ASSERT_EQ(p.lanes.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.lanes[i].ordinal, i);
  EXPECT_EQ(p.foreign_pods, 0);

  const Lane& web1 = p.lanes[1];
  ASSERT_EQ(web1.incarnations.size(), 2u);
  const Incarnation& first = web1.incarnations[0];
  const Incarnation& second = web1.incarnations[1];
  EXPECT_EQ(first.uid, "f374d851-6006-4ff9-802f-4368d3498b4c");
  EXPECT_EQ(second.uid, "491ddab8-698e-41e6-af51-12b3a892d1b4");
  EXPECT_TRUE(first.deleted);
  EXPECT_NEAR(first.to, 5.810786723, 1e-9);
  EXPECT_GE(second.from, first.to);
  EXPECT_NEAR(second.from, 5.827249162, 1e-9);
  EXPECT_EQ(first.node, "127.0.0.2");
  ASSERT_TRUE(second.ready_at.has_value());
  EXPECT_NEAR(*second.ready_at, 6.490065851, 1e-9);
  EXPECT_EQ(first.spans.front().state, "Pending");
  EXPECT_EQ(first.spans.back().state, "Terminating");
  for (const auto& lane : p.lanes) {
    for (const auto& inc : lane.incarnations) ExpectContiguous(inc);
  }
  EXPECT_EQ(p.lanes[0].incarnations.size(), 1u);
  EXPECT_EQ(p.lanes[2].incarnations.size(), 1u);

  ASSERT_EQ(p.faults.size(), 1u);
  EXPECT_EQ(p.faults[0].name, "kill web-1");
  EXPECT_EQ(p.faults[0].fault, "pod-kill");
  EXPECT_EQ(p.faults[0].ordinals, std::vector<int>{1});
  EXPECT_EQ(p.faults[0].victims, std::vector<std::string>{"web-1"});
  ASSERT_TRUE(p.faults[0].done.has_value());
  EXPECT_FALSE(p.faults[0].failed);

  ASSERT_TRUE(web1.recovery_seconds.has_value());
  EXPECT_GT(*web1.recovery_seconds, 0);
  EXPECT_NEAR(*web1.recovery_seconds, 6.490065851 - 5.787347902, 1e-6);
  EXPECT_EQ(web1.recovery_fault, "kill web-1");
  EXPECT_TRUE(web1.went_down);
  EXPECT_TRUE(web1.recovered);
  EXPECT_FALSE(p.lanes[0].recovery_seconds.has_value());
  EXPECT_FALSE(p.lanes[0].went_down);
  EXPECT_FALSE(p.lanes[2].went_down);

  ASSERT_EQ(web1.claims.size(), 1u);
  EXPECT_EQ(web1.claims[0].claim, "data-web-1");
  EXPECT_EQ(web1.claims[0].uid, "5b4ad56e-6243-49de-9b66-2410215cfa6d");
  EXPECT_EQ(web1.claims[0].pv, "pvc-5b4ad56e-6243-49de-9b66-2410215cfa6d");
  EXPECT_TRUE(web1.claims[0].deleted);  // the cleanup deleted it

  ASSERT_EQ(p.waits.size(), 3u);
  for (const auto& w : p.waits) {
    EXPECT_EQ(w.name, "StatefulSet kdrill-demo/web settled");
    EXPECT_EQ(w.end, "done");
    EXPECT_LE(w.from, w.to);
  }
  EXPECT_NEAR(p.waits[1].from, 5.827587357, 1e-9);
  EXPECT_NEAR(p.waits[1].to, 6.827751106, 1e-9);
  ASSERT_TRUE(p.baseline_at && p.checks_at && p.cleanup_at);
  EXPECT_NEAR(*p.baseline_at, 4.044627391, 1e-9);
  EXPECT_NEAR(*p.checks_at, 6.835788417, 1e-9);
  EXPECT_NEAR(*p.cleanup_at, 8.79569462, 1e-9);
  EXPECT_GE(p.t_end, 14.8);  // the last undo marker
}

TEST(RunPicture, OrderedRecoveryFixtureHitsEveryOrdinalAndEachRecovers) {
  const RunPicture p = BuildRunPicture(testing::FixtureReport(Fixture("ordered-recovery.json")));
  ASSERT_EQ(p.missing, "");
  ASSERT_EQ(p.lanes.size(), 3u);
  ASSERT_EQ(p.faults.size(), 1u);
  EXPECT_EQ(p.faults[0].ordinals, (std::vector<int>{0, 1, 2}));
  for (const auto& lane : p.lanes) {
    EXPECT_EQ(lane.incarnations.size(), 2u) << lane.ordinal;
    EXPECT_TRUE(lane.went_down) << lane.ordinal;
    ASSERT_TRUE(lane.recovery_seconds.has_value()) << lane.ordinal;
    EXPECT_GT(*lane.recovery_seconds, 0);
  }
  // OrderedReady: each ordinal is Ready again after the one before it.
  EXPECT_LT(*p.lanes[0].recovery_seconds, *p.lanes[1].recovery_seconds);
  EXPECT_LT(*p.lanes[1].recovery_seconds, *p.lanes[2].recovery_seconds);
}

TEST(RunPicture, ScaleFixtureHasALaneForEveryOrdinalTheScaleUpAskedFor) {
  const RunPicture p = BuildRunPicture(testing::FixtureReport(Fixture("scale.json")));
  ASSERT_EQ(p.missing, "");
  ASSERT_EQ(p.lanes.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p.lanes[i].ordinal, i);
  EXPECT_FALSE(p.lanes[4].incarnations.empty());
  for (const auto& f : p.faults) EXPECT_TRUE(f.ordinals.empty()) << f.name << ": a scale hits no pod by name";
}

TEST(RunPicture, TwinStatefulSetsFixtureLeavesTheOtherControllersPodsOut) {
  const RunPicture p = BuildRunPicture(testing::FixtureReport(Fixture("twin-statefulsets.json")));
  ASSERT_EQ(p.missing, "");
  for (const auto& lane : p.lanes) {
    for (const auto& inc : lane.incarnations) EXPECT_EQ(inc.pod, p.target + "-" + std::to_string(lane.ordinal));
  }
}

TEST(RunPicture, ARecreatedClaimGivesTwoClaimSpans) {
  RecordingBuilder b;
  b.Sts(0.1, "SYNC", 2)
      .Claim(0.2, "SYNC", 0, "claim-a", "Bound", "pv-a")
      .Pod(0.3, "SYNC", 0, "pod-a", testing::Ready())
      .Claim(3.0, "DELETED", 0, "claim-a")
      .Claim(3.5, "ADDED", 0, "claim-b", "Pending")
      .Claim(4.0, "MODIFIED", 0, "claim-b", "Bound", "pv-b");
  const RunPicture p = BuildRunPicture(b.Report(6));
  const Lane* l0 = LaneOf(p, 0);
  ASSERT_NE(l0, nullptr);
  ASSERT_EQ(l0->claims.size(), 2u);
  EXPECT_EQ(l0->claims[0].uid, "claim-a");
  EXPECT_TRUE(l0->claims[0].deleted);
  EXPECT_DOUBLE_EQ(l0->claims[0].to, 3.0);
  EXPECT_EQ(l0->claims[0].pv, "pv-a");
  EXPECT_EQ(l0->claims[1].uid, "claim-b");
  EXPECT_FALSE(l0->claims[1].deleted);
  EXPECT_DOUBLE_EQ(l0->claims[1].from, 3.5);
  EXPECT_DOUBLE_EQ(l0->claims[1].to, 6.0);
  EXPECT_EQ(l0->claims[1].pv, "pv-b");
  EXPECT_EQ(l0->claims[1].phase, "Bound");
  // A new UID with no DELETED seen between also starts a new span.
  RecordingBuilder c;
  c.Sts(0, "SYNC", 1).Claim(1, "SYNC", 0, "u1").Claim(2, "MODIFIED", 0, "u2");
  const RunPicture q = BuildRunPicture(c.Report(3));
  ASSERT_EQ(q.lanes.size(), 1u);
  ASSERT_EQ(q.lanes[0].claims.size(), 2u);
  EXPECT_DOUBLE_EQ(q.lanes[0].claims[0].to, 2);
  EXPECT_FALSE(q.lanes[0].claims[0].deleted);
}

TEST(RunPicture, APodOfAnotherControllerWithAMatchingNameIsLeftOutAndCounted) {
  RecordingBuilder b;
  testing::PodLook foreign = testing::Ready();
  foreign.owner_name = "web-twin";
  testing::PodLook orphan = testing::Ready();
  orphan.owner_kind = "";
  b.Sts(0, "SYNC", 2)
      .Pod(0.5, "SYNC", 0, "mine", testing::Ready())
      .Pod(0.6, "SYNC", 1, "theirs", foreign)
      .Pod(0.7, "MODIFIED", 1, "theirs", foreign)
      .Pod(0.8, "ADDED", 2, "orphan", orphan);
  const RunPicture p = BuildRunPicture(b.Report(2));
  EXPECT_EQ(p.foreign_pods, 1);
  ASSERT_EQ(p.lanes.size(), 3u);
  EXPECT_EQ(p.lanes[0].incarnations.size(), 1u);
  EXPECT_TRUE(p.lanes[1].incarnations.empty()) << "a lane the spec asks for, but with no pod of the target";
  ASSERT_EQ(p.lanes[2].incarnations.size(), 1u) << "no controller at all: counted as the target's";
  EXPECT_EQ(p.lanes[2].incarnations[0].uid, "orphan");
  EXPECT_TRUE(p.lanes[0].incarnations[0].seen_at_start);
  EXPECT_FALSE(p.lanes[2].incarnations[0].seen_at_start);
}

TEST(RunPicture, PhasesFollowTheObjectAndADeleteEndsTheIncarnation) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 1)
      .Pod(1, "ADDED", 0, "p1", testing::Pending())
      .Pod(1.5, "MODIFIED", 0, "p1", testing::Scheduled())
      .Pod(2, "MODIFIED", 0, "p1", testing::Running())
      .Pod(2.5, "MODIFIED", 0, "p1", testing::Running())  // no change: no new span
      .Pod(3, "MODIFIED", 0, "p1", testing::Ready())
      .Pod(4, "MODIFIED", 0, "p1", testing::Terminating())
      .Pod(4.2, "MODIFIED", 0, "p1", {.phase = "Succeeded", .node = "node-a", .terminating = true})
      .Pod(4.5, "DELETED", 0, "p1", testing::Terminating())
      .Pod(4.6, "MODIFIED", 0, "p1", testing::Ready());  // a late echo of a deleted pod
  const RunPicture p = BuildRunPicture(b.Report(10));
  ASSERT_EQ(p.lanes.size(), 1u);
  ASSERT_EQ(p.lanes[0].incarnations.size(), 1u);
  const Incarnation& inc = p.lanes[0].incarnations[0];
  std::vector<std::string> states;
  for (const auto& s : inc.spans) states.push_back(s.state);
  EXPECT_EQ(states, (std::vector<std::string>{"Pending", "Scheduled", "Running", "Ready", "Terminating", "Finished"}));
  EXPECT_DOUBLE_EQ(inc.spans[2].from, 2);
  EXPECT_DOUBLE_EQ(inc.spans[2].to, 3);
  EXPECT_TRUE(inc.deleted);
  EXPECT_DOUBLE_EQ(inc.to, 4.5);
  EXPECT_EQ(inc.node, "node-a");
  ASSERT_TRUE(inc.ready_at);
  EXPECT_DOUBLE_EQ(*inc.ready_at, 3);
  ExpectContiguous(inc);
  EXPECT_DOUBLE_EQ(p.t_end, 10) << "the report's seconds outlast the last event";
}

TEST(RunPicture, AnOrdinalThatNeverCameBackIsNotRecovered) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 2)
      .Pod(0, "SYNC", 0, "a0", testing::Ready())
      .Pod(0, "SYNC", 1, "a1", testing::Ready())
      .Mark(1, "note", "baseline", "web")
      .Mark(2, "fault", "inject", "kill web-1", "pod-kill")
      .Pod(2.1, "DELETED", 1, "a1", testing::Terminating())
      .Mark(2.2, "fault", "done", "kill web-1", "victims: web-1",
            {{"fault", "pod-kill"}, {"victims", {"web-1"}}, {"deletedPodUids", {"a1"}}})
      .Pod(2.3, "ADDED", 1, "b1", testing::Pending())
      .Mark(2.4, "wait", "begin", "StatefulSet kdrill-demo/web settled")
      .Mark(8, "wait", "timeout", "StatefulSet kdrill-demo/web settled")
      .Mark(8.5, "note", "checks", "web");
  const RunPicture p = BuildRunPicture(b.Report());
  ASSERT_EQ(p.lanes.size(), 2u);
  const Lane& l1 = p.lanes[1];
  EXPECT_TRUE(l1.went_down);
  EXPECT_FALSE(l1.recovered);
  EXPECT_FALSE(l1.recovery_seconds.has_value());
  EXPECT_FALSE(p.lanes[0].went_down);
  EXPECT_TRUE(p.lanes[0].recovered);
  ASSERT_EQ(p.waits.size(), 1u);
  EXPECT_EQ(p.waits[0].end, "timeout");
  EXPECT_DOUBLE_EQ(p.waits[0].to, 8);
  ASSERT_EQ(l1.incarnations.size(), 2u);
  EXPECT_FALSE(l1.incarnations[1].deleted);
  EXPECT_DOUBLE_EQ(l1.incarnations[1].to, 8.5) << "open until the end of the recording";
}

TEST(RunPicture, AFaultFindsItsOrdinalsByDeletedUidAndTheLongestRecoveryCounts) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 3)
      .Pod(0, "SYNC", 0, "a0", testing::Ready())
      .Pod(0, "SYNC", 2, "a2", testing::Ready())
      .Mark(1, "fault", "inject", "drain", "node-drain")
      .Pod(1.1, "MODIFIED", 2, "a2", testing::Terminating())
      .Pod(1.2, "DELETED", 2, "a2", testing::Terminating())
      .Mark(1.3, "fault", "done", "drain", "", {{"fault", "node-drain"}, {"victims", {"node-a"}},
                                                {"deletedPodUids", {"a2", "not-a-pod-we-saw"}}})
      .Pod(1.4, "ADDED", 2, "b2", testing::Pending())
      .Pod(2.0, "MODIFIED", 2, "b2", testing::Ready())
      .Mark(3, "fault", "inject", "kill web-2", "pod-kill")
      .Pod(3.1, "DELETED", 2, "b2", testing::Terminating())
      .Mark(3.2, "fault", "done", "kill web-2", "", {{"victims", {"pod/web-2"}}})
      .Pod(3.3, "ADDED", 2, "c2", testing::Pending())
      .Pod(6.0, "MODIFIED", 2, "c2", testing::Ready())
      .Mark(7, "wait", "begin", "never ends");
  const RunPicture p = BuildRunPicture(b.Report());
  ASSERT_EQ(p.faults.size(), 2u);
  EXPECT_EQ(p.faults[0].ordinals, std::vector<int>{2});
  EXPECT_EQ(p.faults[0].fault, "node-drain");
  EXPECT_EQ(p.faults[1].ordinals, std::vector<int>{2});
  EXPECT_EQ(p.faults[1].fault, "pod-kill");
  const Lane* l2 = LaneOf(p, 2);
  ASSERT_NE(l2, nullptr);
  ASSERT_TRUE(l2->recovery_seconds);
  EXPECT_DOUBLE_EQ(*l2->recovery_seconds, 3.0);  // 3 -> 6, longer than 1 -> 2
  EXPECT_EQ(l2->recovery_fault, "kill web-2");
  EXPECT_EQ(l2->incarnations.size(), 3u);
  ASSERT_EQ(p.waits.size(), 1u);
  EXPECT_EQ(p.waits[0].end, "");
  EXPECT_DOUBLE_EQ(p.waits[0].to, p.t_end);
  EXPECT_EQ(LaneOf(p, 1)->incarnations.size(), 0u);
}

TEST(RunPicture, GoingDownDuringTheCleanupIsNotCountedAgainstAFault) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 1)
      .Pod(0, "SYNC", 0, "a0", testing::Ready())
      .Mark(1, "fault", "inject", "kill web-0", "pod-kill")
      .Mark(1.1, "fault", "failed", "kill web-0", "the pod was not found", {{"victims", {"web-0"}}})
      .Mark(2, "note", "checks", "web")
      .Pod(3, "MODIFIED", 0, "a0", testing::Terminating())
      .Mark(3.1, "undo", "done", "setup");
  const RunPicture p = BuildRunPicture(b.Report());
  ASSERT_EQ(p.lanes.size(), 1u);
  EXPECT_FALSE(p.lanes[0].went_down);
  EXPECT_TRUE(p.lanes[0].recovered);
  EXPECT_FALSE(p.lanes[0].recovery_seconds);
  ASSERT_EQ(p.faults.size(), 1u);
  EXPECT_TRUE(p.faults[0].failed);
  EXPECT_DOUBLE_EQ(*p.faults[0].done, 1.1);
  EXPECT_DOUBLE_EQ(*p.cleanup_at, 3.1);
}

TEST(RunPicture, OverlapNotesBecomeOverlaps) {
  RecordingBuilder b;
  b.Sts(0, "SYNC", 2)
      .Mark(2.5, "note", "overlap", "web-1", "two incarnations wrote at once",
            {{"ordinal", 1},
             {"claim", "data-web-1"},
             {"olderUid", "old"},
             {"newerUid", "new"},
             {"fromEpochMs", 1000},
             {"toEpochMs", 1700},
             {"overlapMs", 700}})
      .Mark(3, "note", "overlap", "web-0", "", {{"overlapMs", 200}});
  const RunPicture p = BuildRunPicture(b.Report(5));
  ASSERT_EQ(p.overlaps.size(), 2u);
  EXPECT_EQ(p.overlaps[0].ordinal, 1);
  EXPECT_EQ(p.overlaps[0].claim, "data-web-1");
  EXPECT_EQ(p.overlaps[0].older_uid, "old");
  EXPECT_EQ(p.overlaps[0].newer_uid, "new");
  EXPECT_DOUBLE_EQ(p.overlaps[0].from, 2.5);
  EXPECT_NEAR(p.overlaps[0].to, 3.2, 1e-9);
  EXPECT_EQ(p.overlaps[0].summary, "two incarnations wrote at once");
  EXPECT_EQ(p.overlaps[1].ordinal, 0) << "the ordinal from the pod's name";
  EXPECT_NEAR(p.overlaps[1].to, 3.2, 1e-9);
}

TEST(RunPicture, NoRecordingSaysSoAndDrawsNothing) {
  RunReport r;
  r.ns = "kdrill-demo";
  r.statefulset = "web";
  RunPicture p = BuildRunPicture(r);
  EXPECT_TRUE(p.lanes.empty());
  EXPECT_NE(p.missing.find("this report holds no recording"), std::string::npos) << p.missing;
  EXPECT_EQ(RenderLanesSvg(p), "");

  r.recording = nlohmann::json::array({1, 2});
  p = BuildRunPicture(r);
  EXPECT_TRUE(p.lanes.empty());
  EXPECT_NE(p.missing.find("no recording"), std::string::npos) << p.missing;

  r.recording = {{"target", {{"kind", "StatefulSet"}, {"namespace", "kdrill-demo"}, {"name", "web"}}},
                 {"events", nlohmann::json::array()}};
  p = BuildRunPicture(r);
  EXPECT_TRUE(p.lanes.empty());
  EXPECT_FALSE(p.missing.empty());
  EXPECT_EQ(RenderLanesSvg(p), "");

  r.recording["events"] = nlohmann::json::array({{{"t", 1}, {"kind", "note"}, {"type", "synced"}}});
  p = BuildRunPicture(r);
  EXPECT_TRUE(p.lanes.empty());
  EXPECT_NE(p.missing.find("no pod of web"), std::string::npos) << p.missing;
}

TEST(RunPicture, MalformedEventsDoNotThrow) {
  using Json = nlohmann::json;
  RecordingBuilder b;
  b.Sts(0, "SYNC", 2)
      .Pod(0.5, "SYNC", 0, "a0", testing::Ready())
      .Raw(42)
      .Raw(nullptr)
      .Raw(Json::array({1, "x"}))
      .Raw({{"t", "soon"}, {"kind", 7}, {"type", Json::array()}, {"name", {{"a", 1}}}})
      .Raw({{"t", 1}, {"kind", "Pod"}, {"type", "MODIFIED"}, {"name", "web-0"}, {"uid", "a0"}, {"object", "gone"}})
      .Raw({{"t", 1.1},
            {"kind", "Pod"},
            {"type", "MODIFIED"},
            {"name", "web-1"},
            {"uid", 5},
            {"object", {{"metadata", {{"uid", "w1"}, {"ownerReferences", "web"}, {"deletionTimestamp", 3}}},
                        {"status", {{"phase", 4}, {"conditions", "Ready"}}},
                        {"spec", {{"nodeName", Json::array()}}}}}})
      .Raw({{"t", 1.2}, {"kind", "PersistentVolumeClaim"}, {"type", "ADDED"}, {"name", "data-web-0"},
            {"uid", "c0"}, {"object", {{"spec", 3}, {"status", "Bound"}}}})
      .Raw({{"t", 1.3}, {"kind", "StatefulSet"}, {"type", "MODIFIED"}, {"name", "web"},
            {"object", {{"spec", {{"replicas", "many"}, {"volumeClaimTemplates", 3}}}}}})
      .Mark(2, "fault", "done", "kill", "", {{"victims", {{"a", 1}}}, {"deletedPodUids", {1, nullptr}}})
      .Mark(2.1, "fault", "inject", "kill2", "", "not an object")
      .Mark(2.2, "fault", "done", "kill2", "", {{"victims", "web-0"}, {"deletedPodUids", "a0"}})
      .Mark(3, "note", "overlap", "nobody", "", {{"ordinal", "one"}, {"fromEpochMs", "x"}})
      .Mark(3.1, "note", "overlap", "web-1", "", {{"ordinal", 1}, {"fromEpochMs", 10}, {"toEpochMs", 5}})
      .Mark(4, "wait", "done", "never began")
      .Mark(5, "wait", "begin", "w", "", Json::array());
  RunReport r = b.Report();
  RunPicture p;
  ASSERT_NO_THROW(p = BuildRunPicture(r));
  EXPECT_EQ(p.missing, "");
  ASSERT_EQ(p.lanes.size(), 2u);
  EXPECT_EQ(p.lanes[0].incarnations.size(), 1u);
  ASSERT_EQ(p.lanes[1].incarnations.size(), 1u) << "the uid from the object when the event's is mistyped";
  EXPECT_EQ(p.lanes[1].incarnations[0].uid, "w1");
  EXPECT_EQ(p.lanes[1].incarnations[0].spans.back().state, "Terminating");
  ASSERT_EQ(p.faults.size(), 2u);
  EXPECT_TRUE(p.faults[0].ordinals.empty());
  ASSERT_EQ(p.overlaps.size(), 1u);
  EXPECT_DOUBLE_EQ(p.overlaps[0].to, 3.1) << "a reversed span reads as zero long";
  ASSERT_EQ(p.waits.size(), 1u);
  EXPECT_NO_THROW(RenderLanesSvg(p));
  // A recording whose parts are all the wrong type.
  r.recording = {{"target", "web"}, {"events", {{"kind", "Pod"}}}};
  EXPECT_NO_THROW(p = BuildRunPicture(r));
  r.recording = {{"target", {{"name", 3}}}, {"events", "many"}};
  EXPECT_NO_THROW(p = BuildRunPicture(r));
  EXPECT_FALSE(p.missing.empty());
}

}  // namespace
}  // namespace kdrill::reports
