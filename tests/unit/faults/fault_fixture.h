#pragma once
// A fault under test against the in-memory API: a StatefulSet demo/web with 3
// pods (even ordinals on node-a, odd on node-b), the two Node objects, a
// journal in a temporary file and a FaultContext that collects log lines.

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/faults/fault.h"
#include "harness/undo/journal.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/kube_test_clock.h"
#include "tests/unit/runner/drill_fixture.h"

namespace kdrill::testing {

// The first step of a drill whose steps section is step_yaml (indented for
// "  steps:"). A drill that does not parse fails the test.
inline drill::Step StepFrom(const std::string& step_yaml) {
  auto d = ParseOrDie(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
)") + step_yaml);
  return d.steps.empty() ? drill::Step{} : d.steps[0];
}

inline kube::Json MakeNode(const std::string& name, bool unschedulable = false) {
  kube::Json n = {
      {"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}}}, {"spec", kube::Json::object()}};
  if (unschedulable) n["spec"]["unschedulable"] = true;
  return n;
}

// A pod on node in namespace ns, owned by (owner_kind owner_name) unless empty.
inline kube::Json MakeOtherPod(const std::string& ns, const std::string& name, const std::string& node,
                               const std::string& owner_kind, const std::string& owner_name) {
  kube::Json p = {{"apiVersion", "v1"},
                  {"kind", "Pod"},
                  {"metadata", {{"name", name}, {"namespace", ns}}},
                  {"spec", {{"nodeName", node}, {"containers", {{{"name", "c"}}}}}},
                  {"status", {{"phase", "Running"}}}};
  if (!owner_kind.empty()) {
    p["metadata"]["ownerReferences"] = {{{"kind", owner_kind}, {"name", owner_name}, {"controller", true}}};
  }
  return p;
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sts_.Create();
    api_.Put(kube::Nodes(), MakeNode("node-a"));
    api_.Put(kube::Nodes(), MakeNode("node-b"));
    path_ = (std::filesystem::temp_directory_path() /
             ("kdrill-fault-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".journal"))
                .string();
    std::filesystem::remove(path_);
    journal_.emplace(std::move(*Journal::Create(path_, {"r", "", "", "", "", ""})));
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // with_journal=false: the context a plan gets.
  faults::FaultContext Ctx(bool with_journal = true) {
    auto spec = cluster::ReadStatefulSet(api_.Peek(kube::StatefulSets("demo", "web")));
    return faults::FaultContext{api_,
                                *exec_,
                                with_journal ? &*journal_ : nullptr,
                                clock_,
                                rng_,
                                "demo",
                                spec,
                                [this](const std::string& l) { log_.push_back(l); },
                                stop_.get_token()};
  }

  bool Unschedulable(const std::string& node) {
    return api_.Peek(kube::Nodes(node)).value("/spec/unschedulable"_json_pointer, false);
  }

  // Index of the first log line containing text, or -1.
  int LogIndex(const std::string& text) const {
    for (size_t i = 0; i < log_.size(); ++i) {
      if (log_[i].find(text) != std::string::npos) return static_cast<int>(i);
    }
    return -1;
  }

  // Calls on the API other than reads and watches.
  std::vector<std::string> Writes() const {
    std::vector<std::string> out;
    for (const auto& c : api_.calls) {
      if (c.rfind("get ", 0) != 0 && c.rfind("list ", 0) != 0 && c.rfind("watch ", 0) != 0) out.push_back(c);
    }
    return out;
  }

  std::string Joined() const {
    std::string s;
    for (const auto& l : log_) s += l + "\n";
    return s;
  }

  FakeKubeApi api_;
  FakeStatefulSet sts_{api_, {}};
  FakePodExecutor default_exec_;
  PodExecutor* exec_ = &default_exec_;
  KubeTestClock clock_;
  std::mt19937_64 rng_{42};
  std::stop_source stop_;
  std::string path_;
  std::optional<Journal> journal_;
  std::vector<std::string> log_;
};

}  // namespace kdrill::testing
