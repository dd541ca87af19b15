#pragma once
// Victim selection shared by the pod-level faults.

#include <string>
#include <vector>

#include "harness/faults/fault.h"

namespace kdrill::faults {

struct PodVictim {
  std::string name;
  int ordinal = 0;
  std::string uid;
  std::string node;
  kube::Json object;
};

// Resolves a step's target against the live pods of the target StatefulSet.
// Errors: an ordinal with no pod, a selector or set that matches nothing,
// random count larger than the pods available. Random choice uses ctx.rng and
// is stable for a given seed and pod set (pods sorted by ordinal first).
Result<std::vector<PodVictim>> ResolvePodVictims(FaultContext& ctx, const drill::VictimSelector& target);

std::string VictimNames(const std::vector<PodVictim>& victims);

// The plan of a fault that acts on the whole target StatefulSet: its one
// victim so far is "statefulset/<name>", and it has no actions yet.
FaultPlan StatefulSetPlan(const FaultContext& ctx);

// For faults that act on the whole target: Ok without a step target, else
// "<file:line:col>: <what>; remove target".
Status RefuseTarget(const drill::Step& step, const std::string& what);

// For faults that act on pods: Ok when the step names pods (ordinals,
// selector, random or all), else "<file:line:col>: <fault> needs
// target.ordinals, target.selector, target.random or target.all".
Status RequirePodTarget(const drill::Step& step, const std::string& fault);

}  // namespace kdrill::faults
