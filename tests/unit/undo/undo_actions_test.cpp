// The undo action kinds added for the volume and StatefulSet-spec faults:
// ensure-object, restore-fields and exec with a claim. Each is idempotent.

#include "harness/undo/undo_actions.h"

#include <gtest/gtest.h>

#include "harness/undo/undo_object_actions.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill {
namespace {

using testing::FakeKubeApi;
using testing::FakePodExecutor;

class UndoActionsTest : public ::testing::Test {
 protected:
  void SetUp() override { sts_.Create(); }
  Result<std::string> Run(const nlohmann::json& action) { return ExecuteUndo(action, api_, exec_, clock_, {}); }

  FakeKubeApi api_;
  testing::KubeTestClock clock_;  // waits run out at once, on this clock
  testing::FakeStatefulSet sts_{api_, {}};
  FakePodExecutor exec_;
};

TEST(WithFieldsTest, SetsAndRemovesPointers) {
  nlohmann::json obj = {{"spec", {{"a", 1}, {"b", {{"c", 2}}}}}};
  auto out = WithFields(obj, {{"/spec/a", 5}, {"/spec/b/c", nullptr}, {"/spec/d", {{"e", true}}}});
  EXPECT_EQ(out, (nlohmann::json{{"spec", {{"a", 5}, {"b", nlohmann::json::object()}, {"d", {{"e", true}}}}}}));
  EXPECT_EQ(WithFields(obj, {{"/spec/zz", nullptr}}), obj);  // removing an absent field is a no-op
}

TEST_F(UndoActionsTest, EnsureObjectCreatesOnlyWhenAbsent) {
  nlohmann::json action = {{"kind", "ensure-object"},
                           {"ref", RefToJson(kube::StatefulSets("demo", "db"))},
                           {"object",
                            {{"apiVersion", "apps/v1"},
                             {"kind", "StatefulSet"},
                             {"metadata", {{"name", "db"}}},
                             {"spec", {{"replicas", 2}}}}}};
  auto first = Run(action);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->rfind("recreated", 0), 0u) << *first;
  auto created = api_.Peek(kube::StatefulSets("demo", "db"));
  EXPECT_EQ(created["spec"]["replicas"], 2);
  // Replaying is harmless: the object (now with other content) is left alone.
  created["spec"]["replicas"] = 7;
  api_.Put(kube::StatefulSets("demo"), created);
  auto second = Run(action);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "present, left alone");
  EXPECT_EQ(api_.Peek(kube::StatefulSets("demo", "db"))["spec"]["replicas"], 7);
}

TEST_F(UndoActionsTest, RestoreFieldsPutsBackTheTemplateAndWaitsForSettled) {
  auto sts = api_.Peek(kube::StatefulSets("demo", "web"));
  nlohmann::json original = {{"metadata", {{"labels", {{"app", "web"}}}}}};
  sts["spec"]["template"] = {{"metadata", {{"labels", {{"app", "web"}}}, {"annotations", {{"x", "y"}}}}}};
  sts["spec"]["updateStrategy"] = {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 2}}}};
  api_.Put(kube::StatefulSets("demo"), sts);
  nlohmann::json action = {{"kind", "restore-fields"},
                           {"ref", RefToJson(kube::StatefulSets("demo", "web"))},
                           {"fields", {{"/spec/template", original}, {"/spec/updateStrategy", nullptr}}},
                           {"settleSeconds", 5}};
  auto r = Run(action);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "restored; settled");
  auto now = api_.Peek(kube::StatefulSets("demo", "web"));
  EXPECT_EQ(now["spec"]["template"], original);
  EXPECT_FALSE(now["spec"].contains("updateStrategy"));
  bool replaced = false;
  for (const auto& c : api_.calls) {
    replaced |= c == "replace statefulsets/demo/web";
  }
  EXPECT_TRUE(replaced);
  auto again = Run(action);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, "already as recorded; settled");
}

