#pragma once
// Waiting inside a fault until the target StatefulSet is settled: its status
// says so (cluster::Settled: observedGeneration, ready, updated, revisions,
// respecting the partition) and its pods, as listed, are exactly the expected
// ordinals, each Ready and none terminating. Driven by watches.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "harness/faults/fault.h"

namespace kdrill::faults {

struct SettleGoal {
  std::optional<int> replicas;      // spec.replicas must equal this (scale)
  int64_t min_generation = 0;       // status.observedGeneration must reach this (our write's generation)
  std::string owner_uid;            // pods must be owned by this StatefulSet UID (adoption after a recreate)
  // Every pod must carry status.updateRevision as its controller-revision-hash
  // (an OnDelete rollout: the pods are replaced by whoever deletes them).
  bool all_at_update_revision = false;
  std::chrono::milliseconds timeout{std::chrono::seconds(300)};
};

struct SettledState {
  kube::Json statefulset;
  // The target's own pods (cluster::RelationTo: kOwned) by name; once
  // settled, those are exactly the expected ordinals. Pods the selector also
  // lists but the target does not own (another controller's with the same
  // labels) are left out: no fault reports or counts them.
  std::map<std::string, kube::Json> pods;
};

// Errors: kTimeout naming what is not yet true; kCancelled on stop; API errors.
Result<SettledState> AwaitSettled(FaultContext& ctx, const SettleGoal& goal);

// What is not yet true for goal, "" when settled (pure; unit-tested).
std::string NotSettledReason(const kube::Json& sts, const std::map<std::string, kube::Json>& pods,
                             const SettleGoal& goal);

}  // namespace kdrill::faults
