// destroy: the disaster a backup exists for.
//
//   mode: pods-and-claims (default)  scales the StatefulSet to 0 (waiting until
//       its pods are gone), then deletes every claim of its ordinals and waits
//       until they are gone (their volumes go with them under reclaimPolicy
//       Delete). The StatefulSet object stays, at 0 replicas, for restore.
//       Undo, journaled first: scale back to the original replicas (the
//       claims then come back EMPTY unless a restore ran).
//   mode: namespace  deletes the target's whole namespace and waits until it is
//       gone. Needs a backup step before it whose provider can come back from
//       that (exec-tar, velero; not volume-snapshot: the snapshots live in the
//       namespace). Undo, journaled first: recreate the namespace, ConfigMaps,
//       Service and StatefulSet recorded by the backup if they are missing.
//
// Before acting, the hand-restore instructions of the latest backup are
// written next to it (RESTORE-BY-HAND.txt) and named in the undo.
//
// params: mode, timeout (default 5m). No target.

#include <fmt/format.h>

#include "harness/cluster/ownership.h"
#include "harness/core/json_fields.h"

#include "harness/faults/backup_steps.h"
#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"
#include "harness/faults/sts_wait.h"
#include "harness/watch/object_waits.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::minutes(5);

struct DestroyParams {
  std::string mode = "pods-and-claims";
  std::chrono::milliseconds timeout{kDefaultTimeout};
};

Result<DestroyParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"mode", "timeout"}, "destroy params"); !s) return std::unexpected(s.error());
  DestroyParams out;
  auto m = p.GetString("mode", "pods-and-claims");
  if (!m) return std::unexpected(m.error());
  if (*m != "pods-and-claims" && *m != "namespace") {
    return std::unexpected(p.ErrorAt("mode", "must be \"pods-and-claims\" or \"namespace\", got \"" + *m + "\""));
  }
  out.mode = *m;
  auto t = p.GetDuration("timeout", kDefaultTimeout);
  if (!t) return std::unexpected(t.error());
  if (t->count() < 1000) return std::unexpected(p.ErrorAt("timeout", "must be at least 1s"));
  out.timeout = *t;
  return out;
}

// The claims of the StatefulSet's ordinals that exist now.
Result<std::vector<kube::Json>> LiveClaims(FaultContext& ctx, const cluster::StatefulSetSpec& spec) {
  std::vector<kube::Json> out;
  for (int ord = spec.ordinal_start; ord < spec.ordinal_start + spec.replicas; ++ord) {
    for (const auto& t : spec.claim_templates) {
      auto c = ctx.api.Get(kube::Pvcs(ctx.ns, cluster::ClaimName(t, spec.name, ord)));
      if (c) {
        out.push_back(*c);
      } else if (c.error().code != ErrorCode::kNotFound) {
        return std::unexpected(c.error());
      }
    }
  }
  return out;
}

std::string HandRestoreNote(FaultContext& ctx) {
  const backup::BackupRecord* latest = ctx.backups ? ctx.backups->Find("") : nullptr;
  if (!latest) return "no backup was taken in this run";
  auto provider = backup::MakeProvider(latest->provider);
  if (provider) WriteHandRestoreFile(ctx, *provider, *latest);
  return fmt::format("backup \"{}\" ({}) in {}; restore by hand: {}/RESTORE-BY-HAND.txt", latest->name,
                     latest->provider, latest->dir, latest->dir);
}

class Destroy final : public ParamsFault<DestroyParams, ReadParams> {
 public:
  std::string Name() const override { return "destroy"; }
  std::string Summary() const override {
    return "delete the StatefulSet's pods and claims (scaled to 0), or its whole namespace: the disaster a restore "
           "must recover from";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RefuseTarget(step, "destroy acts on the whole StatefulSet");
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const DestroyParams& params) override {
    FaultPlan plan;
    if (params.mode == "namespace") {
      plan.victims.push_back("namespace/" + ctx.ns);
      plan.actions.push_back(fmt::format("delete namespace {} and everything in it; wait until it is gone; undo: "
                                         "recreate its StatefulSet, Service and ConfigMaps from the backup",
                                         ctx.ns));
      return plan;
    }
    auto claims = LiveClaims(ctx, ctx.sts);
    if (!claims) return std::unexpected(claims.error());
    plan.victims.push_back("statefulset/" + ctx.sts.name);
    plan.actions.push_back(fmt::format("scale StatefulSet {}/{} from {} to 0 and wait for its pods to go", ctx.ns,
                                       ctx.sts.name, ctx.sts.replicas));
    for (const auto& c : *claims) {
      std::string name = json::Str(c, "/metadata/name");
      plan.victims.push_back(name);
      plan.actions.push_back(fmt::format("delete claim {}/{} (uid {}, pv {})", ctx.ns, name,
                                         json::Str(c, "/metadata/uid"),
                                         json::Str(c, "/spec/volumeName")));
    }
    plan.actions.push_back(fmt::format("undo: scale back to {} (the claims come back empty unless restored)",
                                       ctx.sts.replicas));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const DestroyParams& params) override {
    auto session = RequireSession(ctx);
    if (!session) return std::unexpected(session.error());
    return params.mode == "namespace" ? DestroyNamespace(ctx, step, params)
                                      : DestroyPodsAndClaims(ctx, step, params);
  }

