#include "harness/cluster/mount_paths.h"
#include "harness/core/json_fields.h"

namespace kdrill::cluster {

Result<MountPoint> FindMount(const kube::Json& pod, const std::string& volume, const std::string& container) {
  const auto containers = json::Arr(pod, "/spec/containers");
  for (const auto& c : containers) {
    std::string name = json::Str(c, "/name");
    if (!container.empty() && name != container) continue;
    for (const auto& m : json::Arr(c, "/volumeMounts")) {
      if (json::Str(m, "/name") == volume) {
        return MountPoint{name, json::Str(m, "/mountPath"), json::Str(m, "/subPath")};
      }
    }
  }
  std::string pod_name = json::Str(pod, "/metadata/name");
  return MakeError(ErrorCode::kFailedPrecondition,
                   "no container" + (container.empty() ? std::string() : " named " + container) + " in pod " +
                       pod_name + " mounts volume " + volume);
}

}  // namespace kdrill::cluster
