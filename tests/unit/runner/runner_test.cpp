// The whole drill flow against the in-memory API and a fake StatefulSet
// controller: healthy kill passes; a recreated claim fails same-pvc naming
// both UIDs; cleanup replays the journal; scope rules refuse before acting.

#include "harness/runner/runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "harness/undo/journal.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/settling_test_clock.h"
#include "tests/unit/runner/drill_fixture.h"

namespace kdrill {
namespace {

using testing::FakeKubeApi;
using testing::FakePodExecutor;
using testing::FakeStatefulSet;

const char* kDrillHead = R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: t
spec:
  target:
    namespace: demo
    statefulSet: web
  settleTimeout: 5s
)";

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kdrill-runner-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    sts_.Create();
    sts_.PlayController();
    exec_.volume_of = [this](const std::string&, const std::string& pod) { return sts_.ClaimUidOf(pod); };
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RunOutcome Run(const std::string& body, RunOptions opts = {}) {
    opts.journal_dir = dir_.string();
    opts.out = [this](const std::string& line) { lines_.push_back(line); };
    Runner runner(api_, exec_, clock_, opts);
    return runner.Run(testing::ParseOrDie(std::string(kDrillHead) + body));
  }

  const reports::CaseResult* Find(const RunOutcome& o, const std::string& name) {
    for (const auto& c : o.report.cases) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }

  std::filesystem::path dir_;
  FakeKubeApi api_;
  FakeStatefulSet sts_{api_, {}};
  FakePodExecutor exec_;
  // The reflectors feed the drill's Timeline from their threads: time moves
  // on only when they have gone quiet, so every timeout runs out at once.
  testing::SettlingTestClock clock_;
  std::vector<std::string> lines_;
};

TEST_F(RunnerTest, HealthyPodKillPassesAndLeavesNothingPending) {
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true}
    - wait: statefulset-settled
      timeout: 5s
  assertions:
    - type: stable-identity
      params: {dns: false, endpointSlices: false}  # DNS and slices: stable_identity_test
    - type: same-pvc
)");
  for (const auto& c : o.report.cases) {
    EXPECT_NE(c.outcome, reports::Outcome::kFailed) << c.name << ": " << c.message << "\n" << c.details;
    EXPECT_NE(c.outcome, reports::Outcome::kError) << c.name << ": " << c.message << "\n" << c.details;
  }
  EXPECT_EQ(o.end, RunEnd::kPassed);
  const auto* kill = Find(o, "pod-kill #1");
  ASSERT_NE(kill, nullptr);
  EXPECT_EQ(kill->properties.at("victims"), "web-1");
  // The kill deleted exactly the incarnation it printed.
  bool deleted = false;
  for (const auto& call : api_.calls) deleted |= call == "delete pods/demo/web-1";
  EXPECT_TRUE(deleted);
  auto j = Journal::Open(o.journal_path);
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->Ended());
  EXPECT_TRUE(j->Pending().empty());
  // The marker undo names the claim, so a recover that finds the pod being
  // replaced waits for it instead of giving up (the file is on the claim).
  int marker_undos = 0;
  for (const auto& r : j->Records()) {
    if (r.action.value("kind", "") == "exec") {
      ++marker_undos;
      EXPECT_EQ(r.action.value("claim", ""), "data-" + r.action.value("pod", "")) << r.action.dump();
    }
  }
  EXPECT_EQ(marker_undos, 3);
  // Markers were removed from every volume.
  for (const auto& [vol, files] : exec_.volumes) EXPECT_TRUE(files.empty()) << vol;
  // The timeline saw the pod go and come back.
  int deletes = 0;
  for (const auto& e : o.report.timeline) {
    if (e.kind == "Pod" && e.event == "DELETED" && e.name == "demo/web-1") ++deletes;
  }
  EXPECT_EQ(deletes, 1);
}

// The writer pod of spec.workload: its log is served by on_get_raw, its
// stop and final read are exec'd in it; every other exec goes to the fake.
class WorkloadExec : public PodExecutor {
 public:
  explicit WorkloadExec(PodExecutor& rest) : rest_(rest) {}
  std::string read = "1\n2\n3\n";
  std::vector<std::string> writer_calls;
  Result<ExecResult> Exec(const ExecRequest& req) override {
    if (req.pod.rfind("kdrill-writer-", 0) != 0) return rest_.Exec(req);
    writer_calls.push_back(req.argv.back());
    if (req.argv.back().find("touch '/kdrill/stop'") != std::string::npos) return ExecResult{0, "", ""};
    return ExecResult{0, read, ""};
  }

