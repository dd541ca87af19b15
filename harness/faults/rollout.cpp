// rollout: change the target StatefulSet's pod template under RollingUpdate
// (params.image, params.env or params.annotation; by default the annotation
// kdrill.io/rollout: <timestamp>), optionally with a partition, and wait
// (params.timeout, default 300s) until the rollout has settled: the new
// updateRevision observed, every pod at or above the partition updated and
// Ready (and, without a partition, currentRevision == updateRevision). The
// undo, journaled before the change, puts the original spec.template and
// spec.updateStrategy back (restore-fields) and waits for the StatefulSet to
// settle again.
//
// Under updateStrategy OnDelete the controller replaces nothing: with
// params.onDelete: true the rollout changes the template and waits until
// every pod runs the update revision, replaced by whoever deletes them (an
// operator, a person); ordered-update then judges the order they chose.
//
// params: image | env {name, value} | annotation {key, value}, container,
// partition | onDelete, timeout. No target.

#include <fmt/format.h>

#include "harness/core/time_format.h"
#include "harness/core/json_fields.h"
#include "harness/faults/fault.h"
#include "harness/faults/victims.h"
#include "harness/faults/sts_wait.h"
#include "harness/faults/template_change.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(300);

Result<std::chrono::milliseconds> ReadTimeout(const drill::Params& p) {
  auto t = p.GetDuration("timeout", kDefaultTimeout);
  if (!t) {
    return std::unexpected(t.error());
  }
  if (t->count() < 1000) {
    return std::unexpected(p.ErrorAt("timeout", "must be at least 1s"));
  }
  return *t;
}

std::string PartitionText(const TemplateChange& c, const char* pattern) {
  return c.partition ? fmt::format(fmt::runtime(pattern), *c.partition) : std::string();
}

std::string RevisionOf(const kube::Json& pod) {
  return json::Str(pod, "/metadata/labels/controller-revision-hash", "?");
}

class Rollout final : public Fault {
 public:
  std::string Name() const override { return "rollout"; }
  std::string Summary() const override {
    return "change the pod template (image, env or annotation) under RollingUpdate and wait for the rollout to settle";
  }

  Status Validate(const drill::Step& step) const override {
    if (auto st = RefuseTarget(step, "rollout acts on the whole StatefulSet (use params.partition to limit it)"); !st) return st;
    if (auto c = ReadTemplateChange(step.params, "x"); !c) {
      return std::unexpected(c.error());
    }
    if (auto t = ReadTimeout(step.params); !t) {
      return std::unexpected(t.error());
    }
    return Ok();
  }

  struct Resolved {
    TemplateChange change;
    kube::Json before;
    kube::Json after;
  };

