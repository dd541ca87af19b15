#include "harness/faults/fault.h"

namespace kdrill::faults {

std::unique_ptr<Fault> MakePodKill();
std::unique_ptr<Fault> MakePvcDelete();

const std::map<std::string, FaultFactory>& FaultRegistry() {
  static const std::map<std::string, FaultFactory> registry = {
      {"pod-kill", MakePodKill},
      {"pvc-delete", MakePvcDelete},
  };
  return registry;
}

std::unique_ptr<Fault> MakeFault(const std::string& name) {
  const auto& r = FaultRegistry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second();
}

}  // namespace kdrill::faults
