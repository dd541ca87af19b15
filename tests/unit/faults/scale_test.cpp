// scale against the fake API playing the StatefulSet controller: the undo
// (merge patch back to the original replicas) is on disk before the patch,
// the fault waits until the pods match, and refusals change nothing.

#include <gtest/gtest.h>

#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/volume_fault_fixture.h"

namespace kdrill::faults {
namespace {

using voltest::JournalOnDisk;
using voltest::StepFrom;

class ScaleTest : public voltest::VolumeFaultTest {
 protected:
  void SetUp() override {
    VolumeFaultTest::SetUp();
    // The controller: pods 0..n-1 exist and are Ready, the rest are deleted;
    // another controller's pod is left alone.
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
      if (ref.resource != "statefulsets") {
        return;
      }
      records_at_write_.push_back(JournalOnDisk(path_).size());
      int n = obj["spec"].value("replicas", 1);
      for (int i = 0; i < 10; ++i) {
        std::string pod = cluster::PodName("web", i);
        auto existing = api_.Peek(kube::Pods("demo", pod));
        bool exists = !existing.is_null();
        if (exists && existing.value("/metadata/ownerReferences/0/name"_json_pointer, std::string()) != "web") {
          continue;
        }
        if (i < n && !exists) {
          api_.Put(kube::Pods("demo"), sts_.MakePod(i, true));
        }
        if (i >= n && exists) {
          (void)api_.Delete(kube::Pods("demo", pod), {});
        }
      }
      kube::Json sts = obj;
      sts["status"] = {{"observedGeneration", obj["metadata"].value("generation", 1)},
                       {"replicas", n}, {"readyReplicas", n}, {"updatedReplicas", n},
                       {"currentRevision", "r1"}, {"updateRevision", "r1"}};
      api_.Put(kube::StatefulSets("demo"), sts);
    };
  }
  std::vector<size_t> records_at_write_;
};

TEST_F(ScaleTest, ScalesUpAfterJournalingTheOriginalCount) {
  auto step = StepFrom("    - fault: scale\n      params: {replicas: 5, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("scale")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(records_at_write_, std::vector<size_t>{1});
  auto records = JournalOnDisk(path_);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].done);  // restored at cleanup
  const auto& a = records[0].action;
  EXPECT_EQ(a["kind"], "patch");
  EXPECT_EQ(a["patchType"], "merge");
  EXPECT_EQ(a["patch"], (kube::Json{{"spec", {{"replicas", 3}}}}));
  EXPECT_EQ(a["ref"]["resource"], "statefulsets");
  EXPECT_EQ(a["ref"]["name"], "web");
  EXPECT_EQ(api_.Peek(kube::StatefulSets("demo", "web"))["spec"]["replicas"], 5);
  EXPECT_FALSE(api_.Peek(kube::Pods("demo", "web-4")).is_null());
  EXPECT_EQ(r->properties.at("replicas.before"), "3");
  EXPECT_EQ(r->properties.at("replicas.after"), "5");
  EXPECT_NE(r->details[0].find("pods added: web-3"), std::string::npos) << r->details[0];
  EXPECT_NE(Log().find("OrderedReady"), std::string::npos) << Log();
}

TEST_F(ScaleTest, ScalesDownByADelta) {
  auto step = StepFrom("    - fault: scale\n      params: {by: -2, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("scale")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(api_.Peek(kube::Pods("demo", "web-1")).is_null());
  EXPECT_FALSE(api_.Peek(kube::Pods("demo", "web-0")).is_null());
  EXPECT_NE(r->details[0].find("pods removed: web-1, web-2"), std::string::npos) << r->details[0];
}

TEST_F(ScaleTest, RefusesANegativeCountAndANoOp) {
  auto ctx = Ctx();
  auto neg = MakeFault("scale")->Inject(ctx, StepFrom("    - fault: scale\n      params: {by: -4}\n"));
  ASSERT_FALSE(neg);
  EXPECT_NE(neg.error().message.find("cannot be negative"), std::string::npos) << neg.error().message;
  auto same = MakeFault("scale")->Inject(ctx, StepFrom("    - fault: scale\n      params: {replicas: 3}\n"));
  ASSERT_FALSE(same);
  EXPECT_NE(same.error().message.find("already has 3 replicas"), std::string::npos) << same.error().message;
  EXPECT_TRUE(JournalOnDisk(path_).empty());
  EXPECT_TRUE(records_at_write_.empty());
}

TEST_F(ScaleTest, TimesOutNamingWhatIsMissing) {
  api_.on_write = nullptr;  // no controller: nothing happens
  auto step = StepFrom("    - fault: scale\n      params: {replicas: 4, timeout: 1s}\n");
  auto ctx = Ctx();
  const auto begin = clock_.Now();
  auto r = MakeFault("scale")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_GE(clock_.Now() - begin, std::chrono::seconds(1));  // the timeout ran out on the clock
  EXPECT_NE(r.error().message.find("did not settle within 1s"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("3/4 pods exist"), std::string::npos) << r.error().message;
}

// web-twin's pods carry app=web as web's do; its "web-4" even has a name
// web's controller would use at 5 replicas. Scaling web to 4 neither counts
// web-4 as added nor waits on web-twin's unready pod.
TEST_F(ScaleTest, ForeignPodsWithTheTargetsLabelsAreNeitherAddedNorWaitedFor) {
  auto twin_uids = testing::PutTwinPods(api_);  // web-twin-1 is not Ready
  std::string web4_uid = api_.Put(kube::Pods("demo"), testing::ForeignPod("web-4", 4, true))["metadata"]["uid"];
  auto step = StepFrom("    - fault: scale\n      params: {replicas: 4, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("scale")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  ASSERT_FALSE(r->details.empty());
  EXPECT_NE(r->details[0].find("pods added: web-3 (created "), std::string::npos) << r->details[0];
  EXPECT_EQ(r->details[0].find("web-4"), std::string::npos) << r->details[0];
  EXPECT_EQ(r->details[0].find("web-twin"), std::string::npos) << r->details[0];
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-4"))["metadata"]["uid"], web4_uid);
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-twin-1"))["metadata"]["uid"], twin_uids[1]);
}

TEST_F(ScaleTest, ValidateRejectsTargetAndBothForms) {
  RegistryCatalog catalog;
  auto parse = [&](const std::string& rest) {
    return drill::ParseDrill(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: scale
)") + rest,
                             "k.yaml", catalog, {});
  };
  EXPECT_FALSE(parse("      target: {ordinals: [1]}\n      params: {replicas: 2}\n"));
  EXPECT_FALSE(parse("      params: {replicas: 2, by: 1}\n"));
  EXPECT_FALSE(parse("      params: {by: 0}\n"));
  EXPECT_TRUE(parse("      params: {by: 1}\n"));
}

}  // namespace
}  // namespace kdrill::faults
