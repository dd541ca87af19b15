// What the recording keeps of the Timeline: every event, but not those of
// another controller's pods (they hold none of the target's ordinals).
#include "harness/runner/recording.h"

#include <gtest/gtest.h>

#include "harness/watch/timeline.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::testing {
namespace {

using Json = nlohmann::json;

Json Pod(const std::string& name, const std::string& controller_kind, const std::string& controller) {
  Json pod = {{"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "demo"}, {"uid", "u-" + name}}},
              {"status", {{"phase", "Running"}}}};
  if (!controller.empty()) {
    pod["metadata"]["ownerReferences"] =
        Json::array({{{"kind", controller_kind}, {"name", controller}, {"uid", "c"}, {"controller", true}}});
  }
  return pod;
}

TEST(RecordingTest, LeavesOutAnotherControllersPodsAndKeepsEverythingElse) {
  KubeTestClock clock;
  Timeline timeline(clock);
  timeline.RecordObject("Pod", "ADDED", Pod("web-0", "StatefulSet", "web"));
  timeline.RecordObject("Pod", "ADDED", Pod("load-03-1", "StatefulSet", "load-03"));
  timeline.RecordObject("Pod", "ADDED", Pod("web-1", "StatefulSet", "web2"));
  timeline.RecordObject("Pod", "ADDED", Pod("web-1-debug", "", ""));
  timeline.Mark("fault", "inject", "kill web-0", "pod-kill");
  cluster::Snapshot baseline;
  const Json rec = MakeRecording({"StatefulSet", "demo", "web", "run-1", nullptr, &baseline, nullptr, &timeline,
                                  nullptr, nullptr});
  std::vector<std::string> names;
  for (const auto& e : rec.at("events")) names.push_back(e.at("name").get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"web-0", "web-1-debug", "kill web-0"}))
      << "the target's pod, an adoptable pod and the marker stay; two other controllers' pods go";
  EXPECT_EQ(timeline.Events().size(), 5u) << "the timeline itself keeps them all";
}

}  // namespace
}  // namespace kdrill::testing
