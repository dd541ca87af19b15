// sts-volume-expansion against the fake API: claims grown first, then the
// StatefulSet deleted with propagationPolicy Orphan (after the original is
// journaled as ensure-object) and recreated with the larger template; no pod
// deleted. A failed recreate is repaired by replaying the journal.

#include <gtest/gtest.h>

#include "harness/undo/undo_actions.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/volume_fault_fixture.h"

namespace kdrill::faults {
namespace {

using voltest::JournalOnDisk;
using voltest::StepFrom;

class StsVolumeExpansionTest : public voltest::VolumeFaultTest {
 protected:
  void SetUp() override {
    VolumeFaultTest::SetUp();
    PutStorageClass("standard", true);
    auto sts = api_.Peek(kube::StatefulSets("demo", "web"));
    sts["spec"]["volumeClaimTemplates"][0]["spec"] = {{"resources", {{"requests", {{"storage", "64Mi"}}}}}};
    sts["metadata"]["managedFields"] = kube::Json::array({{{"manager", "kubectl"}}});
    api_.Put(kube::StatefulSets("demo"), sts);
    for (const auto& p : {"web-0", "web-1", "web-2"}) {
      pod_uids_[p] = api_.Peek(kube::Pods("demo", p))["metadata"]["uid"];
    }
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
      if (ref.resource == "persistentvolumeclaims") {  // the resizer
        kube::Json pvc = obj;
        pvc["status"]["capacity"]["storage"] = obj["spec"]["resources"]["requests"]["storage"];
        api_.Put(kube::Pvcs("demo"), pvc);
      }
      if (ref.resource == "statefulsets" && ref.name.empty()) {  // created: the controller adopts the pods
        std::string uid = obj["metadata"]["uid"];
        for (int i = 0; i < 3; ++i) {
          auto pod = api_.Peek(kube::Pods("demo", cluster::PodName("web", i)));
          pod["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "web"}, {"uid", uid}, {"controller", true}}};
          api_.Put(kube::Pods("demo"), pod);
        }
        kube::Json sts = obj;
        sts["metadata"]["generation"] = 1;
        sts["status"] = {{"observedGeneration", 1}, {"replicas", 3}, {"readyReplicas", 3}, {"updatedReplicas", 3},
                         {"currentRevision", "r1"}, {"updateRevision", "r1"}};
        api_.Put(kube::StatefulSets("demo"), sts);
      }
    };
  }
  std::map<std::string, std::string> pod_uids_;
};

TEST_F(StsVolumeExpansionTest, ResizesClaimsThenOrphanDeletesAndRecreatesWithoutLosingPods) {
  std::string old_uid = api_.Peek(kube::StatefulSets("demo", "web"))["metadata"]["uid"];
  std::vector<UndoRecord> journal_at_delete;
  api_.on_delete = [&](const kube::ResourceRef& ref, const kube::Json&) {
    if (ref.resource == "statefulsets") {
      journal_at_delete = JournalOnDisk(path_);
    }
  };
  auto step = StepFrom("    - fault: sts-volume-expansion\n      params: {size: 128Mi, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("sts-volume-expansion")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();

  // Order: claims patched, then the StatefulSet deleted, then created again.
  std::vector<std::string> writes;
  for (const auto& c : api_.calls) {
    if (c.rfind("patch", 0) == 0 || c.rfind("delete", 0) == 0 || c.rfind("create", 0) == 0) {
      writes.push_back(c);
    }
  }
  EXPECT_EQ(writes, (std::vector<std::string>{
                        "patch persistentvolumeclaims/demo/data-web-0", "patch persistentvolumeclaims/demo/data-web-1",
                        "patch persistentvolumeclaims/demo/data-web-2", "delete statefulsets/demo/web",
                        "create statefulsets/demo/"}));
  // The original StatefulSet was on disk, stripped, before the delete.
  ASSERT_EQ(journal_at_delete.size(), 2u);
  EXPECT_EQ(journal_at_delete[0].action["kind"], "none");
  const auto& ensure = journal_at_delete[1].action;
  EXPECT_EQ(ensure["kind"], "ensure-object");
  EXPECT_EQ(ensure["ref"]["name"], "web");
  EXPECT_FALSE(ensure["object"]["metadata"].contains("uid"));
  EXPECT_FALSE(ensure["object"]["metadata"].contains("resourceVersion"));
  EXPECT_FALSE(ensure["object"]["metadata"].contains("managedFields"));
  EXPECT_FALSE(ensure["object"].contains("status"));
  EXPECT_EQ(ensure["object"]["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "64Mi");
  // Recreated with the larger template; the ensure record is done.
  auto now = api_.Peek(kube::StatefulSets("demo", "web"));
  EXPECT_NE(now["metadata"]["uid"], old_uid);
  EXPECT_EQ(now["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "128Mi");
  EXPECT_TRUE(Journal::Open(path_)->Pending().empty());
  // No pod was deleted.
  for (const auto& [pod, uid] : pod_uids_) {
    EXPECT_EQ(api_.Peek(kube::Pods("demo", pod))["metadata"]["uid"], uid) << pod;
    EXPECT_EQ(r->properties.at(pod + ".uid"), uid);
  }
  EXPECT_EQ(r->properties.at("template.size"), "64Mi -> 128Mi");
  EXPECT_EQ(api_.Peek(kube::Pvcs("demo", "data-web-1"))["status"]["capacity"]["storage"], "128Mi");
}

// web-twin's pods carry app=web as web's do, and its "web-3" even has a name
// web's controller would use: they are not web's pods to keep (the recreated
// web never adopts them), and web-twin's unready pod does not hold up the wait.
TEST_F(StsVolumeExpansionTest, ForeignPodsWithTheTargetsLabelsAreNotTheTargetsPodsToKeep) {
  testing::PutTwinPods(api_);  // web-twin-1 is not Ready
  std::string web3_uid = testing::PutForeignWeb3(api_);
  auto step = StepFrom("    - fault: sts-volume-expansion\n      params: {size: 128Mi, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("sts-volume-expansion")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_NE(Log().find("pods that must survive: 3"), std::string::npos) << Log();
  ASSERT_FALSE(r->details.empty());
  EXPECT_NE(r->details[0].find("all 3 pods kept their UIDs"), std::string::npos) << r->details[0];
  for (const auto& [key, value] : r->properties) {
    EXPECT_TRUE(key.find("web-3") == std::string::npos && key.find("web-twin") == std::string::npos) << key;
  }
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-3"))["metadata"]["uid"], web3_uid);
}

TEST_F(StsVolumeExpansionTest, TheDeleteOrphansThePods) {
  // The fake records verbs only; check the options through a wrapper API.
  class OptionsApi : public kube::KubeApi {
   public:
    explicit OptionsApi(testing::FakeKubeApi& f) : f_(f) {}
    Result<kube::Json> Get(const kube::ResourceRef& r) override { return f_.Get(r); }
    Result<kube::Json> List(const kube::ResourceRef& r, const kube::ListOptions& o) override { return f_.List(r, o); }
    Result<kube::Json> Create(const kube::ResourceRef& r, const kube::Json& b) override { return f_.Create(r, b); }
    Result<kube::Json> Patch(const kube::ResourceRef& r, kube::PatchType t, const std::string& b,
                             const kube::PatchOptions& o) override {
      return f_.Patch(r, t, b, o);
    }
    Result<kube::Json> Replace(const kube::ResourceRef& r, const kube::Json& b) override { return f_.Replace(r, b); }
    Status Delete(const kube::ResourceRef& r, const kube::DeleteOptions& o) override {
      deletes.push_back({r.resource + "/" + r.name, o});
      return f_.Delete(r, o);
    }
    Status Evict(const std::string& ns, const std::string& pod, const kube::DeleteOptions& o) override {
      return f_.Evict(ns, pod, o);
    }
    Status Watch(const kube::ResourceRef& r, const kube::WatchOptions& o, const kube::WatchHandler& h,
                 std::stop_token s) override {
      return f_.Watch(r, o, h, s);
    }
    Result<kube::RawResponse> GetRaw(const std::string& path) override { return f_.GetRaw(path); }
    std::string DefaultNamespace() const override { return "demo"; }
    std::string ServerUrl() const override { return "https://fake.invalid"; }
    std::vector<std::pair<std::string, kube::DeleteOptions>> deletes;

   private:
    testing::FakeKubeApi& f_;
  };
  OptionsApi api(api_);
  std::string old_uid = api_.Peek(kube::StatefulSets("demo", "web"))["metadata"]["uid"];
  auto spec = cluster::ReadStatefulSet(api_.Peek(kube::StatefulSets("demo", "web")));
  FaultContext ctx{api, Exec(), &*journal_, clock_, rng_, "demo", spec, [](const std::string&) {}, {}};
  auto r = MakeFault("sts-volume-expansion")->Inject(ctx, StepFrom("    - fault: sts-volume-expansion\n"
                                                                   "      params: {increase: 1Gi, timeout: 10s}\n"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(api.deletes.size(), 1u);
  EXPECT_EQ(api.deletes[0].first, "statefulsets/web");
  EXPECT_EQ(api.deletes[0].second.propagation_policy, "Orphan");
  EXPECT_EQ(api.deletes[0].second.precondition_uid, old_uid);
}

TEST_F(StsVolumeExpansionTest, AFailedRecreateIsRepairedByReplayingTheJournal) {
  api_.inject_errors["create"] = {Error(ErrorCode::kServerError, "etcd hiccup")};
  auto step = StepFrom("    - fault: sts-volume-expansion\n      params: {size: 128Mi, timeout: 10s}\n");
  auto ctx = Ctx();
  auto r = MakeFault("sts-volume-expansion")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("recreates the original"), std::string::npos) << r.error().message;
  EXPECT_TRUE(api_.Peek(kube::StatefulSets("demo", "web")).is_null());
  // What `kdrill recover` does: replay the pending records, newest first.
  auto j = Journal::Open(path_);
  ASSERT_TRUE(j);
  auto pending = j->Pending();
  ASSERT_EQ(pending.size(), 1u);
  auto done = ExecuteUndo(pending[0].action, api_, exec_, clock_, {});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_NE(done->find("recreated"), std::string::npos) << *done;
  auto back = api_.Peek(kube::StatefulSets("demo", "web"));
  ASSERT_FALSE(back.is_null());
  EXPECT_EQ(back["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"], "64Mi");
  // Replaying again leaves the object alone.
  auto again = ExecuteUndo(pending[0].action, api_, exec_, clock_, {});
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, "present, left alone");
}

TEST_F(StsVolumeExpansionTest, RefusesANonExpandableClassBeforeTouchingAnything) {
  PutStorageClass("standard", false);
  auto ctx = Ctx();
  auto r = MakeFault("sts-volume-expansion")->Inject(ctx, StepFrom("    - fault: sts-volume-expansion\n"
                                                                   "      params: {size: 128Mi}\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("StorageClass standard does not allow volume expansion"), std::string::npos)
      << r.error().message;
  EXPECT_TRUE(JournalOnDisk(path_).empty());
  EXPECT_FALSE(api_.Peek(kube::StatefulSets("demo", "web")).is_null());
  for (const auto& c : api_.calls) {
    EXPECT_EQ(c.rfind("delete", 0), std::string::npos) << c;
    EXPECT_EQ(c.rfind("patch", 0), std::string::npos) << c;
  }
}

TEST_F(StsVolumeExpansionTest, RefusesToShrinkTheTemplate) {
  auto ctx = Ctx();
  auto r = MakeFault("sts-volume-expansion")->Inject(ctx, StepFrom("    - fault: sts-volume-expansion\n"
                                                                   "      params: {size: 64Mi}\n"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cannot shrink"), std::string::npos) << r.error().message;
  EXPECT_TRUE(JournalOnDisk(path_).empty());
}

}  // namespace
}  // namespace kdrill::faults
