#include "harness/faults/backup_steps.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "harness/cluster/mount_paths.h"
#include "harness/faults/strip_object.h"

namespace kdrill::faults {

Result<std::vector<backup::VolumeBackup>> ResolveBackupVolumes(FaultContext& ctx, const kube::Json& sts,
                                                               const std::vector<std::string>& templates,
                                                               const std::string& container,
                                                               const drill::Params& params) {
  auto spec = cluster::ReadStatefulSet(sts);
  std::vector<std::string> use = templates.empty() ? spec.claim_templates : templates;
  if (spec.claim_templates.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("StatefulSet {}/{} has no volumeClaimTemplates: there is no claim to back up", ctx.ns,
                                 spec.name));
  }
  for (const auto& t : use) {
    if (std::find(spec.claim_templates.begin(), spec.claim_templates.end(), t) == spec.claim_templates.end()) {
      return std::unexpected(params.ErrorAt(
          "volumes", fmt::format("{} is not a claim template of {} (it has: {})", t, spec.name,
                                 fmt::join(spec.claim_templates, ", "))));
    }
  }
  std::vector<backup::VolumeBackup> out;
  for (int ord = spec.ordinal_start; ord < spec.ordinal_start + spec.replicas; ++ord) {
    std::string pod_name = cluster::PodName(spec.name, ord);
    auto pod = ctx.api.Get(kube::Pods(ctx.ns, pod_name));
    if (!pod) {
      return std::unexpected(Error(pod.error().code, fmt::format("reading pod {}/{} to back up its claims: {}",
                                                                 ctx.ns, pod_name, pod.error().message)));
    }
    if (cluster::PodTerminating(*pod) || json::Str(*pod, "/status/phase") != "Running") {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("pod {}/{} is not running (phase {}{}): a backup reads each claim through the pod "
                                   "that mounts it; wait for statefulset-settled first",
                                   ctx.ns, pod_name, json::Str(*pod, "/status/phase", "?"),
                                   cluster::PodTerminating(*pod) ? ", terminating" : ""));
    }
    for (const auto& t : use) {
      auto mount = cluster::FindMount(*pod, t, container);
      if (!mount) {
        return MakeError(mount.error().code, params.location().ToString() + ": " + mount.error().message +
                                                 "; set params.volumes/params.container to a mounted claim");
      }
      backup::VolumeBackup v;
      v.ordinal = ord;
      v.claim_template = t;
      v.claim = cluster::ClaimName(t, spec.name, ord);
      v.pod = pod_name;
      v.container = mount->container;
      v.mount_path = mount->path;
      v.sub_path = mount->sub_path;
      auto claim = ctx.api.Get(kube::Pvcs(ctx.ns, v.claim));
      if (!claim) {
        return std::unexpected(Error(claim.error().code, fmt::format("reading claim {}/{}: {}", ctx.ns, v.claim,
                                                                     claim.error().message)));
      }
      v.claim_object = StripServerFields(*claim);
      out.push_back(std::move(v));
    }
  }
  if (out.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("StatefulSet {}/{} has 0 replicas: there is nothing to back up", ctx.ns, spec.name));
  }
  return out;
}

