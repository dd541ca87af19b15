// destroy against the in-memory cluster of the backup tests, with foreign
// pods: pods of another StatefulSet, web-twin, whose labels match web's
// selector (app=web on both). Only web's own pods count as the pods destroy
// deleted, in either mode; in pods-and-claims mode the foreign pods stay.

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/fakes/foreign_pods.h"
#include "tests/unit/backup/backup_fixture.h"

namespace kdrill::backup::testing {
namespace {

class DestroyTest : public BackupTest {
 protected:
  void SetUp() override {
    BackupTest::SetUp();
    for (int i = 0; i < 3; ++i) {
      auto pod = api_.Peek(kube::Pods("demo", "web-" + std::to_string(i)));
      own_uids_.push_back(pod["metadata"]["uid"].get<std::string>());
    }
    foreign_uids_ = kdrill::testing::PutTwinPods(api_);  // web-twin-1 is not Ready
    // "web-3": a name web's controller would use, on web-twin's pod.
    foreign_uids_.push_back(kdrill::testing::PutForeignWeb3(api_));
  }

  std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  std::vector<std::string> own_uids_;
  std::vector<std::string> foreign_uids_;
};

TEST_F(DestroyTest, PodsAndClaimsCountsAndDeletesOnlyTheTargetsOwnPods) {
  auto r = Step("    - fault: destroy\n      params: {timeout: 5s}\n");
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_EQ(Sorted(r->deleted_pod_uids), Sorted(own_uids_));
  const std::vector<std::string> foreign = {"web-twin-0", "web-twin-1", "web-twin-2", "web-3"};
  for (size_t i = 0; i < foreign.size(); ++i) {
    EXPECT_EQ(api_.Peek(kube::Pods("demo", foreign[i]))["metadata"]["uid"], foreign_uids_[i]) << foreign[i];
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(api_.Peek(kube::Pods("demo", "web-" + std::to_string(i))).is_null());
}

TEST_F(DestroyTest, NamespaceModeCountsOnlyTheTargetsOwnPodsAsItsDeletions) {
  ASSERT_TRUE(Step("    - fault: backup\n      params: {provider: exec-tar, timeout: 5s}\n")) << Log();
  auto r = Step("    - fault: destroy\n      params: {mode: namespace, timeout: 5s}\n");
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  // The namespace took web-twin's pods with it, but they were never web's.
  EXPECT_TRUE(api_.Peek(kube::Pods("demo", "web-twin-0")).is_null());
  EXPECT_EQ(Sorted(r->deleted_pod_uids), Sorted(own_uids_));
}

}  // namespace
}  // namespace kdrill::backup::testing
