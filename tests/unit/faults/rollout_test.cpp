// rollout: the template change itself (pure), and the fault against the fake
// API playing the controller: the undo (restore-fields of spec.template and
// spec.updateStrategy) on disk before the write, the wait for the new
// revision, and the OnDelete refusal.

#include <gtest/gtest.h>

#include "harness/faults/template_change.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/volume_fault_fixture.h"

namespace kdrill::faults {
namespace {

using voltest::JournalOnDisk;
using voltest::StepFrom;

class RolloutTest : public voltest::VolumeFaultTest {
 protected:
  void SetUp() override {
    VolumeFaultTest::SetUp();
    auto sts = api_.Peek(kube::StatefulSets("demo", "web"));
    sts["spec"]["template"] = {{"metadata", {{"labels", {{"app", "web"}}}}},
                               {"spec", {{"containers", {{{"name", "app"}, {"image", "busybox:1"}}}}}}};
    api_.Put(kube::StatefulSets("demo"), sts);
    // The controller: every pod at or above the partition is replaced with the
    // template's revision.
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
      if (ref.resource != "statefulsets") {
        return;
      }
      records_at_write_.push_back(JournalOnDisk(path_).size());
      std::string rev = "r" + std::to_string(std::hash<std::string>()(obj["spec"]["template"].dump()) % 100000);
      int partition = obj.value("/spec/updateStrategy/rollingUpdate/partition"_json_pointer, 0);
      for (int i = partition; i < 3; ++i) {
        std::string pod = cluster::PodName("web", i);
        (void)api_.Delete(kube::Pods("demo", pod), {});
        auto p = sts_.MakePod(i, true);
        p["metadata"]["labels"]["controller-revision-hash"] = rev;
        api_.Put(kube::Pods("demo"), p);
      }
      kube::Json sts = obj;
      sts["status"] = {{"observedGeneration", 1},
                       {"replicas", 3},
                       {"readyReplicas", 3},
                       {"updatedReplicas", 3 - partition},
                       {"currentRevision", partition ? "old" : rev},
                       {"updateRevision", rev}};
      api_.Put(kube::StatefulSets("demo"), sts);
    };
  }
  std::vector<size_t> records_at_write_;
};

TEST(TemplateChangeTest, DefaultIsATimestampAnnotation) {
  drill::Params p;
  auto c = ReadTemplateChange(p, "2026-01-01T00:00:00Z");
  ASSERT_TRUE(c) << c.error().message;
  kube::Json sts = {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "a"}}}}}}}}}}};
  auto out = ApplyTemplateChange(sts, *c);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["spec"]["template"]["metadata"]["annotations"]["kdrill.io/rollout"], "2026-01-01T00:00:00Z");
}

TEST(TemplateChangeTest, EnvIsAddedOrReplacedInTheNamedContainer) {
  kube::Json sts = {{"spec",
                     {{"template",
                       {{"spec",
                         {{"containers",
                           {{{"name", "a"}},
                            {{"name", "b"}, {"env", {{{"name", "X"}, {"value", "1"}}}}}}}}}}}}}};
  TemplateChange c;
  c.kind = TemplateChange::Kind::kEnv;
  c.container = "b";
  c.key = "X";
  c.value = "2";
  c.partition = 1;
  auto out = ApplyTemplateChange(sts, c);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ((*out)["spec"]["template"]["spec"]["containers"][1]["env"],
            (kube::Json{{{"name", "X"}, {"value", "2"}}}));
  EXPECT_FALSE((*out)["spec"]["template"]["spec"]["containers"][0].contains("env"));
  EXPECT_EQ((*out)["spec"]["updateStrategy"]["rollingUpdate"]["partition"], 1);
  c.container = "zz";
  auto missing = ApplyTemplateChange(sts, c);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("containers: a, b"), std::string::npos) << missing.error().message;
}

TEST(TemplateChangeTest, ANoOpChangeIsRefused) {
  kube::Json sts = {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "a"}, {"image", "i:1"}}}}}}}}}}};
  TemplateChange c;
  c.kind = TemplateChange::Kind::kImage;
  c.value = "i:1";
  auto out = ApplyTemplateChange(sts, c);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("no rollout would happen"), std::string::npos);
}

