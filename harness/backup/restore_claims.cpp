#include "harness/backup/restore_claims.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include "harness/cluster/quantity.h"

namespace kdrill::backup {

namespace {

bool ProvisionerAnnotation(const std::string& key) {
  for (const char* prefix : {"pv.kubernetes.io/", "volume.beta.kubernetes.io/", "volume.kubernetes.io/",
                             "kubectl.kubernetes.io/last-applied-configuration"}) {
    if (key.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

kube::Json ClaimToRestore(const VolumeBackup& v, const std::string& ns, const kube::Json& data_source,
                          int64_t min_bytes) {
  const kube::Json& src = v.claim_object;
  kube::Json meta = {{"name", v.claim}, {"namespace", ns}};
  if (auto l = json::Obj(src, "/metadata/labels"); !l.empty()) meta["labels"] = l;
  kube::Json ann = kube::Json::object();
  const kube::Json annotations = json::Obj(src, "/metadata/annotations");
  for (const auto& [k, val] : annotations.items()) {
    if (!ProvisionerAnnotation(k)) ann[k] = val;
  }
  ann["kdrill.io/restored-from"] = v.location;
  meta["annotations"] = ann;
  kube::Json spec = kube::Json::object();
  for (const char* key : {"accessModes", "storageClassName", "volumeMode", "resources", "selector"}) {
    if (src.contains("spec") && src["spec"].contains(key)) spec[key] = src["spec"][key];
  }
  if (!spec.contains("accessModes")) spec["accessModes"] = {"ReadWriteOnce"};
  std::string req = json::Str(spec, "/resources/requests/storage");
  int64_t want = req.empty() ? 0 : cluster::ParseQuantity(req).value_or(0);
  if (min_bytes > want) {
    spec["resources"]["requests"]["storage"] = cluster::FormatQuantity(min_bytes);
  } else if (req.empty()) {
    spec["resources"]["requests"]["storage"] = "1Gi";
  }
  if (!data_source.is_null()) {
    spec["dataSource"] = data_source;
    spec.erase("selector");
  }
  return {{"apiVersion", "v1"}, {"kind", "PersistentVolumeClaim"}, {"metadata", meta}, {"spec", spec}};
}

Status CreateRestoreClaim(ProviderContext& ctx, const kube::Json& claim) {
  std::string name = json::Str(claim, "/metadata/name");
  auto r = ctx.api.Create(kube::Pvcs(ctx.ns), claim);
  if (!r) {
    if (r.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("claim {}/{} already exists: a restore never overwrites a live claim (run a destroy "
                                   "step before the restore)",
                                   ctx.ns, name));
    }
    return std::unexpected(Error(r.error().code, fmt::format("creating claim {}/{}: {}", ctx.ns, name,
                                                             r.error().message)));
  }
  ctx.log(fmt::format("created claim {} ({}{})", name,
                      json::Str(claim, "/spec/resources/requests/storage", "?"),
                      claim.contains("/spec/dataSource"_json_pointer)
                          ? ", from " + json::Str(claim["spec"]["dataSource"], "/kind") + " " +
                                json::Str(claim["spec"]["dataSource"], "/name")
                          : std::string(", empty")));
  return Ok();
}

Result<kube::Json> ReadStatefulSet(ProviderContext& ctx) {
  auto sts = ctx.api.Get(kube::StatefulSets(ctx.ns, ctx.statefulset));
  if (!sts) {
    return std::unexpected(Error(sts.error().code, fmt::format("reading StatefulSet {}/{}: {}", ctx.ns,
                                                               ctx.statefulset, sts.error().message)));
  }
  return *sts;
}

}  // namespace kdrill::backup