kube::Json CollectNamespaceObjects(FaultContext& ctx, const kube::Json& sts, std::vector<std::string>* secrets) {
  kube::Json out = kube::Json::array();
  if (auto ns = ctx.api.Get(kube::Namespaces(ctx.ns)); ns) {
    kube::Json meta = {{"name", ctx.ns}};
    for (const char* k : {"labels", "annotations"}) {
      if (ns->contains("metadata") && (*ns)["metadata"].contains(k)) meta[k] = (*ns)["metadata"][k];
    }
    out.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", meta}});
  }
  // ConfigMaps and Secrets the pod template names.
  std::set<std::string> cms, secs;
  const auto tmpl = json::Obj(sts, "/spec/template/spec");
  for (const auto& v : json::Arr(tmpl, "/volumes")) {
    if (v.contains("configMap")) cms.insert(json::Str(v["configMap"], "/name"));
    if (v.contains("secret")) secs.insert(json::Str(v["secret"], "/secretName"));
    for (const auto& src : json::Arr(v, "/projected/sources")) {
      if (src.contains("configMap")) cms.insert(json::Str(src["configMap"], "/name"));
      if (src.contains("secret")) secs.insert(json::Str(src["secret"], "/name"));
    }
  }
  for (const char* list : {"containers", "initContainers"}) {
    for (const auto& c : tmpl.value(list, kube::Json::array())) {
      for (const auto& e : json::Arr(c, "/envFrom")) {
        if (e.contains("configMapRef")) cms.insert(json::Str(e["configMapRef"], "/name"));
        if (e.contains("secretRef")) secs.insert(json::Str(e["secretRef"], "/name"));
      }
      for (const auto& e : json::Arr(c, "/env")) {
        if (e.contains("/valueFrom/configMapKeyRef"_json_pointer)) {
          cms.insert(json::Str(e["valueFrom"]["configMapKeyRef"], "/name"));
        }
        if (e.contains("/valueFrom/secretKeyRef"_json_pointer)) {
          secs.insert(json::Str(e["valueFrom"]["secretKeyRef"], "/name"));
        }
      }
    }
  }
  for (const auto& name : cms) {
    if (name.empty()) continue;
    if (auto cm = ctx.api.Get({"v1", "configmaps", ctx.ns, name, {}}); cm) {
      auto c = StripServerFields(*cm);
      c["apiVersion"] = "v1";
      c["kind"] = "ConfigMap";
      out.push_back(c);
    }
  }
  if (secrets) {
    for (const auto& s : secs) {
      if (!s.empty()) secrets->push_back(s);
    }
  }
  std::string svc_name = json::Str(sts, "/spec/serviceName");
  if (!svc_name.empty()) {
    if (auto svc = ctx.api.Get({"v1", "services", ctx.ns, svc_name, {}}); svc) {
      auto s = StripServerFields(*svc);
      s["apiVersion"] = "v1";
      s["kind"] = "Service";
      if (json::Str(s, "/spec/clusterIP") != "None") {
        s["spec"].erase("clusterIP");
        s["spec"].erase("clusterIPs");
      }
      out.push_back(s);
    }
  }
  auto st = StripServerFields(sts);
  st["apiVersion"] = "apps/v1";
  st["kind"] = "StatefulSet";
  out.push_back(st);
  return out;
}

backup::ProviderContext MakeProviderContext(FaultContext& ctx, const drill::Step& step,
                                            std::chrono::milliseconds timeout) {
  std::string run = ctx.backups ? ctx.backups->run_id() : (ctx.journal ? ctx.journal->Header().run_id : "");
  return backup::ProviderContext{ctx.api,  ctx.exec, ctx.journal, ctx.clock, ctx.ns, ctx.sts.name,
                                 step.name, run,      ctx.log,     ctx.stop,  timeout};
}

Result<backup::Session*> RequireSession(FaultContext& ctx) {
  if (!ctx.backups || !ctx.journal) {
    return MakeError(ErrorCode::kInternal, "backup steps need the run's backup session and journal");
  }
  return ctx.backups;
}

std::string ProviderList() {
  std::vector<std::string> q;
  for (const auto& n : backup::ProviderNames()) q.push_back("\"" + n + "\"");
  return fmt::format("{}", fmt::join(q, ", "));
}

void WriteHandRestoreFile(FaultContext& ctx, backup::BackupProvider& provider, const backup::BackupRecord& record) {
  auto path = backup::WriteHandRestore(record.dir, provider.HandRestore(record));
  if (path) {
    ctx.log("how to restore this backup by hand: " + *path);
  } else {
    ctx.log("could not write the hand-restore instructions: " + path.error().message);
  }
}

}  // namespace kdrill::faults