TEST_F(RolloutTest, ChangesTheImageAfterJournalingTheOriginalTemplate) {
  auto original = api_.Peek(kube::StatefulSets("demo", "web"))["spec"]["template"];
  auto step = StepFrom("    - fault: rollout\n      params: {image: 'busybox:2', timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("rollout")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(records_at_write_, std::vector<size_t>{1});
  auto records = JournalOnDisk(path_);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].done);
  const auto& a = records[0].action;
  EXPECT_EQ(a["kind"], "restore-fields");
  EXPECT_EQ(a["fields"]["/spec/template"], original);
  EXPECT_TRUE(a["fields"].contains("/spec/updateStrategy"));
  EXPECT_EQ(a["settleSeconds"], 10);
  EXPECT_EQ(api_.Peek(kube::StatefulSets("demo", "web"))["spec"]["template"]["spec"]["containers"][0]["image"],
            "busybox:2");
  EXPECT_EQ(r->properties.at("pods.replaced"), "3");
  EXPECT_NE(r->properties.at("revision.after"), "?");
}

TEST_F(RolloutTest, APartitionLimitsWhichPodsAreReplaced) {
  auto step = StepFrom(
      "    - fault: rollout\n      params: {annotation: {key: a, value: b}, partition: 2, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("rollout")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->properties.at("pods.replaced"), "1");
  EXPECT_EQ(r->properties.at("partition"), "2");
}

// web-twin's pods carry app=web as web's do ("web-3" even has a name web's
// controller would use), and web-twin rolls at the same time: the rollout of
// web reports and counts web's pods only, and web-twin's unready pod does not
// hold it up.
TEST_F(RolloutTest, ForeignPodsWithTheTargetsLabelsAreNeitherReportedNorCounted) {
  testing::PutTwinPods(api_);  // web-twin-1 is not Ready
  testing::PutForeignWeb3(api_, "node-b");
  auto controller = api_.on_write;
  api_.on_write = [this, controller](const kube::ResourceRef& ref, const kube::Json& obj) {
    controller(ref, obj);
    if (ref.resource == "statefulsets") {  // web-twin replaces its pod 0 meanwhile
      (void)api_.Delete(kube::Pods("demo", "web-twin-0"), {});
      api_.Put(kube::Pods("demo"), testing::ForeignPod("web-twin-0", 0, true, "node-a"));
    }
  };
  auto step = StepFrom("    - fault: rollout\n      params: {image: 'busybox:2', timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("rollout")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_EQ(r->properties.at("pods.replaced"), "3");
  ASSERT_EQ(r->details.size(), 4u);  // the summary, then web-0, web-1, web-2
  for (const auto& d : r->details) {
    EXPECT_TRUE(d.find("web-twin") == std::string::npos && d.find("web-3") == std::string::npos) << d;
  }
}

TEST_F(RolloutTest, RefusesOnDelete) {
  auto sts = api_.Peek(kube::StatefulSets("demo", "web"));
  sts["spec"]["updateStrategy"] = {{"type", "OnDelete"}};
  api_.Put(kube::StatefulSets("demo"), sts);
  auto ctx = Ctx();
  auto r = MakeFault("rollout")->Inject(ctx, StepFrom("    - fault: rollout\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("updateStrategy OnDelete"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("needs updateStrategy RollingUpdate"), std::string::npos) << r.error().message;
  EXPECT_TRUE(JournalOnDisk(path_).empty());
}

TEST_F(RolloutTest, ValidateRejectsTwoChangesAndBadShapes) {
  RegistryCatalog catalog;
  auto parse = [&](const std::string& params) {
    return drill::ParseDrill(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: rollout
      params: )") + params + "\n",
                             "k.yaml", catalog, {});
  };
  EXPECT_FALSE(parse("{image: x, annotation: {key: a, value: b}}"));
  auto shape = parse("{env: {name: X, value: 2}}");
  ASSERT_FALSE(shape);
  EXPECT_NE(shape.error().message.find("quote numbers"), std::string::npos) << shape.error().message;
  EXPECT_FALSE(parse("{partition: -1}"));
  EXPECT_TRUE(parse("{env: {name: X, value: '2'}, container: app, partition: 1}"));
}

}  // namespace
}  // namespace kdrill::faults
