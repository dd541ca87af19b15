// velero: a Velero Backup of the target's namespace (velero.io/v1, created in
// params.veleroNamespace, default "velero"), followed through its phases until
// Completed; the restore is a Velero Restore of that backup, followed the same
// way. kdrill reads every claim's file checksums through exec before the
// backup (the manifest the verification uses), checks the
// BackupStorageLocation is Available first, and keeps the Backup object (it is
// the backup; Velero expires it after its ttl). Modes:
//   namespace        the Restore brings back everything in the namespace
//                    (objects, claims, data), then the StatefulSet settles;
//   pods-and-claims  the Restore brings back only persistentvolumeclaims and
//                    persistentvolumes (data from Velero's volume snapshots);
//                    with fsBackup the data comes back through pods, so that
//                    needs mode namespace.
// Unit-tested against recorded Backup/Restore objects; the lab has no object
// store for Velero.

#include <fmt/format.h>

#include "harness/backup/backup_provider.h"
#include "harness/core/json_fields.h"
#include "harness/backup/sha256.h"
#include "harness/backup/velero_phases.h"
#include "harness/backup/volume_files.h"
#include "harness/watch/await_object.h"

namespace kdrill::backup {

namespace {

constexpr const char* kApi = "velero.io/v1";

kube::ResourceRef Backups(const std::string& ns, const std::string& name = {}) {
  return {kApi, "backups", ns, name, {}};
}
kube::ResourceRef Restores(const std::string& ns, const std::string& name = {}) {
  return {kApi, "restores", ns, name, {}};
}
kube::ResourceRef Locations(const std::string& ns, const std::string& name = {}) {
  return {kApi, "backupstoragelocations", ns, name, {}};
}

// Velero puts backup names into label values: at most 63 characters.
std::string VeleroName(const std::string& prefix, const std::string& run_id) {
  std::string slug;
  for (char c : run_id) {
    slug += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                                                        : '-';
  }
  std::string name = prefix + slug;
  if (name.size() > 63) name = name.substr(0, 54) + "-" + Sha256Hex(run_id).substr(0, 8);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

struct VeleroParams {
  std::string ns = "velero";
  std::string location;
  std::optional<bool> snapshot_volumes;
  bool fs_backup = false;
  std::string ttl;
};

Result<VeleroParams> Read(const drill::Params& p) {
  VeleroParams out;
  auto ns = p.GetString("veleroNamespace", "velero");
  if (!ns) return std::unexpected(ns.error());
  out.ns = *ns;
  auto loc = p.GetString("storageLocation", "");
  if (!loc) return std::unexpected(loc.error());
  out.location = *loc;
  if (p.Has("snapshotVolumes")) {
    auto s = p.GetBool("snapshotVolumes", false);
    if (!s) return std::unexpected(s.error());
    out.snapshot_volumes = *s;
  }
  auto fs = p.GetBool("fsBackup", false);
  if (!fs) return std::unexpected(fs.error());
  out.fs_backup = *fs;
  auto ttl = p.GetString("ttl", "");
  if (!ttl) return std::unexpected(ttl.error());
  out.ttl = *ttl;
  return out;
}

class VeleroProvider final : public BackupProvider {
 public:
  std::string Name() const override { return "velero"; }
  std::string Summary() const override {
    return "Velero Backup and Restore objects (velero.io/v1) of the namespace, followed through their phases";
  }
  std::vector<std::string> ParamKeys() const override {
    return {"veleroNamespace", "storageLocation", "snapshotVolumes", "fsBackup", "ttl"};
  }
  Status ValidateParams(const drill::Params& p) const override {
    auto r = Read(p);
    if (!r) return std::unexpected(r.error());
    return Ok();
  }

  std::vector<std::string> PlanBackup(const BackupRecord& r, const drill::Params& p) const override {
    auto vp = Read(p).value_or(VeleroParams{});
    return {fmt::format("checksum the files of {} claim(s) through exec, then create Velero Backup {}/{} of namespace "
                        "{} (storage location {}{}) and follow it until Completed; the Backup is kept",
                        r.volumes.size(), vp.ns, VeleroName("kdrill-", r.run_id), r.ns,
                        vp.location.empty() ? "the default" : vp.location, vp.fs_backup ? ", file-system backup" : "")};
  }

  Status Backup(ProviderContext& ctx, const drill::Params& params, BackupRecord& record) override {
    auto vp = Read(params);
    if (!vp) return std::unexpected(vp.error());
    auto location = CheckLocation(ctx, *vp);
    if (!location) return std::unexpected(location.error());
    if (auto s = ListBackupFiles(ctx.exec, ctx.ns, record.volumes, ctx.timeout); !s) return s;
    std::string name = VeleroName("kdrill-", record.run_id);
    kube::Json spec = {{"includedNamespaces", {ctx.ns}}, {"storageLocation", *location}};
    if (vp->snapshot_volumes) spec["snapshotVolumes"] = *vp->snapshot_volumes;
    if (vp->fs_backup) spec["defaultVolumesToFsBackup"] = true;
    if (!vp->ttl.empty()) spec["ttl"] = vp->ttl;
    kube::Json obj = {{"apiVersion", kApi},
                      {"kind", "Backup"},
                      {"metadata",
                       {{"name", name},
                        {"namespace", vp->ns},
                        {"labels", {{"app.kubernetes.io/managed-by", "kdrill"}}},
                        {"annotations", {{"kdrill.io/run", record.run_id}}}}},
                      {"spec", spec}};
    auto undo = ctx.journal->RecordUndo(ctx.step, "Velero Backup " + vp->ns + "/" + name + " is kept",
                                        {{"kind", "none"},
                                         {"note", "the Velero Backup is the backup; Velero expires it after its ttl, "
                                                  "or delete it with: velero backup delete " + name}});
    if (!undo) return std::unexpected(undo.error());
    auto begin = ctx.clock.Now();
    auto created = ctx.api.Create(Backups(vp->ns), obj);
    if (!created) {
      return std::unexpected(Error(created.error().code, fmt::format("creating Velero Backup {}/{}: {}", vp->ns, name,
                                                                     created.error().message)));
    }
    (void)ctx.journal->MarkDone(*undo, "kept");
    ctx.log(fmt::format("created Velero Backup {}/{} of namespace {} (storage location {})", vp->ns, name, ctx.ns,
                        *location));
    auto final = Follow(ctx, Backups(vp->ns, name), "backup");
    if (!final) return std::unexpected(final.error());
    auto state = ReadVeleroState(*final, "backup");
    if (!state.ok) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("Velero Backup {}/{} ended {}; see `velero backup describe {} --details` and "
                                   "`velero backup logs {}`",
                                   vp->ns, name, state.summary, name, name));
    }
    double secs = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    const auto status = json::Obj(*final, "/status");
    record.provider_data = {{"veleroNamespace", vp->ns},
                            {"backup", name},
                            {"storageLocation", *location},
                            {"fsBackup", vp->fs_backup},
                            {"phase", state.phase},
                            {"summary", state.summary},
                            {"startTimestamp", json::Str(status, "/startTimestamp")},
                            {"completionTimestamp", json::Str(status, "/completionTimestamp")},
                            {"expiration", json::Str(status, "/expiration")},
                            {"itemsBackedUp", json::Int(status, "/progress/itemsBackedUp")},
                            {"sizeNote", "Velero reports no backup size through its API"}};
    for (auto& v : record.volumes) {
      v.location = "Velero Backup " + vp->ns + "/" + name;
      v.seconds = secs;
      v.bytes = 0;
      v.provider = {{"backup", name}};
    }
    ctx.log(fmt::format("Velero Backup {} {} after {:.1f}s", name, state.summary, secs));
    return Ok();
  }