 private:
  PodExecutor& rest_;
};

class RunnerWorkloadTest : public RunnerTest {
 protected:
  RunOutcome RunWithWorkload(const std::string& read, const std::string& destination = "host: 1") {
    api_.on_get_raw = [](const std::string& path) -> Result<kube::RawResponse> {
      if (path.find("/pods/kdrill-writer-") == std::string::npos) return kube::RawResponse{404, "", ""};
      return kube::RawResponse{200, "text/plain",
                               "2026-12-07T10:00:00.000Z ack 1\n2026-12-07T10:00:00.200Z ack 2\n"
                               "2026-12-07T10:00:00.400Z unknown 3 rc=2 server closed the connection\n"
                               "2026-12-07T10:00:02.000Z ack 4\n"};
    };
    workload_exec_.read = read;
    RunOptions opts;
    opts.journal_dir = dir_.string();
    opts.out = [this](const std::string& line) { lines_.push_back(line); };
    Runner runner(api_, workload_exec_, clock_, opts);
    return runner.Run(testing::ParseOrDie(std::string(kDrillHead) + R"(  workload:
    client: postgres
    )" + destination + R"(
    image: localhost/postgres:lab  # the fake StatefulSet's containers have none
    warmUp: 0s
  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true}
  assertions:
    - type: acknowledged-writes
    - type: max-unavailability
      params: {max: 5s}
)"));
  }

  size_t CallIndex(const std::string& prefix) const {
    for (size_t i = 0; i < api_.calls.size(); ++i) {
      if (api_.calls[i].rfind(prefix, 0) == 0) return i;
    }
    return api_.calls.size();
  }

  WorkloadExec workload_exec_{exec_};
};

TEST_F(RunnerWorkloadTest, TheWriterRunsAroundTheStepsAndItsWritesAreJudged) {
  auto o = RunWithWorkload("1\n2\n4\n");
  const auto* acked = Find(o, "acknowledged-writes");
  ASSERT_NE(acked, nullptr);
  EXPECT_EQ(acked->outcome, reports::Outcome::kPassed) << acked->message;
  EXPECT_EQ(acked->properties.at("workload.acknowledged"), "3");
  EXPECT_EQ(acked->properties.at("workload.host"), "web-1.web");
  const auto* unavail = Find(o, "max-unavailability");
  ASSERT_NE(unavail, nullptr);
  EXPECT_EQ(unavail->outcome, reports::Outcome::kPassed) << unavail->message;
  EXPECT_EQ(o.end, RunEnd::kPassed);
  EXPECT_EQ(o.report.properties.at("workload.lost"), "0");
  // Created before the first fault, stopped and read after it, deleted at cleanup.
  size_t created = CallIndex("create pods/demo");
  size_t killed = CallIndex("delete pods/demo/web-1");
  size_t removed = CallIndex("delete pods/demo/kdrill-writer-");
  ASSERT_LT(created, api_.calls.size());
  EXPECT_LT(created, killed);
  EXPECT_LT(killed, removed);
  ASSERT_EQ(workload_exec_.writer_calls.size(), 2u);
  EXPECT_NE(workload_exec_.writer_calls[0].find("touch '/kdrill/stop'"), std::string::npos);
  auto j = Journal::Open(o.journal_path);
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->Pending().empty());
}

TEST_F(RunnerWorkloadTest, WithAServiceTheWriterWritesToItsName) {
  std::string host;
  auto before = api_.on_write;  // the fake controller's hook, if it has one
  api_.on_write = [&host, before](const kube::ResourceRef& ref, const kube::Json& obj) {
    if (before) before(ref, obj);
    if (ref.resource == "pods" && obj.value("metadata", kube::Json::object()).value("name", "").rfind("kdrill-writer-", 0) == 0) {
      host = obj["spec"]["containers"][0]["env"][0].value("value", "");
    }
  };
  auto o = RunWithWorkload("1\n2\n4\n", "service: cache");
  EXPECT_EQ(host, "cache");
  const auto* acked = Find(o, "acknowledged-writes");
  ASSERT_NE(acked, nullptr);
  EXPECT_EQ(acked->properties.at("workload.host"), "cache");
  EXPECT_EQ(o.end, RunEnd::kPassed);
}

