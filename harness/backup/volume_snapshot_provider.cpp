// volume-snapshot: CSI VolumeSnapshots (snapshot.storage.k8s.io/v1). The
// backup reads each claim's file checksums through exec (the manifest), then
// creates one VolumeSnapshot per claim (class params.snapshotClass, or the
// driver's default class) and waits until each is readyToUse, recording its
// restoreSize, content and snapshot handle. The deletion of every snapshot is
// journaled before it is created, so cleanup and `kdrill recover` remove them.
// The restore creates each claim under its own name with
// dataSource: {kind: VolumeSnapshot} and at least the snapshot's restoreSize,
// before the StatefulSet's pods come back. When a restore fails, the
// snapshots are kept: their deletion undos are marked done and their contents
// set to deletionPolicy Retain, so they outlive the namespace.

#include <fmt/format.h>

#include <set>

#include "harness/backup/backup_provider.h"
#include "harness/core/json_fields.h"
#include "harness/backup/restore_claims.h"
#include "harness/backup/sha256.h"
#include "harness/backup/volume_files.h"
#include "harness/cluster/quantity.h"
#include "harness/watch/await_object.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::backup {

namespace {

constexpr const char* kGroup = "snapshot.storage.k8s.io";
constexpr const char* kApi = "snapshot.storage.k8s.io/v1";

kube::ResourceRef Snapshots(const std::string& ns, const std::string& name = {}) {
  return {kApi, "volumesnapshots", ns, name, {}};
}
kube::ResourceRef Contents(const std::string& name = {}) { return {kApi, "volumesnapshotcontents", "", name, {}}; }
kube::ResourceRef Classes(const std::string& name = {}) { return {kApi, "volumesnapshotclasses", "", name, {}}; }

// DNS subdomain, unique per run and claim: <claim>-<run>, shortened with a hash.
std::string SnapshotName(const std::string& run_id, const std::string& claim) {
  std::string slug;
  for (char c : run_id) {
    slug += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                                                        : '-';
  }
  std::string name = claim + "-" + slug;
  if (name.size() > 63) name = name.substr(0, 54) + "-" + Sha256Hex(claim + "/" + run_id).substr(0, 8);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

std::string SnapshotError(const kube::Json& s) {
  return json::Str(s, "/status/error/message");
}

bool SnapshotReady(const kube::Json& s) { return json::Bool(s, "/status/readyToUse"); }

std::string SnapshotState(const kube::Json* s) {
  if (!s) return "absent";
  if (!SnapshotError(*s).empty()) return "error: " + SnapshotError(*s);
  if (SnapshotReady(*s)) return "readyToUse";
  std::string content = json::Str(*s, "/status/boundVolumeSnapshotContentName");
  return content.empty() ? "waiting for a VolumeSnapshotContent" : "content " + content + " not ready yet";
}

class VolumeSnapshotProvider final : public BackupProvider {
 public:
  std::string Name() const override { return "volume-snapshot"; }
  std::string Summary() const override {
    return "CSI VolumeSnapshot per claim (readyToUse); restore by claims with dataSource naming the snapshots";
  }
  std::vector<std::string> ParamKeys() const override { return {"snapshotClass"}; }
  Status ValidateParams(const drill::Params& p) const override {
    if (auto c = p.GetString("snapshotClass", ""); !c) return std::unexpected(c.error());
    return Ok();
  }

  std::vector<std::string> PlanBackup(const BackupRecord& r, const drill::Params& p) const override {
    std::string cls = p.GetString("snapshotClass", "").value_or("");
    std::vector<std::string> out;
    for (const auto& v : r.volumes) {
      out.push_back(fmt::format("checksum the files of {} in {}, then create VolumeSnapshot {}/{} of claim {} (class "
                                "{}) and wait until readyToUse; deleted at cleanup",
                                v.mount_path, v.pod, r.ns, SnapshotName(r.run_id, v.claim), v.claim,
                                cls.empty() ? "the driver's default" : cls));
    }
    return out;
  }

  Status Backup(ProviderContext& ctx, const drill::Params& params, BackupRecord& record) override {
    std::string cls = params.GetString("snapshotClass", "").value_or("");
    kube::ListOptions one;
    one.limit = 1;
    if (auto l = ctx.api.List(Snapshots(ctx.ns), one); !l) {
      if (l.error().code == ErrorCode::kNotFound) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the cluster does not serve snapshot.storage.k8s.io/v1 VolumeSnapshots (install the "
                         "external-snapshotter CRDs and snapshot-controller, and a CSI driver with a snapshotter), or "
                         "use provider exec-tar");
      }
      return std::unexpected(l.error());
    }
    if (!cls.empty()) {
      if (auto c = ctx.api.Get(Classes(cls)); !c) {
        return std::unexpected(Error(c.error().code, params.LocationOf("snapshotClass").ToString() +
                                                         ": VolumeSnapshotClass " + cls + ": " + c.error().message));
      }
    }
    // The manifest: checksums right before each snapshot.
    if (auto s = ListBackupFiles(ctx.exec, ctx.ns, record.volumes, ctx.timeout); !s) return s;
    std::map<std::string, MonoTime> started;
    for (auto& v : record.volumes) {
      if (ctx.stop.stop_requested()) return MakeError(ErrorCode::kCancelled, "interrupted before snapshotting " + v.claim);
      std::string name = SnapshotName(record.run_id, v.claim);
      auto undo = ctx.journal->RecordUndo(ctx.step, "delete VolumeSnapshot " + ctx.ns + "/" + name,
                                          {{"kind", "delete-object"},
                                           {"ref", RefToJson(Snapshots(ctx.ns, name))},
                                           {"wait", true},
                                           {"timeoutSeconds", 180}});
      if (!undo) return std::unexpected(undo.error());
      record.deletion_undo_ids.push_back(*undo);
      kube::Json snap = {{"apiVersion", kApi},
                         {"kind", "VolumeSnapshot"},
                         {"metadata",
                          {{"name", name},
                           {"namespace", ctx.ns},
                           {"labels", {{"app.kubernetes.io/managed-by", "kdrill"}}},
                           {"annotations", {{"kdrill.io/run", record.run_id}}}}},
                         {"spec", {{"source", {{"persistentVolumeClaimName", v.claim}}}}}};
      if (!cls.empty()) snap["spec"]["volumeSnapshotClassName"] = cls;
      started[v.claim] = ctx.clock.Now();
      auto created = ctx.api.Create(Snapshots(ctx.ns), snap);
      if (!created) {
        return std::unexpected(Error(created.error().code, fmt::format("creating VolumeSnapshot {}/{} of claim {}: {}",
                                                                       ctx.ns, name, v.claim,
                                                                       created.error().message)));
      }
      v.location = "VolumeSnapshot " + ctx.ns + "/" + name;
      v.provider = {{"snapshot", name}};
      ctx.log(fmt::format("created VolumeSnapshot {} of claim {} ({} file(s) checksummed in {})", name, v.claim,
                          v.files.size(), v.pod));
    }
    for (auto& v : record.volumes) {
      std::string name = json::Str(v.provider, "/snapshot");
      AwaitOptions opts;
      opts.timeout = ctx.timeout;
      kube::Json last;
      auto st = AwaitObject(
          ctx.api, ctx.clock, Snapshots(ctx.ns, name),
          [](const kube::Json* s) { return s && (SnapshotReady(*s) || !SnapshotError(*s).empty()); }, opts, ctx.stop,
          [&](std::chrono::seconds e, const kube::Json* s) {
            ctx.log(fmt::format("  still waiting for VolumeSnapshot {} ({}s): {}", name, e.count(), SnapshotState(s)));
          },
          &last);
      if (!st) {
        return std::unexpected(Error(st.error().code, fmt::format("VolumeSnapshot {}/{} of claim {} is not readyToUse: "
                                                                  "{} ({})",
                                                                  ctx.ns, name, v.claim, st.error().message,
                                                                  SnapshotState(last.is_null() ? nullptr : &last))));
      }
      if (!SnapshotReady(last)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("VolumeSnapshot {}/{} of claim {} failed: {}", ctx.ns, name, v.claim,
                                     SnapshotError(last)));
      }
      v.seconds = std::chrono::duration<double>(ctx.clock.Now() - started[v.claim]).count();
      std::string size = json::Str(last, "/status/restoreSize");
      v.bytes = size.empty() ? 0 : cluster::ParseQuantity(size).value_or(0);
      std::string content = json::Str(last, "/status/boundVolumeSnapshotContentName");
      v.provider["content"] = content;
      v.provider["restoreSize"] = size;
      v.provider["class"] = json::Str(last, "/spec/volumeSnapshotClassName");
      v.provider["creationTime"] = json::Str(last, "/status/creationTime");
      if (auto c = ctx.api.Get(Contents(content)); c) {
        v.provider["snapshotHandle"] = json::Str(*c, "/status/snapshotHandle");
        v.provider["driver"] = json::Str(*c, "/spec/driver");
      }
      ctx.log(fmt::format("VolumeSnapshot {} readyToUse after {:.1f}s (restoreSize {}, content {})", name, v.seconds,
                          size.empty() ? "?" : size, content));
    }
    return Ok();
  }