TEST_F(UndoActionsTest, RestoreFieldsRetriesAConflictAndToleratesAMissingObject) {
  api_.inject_errors["replace"] = {Error(ErrorCode::kConflict, "the object has been modified")};
  nlohmann::json action = {{"kind", "restore-fields"},
                           {"ref", RefToJson(kube::StatefulSets("demo", "web"))},
                           {"fields", {{"/spec/replicas", 3}, {"/spec/minReadySeconds", 4}}}};
  auto r = Run(action);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "restored");
  EXPECT_EQ(api_.Peek(kube::StatefulSets("demo", "web"))["spec"]["minReadySeconds"], 4);
  action["ref"]["name"] = "gone";
  auto gone = Run(action);
  ASSERT_TRUE(gone);
  EXPECT_EQ(*gone, "already gone");
}

TEST_F(UndoActionsTest, RestoreFieldsTimesOutWhenTheStatefulSetDoesNotSettle) {
  auto sts = api_.Peek(kube::StatefulSets("demo", "web"));
  sts["status"]["readyReplicas"] = 1;
  api_.Put(kube::StatefulSets("demo"), sts);
  nlohmann::json action = {{"kind", "restore-fields"},
                           {"ref", RefToJson(kube::StatefulSets("demo", "web"))},
                           {"fields", {{"/spec/minReadySeconds", 1}}},
                           {"settleSeconds", 1}};
  const auto begin = clock_.Now();
  auto r = Run(action);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTimeout);
  EXPECT_GE(clock_.Now() - begin, std::chrono::seconds(1));  // it waited out settleSeconds on the clock
  EXPECT_NE(r.error().message.find("1/3 ready"), std::string::npos) << r.error().message;
}

TEST_F(UndoActionsTest, ExecWithAClaimRemovesTheFileFromTheVolume) {
  exec_.volume_of = [this](const std::string&, const std::string& pod) { return sts_.ClaimUidOf(pod); };
  std::string vol = sts_.ClaimUidOf("web-1");
  exec_.volumes[vol]["/data/.kdrill-fill-x"] = "zeros";
  nlohmann::json action = {{"kind", "exec"},       {"namespace", "demo"},
                           {"pod", "web-1"},       {"container", "app"},
                           {"argv", {"rm", "-f", "/data/.kdrill-fill-x"}},
                           {"claim", "data-web-1"}, {"podReadySeconds", 5}};
  auto r = Run(action);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, "restored");
  EXPECT_TRUE(exec_.volumes[vol].empty());
  ASSERT_TRUE(Run(action));  // again: rm -f of an absent file
}

TEST_F(UndoActionsTest, ExecWithAClaimCountsAGoneClaimAsRestoredButWaitsForAMissingPod) {
  exec_.volume_of = [](const std::string&, const std::string&) { return std::string(); };  // no pod answers
  nlohmann::json action = {{"kind", "exec"},       {"namespace", "demo"},
                           {"pod", "web-1"},       {"argv", {"rm", "-f", "/data/f"}},
                           {"claim", "data-web-1"}, {"podReadySeconds", 1}};
  // The pod is gone but the claim still exists, so the file still exists:
  // the undo waits for the pod and fails when it does not come back.
  ASSERT_TRUE(api_.Delete(kube::Pods("demo", "web-1"), {}));
  const auto begin = clock_.Now();
  auto waiting = Run(action);
  ASSERT_FALSE(waiting);
  EXPECT_GE(clock_.Now() - begin, std::chrono::seconds(1));  // it waited podReadySeconds on the clock
  EXPECT_NE(waiting.error().message.find("still holds the file"), std::string::npos) << waiting.error().message;
  // The claim is gone: its files went with it.
  ASSERT_TRUE(api_.Delete(kube::Pvcs("demo", "data-web-1"), {}));
  auto r = Run(action);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(r->find("claim data-web-1 gone"), std::string::npos) << *r;
}

TEST_F(UndoActionsTest, ExecWithADamagedArgvIsAnErrorNotAThrow) {
  for (const nlohmann::json& argv : {nlohmann::json("rm -f /data/f"), nlohmann::json::array({"rm", 5}),
                                     nlohmann::json(nullptr)}) {
    nlohmann::json action = {{"kind", "exec"}, {"namespace", "demo"}, {"pod", "web-1"}, {"argv", argv}};
    auto r = Run(action);
    ASSERT_FALSE(r) << argv.dump();
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("no argv"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace kdrill