TEST_F(RunnerWorkloadTest, AnAcknowledgedWriteMissingBreaksTheDrill) {
  auto o = RunWithWorkload("1\n2\n");
  const auto* acked = Find(o, "acknowledged-writes");
  ASSERT_NE(acked, nullptr);
  EXPECT_EQ(acked->outcome, reports::Outcome::kFailed);
  EXPECT_NE(acked->message.find("lost: ids 4"), std::string::npos) << acked->message;
  EXPECT_EQ(o.end, RunEnd::kBroken);
}

// The host pod of an in-pod client (sh-append): kdrill's own execs append
// to, read and remove its records file; every other exec goes to the fake.
// Thread-safe: the writes come from the writer's thread.
class AppendExec : public PodExecutor {
 public:
  explicit AppendExec(PodExecutor& rest) : rest_(rest) {}
  Result<ExecResult> Exec(const ExecRequest& req) override {
    const std::string script = req.argv.size() > 2 ? req.argv[2] : "";
    if (script.find("kdrill-writes") == std::string::npos) return rest_.Exec(req);
    std::lock_guard lock(mu_);
    calls.push_back(req.pod + " " + (script.find("rm -f") != std::string::npos   ? "rm"
                                     : script.find("cat ") != std::string::npos  ? "cat"
                                     : script.find("touch") != std::string::npos ? "touch"
                                                                                 : "write"));
    if (calls.back().ends_with(" rm")) {
      file.clear();
      return ExecResult{0, "", ""};
    }
    if (calls.back().ends_with(" cat")) {
      std::string out;
      for (auto id : file) {
        if (!(lose_first && id == 1)) out += std::to_string(id) + "\n";
      }
      return ExecResult{0, out, ""};
    }
    if (calls.back().ends_with(" touch")) return ExecResult{0, "", ""};
    file.push_back(std::stoll(req.argv.at(4)));
    return ExecResult{0, "ack " + req.argv.at(4) + "\n", ""};
  }
  std::mutex mu_;
  std::vector<std::string> calls;
  std::vector<std::int64_t> file;
  bool lose_first = false;

 private:
  PodExecutor& rest_;
};

class RunnerInPodWorkloadTest : public RunnerTest {
 protected:
  RunOutcome RunWithAppends() {
    RunOptions opts;
    opts.journal_dir = dir_.string();
    opts.out = [this](const std::string& line) { lines_.push_back(line); };
    Runner runner(api_, append_exec_, clock_, opts);
    return runner.Run(testing::ParseOrDie(std::string(kDrillHead) + R"(  workload:
    client: sh-append
    host: 1
    dir: /data
    warmUp: 1s
  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true}
  assertions:
    - type: acknowledged-writes
)"));
  }
  AppendExec append_exec_{exec_};
};

TEST_F(RunnerInPodWorkloadTest, KdrillAppendsInTheHostPodAroundTheStepsAndRemovesTheFileAtCleanup) {
  auto o = RunWithAppends();
  const auto* acked = Find(o, "acknowledged-writes");
  ASSERT_NE(acked, nullptr);
  EXPECT_EQ(acked->outcome, reports::Outcome::kPassed) << acked->message;
  EXPECT_EQ(acked->properties.at("workload.client"), "sh-append");
  EXPECT_EQ(acked->properties.at("workload.host"), "web-1:/data");
  EXPECT_EQ(o.end, RunEnd::kPassed);
  // No writer pod: kdrill's own execs, all in web-1: prepare, writes, the
  // final read, and the journaled removal last.
  for (const auto& call : api_.calls) EXPECT_NE(call.rfind("create pods/demo", 0), 0u) << call;
  std::lock_guard lock(append_exec_.mu_);
  const auto& calls = append_exec_.calls;
  ASSERT_GE(calls.size(), 4u);
  EXPECT_EQ(calls.front(), "web-1 touch");
  EXPECT_EQ(calls[calls.size() - 2], "web-1 cat");
  EXPECT_EQ(calls.back(), "web-1 rm");
  EXPECT_GE(std::count(calls.begin(), calls.end(), "web-1 write"), 2);
  auto j = Journal::Open(o.journal_path);
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->Pending().empty());
}

