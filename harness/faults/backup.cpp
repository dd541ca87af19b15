// backup: backs up every claim of the target StatefulSet (each ordinal, each
// claim template, or those in params.volumes) with a provider
// (params.provider: exec-tar, the default; volume-snapshot; velero) into
// params.dir, default <report dir>/backups/<run-id>/<name>. The directory
// must not exist or be empty: kdrill never overwrites a backup, and never
// deletes one. The manifest (<dir>/manifest.json: per claim, every file with
// its size and SHA-256, plus the size, duration and location of the backup and
// the objects a namespace restore needs) is written last, when the backup is
// whole. The backup's size and duration go into the report.
//
// params: provider, name (default "backup"; restore and mutate-data refer to
// it), dir, volumes (claim templates), container, timeout (default 10m, per
// transfer or wait), and the provider's own (volume-snapshot: snapshotClass;
// velero: veleroNamespace, storageLocation, snapshotVolumes, fsBackup, ttl).
// No target: a backup covers the whole StatefulSet.

#include <fmt/format.h>

#include "harness/backup/backup_provider.h"
#include "harness/core/time_format.h"
#include "harness/faults/backup_steps.h"
#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::minutes(10);
const std::vector<std::string> kCommonKeys = {"provider", "name", "dir", "volumes", "container", "timeout"};

struct BackupParams {
  std::string provider = "exec-tar";
  std::string name = "backup";
  std::string dir;
  std::vector<std::string> volumes;
  std::string container;
  std::chrono::milliseconds timeout{kDefaultTimeout};
};

Result<BackupParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  BackupParams out;
  auto provider = p.GetString("provider", "exec-tar");
  if (!provider) return std::unexpected(provider.error());
  out.provider = *provider;
  auto impl = backup::MakeProvider(out.provider);
  if (!impl) {
    return std::unexpected(
        p.ErrorAt("provider", fmt::format("unknown backup provider \"{}\"; known: {}", out.provider, ProviderList())));
  }
  auto keys = kCommonKeys;
  for (const auto& k : impl->ParamKeys()) keys.push_back(k);
  if (auto s = p.CheckKnownKeys(keys, "backup params (provider " + out.provider + ")"); !s) {
    return std::unexpected(s.error());
  }
  if (auto s = impl->ValidateParams(p); !s) return std::unexpected(s.error());
  auto name = p.GetString("name", "backup");
  if (!name) return std::unexpected(name.error());
  if (name->empty() || name->find('/') != std::string::npos || *name == "." || *name == "..") {
    return std::unexpected(p.ErrorAt("name", "must be a plain name (no '/'), e.g. \"nightly\""));
  }
  out.name = *name;
  auto dir = p.GetString("dir", "");
  if (!dir) return std::unexpected(dir.error());
  out.dir = *dir;
  if (p.Has("volumes")) {
    auto v = p.GetStringList("volumes");
    if (!v) return std::unexpected(v.error());
    if (v->empty()) return std::unexpected(p.ErrorAt("volumes", "give at least one claim template, or omit it"));
    out.volumes = *v;
  }
  auto container = p.GetString("container", "");
  if (!container) return std::unexpected(container.error());
  out.container = *container;
  auto t = p.GetDuration("timeout", kDefaultTimeout);
  if (!t) return std::unexpected(t.error());
  if (t->count() < 1000) return std::unexpected(p.ErrorAt("timeout", "must be at least 1s"));
  out.timeout = *t;
  return out;
}

