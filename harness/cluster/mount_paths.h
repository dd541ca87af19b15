#pragma once
// Finding where a claim template is mounted inside a StatefulSet pod.

#include <string>

#include "harness/core/status.h"
#include "harness/kube/kube_api.h"

namespace kdrill::cluster {

struct MountPoint {
  std::string container;
  std::string path;
  std::string sub_path;  // the mount's subPath, if any
};

// The container (the named one, or the first that mounts it) and mount path
// of volume `volume` (a claim template name) in pod. kFailedPrecondition when
// no container mounts it.
Result<MountPoint> FindMount(const kube::Json& pod, const std::string& volume, const std::string& container);

}  // namespace kdrill::cluster
