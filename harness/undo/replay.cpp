#include "harness/undo/replay.h"

#include "harness/undo/undo_actions.h"

namespace kdrill {

ReplayResult ReplayPending(Journal& journal, kube::KubeApi& api, PodExecutor& exec, Clock& clock,
                           std::stop_token stop, const UndoReport& report) {
  ReplayResult out;
  auto pending = journal.Pending();
  out.pending = pending.size();
  for (const auto& rec : pending) {
    auto r = ExecuteUndo(rec.action, api, exec, clock, stop);
    if (r) {
      (void)journal.MarkDone(rec.id, *r);
    } else {
      out.failures.push_back(rec.description + ": " + r.error().ToString());
    }
    if (report) report(rec, r);
  }
  if (out.ok()) (void)journal.MarkEnded();
  return out;
}

}  // namespace kdrill
