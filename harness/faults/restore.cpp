// restore: brings a backup back after a destroy step: the latest backup of
// this run, the one named params.backup, or one an earlier run wrote
// (params.from: its directory). It reads the live state to decide how:
//   - the namespace is gone: mode namespace. The namespace and the objects the
//     backup recorded are recreated (the StatefulSet at 0 replicas), unless
//     the provider restores objects itself (velero);
//   - the StatefulSet is at 0 replicas and the backup's claims are gone: mode
//     pods-and-claims.
// Anything else is refused: a restore never overwrites live claims. The
// provider then brings every claim back under its own name with the
// backed-up data, before any pod of the StatefulSet mounts it; then the
// StatefulSet is scaled back to its replicas and awaited settled.
// A failed restore leaves the backup in place (snapshots are kept) and says
// how to restore by hand (<dir>/RESTORE-BY-HAND.txt).
//
// params: backup | from, timeout (default 10m). No target.

#include <fmt/format.h>

#include "harness/backup/backup_provider.h"
#include "harness/core/json_fields.h"
#include "harness/faults/backup_steps.h"
#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"
#include "harness/faults/sts_wait.h"
#include "harness/watch/object_waits.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::minutes(10);

struct RestoreParams {
  std::string backup;
  std::string from;
  std::chrono::milliseconds timeout{kDefaultTimeout};
};

Result<RestoreParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"backup", "from", "timeout"}, "restore params"); !s) return std::unexpected(s.error());
  RestoreParams out;
  auto b = p.GetString("backup", "");
  if (!b) return std::unexpected(b.error());
  out.backup = *b;
  auto f = p.GetString("from", "");
  if (!f) return std::unexpected(f.error());
  out.from = *f;
  if (!out.backup.empty() && !out.from.empty()) {
    return std::unexpected(p.ErrorAt("from", "give params.backup (a backup of this run) or params.from (a backup "
                                             "directory), not both"));
  }
  auto t = p.GetDuration("timeout", kDefaultTimeout);
  if (!t) return std::unexpected(t.error());
  if (t->count() < 1000) return std::unexpected(p.ErrorAt("timeout", "must be at least 1s"));
  out.timeout = *t;
  return out;
}

