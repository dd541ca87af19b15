#include "harness/watch/watch_trim.h"

#include <gtest/gtest.h>

#include "harness/cluster/ownership.h"
#include "harness/watch/timeline.h"

namespace kdrill::testing {
namespace {

using Json = nlohmann::json;

Json PodOf(const std::string& name, const Json& owner) {
  Json pod = {{"kind", "Pod"},
              {"apiVersion", "v1"},
              {"metadata",
               {{"name", name},
                {"namespace", "demo"},
                {"uid", "u-" + name},
                {"resourceVersion", "7"},
                {"labels", {{"app", "web"}}},
                {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{...}"}}},
                {"managedFields", Json::array({{{"manager", "kube-controller-manager"}}})}}},
              {"spec", {{"nodeName", "kwok-0"}, {"containers", Json::array({{{"name", "c"}, {"image", "busybox"}}})}}},
              {"status",
               {{"phase", "Running"},
                {"podIP", "10.250.0.9"},
                {"conditions", Json::array({{{"type", "PodScheduled"}, {"status", "True"}},
                                            {{"type", "Ready"}, {"status", "True"}, {"lastTransitionTime", "t"}}})},
                {"containerStatuses", Json::array({{{"name", "c"}, {"restartCount", 0}}})}}}};
  if (!owner.is_null()) pod["metadata"]["ownerReferences"] = Json::array({owner});
  return pod;
}

Json Controller(const std::string& kind, const std::string& name) {
  return {{"apiVersion", "apps/v1"}, {"kind", kind}, {"name", name}, {"uid", "c-" + name}, {"controller", true}};
}

TEST(WatchTrimTest, EveryObjectLosesWhatNothingReads) {
  Json pod = PodOf("web-1", Controller("StatefulSet", "web"));
  TrimWatchedObject("Pod", pod, {"StatefulSet", "web"});
  EXPECT_FALSE(pod["metadata"].contains("managedFields"));
  EXPECT_FALSE(pod["metadata"].contains("annotations")) << "the last-applied annotation was its only one";
  EXPECT_TRUE(pod["spec"].contains("containers")) << "the target's pod keeps everything else";
  EXPECT_TRUE(pod["status"].contains("containerStatuses"));

  Json node = {{"kind", "Node"},
               {"metadata", {{"name", "n"}, {"managedFields", Json::array()}}},
               {"status", {{"images", Json::array({"busybox"})}, {"nodeInfo", {{"kubeletVersion", "v1"}}},
                           {"conditions", Json::array()}}}};
  TrimWatchedObject("Node", node, {"StatefulSet", "web"});
  EXPECT_FALSE(node["status"].contains("images"));
  EXPECT_FALSE(node["status"].contains("nodeInfo"));
  EXPECT_TRUE(node["status"].contains("conditions"));
}

TEST(WatchTrimTest, AnotherControllersPodBecomesASkeletonThatStillSummarisesTheSame) {
  Json pod = PodOf("load-07-3", Controller("StatefulSet", "load-07"));
  const std::string summary = SummarizeObject("Pod", pod);
  TrimWatchedObject("Pod", pod, {"StatefulSet", "web"});
  EXPECT_FALSE(pod["spec"].contains("containers"));
  EXPECT_FALSE(pod["status"].contains("containerStatuses"));
  EXPECT_EQ(pod["metadata"]["uid"], "u-load-07-3");
  EXPECT_EQ(pod["metadata"]["labels"]["app"], "web");
  EXPECT_EQ(SummarizeObject("Pod", pod), summary);
  EXPECT_EQ(pod["status"]["conditions"], Json::array({{{"type", "Ready"}, {"status", "True"}}}))
      << "of the conditions only Ready's status is kept";
  cluster::StatefulSetSpec target;
  target.kind = "StatefulSet";
  target.name = "web";
  target.selector = "app=web";
  EXPECT_EQ(cluster::RelationTo(pod, target), cluster::PodRelation::kForeign)
      << "the skeleton keeps the ownerReferences that make it foreign";
}

TEST(WatchTrimTest, OnlyPodsThatCannotBeTheTargetsAreCut) {
  const WatchedTarget sts{"StatefulSet", "web"};
  EXPECT_FALSE(AnotherControllersPod(PodOf("web-0", Controller("StatefulSet", "web")), sts));
  EXPECT_FALSE(AnotherControllersPod(PodOf("web-0", nullptr), sts)) << "an adoptable pod competes for an ordinal";
  EXPECT_TRUE(AnotherControllersPod(PodOf("web-0", Controller("StatefulSet", "web2")), sts));
  EXPECT_TRUE(AnotherControllersPod(PodOf("x", Controller("ReplicaSet", "web-5d8")), sts));
  Json not_controller = Controller("StatefulSet", "other");
  not_controller["controller"] = false;
  EXPECT_FALSE(AnotherControllersPod(PodOf("web-1", not_controller), sts)) << "only the controller reference counts";

  const WatchedTarget deploy{"Deployment", "shop"};
  EXPECT_FALSE(AnotherControllersPod(PodOf("shop-5d8-x", Controller("ReplicaSet", "shop-5d8")), deploy));
  EXPECT_TRUE(AnotherControllersPod(PodOf("shopx-1", Controller("ReplicaSet", "shopx-5d8")), deploy))
      << "shopx-5d8 starts with shop but is not shop-<hash>";
  EXPECT_TRUE(AnotherControllersPod(PodOf("db-0", Controller("StatefulSet", "db")), deploy));
  EXPECT_FALSE(AnotherControllersPod(PodOf("db-0", Controller("StatefulSet", "db")), WatchedTarget{"Job", "x"}));
}

}  // namespace
}  // namespace kdrill::testing
