#pragma once
// An assertion checks one StatefulSet guarantee. It is a function of the
// baseline snapshot (before the first fault), the Timeline and the final
// snapshot, plus a PodExecutor where data must be read. Prepare runs after the
// baseline and before the first fault (e.g. to write a marker); Check runs
// after the steps. Assertions are registered in one table
// (assertions/registry.cpp); one instance serves one drill run.

#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/backup/session.h"
#include "harness/cluster/snapshot.h"
#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/undo/journal.h"
#include "harness/watch/timeline.h"
#include "harness/workload/workload_writer.h"

namespace kdrill::assertions {

enum class VerdictKind { kPass, kFail, kError, kNotApplicable };

struct Verdict {
  VerdictKind kind = VerdictKind::kPass;
  std::string message;               // one line: expected vs seen
  std::vector<std::string> details;  // per-ordinal rows, sequences, diagnosis
  std::map<std::string, std::string> properties;
  // Markers the runner places on the Timeline (Timeline::MarkAt): what the
  // check learnt about a moment of the drill (kind "note").
  struct Mark {
    WallTime at;
    std::string type;     // e.g. "overlap"
    std::string name;     // the object it is about
    std::string summary;
    nlohmann::json details;
  };
  std::vector<Mark> marks;
};

struct AssertionContext {
  kube::KubeApi& api;
  PodExecutor& exec;
  Journal* journal;                   // for undo records of anything Prepare writes
  const drill::AssertionSpec& spec;
  const cluster::Snapshot& baseline;
  const cluster::Snapshot* final_state;  // null during Prepare
  const Timeline& timeline;
  std::string run_id;
  std::function<void(const std::string&)> log;
  std::stop_token stop;
  Clock* clock = nullptr;             // for bounded retries of eventually-consistent reads; null: no retry
  backup::Session* backups = nullptr; // the run's backups and restores (backup-restore); null: none
  // The write workload's run (spec.workload), set for Check once the writer
  // has finished; null during Prepare and when the drill has no workload or
  // it could not run.
  const workload::WorkloadRun* workload = nullptr;
};

class Assertion {
 public:
  virtual ~Assertion() = default;
  virtual std::string Name() const = 0;
  virtual std::string Summary() const = 0;
  virtual Status Validate(const drill::AssertionSpec& spec) const = 0;
  virtual Status Prepare(AssertionContext& ctx) { return Ok(); }
  virtual Verdict Check(AssertionContext& ctx) = 0;
  // Ends whatever Prepare left running during the steps (a witness thread);
  // the runner calls it before the assertions are checked or, when they are
  // not, before cleanup. Idempotent.
  virtual void StopObserving() {}
};

using AssertionFactory = std::function<std::unique_ptr<Assertion>()>;
const std::map<std::string, AssertionFactory>& AssertionRegistry();
std::unique_ptr<Assertion> MakeAssertion(const std::string& name);

}  // namespace kdrill::assertions