TEST_F(RunnerInPodWorkloadTest, AnAppendMissingFromTheFileBreaksTheDrill) {
  append_exec_.lose_first = true;
  auto o = RunWithAppends();
  const auto* acked = Find(o, "acknowledged-writes");
  ASSERT_NE(acked, nullptr);
  EXPECT_EQ(acked->outcome, reports::Outcome::kFailed);
  EXPECT_NE(acked->message.find("lost: ids 1 "), std::string::npos) << acked->message;
  EXPECT_EQ(o.end, RunEnd::kBroken);
}

TEST_F(RunnerTest, RecreatedClaimFailsSamePvcNamingBothUids) {
  std::string old_uid = api_.Peek(kube::Pvcs("demo", "data-web-1"))["metadata"]["uid"];
  auto o = Run(R"(  steps:
    - fault: pvc-delete
      target: {ordinals: [1]}
    - wait: statefulset-settled
      timeout: 5s
  assertions:
    - type: stable-identity
      params: {dns: false, endpointSlices: false}  # DNS and slices: stable_identity_test
    - type: same-pvc
)");
  std::string new_uid = api_.Peek(kube::Pvcs("demo", "data-web-1"))["metadata"]["uid"];
  ASSERT_NE(old_uid, new_uid);
  const auto* same = Find(o, "same-pvc");
  ASSERT_NE(same, nullptr);
  EXPECT_EQ(same->outcome, reports::Outcome::kFailed);
  EXPECT_NE(same->message.find(old_uid), std::string::npos) << same->message;
  EXPECT_NE(same->message.find(new_uid), std::string::npos) << same->message;
  EXPECT_NE(same->message.find("marker"), std::string::npos) << same->message;
  EXPECT_EQ(Find(o, "stable-identity")->outcome, reports::Outcome::kPassed);
  EXPECT_EQ(o.end, RunEnd::kBroken);
}

TEST_F(RunnerTest, SelectorMatchingNothingIsAnErrorNotAPass) {
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {selector: "app=nothing-here"}
  assertions:
    - type: stable-identity
      params: {dns: false, endpointSlices: false}  # DNS and slices: stable_identity_test
)");
  const auto* kill = Find(o, "pod-kill #1");
  ASSERT_NE(kill, nullptr);
  EXPECT_EQ(kill->outcome, reports::Outcome::kError);
  EXPECT_NE(kill->message.find("matches no live pod"), std::string::npos) << kill->message;
  EXPECT_NE(o.end, RunEnd::kPassed);
  for (const auto& call : api_.calls) EXPECT_EQ(call.rfind("delete pods", 0), std::string::npos) << call;
}

TEST_F(RunnerTest, KdrillsOwnCallsAreCountedPerPhase) {
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true}
    - wait: statefulset-settled
      timeout: 5s
  assertions:
    - type: same-pvc
)");
  EXPECT_EQ(o.end, RunEnd::kPassed);
  const auto& stats = o.report.api_stats;
  ASSERT_TRUE(stats.is_object()) << stats.dump();
  std::vector<std::string> phases;
  int sum = 0;
  for (const auto& p : stats["phases"]) {
    phases.push_back(p["phase"].get<std::string>());
    sum += p["requests"].get<int>();
  }
  EXPECT_EQ(phases, (std::vector<std::string>{"setup", "settle", "baseline", "steps", "assertions", "cleanup"}));
  // Every call the fake API answered is one counted request (watches apart).
  int answered = 0;
  for (const auto& call : api_.calls) answered += call.starts_with("watch ") ? 0 : 1;
  EXPECT_EQ(stats["total"]["requests"].get<int>(), answered);
  EXPECT_EQ(sum, answered);
  EXPECT_GT(stats["total"]["watches"].get<int>(), 0);
  // The kill is a delete during the steps; the markers are execs.
  const auto& steps = stats["phases"][3];
  EXPECT_GE(steps["byVerb"]["delete"].get<int>(), 1) << steps.dump();
  EXPECT_GT(stats["total"]["execs"].get<int>(), 0);
}

