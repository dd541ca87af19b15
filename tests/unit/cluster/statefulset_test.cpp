#include "harness/cluster/statefulset.h"

#include <gtest/gtest.h>

namespace kdrill::cluster {
namespace {

TEST(StatefulSetTest, OrdinalsParseOnlyExactNames) {
  EXPECT_EQ(OrdinalOf("web-0", "web"), 0);
  EXPECT_EQ(OrdinalOf("web-12", "web"), 12);
  EXPECT_EQ(OrdinalOf("web-1-x", "web"), std::nullopt);
  EXPECT_EQ(OrdinalOf("webx-1", "web"), std::nullopt);
  EXPECT_EQ(OrdinalOf("web-", "web"), std::nullopt);
  EXPECT_EQ(OrdinalOf("my-web-2", "my-web"), 2);
  EXPECT_EQ(ClaimName("data", "web", 2), "data-web-2");
}

Json SettledSts() {
  return Json::parse(R"({"metadata":{"generation":2},"spec":{"replicas":3},
    "status":{"observedGeneration":2,"replicas":3,"readyReplicas":3,"updatedReplicas":3,
              "currentRevision":"a","updateRevision":"a"}})");
}

TEST(StatefulSetTest, SettledNeedsEveryCondition) {
  EXPECT_TRUE(Settled(SettledSts()));
  std::string why;
  auto s = SettledSts();
  s["status"]["observedGeneration"] = 1;
  EXPECT_FALSE(Settled(s, &why));
  EXPECT_NE(why.find("observedGeneration"), std::string::npos);
  s = SettledSts();
  s["status"]["readyReplicas"] = 2;
  EXPECT_FALSE(Settled(s, &why));
  EXPECT_NE(why.find("2/3 ready"), std::string::npos);
  s = SettledSts();
  s["status"]["updateRevision"] = "b";  // kubectl rollout status may skip this; we must not
  EXPECT_FALSE(Settled(s, &why));
  EXPECT_NE(why.find("updateRevision"), std::string::npos);
  s = SettledSts();
  s["spec"]["updateStrategy"] = {{"rollingUpdate", {{"partition", 2}}}};
  s["status"]["updatedReplicas"] = 1;
  s["status"]["updateRevision"] = "b";
  EXPECT_TRUE(Settled(s, &why)) << why;
}

TEST(StatefulSetTest, ReadsSpecFields) {
  auto spec = ReadStatefulSet(Json::parse(R"({"metadata":{"name":"db","namespace":"ns"},
    "spec":{"replicas":2,"ordinals":{"start":5},"podManagementPolicy":"Parallel",
      "selector":{"matchLabels":{"app":"db","tier":"x"}},
      "volumeClaimTemplates":[{"metadata":{"name":"data"}},{"metadata":{"name":"wal"}}]}})"));
  EXPECT_EQ(spec.replicas, 2);
  EXPECT_EQ(spec.ordinal_start, 5);
  EXPECT_EQ(spec.pod_management, "Parallel");
  EXPECT_EQ(spec.selector, "app=db,tier=x");
  ASSERT_EQ(spec.claim_templates.size(), 2u);
  EXPECT_EQ(spec.claim_templates[1], "wal");
}

}  // namespace
}  // namespace kdrill::cluster
