#pragma once
// What the parser needs to know about faults, waits and assertions without
// depending on their implementations: the names that exist and a validator for
// each one's params. The real catalog is built from the fault and assertion
// registries; parser tests pass a small fake.

#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/drill/model.h"

namespace kdrill::drill {

class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual std::vector<std::string> FaultNames() const = 0;
  virtual std::vector<std::string> AssertionNames() const = 0;
  virtual std::vector<std::string> WaitConditions() const = 0;
  // The write workload's clients (spec.workload.client).
  virtual std::vector<std::string> WorkloadClients() const = 0;
  // The ones among them that run inside the target's pod (sh-append): they
  // take spec.workload.dir, never image.
  virtual std::vector<std::string> InPodWorkloadClients() const = 0;
  // REQUIRES: name is in the corresponding list. Errors carry file:line:col.
  virtual Status ValidateFault(const Step& step) const = 0;
  virtual Status ValidateAssertion(const AssertionSpec& spec) const = 0;
  virtual Status ValidateWait(const WaitSpec& spec) const = 0;
};

}  // namespace kdrill::drill