TEST_F(RunnerTest, ProtectedNamespaceIsRefusedBeforeAnyRequest) {
  RunOptions opts;
  opts.ns_override = "kube-system";
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)", opts);
  EXPECT_EQ(o.end, RunEnd::kRefused);
  EXPECT_TRUE(api_.calls.empty());
  ASSERT_FALSE(o.report.cases.empty());
  EXPECT_NE(o.report.cases[0].message.find("--allow-namespace kube-system"), std::string::npos);
}

TEST_F(RunnerTest, SetupObjectsAreCreatedAndRemovedInReverse) {
  auto o = Run(R"(  setup:
    - inline: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: drill-config
        data: {a: b}
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
  assertions:
    - type: stable-identity
      params: {dns: false, endpointSlices: false}  # DNS and slices: stable_identity_test
)");
  EXPECT_EQ(o.end, RunEnd::kPassed);
  bool created = false, deleted = false;
  for (const auto& call : api_.calls) {
    created |= call == "create configmaps/demo/";
    deleted |= call == "delete configmaps/demo/drill-config";
  }
  EXPECT_TRUE(created);
  EXPECT_TRUE(deleted);
  EXPECT_TRUE(api_.Peek({"v1", "configmaps", "demo", "drill-config", {}}).is_null());
}

TEST_F(RunnerTest, SetupOutsideTheNamespaceIsRefused) {
  auto o = Run(R"(  setup:
    - inline: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: elsewhere
          namespace: other
  steps:
    - fault: pod-kill
      target: {ordinals: [0]}
)");
  EXPECT_EQ(o.end, RunEnd::kRefused);
  EXPECT_TRUE(api_.calls.empty());
}

TEST_F(RunnerTest, WaitTimeoutFailsWithDiagnosisAndSkipsTheRest) {
  // Pods come back not Ready: the controller hook recreates them unready.
  api_.on_delete = [this](const kube::ResourceRef& ref, const kube::Json&) {
    if (ref.resource != "pods") return;
    api_.Put(kube::Pods("demo"), sts_.MakePod(1, false));
    sts_.UpdateStatus();
  };
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
    - wait: pod-ready
      timeout: 2s
      params: {ordinal: 1}
    - fault: pod-kill
      target: {ordinals: [0]}
  assertions:
    - type: stable-identity
      params: {dns: false, endpointSlices: false}  # DNS and slices: stable_identity_test
)");
  const auto* wait = Find(o, "wait pod-ready #2");
  ASSERT_NE(wait, nullptr) << "cases: " << o.report.cases.size();
  EXPECT_EQ(wait->outcome, reports::Outcome::kFailed);
  EXPECT_NE(wait->details.find("web-1"), std::string::npos) << wait->details;
  EXPECT_EQ(Find(o, "pod-kill #3")->outcome, reports::Outcome::kSkipped);
  EXPECT_EQ(Find(o, "stable-identity")->outcome, reports::Outcome::kFailed);
  EXPECT_EQ(o.end, RunEnd::kBroken);
}

TEST_F(RunnerTest, SeedIsReportedAndReproducesTheRandomChoice) {
  std::string body = R"(  steps:
    - fault: pod-kill
      target: {random: 1}
)";
  RunOptions opts;
  opts.seed = 7;
  auto a = Run(body, opts);
  auto b = Run(body, opts);
  EXPECT_EQ(a.report.seed, 7u);
  EXPECT_EQ(Find(a, "pod-kill #1")->properties.at("victims"), Find(b, "pod-kill #1")->properties.at("victims"));
}

}  // namespace
}  // namespace kdrill

namespace kdrill {
namespace {

TEST_F(RunnerTest, SettledWaitDoesNotPassOnStaleStatusAfterAKill) {
  // The controller never reacts: the StatefulSet's status still says 3/3
  // Ready, but web-1 is gone. The wait must not pass on that stale status.
  api_.on_delete = nullptr;
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
    - wait: statefulset-settled
      timeout: 2s
)");
  const auto* wait = Find(o, "wait statefulset-settled #2");
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->outcome, reports::Outcome::kFailed);
  EXPECT_NE(wait->details.find("web-1 absent"), std::string::npos) << wait->details;
}

}  // namespace
}  // namespace kdrill

