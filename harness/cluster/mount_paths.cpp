#include "harness/cluster/mount_paths.h"

namespace kdrill::cluster {

Result<MountPoint> FindMount(const kube::Json& pod, const std::string& volume, const std::string& container) {
  const auto containers = pod.value("/spec/containers"_json_pointer, kube::Json::array());
  for (const auto& c : containers) {
    std::string name = c.value("name", "");
    if (!container.empty() && name != container) continue;
    for (const auto& m : c.value("volumeMounts", kube::Json::array())) {
      if (m.value("name", "") == volume) {
        return MountPoint{name, m.value("mountPath", ""), m.value("subPath", "")};
      }
    }
  }
  std::string pod_name = pod.value("/metadata/name"_json_pointer, std::string());
  return MakeError(ErrorCode::kFailedPrecondition,
                   "no container" + (container.empty() ? std::string() : " named " + container) + " in pod " +
                       pod_name + " mounts volume " + volume);
}

}  // namespace kdrill::cluster
