// ReplayPending: the one loop behind a run's cleanup and `kdrill recover`.
#include "harness/undo/replay.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "harness/undo/undo_actions.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill {
namespace {

namespace fs = std::filesystem;

nlohmann::json EnsureConfigMap(const std::string& name) {
  return {{"kind", "ensure-object"},
          {"ref", RefToJson(kube::ResourceRef{"v1", "configmaps", "demo", name, ""})},
          {"object", {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}}}};
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kdrill-replay-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  Journal NewJournal() {
    auto j = Journal::Create((dir_ / "run.journal").string(), {"run-1", "d.yaml", "lab", "https://x", "", "t"});
    EXPECT_TRUE(j) << j.error().message;
    return std::move(*j);
  }

  fs::path dir_;
  testing::FakeKubeApi api_;
  testing::FakePodExecutor exec_;
  testing::KubeTestClock clock_;
};

TEST_F(ReplayTest, ReplaysNewestFirstMarksEachDoneAndEndsTheJournal) {
  auto j = NewJournal();
  ASSERT_TRUE(j.RecordUndo("step-1", "recreate configmap a", EnsureConfigMap("a")));
  ASSERT_TRUE(j.RecordUndo("step-2", "recreate configmap b", EnsureConfigMap("b")));
  std::vector<std::string> seen;
  auto r = ReplayPending(j, api_, exec_, clock_, {}, [&](const UndoRecord& rec, const Result<std::string>& res) {
    seen.push_back(rec.description + (res ? ": ok" : ": failed"));
  });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.pending, 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"recreate configmap b: ok", "recreate configmap a: ok"}));
  EXPECT_TRUE(j.Pending().empty());
  EXPECT_TRUE(j.Ended());
  EXPECT_FALSE(api_.Peek(kube::ResourceRef{"v1", "configmaps", "demo", "a", ""}).is_null());
}

TEST_F(ReplayTest, AFailedUndoStaysPendingAndTheJournalIsNotEnded) {
  auto j = NewJournal();
  ASSERT_TRUE(j.RecordUndo("step-1", "recreate configmap a", EnsureConfigMap("a")));
  ASSERT_TRUE(j.RecordUndo("step-2", "do the impossible", {{"kind", "no-such-undo"}}));
  auto r = ReplayPending(j, api_, exec_, clock_, {});
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].rfind("do the impossible: ", 0), 0u) << r.failures[0];
  EXPECT_EQ(r.pending, 2u);
  ASSERT_EQ(j.Pending().size(), 1u);
  EXPECT_EQ(j.Pending()[0].description, "do the impossible");
  EXPECT_FALSE(j.Ended());
  // Replaying again retries only what is left.
  auto again = ReplayPending(j, api_, exec_, clock_, {});
  EXPECT_EQ(again.pending, 1u);
  EXPECT_FALSE(again.ok());
}

TEST_F(ReplayTest, AScaleOverwrittenByAnOlderUndoIsNotApplied) {
  const auto sts = kube::StatefulSets("demo", "web");
  api_.Put(kube::StatefulSets("demo", ""), {{"metadata", {{"name", "web"}}}, {"spec", {{"replicas", 4}}}});
  auto scale = [&](int n) {
    return nlohmann::json{{"kind", "patch"}, {"ref", RefToJson(sts)}, {"patchType", "merge"},
                          {"patch", {{"spec", {{"replicas", n}}}}}};
  };
  auto j = NewJournal();
  ASSERT_TRUE(j.RecordUndo("scale up", "restore replicas of StatefulSet web to 3", scale(3)));
  ASSERT_TRUE(j.RecordUndo("scale down", "restore replicas of StatefulSet web to 5", scale(5)));
  std::vector<std::string> seen;
  auto r = ReplayPending(j, api_, exec_, clock_, {}, [&](const UndoRecord& rec, const Result<std::string>& res) {
    seen.push_back(rec.description + ": " + (res ? *res : res.error().message));
  });
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "restore replicas of StatefulSet web to 5: skipped: the next undo (restore replicas of "
                     "StatefulSet web to 3) sets the same fields to their earlier values");
  EXPECT_EQ(seen[1], "restore replicas of StatefulSet web to 3: restored");
  int patches = 0;
  for (const auto& c : api_.calls) patches += c.rfind("patch ", 0) == 0;
  EXPECT_EQ(patches, 1) << "replicas never went back to 5";
  EXPECT_EQ(api_.Peek(sts)["spec"]["replicas"], 3);
  EXPECT_TRUE(j.Ended());
}

}  // namespace
}  // namespace kdrill