class Backup final : public ParamsFault<BackupParams, ReadParams> {
 public:
  std::string Name() const override { return "backup"; }
  std::string Summary() const override {
    return "back up every claim of the StatefulSet with a provider (exec-tar, volume-snapshot, velero) into a "
           "directory that is never overwritten; size and duration reported";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RefuseTarget(step, "backup covers the whole StatefulSet");
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const BackupParams& params) override {
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) return std::unexpected(sts.error());
    auto volumes = ResolveBackupVolumes(ctx, *sts, params.volumes, params.container, step.params);
    if (!volumes) return std::unexpected(volumes.error());
    backup::BackupRecord record;
    record.ns = ctx.ns;
    record.statefulset = ctx.sts.name;
    record.run_id = "<run>";
    record.dir = params.dir.empty() ? "<report dir>/backups/<run>/" + params.name : params.dir;
    record.volumes = std::move(*volumes);
    auto provider = backup::MakeProvider(params.provider);
    FaultPlan plan;
    for (const auto& v : record.volumes) plan.victims.push_back(v.claim);
    plan.actions = provider->PlanBackup(record, step.params);
    plan.actions.push_back(fmt::format("write {}/manifest.json (every file's SHA-256); refuse a directory that already "
                                       "holds files",
                                       record.dir));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const BackupParams& params) override {
    auto session = RequireSession(ctx);
    if (!session) return std::unexpected(session.error());
    auto provider = backup::MakeProvider(params.provider);
    auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.sts.name));
    if (!sts) {
      return std::unexpected(Error(sts.error().code, "reading StatefulSet " + ctx.ns + "/" + ctx.sts.name + ": " +
                                                         sts.error().message));
    }
    auto volumes = ResolveBackupVolumes(ctx, *sts, params.volumes, params.container, step.params);
    if (!volumes) return std::unexpected(volumes.error());
    auto dir = backup::PrepareBackupDir(params.dir.empty() ? (*session)->DefaultDir(params.name) : params.dir);
    if (!dir) {
      Error e = dir.error();
      if (step.params.Has("dir")) e.message = step.params.LocationOf("dir").ToString() + ": " + e.message;
      return std::unexpected(e);
    }
    auto spec = cluster::ReadStatefulSet(*sts);
    backup::BackupRecord record;
    record.name = params.name;
    record.provider = params.provider;
    record.run_id = (*session)->run_id();
    record.drill = ctx.journal->Header().drill;
    record.cluster = ctx.api.ServerUrl();
    record.ns = ctx.ns;
    record.statefulset = spec.name;
    record.replicas = spec.replicas;
    record.ordinal_start = spec.ordinal_start;
    record.dir = *dir;
    record.volumes = std::move(*volumes);
    record.objects = CollectNamespaceObjects(ctx, *sts, &record.secrets_not_kept);
    record.started_at = Rfc3339(ctx.clock.WallNow());
    std::vector<std::string> claims;
    for (const auto& v : record.volumes) claims.push_back(v.claim);
    ctx.log(fmt::format("victims: claims {} of {} -> {} backup \"{}\" in {}", fmt::join(claims, ", "), spec.name,
                        params.provider, params.name, record.dir));
    auto kept = ctx.journal->RecordUndo(step.name, "backup " + params.name + " in " + record.dir + " is kept",
                                        {{"kind", "none"}, {"note", "kdrill never deletes a backup directory"}});
    if (!kept) return std::unexpected(kept.error());
    auto begin = ctx.clock.Now();
    auto pctx = MakeProviderContext(ctx, step, params.timeout);
    auto st = provider->Backup(pctx, step.params, record);
    (void)ctx.journal->MarkDone(*kept, "kept");
    if (!st) {
      // Whatever the provider made is journaled; the partial directory stays
      // for inspection but holds no manifest, so no restore takes it for whole.
      return std::unexpected(Error(st.error().code, fmt::format("backup \"{}\" ({}) failed: {} (partial files, no "
                                                                "manifest, in {})",
                                                                params.name, params.provider, st.error().message,
                                                                record.dir)));
    }
    record.seconds = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    record.finished_at = Rfc3339(ctx.clock.WallNow());
    if (auto w = backup::WriteManifest(record); !w) {
      return std::unexpected(Error(w.error().code, "writing the backup manifest: " + w.error().message));
    }
    std::string summary =
        fmt::format("backup \"{}\" ({}): {} claim(s), {} file(s), {} of data, {} stored, {:.1f}s, manifest {}/{}",
                    record.name, record.provider, record.volumes.size(), record.Files(),
                    backup::HumanBytes(record.DataBytes()), backup::HumanBytes(record.Bytes()), record.seconds,
                    record.dir, backup::kManifestFile);
    ctx.log(summary);
    FaultResult result;
    result.victims = claims;
    result.details.push_back(summary);
    result.properties["backup.name"] = record.name;
    result.properties["backup.provider"] = record.provider;
    result.properties["backup.dir"] = record.dir;
    result.properties["backup.bytes"] = std::to_string(record.Bytes());
    result.properties["backup.dataBytes"] = std::to_string(record.DataBytes());
    result.properties["backup.files"] = std::to_string(record.Files());
    result.properties["backup.seconds"] = fmt::format("{:.2f}", record.seconds);
    for (const auto& v : record.volumes) {
      result.properties[v.claim + ".bytes"] = std::to_string(v.bytes);
      result.properties[v.claim + ".seconds"] = fmt::format("{:.2f}", v.seconds);
      result.properties[v.claim + ".location"] = v.location;
      result.details.push_back(fmt::format("{}: {} file(s), {} stored at {} in {:.2f}s", v.claim, v.files.size(),
                                           backup::HumanBytes(v.bytes), v.location, v.seconds));
    }
    if (!record.secrets_not_kept.empty()) {
      result.details.push_back(fmt::format("Secrets the pods use are not written to disk: {}",
                                           fmt::join(record.secrets_not_kept, ", ")));
    }
    (*session)->AddBackup(std::move(record));
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeBackup() { return std::make_unique<Backup>(); }

}  // namespace kdrill::faults
