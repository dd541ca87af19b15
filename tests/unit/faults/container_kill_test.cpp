// container-kill against the in-memory API and a scripted executor that
// plays the kernel and the kubelet: a signal PID 1 handles restarts the
// container in place (restartCount + 1, same UID); one it does not handle is
// dropped.

#include <gtest/gtest.h>

#include <set>

#include "harness/faults/container_signal.h"
#include "harness/faults/fault.h"
#include "harness/faults/restart_wait.h"
#include "tests/fakes/foreign_pods.h"
#include "tests/unit/faults/fault_fixture.h"

namespace kdrill::faults {
namespace {

using testing::StepFrom;

// PID 1 of the busybox shell the lab runs: handles INT, TERM (and CHLD).
constexpr const char* kShellStatus = "Name:\tsh\nPid:\t1\nSigIgn:\t0000000000000004\nSigCgt:\t0000000000014002\n";

class ScriptedExecutor : public PodExecutor {
 public:
  explicit ScriptedExecutor(testing::FakeKubeApi& api) : api_(api) {}
  Result<ExecResult> Exec(const ExecRequest& req) override {
    calls.push_back(req);
    if (req.argv == std::vector<std::string>{"cat", "/proc/1/status"}) return ExecResult{0, proc_status, ""};
    if (req.argv.size() == 4 && req.argv[0] == "kill") {
      if (on_kill) on_kill(req);
      uint64_t mask = CaughtSignalMask(proc_status).value_or(0);
      if (Catches(mask, SignalNumber(req.argv[2]))) {
        auto pod = api_.Peek(kube::Pods(req.ns, req.pod));
        if (!pod.is_null()) {
          auto& cs = pod["status"]["containerStatuses"][0];
          cs["restartCount"] = cs.value("restartCount", 0) + 1;
          api_.Put(kube::Pods(req.ns), pod);
        }
      }
      return ExecResult{0, "", ""};
    }
    return ExecResult{127, "", "sh: not found"};
  }
  std::string proc_status = kShellStatus;
  std::function<void(const ExecRequest&)> on_kill;
  std::vector<ExecRequest> calls;

 private:
  testing::FakeKubeApi& api_;
};

class ContainerKillTest : public testing::FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    exec_ = &scripted_;
    for (int i = 0; i < 3; ++i) {
      auto pod = api_.Peek(kube::Pods("demo", "web-" + std::to_string(i)));
      pod["status"]["containerStatuses"] = {{{"name", "app"}, {"restartCount", 2}, {"state", {{"running", {}}}}}};
      api_.Put(kube::Pods("demo"), pod);
    }
  }
  ScriptedExecutor scripted_{api_};
};

TEST_F(ContainerKillTest, TermRestartsTheContainerInPlace) {
  std::string uid = api_.Peek(kube::Pods("demo", "web-1"))["metadata"]["uid"];
  auto step = StepFrom("    - fault: container-kill\n      target: {ordinals: [1]}\n      params: {signal: sigterm}\n");
  auto ctx = Ctx();
  auto r = MakeFault("container-kill")->Inject(ctx, step);
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(r->victims, std::vector<std::string>{"web-1"});
  EXPECT_EQ(r->properties.at("restartCount"), "web-1:2->3");
  EXPECT_EQ(r->properties.at("signal"), "TERM");
  EXPECT_EQ(r->properties.at("container"), "app");
  EXPECT_TRUE(r->deleted_pod_uids.empty());
  EXPECT_EQ(api_.Peek(kube::Pods("demo", "web-1"))["metadata"]["uid"], uid);
  ASSERT_EQ(scripted_.calls.size(), 2u);
  EXPECT_EQ(scripted_.calls[1].argv, (std::vector<std::string>{"kill", "-s", "TERM", "1"}));
  EXPECT_EQ(scripted_.calls[1].container, "app");
  EXPECT_LT(LogIndex("victims: web-1 (container app, restartCount 2"), LogIndex("sent SIGTERM"));
  // Journaled (nothing to restore) before the kill, and done.
  ASSERT_EQ(journal_->Records().size(), 1u);
  EXPECT_EQ(journal_->Records()[0].action["kind"], "none");
  EXPECT_TRUE(journal_->Pending().empty());
}

TEST_F(ContainerKillTest, TheUndoRecordIsOnDiskWhenTheKillRuns) {
  size_t records_at_kill = 99;
  scripted_.on_kill = [&](const ExecRequest&) { records_at_kill = Journal::Open(path_)->Records().size(); };
  auto step = StepFrom("    - fault: container-kill\n      target: {ordinals: [0]}\n");
  auto ctx = Ctx();
  ASSERT_TRUE(MakeFault("container-kill")->Inject(ctx, step));
  EXPECT_EQ(records_at_kill, 1u);
}

