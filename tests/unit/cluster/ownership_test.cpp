// Ownership decides identity: which pods are the target's.
#include "harness/cluster/ownership.h"

#include <gtest/gtest.h>

namespace kdrill::cluster {
namespace {

using Json = nlohmann::json;

Json PodOf(const std::string& name, Json labels, Json owners) {
  Json p = {{"metadata", {{"name", name}, {"labels", std::move(labels)}}}};
  if (!owners.is_null()) p["metadata"]["ownerReferences"] = std::move(owners);
  return p;
}

Json Controller(const std::string& kind, const std::string& name) {
  return Json::array({{{"kind", kind}, {"name", name}, {"controller", true}}});
}

StatefulSetSpec Target(const std::string& kind, const std::string& name, const std::string& selector) {
  StatefulSetSpec s;
  s.kind = kind;
  s.name = name;
  s.selector = selector;
  return s;
}

TEST(OwnershipTest, TheStatefulSetsOwnPodIsOwned) {
  auto db = Target("StatefulSet", "db", "app=db");
  EXPECT_EQ(RelationTo(PodOf("db-0", {{"app", "db"}}, Controller("StatefulSet", "db")), db), PodRelation::kOwned);
}

TEST(OwnershipTest, ATwinStatefulSetsPodWithTheSameLabelsIsForeign) {
  auto db = Target("StatefulSet", "db", "app=db");
  Json twin = PodOf("dbtwin-0", {{"app", "db"}, {"apps.kubernetes.io/pod-index", "0"}},
                    Controller("StatefulSet", "dbtwin"));
  EXPECT_EQ(RelationTo(twin, db), PodRelation::kForeign);
  EXPECT_EQ(DescribeController(twin), "owned by StatefulSet dbtwin");
}

TEST(OwnershipTest, AnUnownedPodMatchingTheSelectorIsAdoptableOtherwiseForeign) {
  auto db = Target("StatefulSet", "db", "app=db");
  EXPECT_EQ(RelationTo(PodOf("db-0-debug", {{"app", "db"}}, nullptr), db), PodRelation::kAdoptable);
  EXPECT_EQ(RelationTo(PodOf("other", {{"app", "web"}}, nullptr), db), PodRelation::kForeign);
  EXPECT_EQ(DescribeController(PodOf("x", {}, nullptr)), "not owned by any controller");
}

TEST(OwnershipTest, AnOwnerReferenceThatIsNotTheControllerDoesNotOwn) {
  auto db = Target("StatefulSet", "db", "app=db");
  Json p = PodOf("db-0", {{"app", "db"}}, Json::array({{{"kind", "StatefulSet"}, {"name", "db"}}}));
  EXPECT_EQ(RelationTo(p, db), PodRelation::kAdoptable);
}

TEST(OwnershipTest, AnOwnedPodWhoseLabelsNoLongerMatchIsBeingReleased) {
  auto db = Target("StatefulSet", "db", "app=db");
  EXPECT_EQ(RelationTo(PodOf("db-0", {{"app", "quarantined"}}, Controller("StatefulSet", "db")), db),
            PodRelation::kForeign);
}

TEST(OwnershipTest, ADeploymentOwnsThePodsOfItsReplicaSetsOnly) {
  auto shop = Target("Deployment", "shop", "app=shop");
  EXPECT_EQ(RelationTo(PodOf("shop-7d9c-abcde", {{"app", "shop"}, {"pod-template-hash", "7d9c"}},
                             Controller("ReplicaSet", "shop-7d9c")),
                       shop),
            PodRelation::kOwned);
  // A Deployment named shop-api has ReplicaSets shop-api-<hash>: never shop's.
  EXPECT_EQ(RelationTo(PodOf("shop-api-5f6-xyz", {{"app", "shop"}, {"pod-template-hash", "5f6"}},
                             Controller("ReplicaSet", "shop-api-5f6")),
                       shop),
            PodRelation::kForeign);
  EXPECT_EQ(RelationTo(PodOf("shop-x", {{"app", "shop"}}, Controller("StatefulSet", "shop")), shop),
            PodRelation::kForeign);
}

TEST(OwnershipTest, MistypedFieldsReadAsNoOwner) {
  auto db = Target("StatefulSet", "db", "app=db");
  Json p = {{"metadata", {{"labels", {{"app", "db"}}}, {"ownerReferences", "oops"}}}};
  EXPECT_EQ(RelationTo(p, db), PodRelation::kAdoptable);
  EXPECT_EQ(RelationTo(Json("not an object"), db), PodRelation::kForeign);
}

}  // namespace
}  // namespace kdrill::cluster
