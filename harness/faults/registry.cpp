#include "harness/faults/fault.h"

namespace kdrill::faults {

std::unique_ptr<Fault> MakePodKill();
std::unique_ptr<Fault> MakePvcDelete();
// Volume and StatefulSet-spec faults (see harness/faults/FAULTS-volume.md).
std::unique_ptr<Fault> MakeVolumeFill();
std::unique_ptr<Fault> MakePvcResize();
std::unique_ptr<Fault> MakeStsVolumeExpansion();
std::unique_ptr<Fault> MakeScale();
std::unique_ptr<Fault> MakeRollout();
std::unique_ptr<Fault> MakeStatefulSetDelete();
// Container and node faults (see harness/faults/FAULTS.md).
std::unique_ptr<Fault> MakeContainerKill();
std::unique_ptr<Fault> MakeNodeCordon();
std::unique_ptr<Fault> MakeNodeUncordon();
std::unique_ptr<Fault> MakeNodeDrain();
// Backup and restore steps (see harness/faults/FAULTS-backup.md).
std::unique_ptr<Fault> MakeBackup();
std::unique_ptr<Fault> MakeMutateData();
std::unique_ptr<Fault> MakeDestroy();
std::unique_ptr<Fault> MakeRestore();

const std::map<std::string, FaultFactory>& FaultRegistry() {
  static const std::map<std::string, FaultFactory> registry = {
      {"pod-kill", MakePodKill},
      {"pvc-delete", MakePvcDelete},
      {"volume-fill", MakeVolumeFill},
      {"pvc-resize", MakePvcResize},
      {"sts-volume-expansion", MakeStsVolumeExpansion},
      {"scale", MakeScale},
      {"rollout", MakeRollout},
      {"statefulset-delete", MakeStatefulSetDelete},
      {"container-kill", MakeContainerKill},
      {"node-cordon", MakeNodeCordon},
      {"node-uncordon", MakeNodeUncordon},
      {"node-drain", MakeNodeDrain},
      {"backup", MakeBackup},
      {"mutate-data", MakeMutateData},
      {"destroy", MakeDestroy},
      {"restore", MakeRestore},
  };
  return registry;
}

std::unique_ptr<Fault> MakeFault(const std::string& name) {
  const auto& r = FaultRegistry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second();
}

}  // namespace kdrill::faults