  Status CanRestore(const BackupRecord&, RestoreMode mode) const override {
    if (mode == RestoreMode::kNamespace) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "provider volume-snapshot cannot come back from a deleted namespace: VolumeSnapshots live in the "
                       "namespace and go with it. Use destroy mode pods-and-claims, or provider exec-tar or velero for "
                       "mode namespace");
    }
    return Ok();
  }

  Status Restore(ProviderContext& ctx, const BackupRecord& record, RestoreMode mode, RestoreRecord& out) override {
    if (auto st = CanRestore(record, mode); !st) return st;
    std::vector<kube::Json> claims;
    for (const auto& v : record.volumes) {
      std::string name = json::Str(v.provider, "/snapshot");
      auto snap = ctx.api.Get(Snapshots(ctx.ns, name));
      if (!snap) {
        return std::unexpected(Error(snap.error().code,
                                     fmt::format("VolumeSnapshot {}/{} (the backup of claim {}): {}", ctx.ns, name,
                                                 v.claim, snap.error().message)));
      }
      if (!SnapshotReady(*snap)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("VolumeSnapshot {}/{} is not readyToUse ({})", ctx.ns, name, SnapshotState(&*snap)));
      }
      std::string size = json::Str(*snap, "/status/restoreSize");
      int64_t bytes = size.empty() ? 0 : cluster::ParseQuantity(size).value_or(0);
      claims.push_back(ClaimToRestore(v, ctx.ns, {{"apiGroup", kGroup}, {"kind", "VolumeSnapshot"}, {"name", name}},
                                      bytes));
      out.bytes += bytes;
    }
    for (const auto& c : claims) {
      if (auto st = CreateRestoreClaim(ctx, c); !st) return st;
    }
    return Ok();
  }

  std::vector<std::string> HandRestore(const BackupRecord& r) const override {
    std::vector<std::string> out;
    out.push_back(fmt::format("# Restore the VolumeSnapshots of {}/{} by hand:", r.ns, r.statefulset));
    out.push_back(fmt::format("kubectl -n {} scale statefulset/{} --replicas=0", r.ns, r.statefulset));
    std::vector<std::string> names;
    for (const auto& v : r.volumes) names.push_back(v.claim);
    out.push_back(fmt::format("kubectl -n {} delete pvc {} --ignore-not-found", r.ns, fmt::join(names, " ")));
    for (const auto& v : r.volumes) {
      out.push_back(fmt::format(
          "kubectl -n {} apply -f - <<'EOF'\n{}\nEOF", r.ns,
          ClaimToRestore(v, r.ns,
                         {{"apiGroup", kGroup}, {"kind", "VolumeSnapshot"}, {"name", json::Str(v.provider, "/snapshot")}},
                         cluster::ParseQuantity(json::Str(v.provider, "/restoreSize", "0")).value_or(0))
              .dump(2)));
    }
    out.push_back(fmt::format("kubectl -n {} scale statefulset/{} --replicas={}", r.ns, r.statefulset, r.replicas));
    out.push_back("# If the namespace was deleted, the VolumeSnapshotContents were set to deletionPolicy Retain:");
    for (const auto& v : r.volumes) {
      out.push_back(fmt::format("#   content {} (snapshot handle {}, driver {})", json::Str(v.provider, "/content", "?"),
                                json::Str(v.provider, "/snapshotHandle", "?"), json::Str(v.provider, "/driver", "?")));
    }
    out.push_back("# bind each to a new VolumeSnapshot (spec.source.volumeSnapshotContentName) and use that as dataSource.");
    return out;
  }

  void KeepBackup(ProviderContext& ctx, const BackupRecord& record) override {
    for (int id : record.deletion_undo_ids) {
      (void)ctx.journal->MarkDone(id, "kept: the restore failed, the snapshot is the backup");
    }
    for (const auto& v : record.volumes) {
      std::string content = json::Str(v.provider, "/content");
      if (content.empty()) continue;
      auto p = ctx.api.Patch(Contents(content), kube::PatchType::kMerge,
                             R"({"spec":{"deletionPolicy":"Retain"}})");
      ctx.log(p ? fmt::format("kept VolumeSnapshot {} of claim {}: content {} set to deletionPolicy Retain",
                              json::Str(v.provider, "/snapshot"), v.claim, content)
                : fmt::format("could not set content {} to Retain: {}", content, p.error().message));
    }
  }
};

}  // namespace

std::unique_ptr<BackupProvider> MakeVolumeSnapshotProvider() { return std::make_unique<VolumeSnapshotProvider>(); }

}  // namespace kdrill::backup