 private:
  Result<FaultResult> DestroyPodsAndClaims(FaultContext& ctx, const drill::Step& step, const DestroyParams& params) {
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) return std::unexpected(sts.error());
    auto spec = cluster::ReadStatefulSet(*sts);
    auto claims = LiveClaims(ctx, spec);
    if (!claims) return std::unexpected(claims.error());
    kube::ListOptions lo;
    lo.label_selector = spec.selector;
    auto pods = ctx.api.List(kube::Pods(ctx.ns), lo);
    if (!pods) return std::unexpected(pods.error());
    std::vector<std::string> claim_names;
    for (const auto& c : *claims) claim_names.push_back(json::Str(c, "/metadata/name"));
    ctx.log(fmt::format("victims: StatefulSet {}/{} scaled {} -> 0, then claims {}", ctx.ns, spec.name, spec.replicas,
                        claim_names.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(claim_names, ", "))));
    std::string note = HandRestoreNote(ctx);
    auto ref = kube::StatefulSets(ctx.ns, spec.name);
    auto undo = ctx.journal->RecordUndo(
        step.name,
        fmt::format("scale StatefulSet {} back to {} replicas (claims deleted by destroy come back EMPTY unless "
                    "restored; {})",
                    spec.name, spec.replicas, note),
        {{"kind", "patch"}, {"ref", RefToJson(ref)}, {"patchType", "merge"},
         {"patch", {{"spec", {{"replicas", spec.replicas}}}}}});
    if (!undo) return std::unexpected(undo.error());
    FaultResult result;
    for (const auto& p : (*pods)["items"]) {
      if (cluster::RelationTo(p, spec) == cluster::PodRelation::kOwned) {
        result.deleted_pod_uids.push_back(json::Str(p, "/metadata/uid"));
      }
    }
    auto patched = ctx.api.Patch(ref, kube::PatchType::kMerge, R"({"spec":{"replicas":0}})");
    if (!patched) {
      return std::unexpected(Error(patched.error().code, "scaling StatefulSet " + spec.name + " to 0: " +
                                                             patched.error().message));
    }
    SettleGoal goal;
    goal.replicas = 0;
    goal.min_generation = json::Int(*patched, "/metadata/generation");
    goal.timeout = params.timeout;
    auto begin = ctx.clock.Now();
    if (auto settled = AwaitSettled(ctx, goal); !settled) return std::unexpected(settled.error());
    ctx.log(fmt::format("StatefulSet {} at 0 replicas, every pod gone ({:.1f}s)", spec.name,
                        std::chrono::duration<double>(ctx.clock.Now() - begin).count()));
    for (const auto& c : *claims) {
      std::string name = json::Str(c, "/metadata/name");
      std::string uid = json::Str(c, "/metadata/uid");
      kube::DeleteOptions opts;
      opts.precondition_uid = uid;
      auto del = ctx.api.Delete(kube::Pvcs(ctx.ns, name), opts);
      if (!del && del.error().code != ErrorCode::kNotFound) {
        return std::unexpected(Error(del.error().code, "deleting claim " + name + ": " + del.error().message));
      }
    }
    for (const auto& c : *claims) {
      std::string name = json::Str(c, "/metadata/name");
      std::string uid = json::Str(c, "/metadata/uid");
      if (auto w = WaitForDeletion(ctx.api, ctx.clock, kube::Pvcs(ctx.ns, name), uid, params.timeout, ctx.stop); !w) {
        return std::unexpected(Error(w.error().code, "waiting for claim " + name + " to go: " + w.error().message));
      }
      ctx.log(fmt::format("deleted claim {} (uid {}, pv {})", name, uid,
                          json::Str(c, "/spec/volumeName")));
      result.details.push_back(fmt::format("deleted claim {} uid={} pv={}", name, uid,
                                           json::Str(c, "/spec/volumeName")));
    }
    ctx.backups->destroyed = backup::DestroyRecord{"pods-and-claims", spec.replicas, claim_names};
    result.victims.push_back("statefulset/" + spec.name);
    for (const auto& n : claim_names) result.victims.push_back(n);
    result.properties["destroy.mode"] = "pods-and-claims";
    result.properties["destroy.claims"] = std::to_string(claim_names.size());
    result.properties["destroy.seconds"] =
        fmt::format("{:.2f}", std::chrono::duration<double>(ctx.clock.Now() - begin).count());
    return result;
  }

  Result<FaultResult> DestroyNamespace(FaultContext& ctx, const drill::Step& step, const DestroyParams& params) {
    const backup::BackupRecord* latest = ctx.backups->Find("");
    if (!latest) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       step.location.ToString() + ": destroy mode namespace deletes everything in " + ctx.ns +
                           "; it needs a backup step before it to come back from");
    }
    auto provider = backup::MakeProvider(latest->provider);
    if (!provider) return MakeError(ErrorCode::kInternal, "unknown provider " + latest->provider);
    if (auto st = provider->CanRestore(*latest, backup::RestoreMode::kNamespace); !st) {
      return MakeError(ErrorCode::kFailedPrecondition, step.params.LocationOf("mode").ToString() +
                                                           ": refusing to delete namespace " + ctx.ns + ": " +
                                                           st.error().message);
    }
    if (!latest->secrets_not_kept.empty() && !provider->RestoresObjects(backup::RestoreMode::kNamespace)) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: refusing to delete namespace {}: its pods use Secrets ({}) that a {} backup "
                                   "does not keep (kdrill never writes Secrets to disk); use mode pods-and-claims, or "
                                   "provider velero",
                                   step.params.LocationOf("mode").ToString(), ctx.ns,
                                   fmt::join(latest->secrets_not_kept, ", "), latest->provider));
    }
    kube::ListOptions lo;
    lo.label_selector = ctx.sts.selector;
    auto pods = ctx.api.List(kube::Pods(ctx.ns), lo);
    if (!pods) return std::unexpected(pods.error());
    auto ns_obj = ctx.api.Get(kube::Namespaces(ctx.ns));
    if (!ns_obj) return std::unexpected(ns_obj.error());
    std::string ns_uid = json::Str(*ns_obj, "/metadata/uid");
    ctx.log(fmt::format("victims: namespace {} (uid {}) and everything in it", ctx.ns, ns_uid));
    std::string note = HandRestoreNote(ctx);
    // Replayed newest first: the namespace (journaled last) comes back first.
    for (auto it = latest->objects.rbegin(); it != latest->objects.rend(); ++it) {
      kube::Json obj = *it;
      std::string kind = json::Str(obj, "/kind");
      std::string name = json::Str(obj, "/metadata/name");
      kube::ResourceRef ref;
      if (kind == "Namespace") {
        ref = kube::Namespaces(name);
      } else {
        obj["metadata"]["namespace"] = ctx.ns;
        ref = kind == "StatefulSet" ? kube::StatefulSets(ctx.ns, name)
              : kind == "Service"   ? kube::ResourceRef{"v1", "services", ctx.ns, name, {}}
                                    : kube::ResourceRef{"v1", "configmaps", ctx.ns, name, {}};
      }
      auto undo = ctx.journal->RecordUndo(step.name,
                                          fmt::format("recreate {} {} if missing (its claims come back empty unless "
                                                      "restored; {})",
                                                      kind, name, note),
                                          {{"kind", "ensure-object"}, {"ref", RefToJson(ref)}, {"object", obj}});
      if (!undo) return std::unexpected(undo.error());
    }
    FaultResult result;
    // The namespace takes every pod with it, but only the target's own count
    // as the pods this fault deleted (as in pods-and-claims mode): another
    // controller's pods with the same labels are not the target's.
    for (const auto& p : (*pods)["items"]) {
      if (cluster::RelationTo(p, ctx.sts) == cluster::PodRelation::kOwned) {
        result.deleted_pod_uids.push_back(json::Str(p, "/metadata/uid"));
      }
    }
    auto begin = ctx.clock.Now();
    kube::DeleteOptions opts;
    opts.precondition_uid = ns_uid;
    if (auto del = ctx.api.Delete(kube::Namespaces(ctx.ns), opts); !del) {
      return std::unexpected(Error(del.error().code, "deleting namespace " + ctx.ns + ": " + del.error().message));
    }
    ctx.log("deleting namespace " + ctx.ns + "; waiting until it is gone");
    if (auto w = WaitForDeletion(ctx.api, ctx.clock, kube::Namespaces(ctx.ns), ns_uid, params.timeout, ctx.stop); !w) {
      return std::unexpected(Error(w.error().code, "waiting for namespace " + ctx.ns + " to go: " + w.error().message));
    }
    double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    ctx.log(fmt::format("namespace {} is gone ({:.1f}s)", ctx.ns, secs));
    std::vector<std::string> claims;
    for (const auto& v : latest->volumes) claims.push_back(v.claim);
    ctx.backups->destroyed = backup::DestroyRecord{"namespace", latest->replicas, claims};
    result.victims.push_back("namespace/" + ctx.ns);
    result.properties["destroy.mode"] = "namespace";
    result.properties["destroy.seconds"] = fmt::format("{:.2f}", secs);
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeDestroy() { return std::make_unique<Destroy>(); }

}  // namespace kdrill::faults
