// statefulset-delete: delete the target StatefulSet and create it again from
// the object as read before the delete (server-set fields stripped), as an
// operator who re-applies a manifest would. Exercises
// .spec.persistentVolumeClaimRetentionPolicy.whenDeleted (the pvc-retention
// assertion checks it).
//   cascade: background (default)  the garbage collector deletes the pods;
//            kdrill waits until they are gone, and until the claims the
//            deleted StatefulSet owned (whenDeleted: Delete) are gone or the
//            timeout passes, before it recreates;
//   cascade: orphan                the pods keep running, unowned, and the new
//            StatefulSet adopts them (no pod is replaced).
// Then it waits until the recreated StatefulSet is settled.
// Undo: the original object is journaled as "ensure-object" before the
// delete, so a kdrill killed in between gets it back from cleanup or
// `kdrill recover`; the record is marked done once the fault recreated it.
//
// params: cascade (orphan | background), timeout (per phase, default 300s).
// No target.

#include <fmt/format.h>

#include "harness/faults/fault.h"
#include "harness/core/json_fields.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"
#include "harness/faults/strip_object.h"
#include "harness/faults/sts_wait.h"
#include "harness/watch/await_object.h"
#include "harness/watch/object_waits.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(300);

struct DeleteParams {
  std::string cascade = "background";
  std::chrono::milliseconds timeout{kDefaultTimeout};
};

Result<DeleteParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"cascade", "timeout"}, "statefulset-delete params"); !s) {
    return std::unexpected(s.error());
  }
  DeleteParams out;
  auto cascade = p.GetString("cascade", "background");
  if (!cascade) return std::unexpected(cascade.error());
  if (*cascade != "background" && *cascade != "orphan") {
    return std::unexpected(p.ErrorAt("cascade", fmt::format("must be background or orphan (as kubectl delete "
                                                            "--cascade), got \"{}\"",
                                                            *cascade)));
  }
  out.cascade = *cascade;
  auto t = p.GetDuration("timeout", kDefaultTimeout);
  if (!t) return std::unexpected(t.error());
  if (t->count() <= 0) return std::unexpected(p.ErrorAt("timeout", "must be greater than zero"));
  out.timeout = *t;
  return out;
}

bool OwnedByUid(const kube::Json& obj, const std::string& uid) {
  for (const auto& o : json::Arr(obj, "/metadata/ownerReferences")) {
    if (json::Str(o, "/uid") == uid) return true;
  }
  return false;
}

// Names of the items owned by uid.
std::vector<std::string> OwnedItems(const Items& items, const std::string& uid) {
  std::vector<std::string> out;
  for (const auto& [name, obj] : items) {
    if (OwnedByUid(obj, uid)) out.push_back(name);
  }
  return out;
}

