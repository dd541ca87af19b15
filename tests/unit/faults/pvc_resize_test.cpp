// pvc-resize against the fake API: refusal naming a non-expandable
// StorageClass, refusal to shrink, the "none" undo journaled before the patch,
// and the wait for status.capacity.

#include <gtest/gtest.h>

#include "harness/faults/claim_resize.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/volume_fault_fixture.h"

namespace kdrill::faults {
namespace {

using voltest::JournalOnDisk;
using voltest::StepFrom;

class PvcResizeTest : public voltest::VolumeFaultTest {
 protected:
  // Plays the resizer: a claim whose request grows gets that capacity, and
  // the journal's state at that moment is remembered.
  void PlayResizer() {
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
      if (ref.resource != "persistentvolumeclaims") {
        return;
      }
      records_at_patch_.push_back(JournalOnDisk(path_).size());
      kube::Json pvc = obj;
      pvc["status"]["capacity"]["storage"] = obj["spec"]["resources"]["requests"]["storage"];
      pvc["status"]["conditions"] = kube::Json::array();
      api_.Put(kube::Pvcs("demo"), pvc);
    };
  }
  std::vector<size_t> records_at_patch_;
};

TEST_F(PvcResizeTest, GrowsTheChosenClaimsAfterJournalingThatTheyCannotShrink) {
  PutStorageClass("standard", true);
  PlayResizer();
  auto step = StepFrom("    - fault: pvc-resize\n      target: {ordinals: [0, 2]}\n      params: {increase: 64Mi}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pvc-resize")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->victims, (std::vector<std::string>{"data-web-0", "data-web-2"}));
  EXPECT_EQ(records_at_patch_, (std::vector<size_t>{1, 1}));
  auto j = Journal::Open(path_);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->Records().size(), 1u);
  EXPECT_EQ(j->Records()[0].action["kind"], "none");
  EXPECT_NE(j->Records()[0].action["note"].get<std::string>().find("cannot shrink"), std::string::npos);
  EXPECT_TRUE(j->Pending().empty());
  EXPECT_EQ(api_.Peek(kube::Pvcs("demo", "data-web-0"))["spec"]["resources"]["requests"]["storage"], "128Mi");
  EXPECT_TRUE(api_.Peek(kube::Pvcs("demo", "data-web-1"))["spec"]["resources"].is_null());
  EXPECT_EQ(r->properties.at("data-web-2.capacity"), "64Mi -> 128Mi");
}

TEST_F(PvcResizeTest, RefusesAClassWithoutExpansionNamingItAndChangesNothing) {
  PutStorageClass("standard", false);
  auto step = StepFrom("    - fault: pvc-resize\n      target: {ordinals: [1]}\n      params: {size: 1Gi}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pvc-resize")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("StorageClass standard does not allow volume expansion"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("test.yaml:"), std::string::npos) << r.error().message;
  EXPECT_TRUE(JournalOnDisk(path_).empty());
  for (const auto& c : api_.calls) {
    EXPECT_EQ(c.rfind("patch", 0), std::string::npos) << c;
  }
}

TEST_F(PvcResizeTest, RefusesToShrink) {
  PutStorageClass("standard", true);
  auto step = StepFrom("    - fault: pvc-resize\n      target: {ordinals: [1]}\n      params: {size: 32Mi}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pvc-resize")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("claims cannot shrink"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("64Mi"), std::string::npos) << r.error().message;
  EXPECT_TRUE(JournalOnDisk(path_).empty());
}

TEST_F(PvcResizeTest, InfeasibleResizeFailsWithConditionsAndEvents) {
  PutStorageClass("standard", true);
  api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
    if (ref.resource != "persistentvolumeclaims") {
      return;
    }
    kube::Json pvc = obj;
    pvc["status"]["allocatedResourceStatuses"]["storage"] = "ControllerResizeInfeasible";
    pvc["status"]["conditions"] = {{{"type", "ControllerResizeError"}, {"status", "True"}, {"message", "too big"}}};
    api_.Put(kube::Pvcs("demo"), pvc);
  };
  api_.Put(kube::Events("demo"), {{"metadata", {{"name", "e1"}}},
                                  {"involvedObject", {{"kind", "PersistentVolumeClaim"}, {"name", "data-web-1"}}},
                                  {"type", "Warning"},
                                  {"reason", "VolumeResizeFailed"},
                                  {"message", "no room"}});
  auto step = StepFrom("    - fault: pvc-resize\n      target: {ordinals: [1]}\n      params: {size: 10Gi}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pvc-resize")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ControllerResizeInfeasible"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("ControllerResizeError=True"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Warning VolumeResizeFailed: no room"), std::string::npos) << r.error().message;
}

// web-twin's pods carry app=web as web's do, and its "web-3" even has a name
// web's controller would use: target.all resolves to web's own pods' claims.
TEST_F(PvcResizeTest, AllMeansTheClaimsOfTheTargetsOwnPodsOnly) {
  PutStorageClass("standard", true);
  PlayResizer();
  testing::PutTwinPods(api_);
  testing::PutForeignWeb3(api_);
  auto claim3 = api_.Peek(kube::Pvcs("demo", "data-web-0"));
  claim3["metadata"] = {{"name", "data-web-3"}, {"labels", {{"app", "web"}}}};
  api_.Put(kube::Pvcs("demo"), claim3);  // what web-3 mounts: not web's to resize either
  auto step = StepFrom("    - fault: pvc-resize\n      target: {all: true}\n      params: {increase: 64Mi}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pvc-resize")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_EQ(r->victims, (std::vector<std::string>{"data-web-0", "data-web-1", "data-web-2"}));
  EXPECT_TRUE(api_.Peek(kube::Pvcs("demo", "data-web-3"))["spec"]["resources"].is_null());
}

TEST_F(PvcResizeTest, ValidateWantsExactlyOneOfSizeAndIncrease) {
  RegistryCatalog catalog;
  auto parse = [&](const std::string& params) {
    return drill::ParseDrill(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: pvc-resize
      target: {all: true}
      params: )") + params + "\n",
                             "k.yaml", catalog, {});
  };
  EXPECT_FALSE(parse("{size: 1Gi, increase: 1Gi}"));
  auto bad = parse("{size: lots}");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("k.yaml:9:"), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("128Mi"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(parse("{increase: 64Mi, timeout: 2m}"));
  EXPECT_TRUE(parse("{size: 134217728}")) << "a whole number of bytes, as the docs allow";
  auto words = parse("{size: [1]}");
  ASSERT_FALSE(words);
  EXPECT_NE(words.error().message.find("whole number of bytes"), std::string::npos) << words.error().message;
}

TEST_F(PvcResizeTest, SizeInBytesGrowsTheClaim) {
  PutStorageClass("standard", true);
  PlayResizer();
  auto ctx = Ctx();
  auto step = StepFrom("    - fault: pvc-resize\n      target: {ordinals: [0]}\n      params: {size: 134217728}\n");
  auto r = MakeFault("pvc-resize")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(api_.Peek(kube::Pvcs("demo", "data-web-0"))["spec"]["resources"]["requests"]["storage"], "128Mi");
}

}  // namespace
}  // namespace kdrill::faults