namespace kdrill {
namespace {

// --step: the runner asks before each step, shows what the step is about to
// do (the victims its random choice will pick), and honours the answer.
TEST_F(RunnerTest, StepModeShowsTheResolvedStepAndHonoursSkipAndRun) {
  std::vector<StepPreview> asked;
  std::vector<std::string> told;
  RunOptions opts;
  opts.seed = 11;
  opts.before_step = [&](const StepPreview& p) {
    asked.push_back(p);
    return p.index == 1 ? StepAnswer::kSkip : StepAnswer::kRun;
  };
  opts.after_step = [&](const StepPreview& p, const reports::CaseResult& c) {
    told.push_back(p.name + "=" + reports::OutcomeName(c.outcome));
  };
  auto o = Run(R"(  steps:
    - name: first
      fault: pod-kill
      target: {ordinals: [0]}
      explain: web-0 would go.
    - name: second
      fault: pod-kill
      target: {random: 1}
      params: {force: true}
    - wait: statefulset-settled
      timeout: 5s
)",
               opts);
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0].index, 1);
  EXPECT_EQ(asked[0].total, 3);
  EXPECT_EQ(asked[0].explain, "web-0 would go.");
  EXPECT_THAT(asked[0].what, ::testing::StartsWith("pod-kill on ordinals [0]"));
  EXPECT_THAT(asked[0].plan, ::testing::Contains("victims: web-0"));
  EXPECT_THAT(asked[0].plan, ::testing::Contains(::testing::StartsWith("web-0 mounts claim data-web-0")));
  EXPECT_THAT(asked[2].what, ::testing::StartsWith("wait for "));
  // The skipped step changed nothing; the second acted on the victim its preview named.
  EXPECT_EQ(Find(o, "first")->outcome, reports::Outcome::kSkipped);
  EXPECT_EQ(Find(o, "first")->message, "skipped at the --step prompt");
  int deletes = 0;
  for (const auto& call : api_.calls) deletes += call.rfind("delete pods/", 0) == 0;
  EXPECT_EQ(deletes, 1) << "only the second step deletes a pod";
  const auto* second = Find(o, "second");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->outcome, reports::Outcome::kPassed) << second->message;
  EXPECT_THAT(asked[1].plan, ::testing::Contains("victims: " + second->properties.at("victims")));
  EXPECT_THAT(told, ::testing::ElementsAre("first=skipped", "second=passed", "wait statefulset-settled #3=passed"));
  EXPECT_EQ(o.end, RunEnd::kPassed);
}

TEST_F(RunnerTest, StepModeQuitRunsNothingMoreAndCleansUp) {
  std::stop_source stop;
  RunOptions opts;
  opts.stop = stop.get_token();
  int asked = 0;
  opts.before_step = [&](const StepPreview& p) {
    ++asked;
    if (p.index == 2) {
      stop.request_stop();  // what the CLI does on q
      return StepAnswer::kQuit;
    }
    return StepAnswer::kRun;
  };
  auto o = Run(R"(  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true}
    - name: never
      fault: pod-kill
      target: {ordinals: [2]}
    - name: later
      wait: statefulset-settled
  assertions:
    - type: stable-identity
      params: {dns: false, endpointSlices: false}
)",
               opts);
  EXPECT_EQ(asked, 2);
  // No guarantee was checked: the report says so, never "passed".
  ASSERT_NE(Find(o, "stable-identity"), nullptr);
  EXPECT_EQ(Find(o, "stable-identity")->outcome, reports::Outcome::kSkipped);
  EXPECT_EQ(Find(o, "stable-identity")->message, "not checked: the run was stopped before its checks");
  EXPECT_EQ(o.report.properties.at("end"), "interrupted");
  EXPECT_EQ(Find(o, "never")->outcome, reports::Outcome::kSkipped);
  EXPECT_EQ(Find(o, "never")->message, "not run: stopped at the --step prompt");
  EXPECT_EQ(Find(o, "later")->outcome, reports::Outcome::kSkipped);
  for (const auto& call : api_.calls) EXPECT_NE(call, "delete pods/demo/web-2") << "a step after q acted";
  EXPECT_EQ(o.end, RunEnd::kInterrupted);
  auto j = Journal::Open(o.journal_path);
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->Pending().empty());  // cleanup ran
}

}  // namespace
}  // namespace kdrill
