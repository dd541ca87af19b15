#include "harness/faults/node_schedule.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <optional>

#include "harness/undo/undo_actions.h"

namespace kdrill::faults {

namespace {

const char* Verb(bool unschedulable) { return unschedulable ? "cordon" : "uncordon"; }

kube::Json PatchBody(bool unschedulable) {
  return {{"spec", {{"unschedulable", unschedulable ? kube::Json(true) : kube::Json(nullptr)}}}};
}

}  // namespace

std::string UnschedulablePatch(bool unschedulable) { return PatchBody(unschedulable).dump(); }

kube::Json UnschedulableUndo(const std::string& node, bool unschedulable) {
  return {{"kind", "patch"},
          {"ref", RefToJson(kube::Nodes(node))},
          {"patchType", "merge"},
          {"patch", PatchBody(unschedulable)}};
}

Result<ScheduleChange> SetUnschedulable(FaultContext& ctx, const std::string& step,
                                        const std::vector<NodeVictim>& nodes, bool want) {
  ScheduleChange out;
  for (const auto& victim : nodes) {
    std::optional<int> undo;
    bool settled = false;
    for (int attempt = 1; attempt <= 3 && !settled; ++attempt) {
      auto node = ctx.api.Get(kube::Nodes(victim.name));
      if (!node) {
        return std::unexpected(Error(node.error().code, "reading node " + victim.name + ": " + node.error().message));
      }
      if (NodeUnschedulable(*node) == want) {
        std::string why = want ? "already unschedulable (cordoned by someone else): left alone, and left cordoned "
                                 "after the drill"
                               : "already schedulable: left alone";
        ctx.log(fmt::format("node {} is {}", victim.name, why));
        if (undo) {
          auto s = ctx.journal->MarkDone(*undo, "not needed: the node changed under us, kdrill did not change it");
          if (!s) return std::unexpected(s.error());
        }
        out.left_alone.push_back(victim.name);
        settled = true;
        break;
      }
      if (!undo) {
        auto id = ctx.journal->RecordUndo(step, fmt::format("{} node {} ({}ed by kdrill)", Verb(!want), victim.name,
                                                            Verb(want)),
                                          UnschedulableUndo(victim.name, !want));
        if (!id) return std::unexpected(id.error());
        undo = *id;
      }
      // Conditional on the version read: a concurrent change is re-read, never overwritten.
      kube::Json patch = PatchBody(want);
      patch["metadata"]["resourceVersion"] = json::Str(*node, "/metadata/resourceVersion");
      auto r = ctx.api.Patch(kube::Nodes(victim.name), kube::PatchType::kMerge, patch.dump());
      if (r) {
        ctx.log(fmt::format("{}ed node {}", Verb(want), victim.name));
        out.changed.push_back(victim.name);
        settled = true;
      } else if (r.error().code != ErrorCode::kConflict) {
        return std::unexpected(
            Error(r.error().code, fmt::format("{} node {}: {}", Verb(want), victim.name, r.error().message)));
      }
    }
    if (!settled) {
      return MakeError(ErrorCode::kConflict, fmt::format("{} node {}: the node kept changing under us (3 conflicts); "
                                                         "something else is editing it, try again",
                                                         Verb(want), victim.name));
    }
  }
  return out;
}

}  // namespace kdrill::faults
