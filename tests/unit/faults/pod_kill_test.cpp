#include <gtest/gtest.h>

#include "harness/core/clock.h"
#include "harness/faults/fault.h"
#include "harness/faults/victims.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/runner/drill_fixture.h"

namespace kdrill::faults {
namespace {

using testing::FakeKubeApi;

drill::Step StepFrom(const std::string& step_yaml) {
  auto d = testing::ParseOrDie(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
)") + step_yaml);
  return d.steps.empty() ? drill::Step{} : d.steps[0];
}

class PodKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sts_.Create();
    std::filesystem::path p = std::filesystem::temp_directory_path() /
                              ("kdrill-podkill-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".journal");
    std::filesystem::remove(p);
    path_ = p.string();
    journal_.emplace(std::move(*Journal::Create(path_, {"r", "", "", "", "", ""})));
  }
  void TearDown() override { std::filesystem::remove(path_); }

  FaultContext Ctx() {
    auto spec = cluster::ReadStatefulSet(api_.Peek(kube::StatefulSets("demo", "web")));
    return FaultContext{api_, exec_, &*journal_, clock_, rng_, "demo", spec,
                        [this](const std::string& l) { log_.push_back(l); }, {}};
  }

  FakeKubeApi api_;
  testing::FakeStatefulSet sts_{api_, {}};
  testing::FakePodExecutor exec_;
  RealClock clock_;
  std::mt19937_64 rng_{42};
  std::string path_;
  std::optional<Journal> journal_;
  std::vector<std::string> log_;
};

TEST_F(PodKillTest, ForcedKillDeletesWithGraceZeroAndUidPrecondition) {
  auto step = StepFrom("    - fault: pod-kill\n      target: {ordinals: [2]}\n      params: {force: true}\n");
  std::string uid = api_.Peek(kube::Pods("demo", "web-2"))["metadata"]["uid"];
  auto fault = MakeFault("pod-kill");
  auto ctx = Ctx();
  auto r = fault->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->victims, std::vector<std::string>{"web-2"});
  EXPECT_TRUE(api_.Peek(kube::Pods("demo", "web-2")).is_null());
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_[0].find("web-2"), std::string::npos);  // printed before acting
  EXPECT_NE(log_[0].find("forced"), std::string::npos);
  // The journal got a record before the delete, and nothing is left pending.
  auto j = Journal::Open(path_);
  ASSERT_TRUE(j);
  ASSERT_EQ(j->Records().size(), 1u);
  EXPECT_TRUE(j->Pending().empty());
  (void)uid;
}

TEST_F(PodKillTest, MissingOrdinalIsAnError) {
  auto step = StepFrom("    - fault: pod-kill\n      target: {ordinals: [7]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pod-kill")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("ordinal 7"), std::string::npos) << r.error().message;
  EXPECT_EQ(api_.Count(kube::Pods("demo")), 3u);
}

TEST_F(PodKillTest, RandomChoiceDependsOnlyOnTheSeed) {
  auto step = StepFrom("    - fault: pod-kill\n      target: {random: 2}\n");
  auto ctx = Ctx();
  auto plan1 = MakeFault("pod-kill")->Plan(ctx, step);
  rng_.seed(42);
  auto plan2 = MakeFault("pod-kill")->Plan(ctx, step);
  ASSERT_TRUE(plan1 && plan2);
  EXPECT_EQ(plan1->victims.size(), 2u);
  EXPECT_EQ(plan1->victims, plan2->victims);
  EXPECT_EQ(api_.Count(kube::Pods("demo")), 3u);  // plan touches nothing
}

TEST_F(PodKillTest, TooManyRandomVictimsIsAnError) {
  auto step = StepFrom("    - fault: pod-kill\n      target: {random: 4}\n");
  auto ctx = Ctx();
  auto r = MakeFault("pod-kill")->Plan(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("only 3 live pods"), std::string::npos) << r.error().message;
}

// Ownership decides identity, not labels: web-twin's pods carry app=web as
// web's do, and its pod "web-3" even has a name web's controller would use.
// Neither is ever a victim, whatever the target asks for.
TEST_F(PodKillTest, NeverKillsAForeignPodThatCarriesTheTargetsLabels) {
  auto twin_uids = testing::PutTwinPods(api_);
  std::string web3_uid = testing::PutForeignWeb3(api_);
  auto ctx = Ctx();
  auto random = MakeFault("pod-kill")->Plan(ctx, StepFrom("    - fault: pod-kill\n      target: {random: 4}\n"));
  ASSERT_FALSE(random);
  EXPECT_NE(random.error().message.find("has only 3 live pods"), std::string::npos) << random.error().message;
  auto third = MakeFault("pod-kill")->Inject(ctx, StepFrom("    - fault: pod-kill\n      target: {ordinals: [3]}\n"));
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("ordinal 3 of StatefulSet demo/web has no live pod (pods now: web-0, web-1, "
                                       "web-2)"),
            std::string::npos)
      << third.error().message;
  auto selected = MakeFault("pod-kill")->Plan(
      ctx, StepFrom("    - fault: pod-kill\n      target: {selector: 'apps.kubernetes.io/pod-index=3'}\n"));
  ASSERT_FALSE(selected);  // only web-twin's "web-3" carries pod-index 3
  EXPECT_NE(selected.error().message.find("matches no live pod of StatefulSet demo/web"), std::string::npos)
      << selected.error().message;
  auto all = MakeFault("pod-kill")->Inject(ctx, StepFrom("    - fault: pod-kill\n      target: {all: true}\n"));
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->victims, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  EXPECT_EQ(all->deleted_pod_uids.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    std::string name = "web-twin-" + std::to_string(i);
    EXPECT_EQ(api_.Peek(kube::Pods("demo", name))["metadata"]["uid"], twin_uids[i]) << name;
  }
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-3"))["metadata"]["uid"], web3_uid);
  for (const auto& c : api_.calls) {
    EXPECT_TRUE(c.find("delete pods/demo/web-twin") == std::string::npos && c != "delete pods/demo/web-3") << c;
  }
}

TEST_F(PodKillTest, ValidateRejectsContradictoryParamsWithLocation) {
  RegistryCatalog catalog;
  auto d = drill::ParseDrill(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true, gracePeriodSeconds: 5}
)",
                             "k.yaml", catalog, {});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("k.yaml:9:"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("force"), std::string::npos) << d.error().message;
}

}  // namespace
}  // namespace kdrill::faults
