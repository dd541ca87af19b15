#pragma once
// The drill Catalog backed by the real fault, assertion and wait registries.

#include "harness/drill/catalog.h"

namespace kdrill {

class RegistryCatalog final : public drill::Catalog {
 public:
  std::vector<std::string> FaultNames() const override;
  std::vector<std::string> AssertionNames() const override;
  std::vector<std::string> WaitConditions() const override;
  std::vector<std::string> WorkloadClients() const override;
  std::vector<std::string> InPodWorkloadClients() const override;
  Status ValidateFault(const drill::Step& step) const override;
  Status ValidateAssertion(const drill::AssertionSpec& spec) const override;
  Status ValidateWait(const drill::WaitSpec& spec) const override;
};

}  // namespace kdrill
