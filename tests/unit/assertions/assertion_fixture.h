#pragma once
// Assertions under test against a hand-written Timeline: a StatefulSet demo/web
// (selector app=web) whose pods, StatefulSet status and fault markers a test
// records at chosen instants (the clock advances only when the test says),
// a baseline and final Snapshot built by hand, a journal in a temp file and
// an AssertionContext that collects log lines.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "assertions/assertion.h"
#include "harness/undo/journal.h"
#include "harness/watch/timeline.h"
#include "tests/fakes/fake_exec_batch.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_clock.h"

namespace kdrill::testing {

struct PodState {
  bool running = true;
  bool ready = true;
  bool terminating = false;
  std::string revision = "rev1";
  bool owned = true;
  std::optional<int> pod_index;  // label apps.kubernetes.io/pod-index
  std::string node = "node-a";
  std::string ip = "10.0.0.1";
};

inline kube::Json MakeTimelinePod(const std::string& name, const std::string& uid, const PodState& s) {
  kube::Json p = {{"apiVersion", "v1"},
                  {"kind", "Pod"},
                  {"metadata",
                   {{"name", name},
                    {"namespace", "demo"},
                    {"uid", uid},
                    {"labels", {{"app", "web"}, {"controller-revision-hash", s.revision}}}}},
                  {"spec", {{"nodeName", s.node}, {"hostname", name}, {"containers", {{{"name", "web"}}}}}},
                  {"status",
                   {{"phase", s.running ? "Running" : "Pending"},
                    {"podIP", s.ip},
                    {"conditions", {{{"type", "Ready"}, {"status", s.ready ? "True" : "False"}}}}}}};
  if (s.owned) p["metadata"]["ownerReferences"] = {{{"kind", "StatefulSet"}, {"name", "web"}, {"controller", true}}};
  if (s.terminating) p["metadata"]["deletionTimestamp"] = "2024-05-01T00:00:00Z";
  if (s.pod_index) p["metadata"]["labels"]["apps.kubernetes.io/pod-index"] = std::to_string(*s.pod_index);
  return p;
}

struct StsStatus {
  int replicas = 3;
  int ready = 3;
  int updated = 3;
  std::string current = "rev1";
  std::string update = "rev1";
};

inline kube::Json MakeTimelineSts(const StsStatus& s, const std::string& policy = "OrderedReady") {
  return {{"apiVersion", "apps/v1"},
          {"kind", "StatefulSet"},
          {"metadata", {{"name", "web"}, {"namespace", "demo"}, {"generation", 1}}},
          {"spec",
           {{"replicas", s.replicas},
            {"serviceName", "web"},
            {"podManagementPolicy", policy},
            {"selector", {{"matchLabels", {{"app", "web"}}}}}}},
          {"status",
           {{"observedGeneration", 1},
            {"replicas", s.replicas},
            {"readyReplicas", s.ready},
            {"updatedReplicas", s.updated},
            {"currentRevision", s.current},
            {"updateRevision", s.update}}}};
}

// A PodExecutor answering from a function (argv -> result). A batch
// (harness/exec/exec_batch.h) is answered part by part; with no_shell the
// container has no sh, so a batch cannot run (its parts alone still can).
class ScriptedExecutor : public PodExecutor {
 public:
  std::function<ExecResult(const ExecRequest&)> answer = [](const ExecRequest&) { return ExecResult{127, "", "not scripted"}; };
  std::vector<ExecRequest> calls;     // every exec; a batch is one
  std::vector<ExecRequest> commands;  // every command answered; a batch's parts one by one
  bool no_shell = false;
  Result<ExecResult> Exec(const ExecRequest& req) override {
    calls.push_back(req);
    if (no_shell && ParseBatchArgv(req.argv)) return NoShell(req);
    auto one = [this](const ExecRequest& part) -> Result<ExecResult> {
      commands.push_back(part);
      return answer(part);
    };
    if (auto batch = AnswerBatch(req, one)) return *batch;
    return one(req);
  }
};

class AssertionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("kdrill-assert-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".journal"))
                .string();
    std::filesystem::remove(path_);
    journal_.emplace(std::move(*Journal::Create(path_, {"r", "", "", "", "", ""})));
    baseline_ = SnapshotOf(3);
    final_ = SnapshotOf(3);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // A snapshot of web with `replicas` Ready pods web-0.. (uids "u<i>").
  cluster::Snapshot SnapshotOf(int replicas, const std::string& policy = "OrderedReady") {
    cluster::Snapshot s;
    s.statefulset = MakeTimelineSts({replicas, replicas, replicas}, policy);
    s.spec = cluster::ReadStatefulSet(s.statefulset);
    for (int i = 0; i < replicas; ++i) {
      cluster::OrdinalState o;
      o.ordinal = i;
      o.pod = "web-" + std::to_string(i);
      o.pod_exists = true;
      o.uid = "u" + std::to_string(i);
      o.phase = "Running";
      o.ready = true;
      o.ip = "10.0.0." + std::to_string(10 + i);
      o.hostname = o.pod;
      o.owned = true;
      PodState st;
      st.ip = o.ip;
      o.object = MakeTimelinePod(o.pod, o.uid, st);
      s.ordinals[i] = o;
    }
    return s;
  }

  void At(double seconds) {
    auto now = std::chrono::duration<double>(clock_.Now() - start_).count();
    if (seconds > now) {
      clock_.Advance(std::chrono::milliseconds(static_cast<long>((seconds - now) * 1000)));
    }
  }
  void Pod(double t, const std::string& type, const std::string& name, const std::string& uid, PodState s = {}) {
    At(t);
    timeline_.RecordObject("Pod", type, MakeTimelinePod(name, uid, s));
  }
  void Sts(double t, const StsStatus& s, const std::string& policy = "OrderedReady") {
    At(t);
    timeline_.RecordObject("StatefulSet", "MODIFIED", MakeTimelineSts(s, policy));
  }
  // The three Ready pods web-0..2 (uids u0..u2) and the StatefulSet, as the initial list.
  void InitialState(const std::string& policy = "OrderedReady") {
    timeline_.RecordObject("StatefulSet", "SYNC", MakeTimelineSts({}, policy));
    for (int i = 0; i < 3; ++i) {
      timeline_.RecordObject("Pod", "SYNC", MakeTimelinePod("web-" + std::to_string(i), "u" + std::to_string(i), {}));
    }
  }
  void Fault(double t, const std::string& step, const std::string& fault, std::vector<std::string> deleted = {}) {
    At(t);
    timeline_.Mark("fault", "inject", step, fault);
    timeline_.Mark("fault", "done", step, "victims", {{"fault", fault}, {"victims", kube::Json::array()},
                                                      {"deletedPodUids", deleted}});
  }

  drill::AssertionSpec Spec(const std::string& type, kube::Json params = kube::Json::object()) {
    drill::AssertionSpec s;
    s.type = type;
    s.name = type;
    s.params = drill::Params(std::move(params), {}, {});
    return s;
  }

  assertions::AssertionContext Ctx(const drill::AssertionSpec& spec, bool prepare = false) {
    return assertions::AssertionContext{api_,
                                        *exec_,
                                        &*journal_,
                                        spec,
                                        baseline_,
                                        prepare ? nullptr : &final_,
                                        timeline_,
                                        "run1",
                                        [this](const std::string& l) { log_.push_back(l); },
                                        stop_.get_token(),
                                        &clock_};
  }

  // Validate, then Check with the final snapshot.
  assertions::Verdict Run(const std::string& type, kube::Json params = kube::Json::object()) {
    auto spec = Spec(type, std::move(params));
    auto a = assertions::MakeAssertion(type);
    EXPECT_NE(a, nullptr) << type;
    if (!a) return {};
    auto valid = a->Validate(spec);
    EXPECT_TRUE(valid) << (valid ? "" : valid.error().message);
    auto ctx = Ctx(spec);
    return a->Check(ctx);
  }

  FakeKubeApi api_;
  ScriptedExecutor default_exec_;
  PodExecutor* exec_ = &default_exec_;
  KubeTestClock clock_;
  MonoTime start_ = clock_.Now();
  Timeline timeline_{clock_};
  std::stop_source stop_;
  std::string path_;
  std::optional<Journal> journal_;
  cluster::Snapshot baseline_;
  cluster::Snapshot final_;
  std::vector<std::string> log_;
};

}  // namespace kdrill::testing