  Status CanRestore(const BackupRecord& record, RestoreMode mode) const override {
    if (mode == RestoreMode::kClaims && json::Bool(record.provider_data, "/fsBackup")) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a Velero file-system backup (fsBackup) restores its data through the pods Velero recreates: "
                       "use destroy mode namespace with it");
    }
    return Ok();
  }

  bool RestoresObjects(RestoreMode mode) const override { return mode == RestoreMode::kNamespace; }

  Status Restore(ProviderContext& ctx, const BackupRecord& record, RestoreMode mode, RestoreRecord& out) override {
    if (auto st = CanRestore(record, mode); !st) return st;
    std::string vns = json::Str(record.provider_data, "/veleroNamespace", "velero");
    std::string backup = json::Str(record.provider_data, "/backup");
    if (backup.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "the backup record names no Velero Backup (providerData.backup)");
    }
    if (auto b = ctx.api.Get(Backups(vns, backup)); !b) {
      return std::unexpected(Error(b.error().code, fmt::format("Velero Backup {}/{}: {}", vns, backup,
                                                               b.error().message)));
    }
    std::string name = VeleroName("kdrill-restore-", ctx.run_id);
    kube::Json spec = {{"backupName", backup}, {"includedNamespaces", {record.ns}}, {"restorePVs", true}};
    if (mode == RestoreMode::kClaims) spec["includedResources"] = {"persistentvolumeclaims", "persistentvolumes"};
    kube::Json obj = {{"apiVersion", kApi},
                      {"kind", "Restore"},
                      {"metadata",
                       {{"name", name},
                        {"namespace", vns},
                        {"labels", {{"app.kubernetes.io/managed-by", "kdrill"}}},
                        {"annotations", {{"kdrill.io/run", ctx.run_id}}}}},
                      {"spec", spec}};
    auto undo = ctx.journal->RecordUndo(ctx.step, "Velero Restore " + vns + "/" + name + " is kept",
                                        {{"kind", "none"}, {"note", "a Velero Restore is a record of what was restored"}});
    if (!undo) return std::unexpected(undo.error());
    auto created = ctx.api.Create(Restores(vns), obj);
    if (!created) {
      return std::unexpected(Error(created.error().code, fmt::format("creating Velero Restore {}/{}: {}", vns, name,
                                                                     created.error().message)));
    }
    (void)ctx.journal->MarkDone(*undo, "kept");
    ctx.log(fmt::format("created Velero Restore {}/{} of Backup {} ({})", vns, name, backup,
                        mode == RestoreMode::kClaims ? "claims and volumes only" : "the whole namespace"));
    auto final = Follow(ctx, Restores(vns, name), "restore");
    if (!final) return std::unexpected(final.error());
    auto state = ReadVeleroState(*final, "restore");
    if (!state.ok) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("Velero Restore {}/{} ended {}; see `velero restore describe {} --details` and "
                                   "`velero restore logs {}`",
                                   vns, name, state.summary, name, name));
    }
    out.warnings.clear();
    if (int w = json::Int(*final, "/status/warnings"); w > 0) {
      out.warnings.push_back(fmt::format("Velero Restore {} completed with {} warning(s)", name, w));
    }
    ctx.log(fmt::format("Velero Restore {} {}", name, state.summary));
    return Ok();
  }

  std::vector<std::string> HandRestore(const BackupRecord& r) const override {
    std::string vns = json::Str(r.provider_data, "/veleroNamespace", "velero");
    std::string backup = json::Str(r.provider_data, "/backup", "?");
    return {fmt::format("# Restore the Velero Backup {}/{} by hand:", vns, backup),
            fmt::format("velero restore create --namespace {} --from-backup {} --include-namespaces {} --wait", vns,
                        backup, r.ns),
            fmt::format("velero restore describe --namespace {} <restore-name> --details", vns)};
  }

 private:
  // The storage location to use: the named one, or the default; it must be Available.
  Result<std::string> CheckLocation(ProviderContext& ctx, const VeleroParams& vp) {
    kube::Json loc;
    if (!vp.location.empty()) {
      auto l = ctx.api.Get(Locations(vp.ns, vp.location));
      if (!l) {
        if (l.error().code == ErrorCode::kNotFound) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           fmt::format("Velero BackupStorageLocation {}/{} not found (is Velero installed in namespace "
                                       "{}? see params.veleroNamespace)",
                                       vp.ns, vp.location, vp.ns));
        }
        return std::unexpected(l.error());
      }
      loc = *l;
    } else {
      auto list = ctx.api.List(Locations(vp.ns), {});
      if (!list) {
        if (list.error().code == ErrorCode::kNotFound) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           fmt::format("Velero is not installed: the cluster does not serve velero.io/v1 "
                                       "BackupStorageLocations in namespace {} (params.veleroNamespace); install "
                                       "Velero or use provider exec-tar",
                                       vp.ns));
        }
        return std::unexpected(list.error());
      }
      const auto& items = (*list)["items"];
      for (const auto& i : items) {
        if (json::Bool(i, "/spec/default")) loc = i;
      }
      if (loc.is_null() && items.size() == 1) loc = items[0];
      if (loc.is_null()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("Velero in namespace {} has {} BackupStorageLocation(s) and none is the default: "
                                     "name one with params.storageLocation",
                                     vp.ns, items.size()));
      }
    }
    std::string name = json::Str(loc, "/metadata/name");
    std::string phase = json::Str(loc, "/status/phase");
    if (phase != "Available") {
      std::string msg = json::Str(loc, "/status/message");
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("Velero BackupStorageLocation {}/{} is {}{}: Velero cannot write backups there; "
                                   "see `velero backup-location get`",
                                   vp.ns, name, phase.empty() ? "not yet validated" : phase,
                                   msg.empty() ? "" : " (" + msg + ")"));
    }
    return name;
  }

  // Follows obj through its phases (each change logged) until a final one.
  Result<kube::Json> Follow(ProviderContext& ctx, const kube::ResourceRef& ref, const std::string& kind) {
    AwaitOptions opts;
    opts.timeout = ctx.timeout;
    kube::Json last;
    std::string seen;
    auto st = AwaitObject(
        ctx.api, ctx.clock, ref,
        [&](const kube::Json* o) {
          if (!o) return false;
          auto s = ReadVeleroState(*o, kind);
          if (s.phase != seen) {
            ctx.log(fmt::format("Velero {} {}: {}", kind == "backup" ? "Backup" : "Restore", ref.name, s.summary));
            seen = s.phase;
          }
          return s.final;
        },
        opts, ctx.stop,
        [&](std::chrono::seconds e, const kube::Json* o) {
          ctx.log(fmt::format("  still waiting for Velero {} {} ({}s): {}", kind, ref.name, e.count(),
                              o ? ReadVeleroState(*o, kind).summary : "absent"));
        },
        &last);
    if (!st) {
      return std::unexpected(Error(st.error().code, fmt::format("following Velero {} {}/{}: {}{}", kind, ref.ns,
                                                                ref.name, st.error().message,
                                                                last.is_null() ? ""
                                                                               : " (last: " +
                                                                                     ReadVeleroState(last, kind).summary +
                                                                                     ")")));
    }
    return last;
  }
};

}  // namespace

std::unique_ptr<BackupProvider> MakeVeleroProvider() { return std::make_unique<VeleroProvider>(); }

}  // namespace kdrill::backup
