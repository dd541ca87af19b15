#include "harness/undo/replay.h"

#include "harness/undo/replay_plan.h"
#include "harness/undo/undo_actions.h"

namespace kdrill {

ReplayResult ReplayPending(Journal& journal, kube::KubeApi& api, PodExecutor& exec, Clock& clock,
                           std::stop_token stop, const UndoReport& report) {
  ReplayResult out;
  const auto pending = journal.Pending();
  out.pending = pending.size();
  auto finish = [&](const UndoRecord& rec, const Result<std::string>& r) {
    if (r) {
      (void)journal.MarkDone(rec.id, *r);
    } else {
      out.failures.push_back(rec.description + ": " + r.error().ToString());
    }
    if (report) report(rec, r);
  };
  for (const auto& p : PlanReplay(pending)) {
    if (p.kind == PlannedUndo::Kind::kSuperseded) {
      finish(p.record, "skipped: the next undo (" + p.superseded_by_description +
                           ") sets the same fields to their earlier values");
    } else {
      finish(p.record, ExecuteUndo(p.record.action, api, exec, clock, stop));
    }
  }
  if (out.ok()) (void)journal.MarkEnded();
  return out;
}

}  // namespace kdrill
