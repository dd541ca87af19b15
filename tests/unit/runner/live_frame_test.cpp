// The live view's rows, built from Timeline events as the watches deliver them.
#include "harness/runner/live_frame.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdrill {
namespace {

using nlohmann::json;

class LiveFrameTest : public ::testing::Test {
 protected:
  MonoTime At(double s) { return start_ + std::chrono::milliseconds(static_cast<int>(s * 1000)); }
  void Add(double s, const std::string& kind, const std::string& type, const json& obj) {
    TimelineEvent e;
    e.at = At(s);
    e.kind = kind;
    e.type = type;
    e.ns = obj["metadata"].value("namespace", std::string("demo"));
    e.name = obj["metadata"]["name"];
    e.uid = obj["metadata"].value("uid", std::string());
    e.object = obj;
    events_.push_back(e);
  }
  static json Pod(const std::string& name, const std::string& uid, bool ready, const std::string& ns = "demo") {
    return {{"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}},
            {"spec", {{"nodeName", "node-a"}}},
            {"status",
             {{"phase", ready ? "Running" : "Pending"},
              {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}},
              {"containerStatuses", {{{"restartCount", 1}}, {{"restartCount", 2}}}}}}};
  }
  static json Sts(int replicas) {
    return {{"kind", "StatefulSet"},
            {"metadata", {{"name", "web"}, {"namespace", "demo"}, {"uid", "s1"}}},
            {"spec",
             {{"replicas", replicas},
              {"volumeClaimTemplates", {{{"metadata", {{"name", "data"}}}}}}}}};
  }
  static json Claim(const std::string& name, const std::string& pv) {
    return {{"metadata", {{"name", name}, {"namespace", "demo"}, {"uid", "c-" + name}}},
            {"spec", {{"volumeName", pv}}},
            {"status", {{"phase", "Bound"}}}};
  }
  LiveFrame Frame(double now) { return BuildLiveFrame(TimelineEvents(events_), {"demo", "web", 3}, start_, At(now)); }

  MonoTime start_ = MonoTime(std::chrono::seconds(1000));
  std::vector<TimelineEvent> events_;
};

TEST_F(LiveFrameTest, OneRowPerOrdinalWithPodClaimAndVolume) {
  Add(0, "StatefulSet", "SYNC", Sts(2));
  Add(0, "Pod", "SYNC", Pod("web-0", "a", true));
  Add(0, "Pod", "SYNC", Pod("web-1", "b", true));
  Add(0, "PersistentVolumeClaim", "SYNC", Claim("data-web-0", "pv-0"));
  LiveFrame f = Frame(10);
  EXPECT_EQ(f.target, "demo/web");
  EXPECT_DOUBLE_EQ(f.run_seconds, 10);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[0].pod, "web-0");
  EXPECT_EQ(f.rows[0].phase, "Running");
  EXPECT_TRUE(f.rows[0].ready);
  EXPECT_EQ(f.rows[0].node, "node-a");
  EXPECT_EQ(f.rows[0].restarts, 3);
  EXPECT_EQ(f.rows[0].claim, "data-web-0");
  EXPECT_EQ(f.rows[0].claim_phase, "Bound");
  EXPECT_EQ(f.rows[0].pv, "pv-0");
  EXPECT_DOUBLE_EQ(f.rows[0].age_seconds, 10);
  EXPECT_FALSE(f.rows[0].replaced);
  EXPECT_EQ(f.rows[1].claim_phase, "-");  // its claim was never seen
  EXPECT_TRUE(f.events.empty());          // the initial list is state, not a change
}

TEST_F(LiveFrameTest, AKilledPodIsGoneThenANewIncarnation) {
  Add(0, "StatefulSet", "SYNC", Sts(2));
  Add(0, "Pod", "SYNC", Pod("web-1", "old", true));
  json terminating = Pod("web-1", "old", true);
  terminating["metadata"]["deletionTimestamp"] = "2026-12-07T10:00:00Z";
  Add(3, "Pod", "MODIFIED", terminating);
  EXPECT_EQ(Frame(3.5).rows[1].phase, "Terminating");
  Add(4, "Pod", "DELETED", terminating);
  LiveFrame gone = Frame(4.5);
  EXPECT_EQ(gone.rows[1].pod, "");
  EXPECT_EQ(gone.rows[1].phase, "-");
  Add(5, "Pod", "ADDED", Pod("web-1", "new", false));
  Add(7, "Pod", "MODIFIED", Pod("web-1", "new", true));
  LiveFrame back = Frame(9);
  EXPECT_EQ(back.rows[1].pod, "web-1");
  EXPECT_TRUE(back.rows[1].ready);
  EXPECT_TRUE(back.rows[1].replaced);
  EXPECT_EQ(back.rows[1].incarnations, 2);
  EXPECT_DOUBLE_EQ(back.rows[1].age_seconds, 4);  // since the new UID was first seen
  // The last changes, oldest first, at most max_events.
  ASSERT_EQ(back.events.size(), 3u);
  EXPECT_THAT(back.events[0], ::testing::HasSubstr("Pod web-1 DELETED"));
  EXPECT_THAT(back.events[2], ::testing::HasSubstr("7.0s  Pod web-1 MODIFIED"));
}

TEST_F(LiveFrameTest, ADeletedEventOfAnOlderIncarnationDoesNotHideTheNewOne) {
  Add(0, "StatefulSet", "SYNC", Sts(1));
  Add(1, "Pod", "ADDED", Pod("web-0", "new", false));
  Add(2, "Pod", "DELETED", Pod("web-0", "old", true));  // a late DELETED of the previous pod
  EXPECT_EQ(Frame(3).rows[0].pod, "web-0");
}

TEST_F(LiveFrameTest, OtherNamespacesAndNamesAreNotShownAndExtraOrdinalsAre) {
  Add(0, "StatefulSet", "SYNC", Sts(1));
  Add(0, "Pod", "SYNC", Pod("web-0", "a", true, "elsewhere"));
  Add(0, "Pod", "SYNC", Pod("webby-0", "b", true));
  Add(0, "Pod", "SYNC", Pod("web-3", "c", true));  // left over after a scale-down: still shown
  LiveFrame f = Frame(1);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[0].pod, "");
  EXPECT_EQ(f.rows[1].ordinal, 3);
  EXPECT_EQ(f.rows[1].pod, "web-3");
}

}  // namespace
}  // namespace kdrill
