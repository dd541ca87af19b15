// sts-volume-expansion: the procedure SREs use to grow a StatefulSet's
// volumes, since volumeClaimTemplates are immutable:
//   1. resize every existing claim of the template (as pvc-resize: refused
//      when a StorageClass does not allow expansion; waits for capacity),
//   2. delete the StatefulSet with propagationPolicy Orphan (its pods keep
//      running, unowned),
//   3. create it again, from the object as read minus the server-set fields,
//      with the larger template,
//   4. wait until the new StatefulSet has adopted the pods and is settled,
//      and prove no pod was deleted on the way (every pod UID unchanged).
// Undo: claims cannot shrink (journaled as "none"); before the delete the
// original StatefulSet is journaled as "ensure-object", so a kdrill killed
// between the delete and the create gets it back from `kdrill recover`.
//
// params: size | increase (quantity, for the template and the claims),
// volume (claim template, default the first), timeout (per phase, default
// 300s). No target.

#include <fmt/format.h>

#include "harness/cluster/ownership.h"
#include "harness/core/json_fields.h"
#include "harness/cluster/quantity.h"
#include "harness/faults/claim_resize.h"
#include "harness/faults/claim_victims.h"
#include "harness/faults/fault.h"
#include "harness/faults/victims.h"
#include "harness/faults/strip_object.h"
#include "harness/faults/sts_wait.h"
#include "harness/watch/object_waits.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(300);

std::string JoinOr(const std::vector<std::string>& items, const std::string& empty) {
  return items.empty() ? empty : fmt::format("{}", fmt::join(items, ", "));
}

struct Resolved {
  kube::Json sts;
  std::string tmpl;
  int tmpl_index = 0;
  int64_t tmpl_before = 0;
  int64_t tmpl_after = 0;
  std::vector<ClaimSize> grow;       // claims to resize
  std::vector<std::string> already;  // claims already at or above the new size
  std::map<std::string, std::string> pod_uids;
};

class StsVolumeExpansion final : public Fault {
 public:
  std::string Name() const override { return "sts-volume-expansion"; }
  std::string Summary() const override {
    return "grow every claim of a StatefulSet, then delete it (orphan) and recreate it with the larger template; no "
           "pod may be deleted";
  }

  Status Validate(const drill::Step& step) const override {
    if (auto st = RefuseTarget(step, "sts-volume-expansion acts on every claim"); !st) return st;
    return ValidateResizeParams(step.params, "sts-volume-expansion", kDefaultTimeout);
  }

  // Reads the StatefulSet, its template size, its claims and pods; refuses
  // (before any change) when a claim's StorageClass cannot expand.
  Result<Resolved> Resolve(FaultContext& ctx, const drill::Step& step) {
    auto change = ReadSizeChange(step.params, "sts-volume-expansion");
    if (!change) {
      return std::unexpected(change.error());
    }
    auto tmpl = ClaimTemplate(ctx, step);
    if (!tmpl) {
      return std::unexpected(tmpl.error());
    }
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) {
      return std::unexpected(sts.error());
    }
    Resolved r;
    r.sts = *sts;
    r.tmpl = *tmpl;
    const auto templates = json::Arr(*sts, "/spec/volumeClaimTemplates");
    for (size_t i = 0; i < templates.size(); ++i) {
      if (json::Str(templates[i], "/metadata/name") == *tmpl) {
        r.tmpl_index = static_cast<int>(i);
      }
    }
    std::string size_text = json::Str(templates[r.tmpl_index], "/spec/resources/requests/storage", "0");
    r.tmpl_before = cluster::ParseQuantity(size_text).value_or(0);
    auto target = TargetSize(*change, r.tmpl_before, "volumeClaimTemplate " + *tmpl, step.params);
    if (!target) {
      return std::unexpected(target.error());
    }
    r.tmpl_after = *target;

