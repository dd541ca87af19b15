#pragma once
// Cordon and uncordon (spec.unschedulable) with an undo that restores only
// what kdrill itself changed. Shared by node-cordon, node-uncordon and
// node-drain.

#include <string>
#include <vector>

#include "harness/faults/fault.h"
#include "harness/faults/node_victims.h"

namespace kdrill::faults {

struct ScheduleChange {
  std::vector<std::string> changed;     // nodes this call flipped (each has a journaled undo)
  std::vector<std::string> left_alone;  // nodes already in the wanted state: no undo, untouched
};

// The merge patch that sets spec.unschedulable (true), or removes it (false,
// as `kubectl uncordon` does: the field is omitempty).
std::string UnschedulablePatch(bool unschedulable);

// The undo action that puts a node back to `unschedulable`.
kube::Json UnschedulableUndo(const std::string& node, bool unschedulable);

// Sets spec.unschedulable = want on each node. For a node in the other state:
// journals the reverse patch FIRST, then merge-patches, conditional on the
// resourceVersion just read; on a conflict it re-reads (3 tries). A node
// already in the wanted state (before, or because someone else got there
// first) is left alone and its undo, if one was journaled, is marked done:
// the undo restores only what this call changed.
// REQUIRES: ctx.journal != nullptr.
Result<ScheduleChange> SetUnschedulable(FaultContext& ctx, const std::string& step,
                                        const std::vector<NodeVictim>& nodes, bool want);

}  // namespace kdrill::faults
