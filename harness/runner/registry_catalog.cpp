#include "harness/runner/registry_catalog.h"

#include "assertions/assertion.h"
#include "harness/faults/fault.h"
#include "harness/runner/waits.h"
#include "harness/workload/client.h"

namespace kdrill {

std::vector<std::string> RegistryCatalog::FaultNames() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : faults::FaultRegistry()) out.push_back(name);
  return out;
}

std::vector<std::string> RegistryCatalog::AssertionNames() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : assertions::AssertionRegistry()) out.push_back(name);
  return out;
}

std::vector<std::string> RegistryCatalog::WaitConditions() const { return WaitConditionNames(); }

std::vector<std::string> RegistryCatalog::WorkloadClients() const { return workload::WorkloadClientNames(); }

std::vector<std::string> RegistryCatalog::InPodWorkloadClients() const { return workload::InPodClientNames(); }

Status RegistryCatalog::ValidateFault(const drill::Step& step) const {
  auto f = faults::MakeFault(step.fault);
  if (!f) return MakeError(ErrorCode::kInvalidArgument, step.location.ToString() + ": unknown fault " + step.fault);
  return f->Validate(step);
}

Status RegistryCatalog::ValidateAssertion(const drill::AssertionSpec& spec) const {
  auto a = assertions::MakeAssertion(spec.type);
  if (!a) return MakeError(ErrorCode::kInvalidArgument, spec.location.ToString() + ": unknown assertion " + spec.type);
  return a->Validate(spec);
}

Status RegistryCatalog::ValidateWait(const drill::WaitSpec& spec) const { return ValidateWaitSpec(spec); }

}  // namespace kdrill