    auto claims = ctx.api.List(kube::Pvcs(ctx.ns), {});
    if (!claims) {
      return std::unexpected(claims.error());
    }
    const std::string prefix = *tmpl + "-" + ctx.sts.name + "-";
    for (const auto& c : (*claims)["items"]) {
      std::string name = json::Str(c, "/metadata/name");
      if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
          name.find_first_not_of("0123456789", prefix.size()) != std::string::npos) {
        continue;
      }
      auto size = ReadClaimSize(ctx.api, ctx.ns, name);
      if (!size) {
        return std::unexpected(size.error());
      }
      if (std::max(size->requested, size->capacity) >= r.tmpl_after) {
        r.already.push_back(name);
        continue;
      }
      if (auto s = CheckExpandable(ctx.api, ctx.ns, *size, step.location.ToString()); !s) {
        return std::unexpected(s.error());
      }
      r.grow.push_back(*size);
    }
    kube::ListOptions lo;
    lo.label_selector = ctx.sts.selector;
    auto pods = ctx.api.List(kube::Pods(ctx.ns), lo);
    if (!pods) {
      return std::unexpected(pods.error());
    }
    // The pods that must keep their UIDs: the target's own, and adoptable
    // ones at an ordinal's name (the recreated StatefulSet adopts them, so
    // they compete for that ordinal). Another controller's pods with the same
    // labels are never the target's.
    for (const auto& p : (*pods)["items"]) {
      std::string name = json::Str(p, "/metadata/name");
      if (cluster::OrdinalOf(name, ctx.sts.name) &&
          cluster::RelationTo(p, ctx.sts) != cluster::PodRelation::kForeign) {
        r.pod_uids[name] = json::Str(p, "/metadata/uid");
      }
    }
    return r;
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) override {
    auto r = Resolve(ctx, step);
    if (!r) {
      return std::unexpected(r.error());
    }
    FaultPlan plan = StatefulSetPlan(ctx);
    for (const auto& c : r->grow) {
      plan.victims.push_back(c.name);
      plan.actions.push_back(fmt::format("resize claim {}/{} from {} to {}", ctx.ns, c.name,
                                         cluster::FormatQuantity(c.capacity), cluster::FormatQuantity(r->tmpl_after)));
    }
    plan.actions.push_back(fmt::format("delete StatefulSet {}/{} with propagationPolicy Orphan (pods keep running)",
                                       ctx.ns, ctx.sts.name));
    plan.actions.push_back(fmt::format("recreate it with volumeClaimTemplate {} at {} (was {}); pods {} must keep "
                                       "their UIDs",
                                       r->tmpl, cluster::FormatQuantity(r->tmpl_after),
                                       cluster::FormatQuantity(r->tmpl_before), r->pod_uids.size()));
    return plan;
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) override {
    auto timeout = step.params.GetDuration("timeout", kDefaultTimeout);
    if (!timeout) {
      return std::unexpected(timeout.error());
    }
    auto r = Resolve(ctx, step);
    if (!r) {
      return std::unexpected(r.error());
    }
    FaultResult result;
    std::vector<std::string> names;
    for (const auto& c : r->grow) {
      names.push_back(c.name + " (" + cluster::FormatQuantity(c.capacity) + ")");
    }
    ctx.log(fmt::format("victims: StatefulSet {}/{} (template {}: {} -> {}); claims: {}; pods that must survive: {}",
                        ctx.ns, ctx.sts.name, r->tmpl, cluster::FormatQuantity(r->tmpl_before),
                        cluster::FormatQuantity(r->tmpl_after), JoinOr(names, "none"), r->pod_uids.size()));
    auto begin = ctx.clock.Now();
    if (auto s = GrowClaims(ctx, step, *r, *timeout, result); !s) {
      return std::unexpected(s.error());
    }

    // 2. The original, journaled before it is deleted.
    auto ref = kube::StatefulSets(ctx.ns, ctx.sts.name);
    kube::Json original = StripServerFields(r->sts);
    auto ensure = ctx.journal->RecordUndo(step.name, "make sure StatefulSet " + ctx.sts.name + " exists",
                                          {{"kind", "ensure-object"}, {"ref", RefToJson(ref)}, {"object", original}});
    if (!ensure) {
      return std::unexpected(ensure.error());
    }
    std::string old_uid = json::Str(r->sts, "/metadata/uid");
    kube::DeleteOptions opts;
    opts.propagation_policy = "Orphan";
    opts.precondition_uid = old_uid;
    auto gone_at = ctx.clock.Now();
    if (auto s = ctx.api.Delete(ref, opts); !s) {
      return std::unexpected(Error(s.error().code, "deleting StatefulSet " + ctx.sts.name +
                                                       " (propagationPolicy Orphan): " + s.error().message));
    }
    ctx.log(fmt::format("deleted StatefulSet {} (uid {}) with propagationPolicy Orphan", ctx.sts.name, old_uid));
    if (auto s = WaitForDeletion(ctx.api, ctx.clock, ref, old_uid, *timeout, ctx.stop); !s) {
      return std::unexpected(Error(s.error().code, "waiting for StatefulSet " + ctx.sts.name +
                                                       " to be gone (orphaning its pods): " + s.error().message));
    }

    // 3. Recreate with the larger template.
    kube::Json larger = original;
    larger["spec"]["volumeClaimTemplates"][r->tmpl_index]["spec"]["resources"]["requests"]["storage"] =
        cluster::FormatQuantity(r->tmpl_after);
    kube::ResourceRef coll = ref;
    coll.name.clear();
    auto created = ctx.api.Create(coll, larger);
    if (!created) {
      return std::unexpected(Error(created.error().code, "recreating StatefulSet " + ctx.sts.name +
                                                             " with the larger template: " + created.error().message +
                                                             "; cleanup (or kdrill recover) recreates the original"));
    }
    std::string new_uid = json::Str(*created, "/metadata/uid");
    double absent = std::chrono::duration<double>(ctx.clock.Now() - gone_at).count();
    ctx.log(fmt::format("recreated StatefulSet {} (uid {}) with {} {} after {:.1f}s without it", ctx.sts.name, new_uid,
                        r->tmpl, cluster::FormatQuantity(r->tmpl_after), absent));
    auto marked = ctx.journal->MarkDone(*ensure, "recreated by the fault with the larger template, uid " + new_uid);
    if (!marked) {
      return std::unexpected(marked.error());
    }

    // 4. Adopted, settled, and no pod deleted.
    SettleGoal goal;
    goal.owner_uid = new_uid;
    goal.min_generation = json::Int(*created, "/metadata/generation", 1);
    goal.timeout = *timeout;
    auto settled = AwaitSettled(ctx, goal);
    if (!settled) {
      return std::unexpected(settled.error());
    }
    std::vector<std::string> replaced;
    for (const auto& [name, uid] : r->pod_uids) {
      auto it = settled->pods.find(name);
      std::string now = it == settled->pods.end() ? "(absent)"
                                                  : json::Str(it->second, "/metadata/uid");
      result.properties[name + ".uid"] = now == uid ? uid : uid + " -> " + now;
      result.details.push_back(fmt::format("{}: uid {} {}", name, uid, now == uid ? "unchanged" : "-> " + now));
      if (now != uid) {
        replaced.push_back(fmt::format("{} (uid {} -> {})", name, uid, now));
      }
    }
    if (!replaced.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("pods were deleted during the expansion of {}: {}; the orphan delete should have "
                                   "left them running",
                                   ctx.sts.name, fmt::join(replaced, ", ")));
    }
    double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    std::string line = fmt::format("{} recreated with {} {}, adopted its pods and settled ({:.1f}s in all); all {} "
                                   "pods kept their UIDs",
                                   ctx.sts.name, r->tmpl, cluster::FormatQuantity(r->tmpl_after), secs,
                                   r->pod_uids.size());
    ctx.log(line);
    result.details.insert(result.details.begin(), line);
    result.victims.insert(result.victims.begin(), "statefulset/" + ctx.sts.name);
    result.properties["template.size"] =
        cluster::FormatQuantity(r->tmpl_before) + " -> " + cluster::FormatQuantity(r->tmpl_after);
    result.properties["statefulset.uid"] = old_uid + " -> " + new_uid;
    result.properties["statefulset.absent.seconds"] = fmt::format("{:.1f}", absent);
    result.properties["pods.deleted"] = "0";
    result.properties["seconds"] = fmt::format("{:.1f}", secs);
    return result;
  }

 private:
  Status GrowClaims(FaultContext& ctx, const drill::Step& step, const Resolved& r, std::chrono::milliseconds timeout,
                    FaultResult& result) {
    for (const auto& name : r.already) {
      result.details.push_back(name + ": already at or above " + cluster::FormatQuantity(r.tmpl_after) +
                               "; left as is");
    }
    if (r.grow.empty()) {
      return Ok();
    }
    std::vector<std::string> names;
    for (const auto& c : r.grow) {
      names.push_back(c.name);
    }
    auto undo = ctx.journal->RecordUndo(step.name, fmt::format("claims resized: {}", fmt::join(names, ", ")),
                                        {{"kind", "none"},
                                         {"note", "claims cannot shrink: the larger size stays after the drill"}});
    if (!undo) {
      return std::unexpected(undo.error());
    }
    for (const auto& c : r.grow) {
      if (auto s = RequestStorage(ctx.api, ctx.ns, c.name, r.tmpl_after); !s) {
        return s;
      }
      ctx.log(fmt::format("requested {} for claim {}", cluster::FormatQuantity(r.tmpl_after), c.name));
    }
    for (const auto& c : r.grow) {
      if (auto s = AwaitCapacity(ctx, c.name, r.tmpl_after, timeout); !s) {
        return s;
      }
      auto now = ReadClaimSize(ctx.api, ctx.ns, c.name);
      std::string cap = now ? cluster::FormatQuantity(now->capacity) : "?";
      ctx.log(fmt::format("claim {} has capacity {}", c.name, cap));
      result.victims.push_back(c.name);
      result.properties[c.name + ".capacity"] = cluster::FormatQuantity(c.capacity) + " -> " + cap;
    }
    return ctx.journal->MarkDone(*undo, "nothing to restore: claims cannot shrink");
  }
};

}  // namespace

std::unique_ptr<Fault> MakeStsVolumeExpansion() { return std::make_unique<StsVolumeExpansion>(); }

}  // namespace kdrill::faults
