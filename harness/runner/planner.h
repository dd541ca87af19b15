#pragma once
// The plan of a drill (`kdrill plan`, `kdrill run --dry-run`): the same
// safety rails, setup, target and steps as a run, resolved against the live
// cluster, printed in order — and nothing touched. The planner only reads
// (get/list): no create, patch, delete, evict, exec or journal.
//
// Victims are resolved against the cluster as it is now. When the target is
// created by the drill's setup, pod victims are resolved after setup: the
// plan says so and shows what each step selects; named nodes
// (target.nodes) are still resolved.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/drill/model.h"
#include "harness/kube/kube_api.h"
#include "harness/runner/run_end.h"
#include "harness/runner/scope.h"

namespace kdrill {

struct PlanOptions {
  std::string ns_override;       // -n
  std::optional<uint64_t> seed;  // --seed (else spec.seed, else random: then random picks are one possible choice)
  std::string context;           // for the header and the context rule
  ScopePolicy scope;
  std::function<void(const std::string&)> out;  // each line as it is made
};

struct PlanOutcome {
  std::vector<std::string> lines;
  // kPassed: every step resolved; kBroken: a step could not be resolved (the
  // run would fail there); kBadInput: target missing, ...; kClusterError: API
  // errors; kRefused: a safety rule refuses the drill or a step (e.g. a drain
  // into other namespaces).
  RunEnd end = RunEnd::kPassed;
  int problems = 0;
};

// REQUIRES: drill is valid (parsed with the registry catalog).
// Faults get a PodExecutor that refuses every command: a plan never execs.
PlanOutcome PlanDrill(kube::KubeApi& api, Clock& clock, const PlanOptions& opts, const drill::Drill& drill);

// "ordinals [0, 2]", "selector app=web", "random 2", "all pods", "nodes a, b".
std::string DescribeTarget(const drill::VictimSelector& target);

}  // namespace kdrill
