#pragma once
// A fault: one real operation on the live cluster. Every fault
//   1. resolves its victims against the live state (a selector that matches
//      nothing is an error, never a pass),
//   2. prints them before acting,
//   3. journals its undo (Journal::RecordUndo) BEFORE it changes anything,
//   4. acts.
// Faults are registered in one table (harness/faults/registry.cpp).

#include <functional>
#include <map>
#include <memory>
#include <random>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/backup/session.h"
#include "harness/cluster/statefulset.h"
#include "harness/core/clock.h"
#include "harness/core/status.h"
#include "harness/drill/model.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "harness/undo/journal.h"

namespace kdrill::faults {

struct FaultContext {
  kube::KubeApi& api;
  PodExecutor& exec;
  Journal* journal = nullptr;       // null in plan / dry-run: nothing may change
  Clock& clock;
  std::mt19937_64& rng;             // seeded with the run's seed
  std::string ns;
  cluster::StatefulSetSpec sts;     // the target as read before the step
  std::function<void(const std::string&)> log;  // progress lines for the console and the report
  std::stop_token stop;
  backup::Session* backups = nullptr;  // the run's backups (backup, mutate-data, destroy, restore); null in plan
};

struct FaultResult {
  std::vector<std::string> victims;              // pods or nodes acted on
  std::map<std::string, std::string> properties; // reported as JUnit properties
  std::vector<std::string> details;              // human lines (bytes written, df...)
  std::vector<std::string> deleted_pod_uids;     // pods this fault deleted (waits ignore them)
};

// What a fault would do, resolved against the live cluster, for `plan`.
struct FaultPlan {
  std::vector<std::string> victims;
  std::vector<std::string> actions;  // "delete pod demo/web-1 (grace 0s, uid ...)"
};

class Fault {
 public:
  virtual ~Fault() = default;
  virtual std::string Name() const = 0;
  virtual std::string Summary() const = 0;  // one line for --help and the README
  // Checks params and target kind; errors point at file:line:col.
  virtual Status Validate(const drill::Step& step) const = 0;
  virtual Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) = 0;
  virtual Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) = 0;
};

using FaultFactory = std::function<std::unique_ptr<Fault>()>;

// The one table of faults.
const std::map<std::string, FaultFactory>& FaultRegistry();
std::unique_ptr<Fault> MakeFault(const std::string& name);

}  // namespace kdrill::faults