  Result<Resolved> Resolve(FaultContext& ctx, const drill::Step& step) {
    auto change = ReadTemplateChange(step.params, Rfc3339(ctx.clock.WallNow()));
    if (!change) {
      return std::unexpected(change.error());
    }
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) {
      return std::unexpected(sts.error());
    }
    std::string strategy = json::Str(*sts, "/spec/updateStrategy/type", "RollingUpdate");
    if (change->on_delete && strategy != "OnDelete") {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: onDelete: true, but StatefulSet {}/{} uses updateStrategy {}: its controller "
                                   "replaces the pods itself; drop onDelete",
                                   step.location.ToString(), ctx.ns, ctx.sts.name, strategy));
    }
    if (!change->on_delete && strategy != "RollingUpdate") {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: StatefulSet {}/{} uses updateStrategy {}: a template change would not replace "
                                   "any pod by itself; rollout needs updateStrategy RollingUpdate, or onDelete: true "
                                   "to wait while something else deletes the pods",
                                   step.location.ToString(), ctx.ns, ctx.sts.name, strategy));
    }
    auto after = ApplyTemplateChange(*sts, *change);
    if (!after) {
      return MakeError(after.error().code, step.params.location().ToString() + ": StatefulSet " + ctx.sts.name +
                                               ": " + after.error().message);
    }
    return Resolved{*change, *sts, *after};
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) override {
    auto r = Resolve(ctx, step);
    if (!r) {
      return std::unexpected(r.error());
    }
    FaultPlan plan = StatefulSetPlan(ctx);
    plan.actions.push_back(fmt::format("roll StatefulSet {}/{}: {}{}; undo: the original template and updateStrategy",
                                       ctx.ns, ctx.sts.name, r->change.Describe(),
                                       PartitionText(r->change, " (partition {})")));
    return plan;
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) override {
    auto timeout = ReadTimeout(step.params);
    if (!timeout) {
      return std::unexpected(timeout.error());
    }
    auto r = Resolve(ctx, step);
    if (!r) {
      return std::unexpected(r.error());
    }
    auto ref = kube::StatefulSets(ctx.ns, ctx.sts.name);
    kube::ListOptions lo;
    lo.label_selector = ctx.sts.selector;
    // Read by name only for the target's own pods in settled->pods (see SettledState).
    auto pods_before = ctx.api.List(kube::Pods(ctx.ns), lo);
    if (!pods_before) {
      return std::unexpected(pods_before.error());
    }
    std::string old_revision = json::Str(r->before, "/status/updateRevision", "?");
    ctx.log(fmt::format("victims: StatefulSet {}/{} (revision {}): {}{}", ctx.ns, ctx.sts.name, old_revision,
                        r->change.Describe(),
                        PartitionText(r->change, ", partition {}")));
    kube::Json fields = {{"/spec/template", json::At(r->before, "/spec/template")},
                         {"/spec/updateStrategy", json::At(r->before, "/spec/updateStrategy")}};
    auto undo = ctx.journal->RecordUndo(
        step.name, "restore the pod template and updateStrategy of StatefulSet " + ctx.sts.name,
        {{"kind", "restore-fields"},
         {"ref", RefToJson(ref)},
         {"fields", fields},
         {"settleSeconds", std::chrono::duration_cast<std::chrono::seconds>(*timeout).count()}});
    if (!undo) {
      return std::unexpected(undo.error());
    }
    auto begin = ctx.clock.Now();
    auto written = ctx.api.Replace(ref, r->after);
    if (!written) {
      std::string hint = written.error().code == ErrorCode::kConflict
                             ? "; the StatefulSet changed while kdrill read it: run the drill again"
                             : "";
      return std::unexpected(Error(written.error().code, "updating the template of StatefulSet " + ctx.sts.name +
                                                             ": " + written.error().message + hint));
    }
    ctx.log(fmt::format("template changed (generation {}); waiting for the rollout to settle{}",
                        json::Int(*written, "/metadata/generation"),
                        r->change.on_delete ? " (OnDelete: every pod must be deleted and come back at the new revision)"
                                            : ""));
    SettleGoal goal;
    goal.all_at_update_revision = r->change.on_delete;
    goal.min_generation = json::Int(*written, "/metadata/generation");
    goal.timeout = *timeout;
    auto settled = AwaitSettled(ctx, goal);
    if (!settled) {
      return std::unexpected(settled.error());
    }
    double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    std::string new_revision = json::Str(settled->statefulset, "/status/updateRevision", "?");
    FaultResult result;
    result.victims.push_back("statefulset/" + ctx.sts.name);
    int replaced = 0;
    std::map<std::string, std::string> uid_before;
    for (const auto& p : (*pods_before)["items"]) {
      uid_before[json::Str(p, "/metadata/name")] =
          json::Str(p, "/metadata/uid");
    }
    for (const auto& [name, pod] : settled->pods) {
      std::string uid = json::Str(pod, "/metadata/uid");
      bool same = uid_before.count(name) && uid_before[name] == uid;
      replaced += same ? 0 : 1;
      result.details.push_back(fmt::format("{}: revision {} uid {}{}", name, RevisionOf(pod), uid,
                                           same ? " (not replaced)" : " (replaced, was " + uid_before[name] + ")"));
    }
    std::string line = fmt::format("rollout of {} settled in {:.1f}s: revision {} -> {}, {} pod(s) replaced",
                                   ctx.sts.name, secs, old_revision, new_revision, replaced);
    ctx.log(line);
    result.details.insert(result.details.begin(), line);
    result.properties["change"] = r->change.Describe();
    result.properties["revision.before"] = old_revision;
    result.properties["revision.after"] = new_revision;
    result.properties["pods.replaced"] = std::to_string(replaced);
    if (r->change.partition) {
      result.properties["partition"] = std::to_string(*r->change.partition);
    }
    result.properties["settle.seconds"] = fmt::format("{:.1f}", secs);
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeRollout() { return std::make_unique<Rollout>(); }

}  // namespace kdrill::faults
