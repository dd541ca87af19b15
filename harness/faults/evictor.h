#pragma once
// Eviction through the policy/v1 Eviction API with the retries a drain needs:
// 429 means a PodDisruptionBudget blocks the eviction right now (retry after
// a delay, until a deadline); 404 means the pod is already gone.

#include <chrono>
#include <optional>
#include <vector>

#include "harness/faults/drain_plan.h"
#include "harness/faults/fault.h"

namespace kdrill::faults {

struct EvictionOptions {
  std::chrono::milliseconds retry_interval{std::chrono::seconds(5)};
  MonoTime deadline;                   // on ctx.clock
  std::optional<int64_t> grace_period; // deleteOptions.gracePeriodSeconds; unset = the pod's own
};

struct EvictionOutcome {
  std::vector<DrainPod> evicted;       // the API accepted the eviction
  std::vector<DrainPod> already_gone;  // 404, or replaced by a new incarnation meanwhile
};

// Evicts every pod, each with its UID as precondition (only the incarnation
// that was listed). Blocked pods (429) are retried every retry_interval, in
// rounds, until the deadline. Errors: kTimeout naming the pods a disruption
// budget still blocks, kCancelled when ctx.stop is requested, any other API
// error as is (with the pod named).
Result<EvictionOutcome> EvictPods(FaultContext& ctx, const std::vector<DrainPod>& pods, const EvictionOptions& opts);

}  // namespace kdrill::faults