std::string ClaimStates(FaultContext& ctx, const backup::BackupRecord& record) {
  std::vector<std::string> out;
  for (const auto& v : record.volumes) {
    auto c = ctx.api.Get(kube::Pvcs(ctx.ns, v.claim));
    out.push_back(v.claim + " " + (c ? json::Str(*c, "/status/phase", "Pending") : "absent"));
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

kube::ResourceRef RefFor(const kube::Json& obj, const std::string& ns) {
  std::string kind = json::Str(obj, "/kind");
  std::string name = json::Str(obj, "/metadata/name");
  if (kind == "Namespace") return kube::Namespaces();
  if (kind == "StatefulSet") return kube::StatefulSets(ns);
  if (kind == "Service") return {"v1", "services", ns, "", {}};
  return {"v1", "configmaps", ns, "", {}};
}

class Restore final : public ParamsFault<RestoreParams, ReadParams> {
 public:
  std::string Name() const override { return "restore"; }
  std::string Summary() const override {
    return "bring a backup back after destroy (claims recreated with the data before the pods return, or the whole "
           "namespace); a failed restore keeps the backup and says how to restore by hand";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RefuseTarget(step, "restore acts on the whole StatefulSet");
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const RestoreParams& params) override {
    FaultPlan plan;
    std::string which = !params.from.empty()     ? "the backup in " + params.from
                        : params.backup.empty() ? std::string("the latest backup of this run")
                                                 : "backup \"" + params.backup + "\"";
    plan.victims.push_back("statefulset/" + ctx.sts.name);
    plan.actions.push_back(fmt::format("restore {}: recreate the claims of {}/{} with the backed-up data (and the "
                                       "namespace, if a destroy removed it), then scale back and wait until settled",
                                       which, ctx.ns, ctx.sts.name));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const RestoreParams& params) override {
    auto session = RequireSession(ctx);
    if (!session) return std::unexpected(session.error());
    backup::BackupRecord record;
    if (!params.from.empty()) {
      auto loaded = backup::LoadManifest(params.from);
      if (!loaded) {
        return std::unexpected(Error(loaded.error().code,
                                     step.params.LocationOf("from").ToString() + ": " + loaded.error().message));
      }
      record = std::move(*loaded);
      if (record.statefulset != ctx.sts.name) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("{}: the backup in {} is of StatefulSet {}, not {}: its claims would not be the "
                                     "ones the StatefulSet mounts",
                                     step.params.LocationOf("from").ToString(), record.dir, record.statefulset,
                                     ctx.sts.name));
      }
    } else {
      const backup::BackupRecord* found = (*session)->Find(params.backup);
      if (!found) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         step.location.ToString() + ": " +
                             (params.backup.empty() ? std::string("no backup step ran before this restore")
                                                     : "no backup named \"" + params.backup + "\" ran before it") +
                             " (or give params.from: a backup directory)");
      }
      record = *found;
    }
    auto provider = backup::MakeProvider(record.provider);
    if (!provider) {
      return MakeError(ErrorCode::kInvalidArgument, "backup in " + record.dir + " names an unknown provider \"" +
                                                        record.provider + "\"; known: " + ProviderList());
    }
    auto mode = DecideMode(ctx, record, params.timeout);
    if (!mode) return std::unexpected(mode.error());
    if (auto st = provider->CanRestore(record, *mode); !st) return std::unexpected(st.error());
    int replicas = ctx.backups->destroyed ? ctx.backups->destroyed->replicas : record.replicas;
    ctx.log(fmt::format("victims: {}/{}: restoring backup \"{}\" ({}, {} claim(s), taken {}) from {}, mode {}", ctx.ns,
                        ctx.sts.name, record.name, record.provider, record.volumes.size(), record.finished_at,
                        record.dir, backup::RestoreModeName(*mode)));
    auto begin = ctx.clock.Now();
    backup::RestoreRecord out;
    out.backup = record;
    out.mode = backup::RestoreModeName(*mode);
    auto pctx = MakeProviderContext(ctx, step, params.timeout);
    Status st = Ok();
    if (*mode == backup::RestoreMode::kNamespace && !provider->RestoresObjects(*mode)) {
      st = RecreateObjects(ctx, record);
    }
    if (st) st = provider->Restore(pctx, record, *mode, out);
    if (st) st = ScaleBack(ctx, record, *mode, replicas, provider->RestoresObjects(*mode), params.timeout);
    if (!st) {
      provider->KeepBackup(pctx, record);
      auto hand = provider->HandRestore(record);
      for (const auto& l : hand) ctx.log("  " + l);
      auto file = backup::WriteHandRestore(record.dir, hand);
      Error e(st.error().code, fmt::format("restore of backup \"{}\" failed: {}; the backup is kept in {}; restore "
                                           "by hand as {} says",
                                           record.name, st.error().message, record.dir,
                                           file ? *file : std::string("the log above")));
      ctx.backups->restore_error = e.message;
      return std::unexpected(e);
    }
    out.seconds = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    std::string summary = fmt::format("restored backup \"{}\" ({}, mode {}) in {:.1f}s: {} claim(s), {} restored",
                                      record.name, record.provider, out.mode, out.seconds, record.volumes.size(),
                                      backup::HumanBytes(out.bytes));
    ctx.log(summary);
    FaultResult result;
    result.victims.push_back("statefulset/" + ctx.sts.name);
    result.details.push_back(summary);
    for (const auto& w : out.warnings) result.details.push_back("WARNING: " + w);
    result.properties["restore.backup"] = record.name;
    result.properties["restore.provider"] = record.provider;
    result.properties["restore.mode"] = out.mode;
    result.properties["restore.dir"] = record.dir;
    result.properties["restore.bytes"] = std::to_string(out.bytes);
    result.properties["restore.seconds"] = fmt::format("{:.2f}", out.seconds);
    result.properties["restore.warnings"] = std::to_string(out.warnings.size());
    ctx.backups->restored = std::move(out);
    return result;
  }

 private:
  Result<backup::RestoreMode> DecideMode(FaultContext& ctx, const backup::BackupRecord& record,
                                         std::chrono::milliseconds timeout) {
    auto ns = ctx.api.Get(kube::Namespaces(ctx.ns));
    if (!ns && ns.error().code == ErrorCode::kNotFound) return backup::RestoreMode::kNamespace;
    if (!ns) return std::unexpected(ns.error());
    if (ns->contains("/metadata/deletionTimestamp"_json_pointer)) {
      ctx.log("namespace " + ctx.ns + " is terminating; waiting until it is gone");
      auto w = WaitForDeletion(ctx.api, ctx.clock, kube::Namespaces(ctx.ns), json::Str(*ns, "/metadata/uid"),
                               timeout, ctx.stop);
      if (!w) return std::unexpected(w.error());
      return backup::RestoreMode::kNamespace;
    }
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) {
      return std::unexpected(Error(sts.error().code,
                                   fmt::format("StatefulSet {}/{}: {}; a restore into an existing namespace needs the "
                                               "StatefulSet (at 0 replicas)",
                                               ctx.ns, ctx.sts.name, sts.error().message)));
    }
    int replicas = json::Int(*sts, "/spec/replicas", 1);
    std::vector<std::string> live;
    for (const auto& v : record.volumes) {
      auto c = ctx.api.Get(kube::Pvcs(ctx.ns, v.claim));
      if (c) live.push_back(v.claim);
    }
    if (replicas != 0 || !live.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("StatefulSet {}/{} has {} replicas and claims {} exist: a restore recreates the "
                                   "claims and never overwrites live ones; run a destroy step before the restore",
                                   ctx.ns, ctx.sts.name, replicas,
                                   live.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(live, ", "))));
    }
    return backup::RestoreMode::kClaims;
  }

  Status RecreateObjects(FaultContext& ctx, const backup::BackupRecord& record) {
    if (record.objects.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the backup in " + record.dir + " recorded no objects to recreate the namespace from");
    }
    bool has_ns = false;
    for (const auto& o : record.objects) has_ns = has_ns || json::Str(o, "/kind") == "Namespace";
    std::vector<kube::Json> objects;
    if (!has_ns) objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ctx.ns}}}});
    for (const auto& o : record.objects) objects.push_back(o);
    for (auto obj : objects) {
      std::string kind = json::Str(obj, "/kind");
      if (kind == "Namespace") {
        obj["metadata"]["name"] = ctx.ns;
      } else {
        obj["metadata"]["namespace"] = ctx.ns;
      }
      if (kind == "StatefulSet") obj["spec"]["replicas"] = 0;  // the claims come first
      auto created = ctx.api.Create(RefFor(obj, ctx.ns), obj);
      std::string name = json::Str(obj, "/metadata/name");
      if (!created && created.error().code != ErrorCode::kAlreadyExists) {
        return std::unexpected(Error(created.error().code, fmt::format("recreating {} {}: {}", kind, name,
                                                                       created.error().message)));
      }
      ctx.log(fmt::format("{} {} {}", created ? "recreated" : "kept existing", kind, name));
    }
    return Ok();
  }

  Status ScaleBack(FaultContext& ctx, const backup::BackupRecord& record, backup::RestoreMode mode, int replicas,
                   bool provider_made_objects, std::chrono::milliseconds timeout) {
    SettleGoal goal;
    goal.timeout = timeout;
    if (!provider_made_objects) {
      auto patched = ctx.api.Patch(kube::StatefulSets(ctx.ns, ctx.sts.name), kube::PatchType::kMerge,
                                   kube::Json{{"spec", {{"replicas", replicas}}}}.dump());
      if (!patched) {
        return std::unexpected(Error(patched.error().code, fmt::format("scaling StatefulSet {} back to {}: {}",
                                                                       ctx.sts.name, replicas,
                                                                       patched.error().message)));
      }
      goal.replicas = replicas;
      goal.min_generation = json::Int(*patched, "/metadata/generation");
      ctx.log(fmt::format("scaled StatefulSet {} back to {}; waiting until it is settled", ctx.sts.name, replicas));
    }
    (void)mode;
    auto settled = AwaitSettled(ctx, goal);
    if (!settled) {
      return std::unexpected(Error(settled.error().code,
                                   settled.error().message + "; claims: " + ClaimStates(ctx, record)));
    }
    return Ok();
  }
};

}  // namespace

std::unique_ptr<Fault> MakeRestore() { return std::make_unique<Restore>(); }

}  // namespace kdrill::faults