std::string Policy(const kube::Json& sts) {
  return fmt::format("whenDeleted {}",
                     json::Str(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted", "Retain"));
}

class StatefulSetDelete final : public ParamsFault<DeleteParams, ReadParams> {
 public:
  std::string Name() const override { return "statefulset-delete"; }
  std::string Summary() const override {
    return "delete the StatefulSet (cascade background or orphan) and recreate it from the object as read; claims "
           "follow whenDeleted";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RefuseTarget(step, "statefulset-delete acts on the whole StatefulSet");
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const DeleteParams& params) override {
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) return std::unexpected(sts.error());
    FaultPlan plan = StatefulSetPlan(ctx);
    plan.actions.push_back(fmt::format("delete StatefulSet {}/{} (uid {}) with propagationPolicy {}{}; claims follow "
                                       "its {}",
                                       ctx.ns, ctx.sts.name, json::Str(*sts, "/metadata/uid"),
                                       params.cascade == "orphan" ? "Orphan" : "Background",
                                       params.cascade == "orphan" ? " (pods keep running)"
                                                                   : " (the garbage collector deletes its pods)",
                                       Policy(*sts)));
    plan.actions.push_back(fmt::format("recreate StatefulSet {}/{} from the object as read and wait until it is "
                                       "settled",
                                       ctx.ns, ctx.sts.name));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const DeleteParams& params) override {
    const bool orphan = params.cascade == "orphan";
    const auto ref = kube::StatefulSets(ctx.ns, ctx.sts.name);
    auto sts = ctx.api.Get(ref);
    if (!sts) return std::unexpected(sts.error());
    const std::string old_uid = json::Str(*sts, "/metadata/uid");
    kube::ListOptions selector;
    selector.label_selector = ctx.sts.selector;
    auto pods = ctx.api.List(kube::Pods(ctx.ns), selector);
    if (!pods) return std::unexpected(pods.error());
    // The pods of this incarnation (owned by its UID): another controller's
    // pods with the same labels never are, and an adoptable pod is not
    // deleted by the garbage collector.
    std::map<std::string, std::string> pod_uids;
    for (const auto& p : (*pods)["items"]) {
      if (OwnedByUid(p, old_uid)) {
        pod_uids[json::Str(p, "/metadata/name")] = json::Str(p, "/metadata/uid");
      }
    }
    ctx.log(fmt::format("victims: StatefulSet {}/{} (uid {}, {} pods, {}); cascade {}", ctx.ns, ctx.sts.name, old_uid,
                        pod_uids.size(), Policy(*sts), params.cascade));

    // Undo first: the original, fit to be created again.
    kube::Json original = StripServerFields(*sts);
    auto ensure = ctx.journal->RecordUndo(step.name, "make sure StatefulSet " + ctx.sts.name + " exists",
                                          {{"kind", "ensure-object"}, {"ref", RefToJson(ref)}, {"object", original}});
    if (!ensure) return std::unexpected(ensure.error());

    FaultResult result;
    const auto begin = ctx.clock.Now();
    kube::DeleteOptions opts;
    opts.propagation_policy = orphan ? "Orphan" : "Background";
    opts.precondition_uid = old_uid;
    if (auto s = ctx.api.Delete(ref, opts); !s) {
      return std::unexpected(Error(s.error().code, fmt::format("deleting StatefulSet {} (propagationPolicy {}): {}",
                                                               ctx.sts.name, opts.propagation_policy,
                                                               s.error().message)));
    }
    ctx.log(fmt::format("deleted StatefulSet {} (uid {}) with propagationPolicy {}", ctx.sts.name, old_uid,
                        opts.propagation_policy));
    if (auto s = WaitForDeletion(ctx.api, ctx.clock, ref, old_uid, params.timeout, ctx.stop); !s) {
      return std::unexpected(Error(s.error().code, "waiting for StatefulSet " + ctx.sts.name + " to be gone: " +
                                                       s.error().message));
    }
    if (!orphan) {
      for (const auto& [name, uid] : pod_uids) result.deleted_pod_uids.push_back(uid);
      if (auto s = AwaitOwnedGone(ctx, kube::Pods(ctx.ns), selector, old_uid, "pods", params.timeout); !s) {
        return std::unexpected(s.error());
      }
      ctx.log(fmt::format("the garbage collector deleted its {} pods", pod_uids.size()));
      // Claims it owned (whenDeleted: Delete) go once no pod mounts them. A
      // claim held longer is reported, not waited for forever: the
      // pvc-retention assertion names what holds it.
      if (auto s = AwaitOwnedGone(ctx, kube::Pvcs(ctx.ns), {}, old_uid, "claims", params.timeout); !s) {
        if (s.error().code == ErrorCode::kCancelled) return std::unexpected(s.error());
        ctx.log(s.error().message + "; recreating anyway");
        result.details.push_back(s.error().message);
      }
    }

    // Recreate from the object as read.
    kube::ResourceRef coll = ref;
    coll.name.clear();
    auto recreate_at = ctx.clock.Now();
    auto created = ctx.api.Create(coll, original);
    if (!created) {
      return std::unexpected(Error(created.error().code, "recreating StatefulSet " + ctx.sts.name + ": " +
                                                             created.error().message +
                                                             "; cleanup (or kdrill recover) recreates it"));
    }
    const std::string new_uid = json::Str(*created, "/metadata/uid");
    ctx.log(fmt::format("recreated StatefulSet {} (uid {})", ctx.sts.name, new_uid));
    if (auto m = ctx.journal->MarkDone(*ensure, "recreated by the fault, uid " + new_uid); !m) {
      return std::unexpected(m.error());
    }

    SettleGoal goal;
    goal.owner_uid = new_uid;
    goal.min_generation = json::Int(*created, "/metadata/generation", 1);
    goal.timeout = params.timeout;
    auto settled = AwaitSettled(ctx, goal);
    if (!settled) return std::unexpected(settled.error());
    int replaced = 0;
    for (const auto& [name, uid] : pod_uids) {
      auto it = settled->pods.find(name);
      std::string now = it == settled->pods.end() ? "(absent)"
                                                  : json::Str(it->second, "/metadata/uid");
      replaced += now != uid;
      result.details.push_back(fmt::format("{}: uid {} {}", name, uid, now == uid ? "unchanged (adopted)" : "-> " + now));
    }
    double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    double absent = std::chrono::duration<double>(recreate_at - begin).count();
    std::string line = fmt::format("{} deleted ({}) and recreated, settled after {:.1f}s; {} of {} pods replaced",
                                   ctx.sts.name, params.cascade, secs, replaced, pod_uids.size());
    ctx.log(line);
    result.details.insert(result.details.begin(), line);
    result.victims.push_back("statefulset/" + ctx.sts.name);
    result.properties["cascade"] = params.cascade;
    result.properties["statefulset.uid"] = old_uid + " -> " + new_uid;
    result.properties["statefulset.absent.seconds"] = fmt::format("{:.1f}", absent);
    result.properties["pods.replaced"] = std::to_string(replaced);
    result.properties["seconds"] = fmt::format("{:.1f}", secs);
    return result;
  }

 private:
  // Waits until no object of the collection (filtered by list) is owned by uid.
  static Status AwaitOwnedGone(FaultContext& ctx, const kube::ResourceRef& collection, const kube::ListOptions& list,
                               const std::string& uid, const std::string& what, std::chrono::milliseconds timeout) {
    AwaitOptions opts;
    opts.timeout = timeout;
    Items last;
    auto st = AwaitItems(
        ctx.api, ctx.clock, collection, list, [&](const Items& items) { return OwnedItems(items, uid).empty(); }, opts,
        ctx.stop,
        [&](std::chrono::seconds e, const Items& items) {
          ctx.log(fmt::format("  still waiting for the {} of the deleted StatefulSet to go ({}s): {}", what, e.count(),
                              fmt::join(OwnedItems(items, uid), ", ")));
        },
        &last);
    if (!st && st.error().code == ErrorCode::kTimeout) {
      return MakeError(ErrorCode::kTimeout, fmt::format("{} of the deleted StatefulSet {} still present after {}s: {}",
                                                        what, ctx.sts.name, timeout.count() / 1000,
                                                        fmt::join(OwnedItems(last, uid), ", ")));
    }
    return st;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeStatefulSetDelete() { return std::make_unique<StatefulSetDelete>(); }

}  // namespace kdrill::faults
