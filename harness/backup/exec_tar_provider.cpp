// exec-tar: for each claim, `tar -C <mount> -cf - .` runs in the pod that
// mounts it and its stdout goes straight to <dir>/<claim>.tar; the manifest's
// checksums are computed from that stream (so they describe exactly what the
// archive holds). The restore recreates each claim empty, mounts it in a
// short-lived helper pod (the StatefulSet's own image, security context and
// scheduling constraints; `sh` and `tar` needed) at /kdrill-restore, streams
// the archive into `tar -C /kdrill-restore -xf -`, and deletes the helper —
// all before the StatefulSet's pods come back, so the application never sees
// an empty volume. Each helper's deletion is journaled before it is created.
// Before extracting, each archive is read again and compared with the
// manifest; a difference is reported as a warning (the restore goes on, and
// the verification names the files).

#include <fmt/format.h>

#include "harness/backup/backup_provider.h"
#include "harness/core/json_fields.h"
#include "harness/backup/restore_claims.h"
#include "harness/backup/sha256.h"
#include "harness/backup/tar_reader.h"
#include "harness/backup/verify.h"
#include "harness/cluster/statefulset.h"
#include "harness/watch/await_object.h"
#include "harness/watch/object_waits.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::backup {

namespace {

constexpr const char* kHelperMount = "/kdrill-restore";

double Since(Clock& clock, MonoTime begin) { return std::chrono::duration<double>(clock.Now() - begin).count(); }

std::map<std::string, FileSum> FilesOf(const TarSummary& t) {
  std::map<std::string, FileSum> out;
  std::map<std::string, int64_t> sizes;
  for (const auto& e : t.entries) {
    if (e.type == '0') {
      out[e.path] = {e.size, e.sha256};
      sizes[e.path] = e.size;
    } else if (e.type == '1' && !e.sha256.empty()) {
      out[e.path] = {sizes.count(e.link) ? sizes[e.link] : -1, e.sha256};
    }
  }
  return out;
}

std::string HelperName(const VolumeBackup& v) {
  std::string name = "kdrill-restore-" + v.claim;
  if (name.size() > 63) name = name.substr(0, 54) + "-" + Sha256Hex(v.claim).substr(0, 8);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name;
}

// "Pending: ContainerCreating (...)" for a helper that is not Ready.
std::string PodStateText(const kube::Json* p) {
  if (!p) return "absent";
  std::string phase = json::Str(*p, "/status/phase", "Pending");
  for (const auto& cs : json::Arr(*p, "/status/containerStatuses")) {
    if (cs.contains("/state/waiting"_json_pointer)) {
      return phase + ": " + json::Str(cs, "/state/waiting/reason") + " " +
             json::Str(cs, "/state/waiting/message");
    }
  }
  for (const auto& c : json::Arr(*p, "/status/conditions")) {
    if (json::Str(c, "/type") == "PodScheduled" && json::Str(c, "/status") == "False") {
      return phase + ": unschedulable: " + json::Str(c, "/message");
    }
  }
  return phase;
}

class ExecTarProvider final : public BackupProvider {
 public:
  std::string Name() const override { return "exec-tar"; }
  std::string Summary() const override {
    return "stream each claim's files through exec (tar) into <dir>/<claim>.tar; restore through a helper pod";
  }
  std::vector<std::string> ParamKeys() const override { return {}; }
  Status ValidateParams(const drill::Params&) const override { return Ok(); }

  std::vector<std::string> PlanBackup(const BackupRecord& record, const drill::Params&) const override {
    std::vector<std::string> out;
    for (const auto& v : record.volumes) {
      out.push_back(fmt::format("exec into {}/{} (container {}): tar -C {} -cf - . > {}/{}.tar", record.ns, v.pod,
                                v.container, v.mount_path, record.dir, v.claim));
    }
    return out;
  }

