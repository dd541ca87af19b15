#include "harness/kube/resource_mapper.h"
#include "harness/core/json_fields.h"

#include <map>

namespace kdrill {

Result<KindInfo> LookupKind(const std::string& api_version, const std::string& kind) {
  // group (empty for core) + kind -> resource
  static const std::map<std::pair<std::string, std::string>, KindInfo> table = {
      {{"", "Namespace"}, {"namespaces", false}},
      {{"", "Pod"}, {"pods", true}},
      {{"", "Service"}, {"services", true}},
      {{"", "ConfigMap"}, {"configmaps", true}},
      {{"", "Secret"}, {"secrets", true}},
      {{"", "ServiceAccount"}, {"serviceaccounts", true}},
      {{"", "PersistentVolumeClaim"}, {"persistentvolumeclaims", true}},
      {{"", "PersistentVolume"}, {"persistentvolumes", false}},
      {{"", "Node"}, {"nodes", false}},
      {{"", "Endpoints"}, {"endpoints", true}},
      {{"discovery.k8s.io", "EndpointSlice"}, {"endpointslices", true}},
      {{"", "ResourceQuota"}, {"resourcequotas", true}},
      {{"", "LimitRange"}, {"limitranges", true}},
      {{"apps", "StatefulSet"}, {"statefulsets", true}},
      {{"apps", "Deployment"}, {"deployments", true}},
      {{"apps", "ReplicaSet"}, {"replicasets", true}},
      {{"apps", "DaemonSet"}, {"daemonsets", true}},
      {{"batch", "Job"}, {"jobs", true}},
      {{"policy", "PodDisruptionBudget"}, {"poddisruptionbudgets", true}},
      {{"rbac.authorization.k8s.io", "Role"}, {"roles", true}},
      {{"rbac.authorization.k8s.io", "RoleBinding"}, {"rolebindings", true}},
      {{"rbac.authorization.k8s.io", "ClusterRole"}, {"clusterroles", false}},
      {{"rbac.authorization.k8s.io", "ClusterRoleBinding"}, {"clusterrolebindings", false}},
      {{"storage.k8s.io", "StorageClass"}, {"storageclasses", false}},
      {{"networking.k8s.io", "NetworkPolicy"}, {"networkpolicies", true}},
      {{"snapshot.storage.k8s.io", "VolumeSnapshot"}, {"volumesnapshots", true}},
      {{"snapshot.storage.k8s.io", "VolumeSnapshotClass"}, {"volumesnapshotclasses", false}},
  };
  std::string group;
  if (auto slash = api_version.find('/'); slash != std::string::npos) {
    group = api_version.substr(0, slash);
  }
  auto it = table.find({group, kind});
  if (it == table.end()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "kind " + kind + " (" + api_version + ") is not one kdrill can manage in setup manifests");
  }
  return it->second;
}

Result<kube::ResourceRef> RefForObject(const kube::Json& obj, const std::string& default_ns) {
  std::string api_version = json::Str(obj, "/apiVersion");
  std::string kind = json::Str(obj, "/kind");
  auto info = LookupKind(api_version, kind);
  if (!info) {
    return std::unexpected(info.error());
  }
  kube::ResourceRef ref;
  ref.api_version = api_version;
  ref.resource = info->resource;
  const auto& meta = obj.contains("metadata") ? obj["metadata"] : kube::Json::object();
  ref.name = json::Str(meta, "/name");
  if (info->namespaced) {
    ref.ns = json::Str(meta, "/namespace", default_ns);
  }
  return ref;
}

}  // namespace kdrill
