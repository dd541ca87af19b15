// pvc-resize: raise spec.resources.requests.storage of the chosen claims
// (params.size: the new size, or params.increase: added to the current one),
// after checking that each claim's StorageClass allows expansion, and wait
// (params.timeout, default 180s) until status.capacity reaches the new size:
// the file system in the pod has grown by then. Claims cannot shrink, so the
// journal records that there is nothing to restore.
//
// params: size | increase (quantity), volume (claim template, default the
// first), timeout (duration). target: ordinals, selector, random or all.

#include <fmt/format.h>

#include "harness/cluster/quantity.h"
#include "harness/faults/claim_resize.h"
#include "harness/faults/claim_victims.h"
#include "harness/faults/victims.h"
#include "harness/faults/fault.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(180);

struct Planned {
  ClaimSize claim;
  int64_t target = 0;
};

class PvcResize final : public Fault {
 public:
  std::string Name() const override { return "pvc-resize"; }
  std::string Summary() const override {
    return "grow the claims of chosen ordinals (size or increase) and wait until the file system has grown";
  }

  Status Validate(const drill::Step& step) const override {
    if (auto st = RequirePodTarget(step, "pvc-resize"); !st) return st;
    return ValidateResizeParams(step.params, "pvc-resize", kDefaultTimeout);
  }

  // Reads every chosen claim and checks it can grow, before anything changes.
  Result<std::vector<Planned>> Resolve(FaultContext& ctx, const drill::Step& step) {
    auto change = ReadSizeChange(step.params, "pvc-resize");
    if (!change) {
      return std::unexpected(change.error());
    }
    auto victims = ResolveClaimVictims(ctx, step);
    if (!victims) {
      return std::unexpected(victims.error());
    }
    std::vector<Planned> out;
    for (const auto& v : *victims) {
      auto claim = ReadClaimSize(ctx.api, ctx.ns, v.claim);
      if (!claim) {
        return MakeError(claim.error().code, step.target.location.ToString() + ": ordinal " +
                                                 std::to_string(v.ordinal) + ": " + claim.error().message);
      }
      if (auto s = CheckExpandable(ctx.api, ctx.ns, *claim, step.location.ToString()); !s) {
        return std::unexpected(s.error());
      }
      auto target = TargetSize(*change, std::max(claim->requested, claim->capacity), "claim " + v.claim, step.params);
      if (!target) {
        return std::unexpected(target.error());
      }
      out.push_back({*claim, *target});
    }
    return out;
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) override {
    auto planned = Resolve(ctx, step);
    if (!planned) {
      return std::unexpected(planned.error());
    }
    FaultPlan plan;
    for (const auto& p : *planned) {
      plan.victims.push_back(p.claim.name);
      plan.actions.push_back(fmt::format("resize claim {}/{} from {} to {} (StorageClass {} allows expansion)", ctx.ns,
                                         p.claim.name, cluster::FormatQuantity(p.claim.capacity),
                                         cluster::FormatQuantity(p.target), p.claim.storage_class));
    }
    return plan;
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) override {
    auto timeout = step.params.GetDuration("timeout", kDefaultTimeout);
    if (!timeout) {
      return std::unexpected(timeout.error());
    }
    auto planned = Resolve(ctx, step);
    if (!planned) {
      return std::unexpected(planned.error());
    }
    std::vector<std::string> names;
    for (const auto& p : *planned) {
      names.push_back(fmt::format("{} ({} -> {}, class {})", p.claim.name, cluster::FormatQuantity(p.claim.capacity),
                                  cluster::FormatQuantity(p.target), p.claim.storage_class));
    }
    ctx.log(fmt::format("victims: {}", fmt::join(names, ", ")));
    auto undo = ctx.journal->RecordUndo(step.name, fmt::format("claims resized: {}", fmt::join(names, ", ")),
                                        {{"kind", "none"},
                                         {"note", "claims cannot shrink: the larger size stays after the drill"}});
    if (!undo) {
      return std::unexpected(undo.error());
    }
    FaultResult result;
    auto begin = ctx.clock.Now();
    for (const auto& p : *planned) {
      if (auto s = RequestStorage(ctx.api, ctx.ns, p.claim.name, p.target); !s) {
        return std::unexpected(s.error());
      }
      ctx.log(fmt::format("requested {} for claim {}", cluster::FormatQuantity(p.target), p.claim.name));
    }
    for (const auto& p : *planned) {
      if (auto s = AwaitCapacity(ctx, p.claim.name, p.target, *timeout); !s) {
        return std::unexpected(s.error());
      }
      double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
      auto now = ReadClaimSize(ctx.api, ctx.ns, p.claim.name);
      std::string cap = now ? cluster::FormatQuantity(now->capacity) : "?";
      ctx.log(fmt::format("claim {} has capacity {} ({:.1f}s after the request)", p.claim.name, cap, secs));
      result.victims.push_back(p.claim.name);
      result.properties[p.claim.name + ".capacity"] =
          fmt::format("{} -> {}", cluster::FormatQuantity(p.claim.capacity), cap);
      result.details.push_back(fmt::format("{}: uid {} class {} capacity {} -> {} in {:.1f}s", p.claim.name,
                                           p.claim.uid, p.claim.storage_class,
                                           cluster::FormatQuantity(p.claim.capacity), cap, secs));
    }
    if (auto s = ctx.journal->MarkDone(*undo, "nothing to restore: claims cannot shrink"); !s) {
      return std::unexpected(s.error());
    }
    result.properties["claims"] = fmt::format("{}", fmt::join(result.victims, ","));
    result.properties["resize.seconds"] =
        fmt::format("{:.1f}", std::chrono::duration<double>(ctx.clock.Now() - begin).count());
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakePvcResize() { return std::make_unique<PvcResize>(); }

}  // namespace kdrill::faults
