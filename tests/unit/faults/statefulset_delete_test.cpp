// statefulset-delete against the fake API, with the test playing the garbage
// collector and the StatefulSet controller: background deletes the pods and
// the claims the StatefulSet owned before the recreate; orphan keeps the pods
// for adoption; the original is journaled before the delete and a failed
// recreate is repaired by replaying the journal.

#include <gtest/gtest.h>

#include <algorithm>

#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"
#include "harness/undo/undo_actions.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/volume_fault_fixture.h"

namespace kdrill::faults {
namespace {

using voltest::JournalOnDisk;
using voltest::StepFrom;

class StatefulSetDeleteTest : public voltest::VolumeFaultTest {
 protected:
  void SetUp() override {
    VolumeFaultTest::SetUp();
    old_uid_ = api_.Peek(kube::StatefulSets("demo", "web"))["metadata"]["uid"];
    for (int i = 0; i < 3; ++i) {
      std::string pod = cluster::PodName("web", i);
      Own(kube::Pods("demo", pod), old_uid_);
      pod_uids_[pod] = api_.Peek(kube::Pods("demo", pod))["metadata"]["uid"];
    }
    // The garbage collector: Background deletes what the StatefulSet owned
    // (claims only while claims_go); Orphan removes the owner references.
    // What another owner holds is left alone.
    api_.on_delete = [this](const kube::ResourceRef& ref, const kube::Json&) {
      if (ref.resource != "statefulsets") return;
      journal_at_delete_ = JournalOnDisk(path_);
      bool orphan = api_.delete_options.back().propagation_policy == "Orphan";
      for (const auto& coll : {kube::Pods("demo"), kube::Pvcs("demo")}) {
        const kube::Json list = *api_.List(coll, {});
        for (const auto& obj : list["items"]) {
          std::string name = obj["metadata"]["name"];
          if (obj.value("/metadata/ownerReferences/0/uid"_json_pointer, std::string()) != old_uid_) continue;
          if (orphan) {
            kube::Json o = obj;
            o["metadata"].erase("ownerReferences");
            api_.Put(coll, o);
          } else if (coll.resource == "pods" || claims_go_) {
            ResourceRefNamed(coll, name);
          }
        }
      }
    };
    // The controller: a created StatefulSet adopts the pods there are and
    // creates the missing ones; then it is settled.
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) {
      if (ref.resource != "statefulsets" || !ref.name.empty()) return;
      std::string uid = obj["metadata"]["uid"];
      for (int i = 0; i < 3; ++i) {
        auto pod = api_.Peek(kube::Pods("demo", cluster::PodName("web", i)));
        if (pod.is_null()) pod = sts_.MakePod(i, true);
        pod["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "web"}, {"uid", uid}, {"controller", true}}};
        api_.Put(kube::Pods("demo"), pod);
      }
      kube::Json sts = obj;
      sts["metadata"]["generation"] = 1;
      sts["status"] = {{"observedGeneration", 1}, {"replicas", 3}, {"readyReplicas", 3}, {"updatedReplicas", 3},
                       {"currentRevision", "r1"}, {"updateRevision", "r1"}};
      api_.Put(kube::StatefulSets("demo"), sts);
    };
  }