TEST_F(ContainerKillTest, KillIsRefusedBecausePidOneNeverReceivesIt) {
  auto step = StepFrom("    - fault: container-kill\n      target: {ordinals: [1]}\n      params: {signal: KILL}\n");
  auto ctx = Ctx();
  auto r = MakeFault("container-kill")->Inject(ctx, step);
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  EXPECT_EQ(r.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(m.find("test.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("no handler for SIGKILL (it handles: TERM, INT)"), std::string::npos) << m;
  EXPECT_NE(m.find("SIGKILL can never be handled"), std::string::npos) << m;
  EXPECT_NE(m.find("use signal: TERM"), std::string::npos) << m;
  EXPECT_EQ(scripted_.calls.size(), 1u);  // only the read of /proc/1/status
  EXPECT_TRUE(journal_->Records().empty());
}

TEST_F(ContainerKillTest, APidOneWithNoHandlersIsRefusedWithTheFix) {
  scripted_.proc_status = "Name:\tsleep\nSigCgt:\t0000000000000000\n";
  auto step = StepFrom("    - fault: container-kill\n      target: {ordinals: [1]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("container-kill")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("use pod-kill"), std::string::npos) << r.error().message;
}

TEST_F(ContainerKillTest, AnUnknownContainerIsAnErrorListingTheContainers) {
  auto step =
      StepFrom("    - fault: container-kill\n      target: {ordinals: [1]}\n      params: {container: sidecar}\n");
  auto ctx = Ctx();
  auto r = MakeFault("container-kill")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("has no container \"sidecar\"; its containers: app"), std::string::npos)
      << r.error().message;
  EXPECT_TRUE(scripted_.calls.empty());
}

TEST_F(ContainerKillTest, AReplacedPodIsNotARestart) {
  scripted_.on_kill = [&](const ExecRequest& req) {
    ASSERT_TRUE(api_.Delete(kube::Pods(req.ns, req.pod), {}));
  };
  auto step = StepFrom("    - fault: container-kill\n      target: {ordinals: [2]}\n");
  auto ctx = Ctx();
  auto r = MakeFault("container-kill")->Inject(ctx, step);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("replaced, not restarted"), std::string::npos) << r.error().message;
}

// web-twin's pods carry app=web as web's do, and its "web-3" even has a name
// web's controller would use: no signal ever reaches them, and a twin's
// container restarting is not the victim's restart.
TEST_F(ContainerKillTest, NeverSignalsAForeignPodThatCarriesTheTargetsLabels) {
  testing::PutTwinPods(api_);
  testing::PutForeignWeb3(api_);
  scripted_.on_kill = [&](const ExecRequest&) {  // the twin restarts too, at the same moment
    auto twin = api_.Peek(kube::Pods("demo", "web-twin-1"));
    twin["status"]["containerStatuses"][0]["restartCount"] = 7;
    api_.Put(kube::Pods("demo"), twin);
  };
  auto ctx = Ctx();
  auto third =
      MakeFault("container-kill")->Inject(ctx, StepFrom("    - fault: container-kill\n      target: {ordinals: [3]}\n"));
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("ordinal 3 of StatefulSet demo/web has no live pod"), std::string::npos)
      << third.error().message;
  EXPECT_TRUE(scripted_.calls.empty());
  auto r =
      MakeFault("container-kill")->Inject(ctx, StepFrom("    - fault: container-kill\n      target: {all: true}\n"));
  ASSERT_TRUE(r) << r.error().message << "\n" << Joined();
  EXPECT_EQ(r->victims, (std::vector<std::string>{"web-0", "web-1", "web-2"}));
  EXPECT_EQ(r->properties.at("restartCount"), "web-0:2->3,web-1:2->3,web-2:2->3");
  std::set<std::string> execed;
  for (const auto& c : scripted_.calls) execed.insert(c.pod);
  EXPECT_EQ(execed, (std::set<std::string>{"web-0", "web-1", "web-2"}));
}

TEST_F(ContainerKillTest, ValidateRejectsAnUnknownSignalAtItsLocation) {
  RegistryCatalog catalog;
  auto d = drill::ParseDrill(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
    - fault: container-kill
      target: {ordinals: [1]}
      params:
        signal: USR1
)",
                             "c.yaml", catalog, {});
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("c.yaml:10:"), std::string::npos) << d.error().message;
  EXPECT_NE(d.error().message.find("TERM, KILL, INT, HUP"), std::string::npos) << d.error().message;
}

TEST_F(ContainerKillTest, PlanTouchesNothingAndExecsNothing) {
  auto step = StepFrom("    - fault: container-kill\n      target: {random: 2}\n");
  auto ctx = Ctx(/*with_journal=*/false);
  auto plan = MakeFault("container-kill")->Plan(ctx, step);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->victims.size(), 2u);
  EXPECT_NE(plan->actions[0].find("exec `kill -s TERM 1` in container app"), std::string::npos) << plan->actions[0];
  EXPECT_TRUE(Writes().empty());
  EXPECT_TRUE(scripted_.calls.empty());
}

TEST(ContainerSignalTest, NamesAndMasks) {
  EXPECT_EQ(NormalizeSignalName("sigterm"), "TERM");
  EXPECT_EQ(NormalizeSignalName("Hup"), "HUP");
  EXPECT_EQ(NormalizeSignalName("USR1"), std::nullopt);
  auto mask = CaughtSignalMask(kShellStatus);
  ASSERT_TRUE(mask);
  EXPECT_TRUE(Catches(*mask, SignalNumber("TERM")));
  EXPECT_TRUE(Catches(*mask, SignalNumber("INT")));
  EXPECT_FALSE(Catches(*mask, SignalNumber("KILL")));
  EXPECT_FALSE(Catches(*mask, SignalNumber("HUP")));
  EXPECT_EQ(CaughtNames(*mask), "TERM, INT");
  EXPECT_EQ(CaughtSignalMask("Name: x\n"), std::nullopt);
}

}  // namespace
}  // namespace kdrill::faults
