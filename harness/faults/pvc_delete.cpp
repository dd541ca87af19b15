// pvc-delete: delete the claims of the chosen ordinals, then their pods, so
// the StatefulSet controller recreates both: the claim comes back under the
// same name with a new UID and an empty volume. This is data loss on purpose
// (the negative control for same-pvc and data-intact); it cannot be undone,
// and the journal says so.

#include <fmt/format.h>

#include "harness/faults/fault.h"
#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

class PvcDelete final : public Fault {
 public:
  std::string Name() const override { return "pvc-delete"; }
  std::string Summary() const override {
    return "delete the claims of chosen ordinals and their pods (data loss; for negative controls)";
  }

  Status Validate(const drill::Step& step) const override {
    if (step.target.kind == drill::VictimSelector::Kind::kNone ||
        step.target.kind == drill::VictimSelector::Kind::kNodes) {
      return std::unexpected(Error(ErrorCode::kInvalidArgument,
                                   step.location.ToString() + ": pvc-delete needs pod victims (target.ordinals, ...)"));
    }
    return step.params.CheckKnownKeys({"templates"}, "pvc-delete params");
  }

  Result<std::vector<std::string>> Templates(FaultContext& ctx, const drill::Step& step) {
    if (!step.params.Has("templates")) {
      if (ctx.sts.claim_templates.empty()) {
        return MakeError(ErrorCode::kFailedPrecondition, step.location.ToString() + ": StatefulSet " + ctx.sts.name +
                                                             " has no volumeClaimTemplates; pvc-delete has nothing to delete");
      }
      return ctx.sts.claim_templates;
    }
    return step.params.GetStringList("templates");
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) override {
    auto victims = ResolvePodVictims(ctx, step.target);
    if (!victims) return std::unexpected(victims.error());
    auto templates = Templates(ctx, step);
    if (!templates) return std::unexpected(templates.error());
    FaultPlan plan;
    for (const auto& v : *victims) {
      plan.victims.push_back(v.name);
      for (const auto& t : *templates) {
        plan.actions.push_back(fmt::format("delete claim {}/{} (its data is lost)", ctx.ns,
                                           cluster::ClaimName(t, ctx.sts.name, v.ordinal)));
      }
      plan.actions.push_back(fmt::format("delete pod {}/{} (uid {})", ctx.ns, v.name, v.uid));
    }
    return plan;
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) override {
    auto victims = ResolvePodVictims(ctx, step.target);
    if (!victims) return std::unexpected(victims.error());
    auto templates = Templates(ctx, step);
    if (!templates) return std::unexpected(templates.error());
    ctx.log("victims: " + VictimNames(*victims) + " (claims and pods deleted: data loss)");
    auto undo = ctx.journal->RecordUndo(step.name, "claims and pods deleted: " + VictimNames(*victims),
                                        {{"kind", "none"}, {"note", "deleted data cannot be restored"}});
    if (!undo) return std::unexpected(undo.error());
    FaultResult result;
    for (const auto& v : *victims) {
      for (const auto& t : *templates) {
        std::string claim = cluster::ClaimName(t, ctx.sts.name, v.ordinal);
        auto st = ctx.api.Delete(kube::Pvcs(ctx.ns, claim), {});
        if (!st && st.error().code != ErrorCode::kNotFound) {
          return std::unexpected(Error(st.error().code, "deleting claim " + claim + ": " + st.error().message));
        }
        ctx.log("deleted claim " + claim + " (held by pvc-protection until its pod is gone)");
        result.details.push_back("deleted claim " + claim);
      }
      kube::DeleteOptions opts;
      opts.precondition_uid = v.uid;
      auto st = ctx.api.Delete(kube::Pods(ctx.ns, v.name), opts);
      if (!st && st.error().code != ErrorCode::kNotFound) {
        return std::unexpected(Error(st.error().code, "deleting pod " + v.name + ": " + st.error().message));
      }
      ctx.log(fmt::format("deleted pod {} (uid {})", v.name, v.uid));
      result.victims.push_back(v.name);
      result.deleted_pod_uids.push_back(v.uid);
    }
    if (auto s = ctx.journal->MarkDone(*undo, "nothing to restore"); !s) return std::unexpected(s.error());
    result.properties["victims"] = fmt::format("{}", fmt::join(result.victims, ","));
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakePvcDelete() { return std::make_unique<PvcDelete>(); }

}  // namespace kdrill::faults