  void Own(const kube::ResourceRef& ref, const std::string& uid) {
    auto obj = api_.Peek(ref);
    obj["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "web"}, {"uid", uid}, {"controller", true}}};
    kube::ResourceRef coll = ref;
    coll.name.clear();
    api_.Put(coll, obj);
  }
  void ResourceRefNamed(kube::ResourceRef coll, const std::string& name) {
    coll.name = name;
    (void)api_.Delete(coll, {});
  }
  Result<FaultResult> Inject(const std::string& params) {
    auto ctx = Ctx();
    return MakeFault("statefulset-delete")->Inject(ctx, StepFrom("    - fault: statefulset-delete\n" + params));
  }

  std::string old_uid_;
  std::map<std::string, std::string> pod_uids_;
  std::vector<UndoRecord> journal_at_delete_;
  bool claims_go_ = true;
};

TEST_F(StatefulSetDeleteTest, BackgroundDeletesThePodsThenRecreatesTheStatefulSet) {
  // whenDeleted: Delete put the StatefulSet's owner reference on its claims.
  for (int i = 0; i < 3; ++i) Own(kube::Pvcs("demo", cluster::ClaimName("data", "web", i)), old_uid_);
  auto r = Inject("      params: {timeout: 10s}\n");
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  ASSERT_EQ(api_.delete_options.size(), 1u + 3u + 3u);  // the StatefulSet, then (by the GC) pods and claims
  EXPECT_EQ(api_.delete_options[0].propagation_policy, "Background");
  EXPECT_EQ(api_.delete_options[0].precondition_uid, old_uid_);
  // The original was on disk, stripped, before the delete; done after the recreate.
  ASSERT_EQ(journal_at_delete_.size(), 1u);
  const auto& ensure = journal_at_delete_[0].action;
  EXPECT_EQ(ensure["kind"], "ensure-object");
  EXPECT_EQ(ensure["ref"]["name"], "web");
  EXPECT_FALSE(ensure["object"]["metadata"].contains("uid"));
  EXPECT_FALSE(ensure["object"].contains("status"));
  EXPECT_TRUE(Journal::Open(path_)->Pending().empty());
  auto now = api_.Peek(kube::StatefulSets("demo", "web"));
  EXPECT_NE(now["metadata"]["uid"], old_uid_);
  EXPECT_EQ(r->properties.at("cascade"), "background");
  EXPECT_EQ(r->properties.at("pods.replaced"), "3");
  EXPECT_EQ(r->properties.at("statefulset.uid"), old_uid_ + " -> " + now["metadata"]["uid"].get<std::string>());
  EXPECT_EQ(r->deleted_pod_uids.size(), 3u);
  for (const auto& [pod, uid] : pod_uids_) {
    EXPECT_NE(api_.Peek(kube::Pods("demo", pod))["metadata"]["uid"], uid) << pod;
  }
  EXPECT_EQ(r->victims, (std::vector<std::string>{"statefulset/web"}));
}

TEST_F(StatefulSetDeleteTest, OrphanKeepsThePodsForTheNewStatefulSetToAdopt) {
  auto r = Inject("      params: {cascade: orphan, timeout: 10s}\n");
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_EQ(api_.delete_options.at(0).propagation_policy, "Orphan");
  EXPECT_EQ(api_.delete_options.size(), 1u) << "no pod was deleted";
  EXPECT_EQ(r->properties.at("pods.replaced"), "0");
  EXPECT_TRUE(r->deleted_pod_uids.empty());
  std::string new_uid = api_.Peek(kube::StatefulSets("demo", "web"))["metadata"]["uid"];
  for (const auto& [pod, uid] : pod_uids_) {
    auto p = api_.Peek(kube::Pods("demo", pod));
    EXPECT_EQ(p["metadata"]["uid"], uid) << pod;
    EXPECT_EQ(p["metadata"]["ownerReferences"][0]["uid"], new_uid) << pod;
  }
}

// web-twin's pods carry app=web as web's do, and its "web-3" even has a name
// web's controller would use: they are not the deleted StatefulSet's pods,
// whichever the cascade, and web-twin's unready pod does not hold up the wait.
TEST_F(StatefulSetDeleteTest, ForeignPodsWithTheTargetsLabelsAreNotTheDeletedStatefulSetsPods) {
  auto twin_uids = testing::PutTwinPods(api_);  // web-twin-1 is not Ready
  twin_uids.push_back(testing::PutForeignWeb3(api_));
  const std::vector<std::string> foreign = {"web-twin-0", "web-twin-1", "web-twin-2", "web-3"};
  for (const std::string cascade : {"background", "orphan"}) {
    SCOPED_TRACE(cascade);
    log_.clear();
    auto r = Inject("      params: {cascade: " + cascade + ", timeout: 10s}\n");
    ASSERT_TRUE(r) << r.error().message << "\n" << Log();
    EXPECT_NE(Log().find(", 3 pods, "), std::string::npos) << Log();
    EXPECT_EQ(r->properties.at("pods.replaced"), cascade == "orphan" ? "0" : "3");
    EXPECT_EQ(r->deleted_pod_uids.size(), cascade == "orphan" ? 0u : 3u);
    for (size_t i = 0; i < foreign.size(); ++i) {
      auto pod = api_.Peek(kube::Pods("demo", foreign[i]));
      EXPECT_EQ(pod["metadata"]["uid"], twin_uids[i]) << foreign[i];
      EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["name"], "web-twin") << foreign[i];
      EXPECT_EQ(std::count(r->deleted_pod_uids.begin(), r->deleted_pod_uids.end(), twin_uids[i]), 0) << foreign[i];
    }
    for (const auto& d : r->details) {
      EXPECT_TRUE(d.find("web-twin") == std::string::npos && d.find("web-3") == std::string::npos) << d;
    }
    // The next round deletes the StatefulSet just recreated.
    old_uid_ = api_.Peek(kube::StatefulSets("demo", "web"))["metadata"]["uid"];
  }
}

TEST_F(StatefulSetDeleteTest, AClaimThatStaysIsReportedAndTheStatefulSetRecreatedAnyway) {
  Own(kube::Pvcs("demo", "data-web-2"), old_uid_);
  claims_go_ = false;  // e.g. another pod mounts it: pvc-protection holds it
  const auto begin = clock_.Now();
  auto r = Inject("      params: {timeout: 1s}\n");
  ASSERT_TRUE(r) << r.error().message << "\n" << Log();
  EXPECT_GE(clock_.Now() - begin, std::chrono::seconds(1));  // it waited the timeout out on the clock
  ASSERT_GE(r->details.size(), 2u);
  EXPECT_EQ(r->details[1], "claims of the deleted StatefulSet web still present after 1s: data-web-2");
  EXPECT_FALSE(api_.Peek(kube::StatefulSets("demo", "web")).is_null());
}

TEST_F(StatefulSetDeleteTest, AFailedRecreateIsRepairedByReplayingTheJournal) {
  api_.inject_errors["create"] = {Error(ErrorCode::kServerError, "etcd hiccup")};
  auto r = Inject("      params: {cascade: orphan, timeout: 10s}\n");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cleanup (or kdrill recover) recreates it"), std::string::npos)
      << r.error().message;
  EXPECT_TRUE(api_.Peek(kube::StatefulSets("demo", "web")).is_null());
  auto pending = Journal::Open(path_)->Pending();
  ASSERT_EQ(pending.size(), 1u);
  auto done = ExecuteUndo(pending[0].action, api_, exec_, clock_, {});
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_NE(done->find("recreated"), std::string::npos) << *done;
  EXPECT_FALSE(api_.Peek(kube::StatefulSets("demo", "web")).is_null());
}

TEST_F(StatefulSetDeleteTest, ParamsAndTargetAreChecked) {
  auto f = MakeFault("statefulset-delete");
  RegistryCatalog catalog;
  auto bad = drill::ParseDrill(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: statefulset-delete
      params: {cascade: foreground, timeot: 1s}
)",
                               "d.yaml", catalog, {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "d.yaml:8:37: spec.steps[0].params: unknown param \"timeot\" for statefulset-delete params (did you mean \"timeout\"?); "
            "accepted params: \"cascade\", \"timeout\"");
  auto cascade = f->Validate(StepFrom("    - fault: statefulset-delete\n      params: {cascade: orphan}\n"));
  EXPECT_TRUE(cascade) << cascade.error().message;
  drill::Step foreground = StepFrom("    - fault: statefulset-delete\n");
  foreground.params = drill::Params(kube::Json{{"cascade", "foreground"}}, {"d.yaml", 8, 7},
                                    {{"cascade", {"d.yaml", 8, 16}}});
  auto refused = f->Validate(foreground);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "d.yaml:8:16: cascade: must be background or orphan (as kubectl delete --cascade), got \"foreground\"");
  drill::Step targeted = StepFrom("    - fault: statefulset-delete\n");
  targeted.target.kind = drill::VictimSelector::Kind::kOrdinals;
  targeted.target.ordinals = {0};
  targeted.target.location = {"d.yaml", 8, 15};
  auto target = f->Validate(targeted);
  ASSERT_FALSE(target);
  EXPECT_EQ(target.error().message, "d.yaml:8:15: statefulset-delete acts on the whole StatefulSet; remove target");
  EXPECT_TRUE(f->Validate(StepFrom("    - fault: statefulset-delete\n")));
  // Plan changes nothing.
  auto ctx = Ctx();
  auto plan = f->Plan(ctx, StepFrom("    - fault: statefulset-delete\n      params: {cascade: orphan}\n"));
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->actions.size(), 2u);
  EXPECT_NE(plan->actions[0].find("with propagationPolicy Orphan (pods keep running); claims follow its whenDeleted "
                                  "Retain"),
            std::string::npos)
      << plan->actions[0];
  EXPECT_TRUE(api_.delete_options.empty());
}

}  // namespace
}  // namespace kdrill::faults
