#pragma once
// Shared set-up for the volume and StatefulSet-spec fault tests: a fake API
// with a settled 3-replica StatefulSet, a journal in a temp file, a context,
// and steps parsed from YAML with the real catalog.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <random>

#include "harness/core/clock.h"
#include "harness/faults/fault.h"
#include "harness/undo/journal.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_pod_executor.h"
#include "tests/fakes/fake_statefulset.h"
#include "tests/fakes/kube_test_clock.h"
#include "tests/unit/runner/drill_fixture.h"

namespace kdrill::faults::voltest {

inline drill::Step StepFrom(const std::string& step_yaml) {
  auto d = testing::ParseOrDie(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
)") + step_yaml);
  return d.steps.empty() ? drill::Step{} : d.steps[0];
}

// The undo records in the journal file as it is on disk right now.
inline std::vector<UndoRecord> JournalOnDisk(const std::string& path) {
  auto j = Journal::Open(path);
  return j ? j->Records() : std::vector<UndoRecord>{};
}

class VolumeFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sts_.Create();
    std::filesystem::path p = std::filesystem::temp_directory_path() /
                              ("kdrill-volfault-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".journal");
    std::filesystem::remove(p);
    path_ = p.string();
    journal_.emplace(std::move(*Journal::Create(path_, {"run-1", "", "", "", "", ""})));
  }
  void TearDown() override { std::filesystem::remove(path_); }

  PodExecutor& Exec() { return exec_override_ ? *exec_override_ : exec_; }

  FaultContext Ctx() {
    auto spec = cluster::ReadStatefulSet(api_.Peek(kube::StatefulSets("demo", "web")));
    return FaultContext{api_, Exec(), &*journal_, clock_, rng_, "demo", spec,
                        [this](const std::string& l) { log_.push_back(l); }, {}};
  }

  std::string Log() const {
    std::string s;
    for (const auto& l : log_) s += l + "\n";
    return s;
  }

  void PutStorageClass(const std::string& name, bool expandable) {
    api_.Put({"storage.k8s.io/v1", "storageclasses", "", "", ""},
             {{"metadata", {{"name", name}}}, {"provisioner", "x"}, {"allowVolumeExpansion", expandable}});
  }

  testing::FakeKubeApi api_;
  testing::FakeStatefulSet sts_{api_, {}};
  testing::FakePodExecutor exec_;
  PodExecutor* exec_override_ = nullptr;
  testing::KubeTestClock clock_;  // every wait runs out at once
  std::mt19937_64 rng_{42};
  std::string path_;
  std::optional<Journal> journal_;
  std::vector<std::string> log_;
};

}  // namespace kdrill::faults::voltest
