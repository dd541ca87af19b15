// pvc-delete against the in-memory API, with foreign pods: pods of another
// StatefulSet, web-twin, whose labels match web's selector (app=web on both).
// Their pods and claims are never deleted.

#include <gtest/gtest.h>

#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/fault_fixture.h"

namespace kdrill::faults {
namespace {

using testing::StepFrom;

class PvcDeleteTest : public testing::FaultTest {};

TEST_F(PvcDeleteTest, NeverDeletesAForeignPodWithTheTargetsLabelsOrItsClaim) {
  auto twin_uids = testing::PutTwinPods(api_);
  // "web-3" even has a name web's controller would use; it mounts data-web-3.
  std::string web3_uid = testing::PutForeignWeb3(api_);
  api_.Put(kube::Pvcs("demo"), {{"metadata", {{"name", "data-web-3"}, {"labels", {{"app", "web"}}}}},
                                {"status", {{"phase", "Bound"}}}});
  auto ctx = Ctx();
  auto third =
      MakeFault("pvc-delete")->Inject(ctx, StepFrom("    - fault: pvc-delete\n      target: {ordinals: [3]}\n"));
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("ordinal 3 of StatefulSet demo/web has no live pod"), std::string::npos)
      << third.error().message;
  auto r = MakeFault("pvc-delete")->Inject(ctx, StepFrom("    - fault: pvc-delete\n      target: {all: true}\n"));
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(r->victims, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  EXPECT_EQ(r->deleted_pod_uids.size(), 3u);
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-3"))["metadata"]["uid"], web3_uid);
  EXPECT_FALSE(api_.Peek(kube::Pvcs("demo", "data-web-3")).is_null());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-twin-" + std::to_string(i)))["metadata"]["uid"], twin_uids[i]) << i;
  }
}

}  // namespace
}  // namespace kdrill::faults