  Status Backup(ProviderContext& ctx, const drill::Params&, BackupRecord& record) override {
    for (auto& v : record.volumes) {
      if (ctx.stop.stop_requested()) return MakeError(ErrorCode::kCancelled, "interrupted before backing up " + v.claim);
      std::string file = v.claim + ".tar";
      std::string path = record.dir + "/" + file;
      auto begin = ctx.clock.Now();
      ExecRequest req{ctx.ns, v.pod, v.container, {"tar", "-C", v.mount_path, "-cf", "-", "."}, std::nullopt,
                      ctx.timeout};
      req.stdout_path = path;
      auto r = ctx.exec.Exec(req);
      if (!r) {
        return std::unexpected(Error(r.error().code, fmt::format("streaming claim {} out of pod {}/{}: {}", v.claim,
                                                                 ctx.ns, v.pod, r.error().message)));
      }
      if (r->exit_code != 0) {
        std::string err = r->stderr_data;
        while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("tar -C {} -cf - . in pod {}/{} (container {}) exited {}: {} (the container needs "
                                     "tar; the partial archive is {})",
                                     v.mount_path, ctx.ns, v.pod, v.container, r->exit_code, err, path));
      }
      auto sum = ReadTarFile(path);
      if (!sum) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("the archive of claim {} streamed from pod {} is not a complete tar stream: {}",
                                     v.claim, v.pod, sum.error().message));
      }
      v.files = FilesOf(*sum);
      v.data_bytes = 0;
      for (const auto& [p, f] : v.files) v.data_bytes += std::max<int64_t>(f.size, 0);
      v.bytes = sum->archive_bytes;
      v.archive_sha256 = sum->archive_sha256;
      v.location = file;
      v.seconds = Since(ctx.clock, begin);
      ctx.log(fmt::format("{}: claim {} ({}:{}) -> {} ({}, {} file(s), {:.1f}s)", v.pod, v.claim, v.container,
                          v.mount_path, path, HumanBytes(v.bytes), v.files.size(), v.seconds));
    }
    return Ok();
  }

  Status CanRestore(const BackupRecord&, RestoreMode) const override { return Ok(); }

  Status Restore(ProviderContext& ctx, const BackupRecord& record, RestoreMode mode, RestoreRecord& out) override {
    // The archives first: a missing or unreadable one stops the restore before
    // anything is created.
    for (const auto& v : record.volumes) {
      std::string path = record.dir + "/" + v.location;
      auto sum = ReadTarFile(path);
      if (!sum) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("cannot restore claim {}: {}", v.claim, sum.error().message));
      }
      auto diffs = CompareWithManifest(v.files, FilesOf(*sum));
      if (!diffs.empty()) {
        std::string w = fmt::format("{}: archive {} no longer matches the manifest written at backup time: {}", v.claim,
                                    path, fmt::join(diffs, "; "));
        ctx.log("WARNING: " + w);
        out.warnings.push_back(w);
      }
      out.bytes += sum->archive_bytes;
    }
    auto sts = ReadStatefulSet(ctx);
    if (!sts) return std::unexpected(sts.error());
    for (const auto& v : record.volumes) {
      if (auto st = CreateRestoreClaim(ctx, ClaimToRestore(v, ctx.ns, nullptr, 0)); !st) return st;
    }
    struct Helper {
      const VolumeBackup* v;
      std::string name;
      int undo = 0;
    };
    std::vector<Helper> helpers;
    Status result = Ok();
    for (const auto& v : record.volumes) {
      auto pod = HelperPod(*sts, v);
      if (!pod) {
        result = std::unexpected(pod.error());
        break;
      }
      Helper h{&v, HelperName(v), 0};
      auto undo = ctx.journal->RecordUndo(
          ctx.step, "delete restore helper pod " + h.name,
          {{"kind", "delete-object"}, {"ref", RefToJson(kube::Pods(ctx.ns, h.name))}, {"wait", true},
           {"timeoutSeconds", 120}});
      if (!undo) {
        result = std::unexpected(undo.error());
        break;
      }
      h.undo = *undo;
      helpers.push_back(h);
      auto created = ctx.api.Create(kube::Pods(ctx.ns), *pod);
      if (!created) {
        result = std::unexpected(Error(created.error().code, fmt::format("creating restore helper pod {}/{}: {}",
                                                                         ctx.ns, h.name, created.error().message)));
        break;
      }
      ctx.log(fmt::format("created helper pod {} mounting claim {} at {}", h.name, v.claim, kHelperMount));
    }
    for (const auto& h : helpers) {
      if (!result) break;
      result = Extract(ctx, record, *h.v, h.name);
    }
    // The helpers go whether or not the restore worked: the claims must be
    // free for the StatefulSet's pods.
    for (const auto& h : helpers) {
      auto ref = kube::Pods(ctx.ns, h.name);
      auto del = ctx.api.Delete(ref, {});
      if (!del && del.error().code != ErrorCode::kNotFound) {
        if (result) result = std::unexpected(del.error());
        continue;
      }
      auto gone = WaitForDeletion(ctx.api, ctx.clock, ref, "", std::chrono::seconds(120), ctx.stop);
      if (!gone) {
        if (result) result = std::unexpected(gone.error());
        continue;
      }
      (void)ctx.journal->MarkDone(h.undo, "helper pod deleted after the restore");
    }
    (void)mode;
    return result;
  }

  std::vector<std::string> HandRestore(const BackupRecord& r) const override {
    std::vector<std::string> out;
    out.push_back(fmt::format("# Restore the exec-tar backup in {} by hand:", r.dir));
    out.push_back(fmt::format("# 1. bring StatefulSet {}/{} back to {} replicas; its claims come back empty:", r.ns,
                              r.statefulset, r.replicas));
    out.push_back(fmt::format("kubectl -n {} scale statefulset/{} --replicas={}", r.ns, r.statefulset, r.replicas));
    out.push_back("# 2. stream each archive into the pod that mounts its claim:");
    for (const auto& v : r.volumes) {
      out.push_back(fmt::format("kubectl -n {} exec -i {} -c {} -- tar -C {} -xf - < {}/{}", r.ns, v.pod, v.container,
                                v.mount_path, r.dir, v.location));
    }
    out.push_back("# 3. restart the pods so the application reads the restored files:");
    out.push_back(fmt::format("kubectl -n {} rollout restart statefulset/{}", r.ns, r.statefulset));
    out.push_back(fmt::format("# Checksums of every file at backup time: {}/{}", r.dir, kManifestFile));
    return out;
  }

 private:
  // A pod that mounts v's claim at /kdrill-restore, from the StatefulSet's template.
  Result<kube::Json> HelperPod(const kube::Json& sts, const VolumeBackup& v) {
    const kube::Json tmpl = json::Obj(sts, "/spec/template/spec");
    kube::Json c0 = json::At(tmpl, "/containers/0");
    for (const auto& c : json::Arr(tmpl, "/containers")) {
      if (json::Str(c, "/name") == v.container) c0 = c;
    }
    if (c0.is_null() || json::Str(c0, "/image").empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("StatefulSet {} has no container image to run the restore helper for claim {}",
                                   json::Str(sts, "/metadata/name"), v.claim));
    }
    kube::Json mount = {{"name", "data"}, {"mountPath", kHelperMount}};
    if (!v.sub_path.empty()) mount["subPath"] = v.sub_path;
    kube::Json helper = {{"name", "restore"},
                         {"image", json::Str(c0, "/image")},
                         {"command", {"sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done"}},
                         {"volumeMounts", {mount}}};
    if (c0.contains("imagePullPolicy")) helper["imagePullPolicy"] = c0["imagePullPolicy"];
    if (c0.contains("securityContext")) helper["securityContext"] = c0["securityContext"];
    kube::Json spec = {{"restartPolicy", "Never"},
                       {"terminationGracePeriodSeconds", 5},
                       {"automountServiceAccountToken", false},
                       {"containers", {helper}},
                       {"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", v.claim}}}}}}};
    for (const char* key : {"securityContext", "imagePullSecrets", "nodeSelector", "tolerations"}) {
      if (tmpl.contains(key)) spec[key] = tmpl[key];
    }
    return kube::Json{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata",
                       {{"name", HelperName(v)},
                        {"labels", {{"app.kubernetes.io/managed-by", "kdrill"}, {"kdrill.io/role", "restore-helper"}}}}},
                      {"spec", spec}};
  }

  Status Extract(ProviderContext& ctx, const BackupRecord& record, const VolumeBackup& v, const std::string& helper) {
    AwaitOptions opts;
    opts.timeout = std::min<std::chrono::milliseconds>(ctx.timeout, std::chrono::minutes(5));
    kube::Json last;
    auto ready = AwaitObject(
        ctx.api, ctx.clock, kube::Pods(ctx.ns, helper),
        [](const kube::Json* p) {
          return p && (cluster::PodReady(*p) || json::Str(*p, "/status/phase") == "Failed");
        },
        opts, ctx.stop,
        [&](std::chrono::seconds e, const kube::Json* p) {
          ctx.log(fmt::format("  still waiting for helper pod {} ({}s): {}", helper, e.count(), PodStateText(p)));
        },
        &last);
    if (!ready || !cluster::PodReady(last)) {
      return MakeError(ready ? ErrorCode::kFailedPrecondition : ready.error().code,
                       fmt::format("restore helper pod {}/{} for claim {} did not become Ready: {}", ctx.ns, helper,
                                   v.claim, ready ? PodStateText(&last) : ready.error().message));
    }
    auto begin = ctx.clock.Now();
    std::string path = record.dir + "/" + v.location;
    ExecRequest req{ctx.ns, helper, "restore", {"tar", "-C", kHelperMount, "-xf", "-"}, std::nullopt, ctx.timeout};
    req.stdin_path = path;
    auto r = ctx.exec.Exec(req);
    if (!r) {
      return std::unexpected(Error(r.error().code, fmt::format("streaming {} into claim {} (helper pod {}): {}", path,
                                                               v.claim, helper, r.error().message)));
    }
    if (r->exit_code != 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("tar -xf in helper pod {} for claim {} exited {}: {}", helper, v.claim,
                                   r->exit_code, r->stderr_data));
    }
    auto sync = ctx.exec.Exec({ctx.ns, helper, "restore", {"sync"}, std::nullopt, std::chrono::seconds(60)});
    (void)sync;
    ctx.log(fmt::format("claim {}: {} extracted ({}, {:.1f}s)", v.claim, v.location,
                        HumanBytes(v.bytes), Since(ctx.clock, begin)));
    return Ok();
  }
};

}  // namespace

std::unique_ptr<BackupProvider> MakeExecTarProvider() { return std::make_unique<ExecTarProvider>(); }

}  // namespace kdrill::backup
