#pragma once
// Which pending undos replay must run, and which it can spare: the pure
// planning step of ReplayPending (harness/undo/replay.h).
//
// The contract, for journal.Pending() (newest first, the replay order):
// - kRun: executed as journaled, in this order.
//   (Deletions inside a namespace that a later undo deletes still run: the
//   namespace controller requeues a namespace whose pods are still
//   terminating, so deleting the StatefulSet and waiting for its claims first
//   ends the cleanup in 6 s on the lab where the namespace alone took 16 s.)
// - kSuperseded: a merge "patch" whose next record in replay order is a
//   merge patch of the same object that sets every field this one sets (a
//   StatefulSet scaled 3 -> 5 -> 3: "restore 5" is followed by "restore 3").
//   Applying it would only make a transient state (pods created, then deleted
//   again); the older record restores the original values. Only adjacent
//   records: an undo between them might need the transient state (e.g. a file
//   removed in a pod that only the intermediate replica count keeps).

#include <cstddef>
#include <string>
#include <vector>

#include "harness/undo/journal.h"

namespace kdrill {

struct PlannedUndo {
  enum class Kind { kRun, kSuperseded };
  Kind kind = Kind::kRun;
  UndoRecord record;
  // kSuperseded: the id and description of the record that restores the same fields.
  int superseded_by = 0;
  std::string superseded_by_description;
};

// pending: newest first, as Journal::Pending() returns it. The plan has one
// entry per record, in the same order.
std::vector<PlannedUndo> PlanReplay(const std::vector<UndoRecord>& pending);

}  // namespace kdrill
