#include "assertions/assertion.h"

namespace kdrill::assertions {

std::unique_ptr<Assertion> MakeStableIdentity();
std::unique_ptr<Assertion> MakeSamePvc();
std::unique_ptr<Assertion> MakeOrderedRecovery();
std::unique_ptr<Assertion> MakeOrderedScale();
std::unique_ptr<Assertion> MakeOrderedUpdate();
std::unique_ptr<Assertion> MakeAtMostOnePerOrdinal();
std::unique_ptr<Assertion> MakeRecoveredWithin();
std::unique_ptr<Assertion> MakeDataIntact();
std::unique_ptr<Assertion> MakeProbe();
std::unique_ptr<Assertion> MakePvcRetention();
std::unique_ptr<Assertion> MakeBackupRestore();
std::unique_ptr<Assertion> MakeAcknowledgedWrites();
std::unique_ptr<Assertion> MakeMaxUnavailability();

const std::map<std::string, AssertionFactory>& AssertionRegistry() {
  static const std::map<std::string, AssertionFactory> registry = {
      {"stable-identity", MakeStableIdentity},
      {"same-pvc", MakeSamePvc},
      {"ordered-recovery", MakeOrderedRecovery},
      {"ordered-scale", MakeOrderedScale},
      {"ordered-update", MakeOrderedUpdate},
      {"at-most-one-per-ordinal", MakeAtMostOnePerOrdinal},
      {"recovered-within", MakeRecoveredWithin},
      {"data-intact", MakeDataIntact},
      {"probe", MakeProbe},
      {"pvc-retention", MakePvcRetention},
      {"backup-restore", MakeBackupRestore},
      {"acknowledged-writes", MakeAcknowledgedWrites},
      {"max-unavailability", MakeMaxUnavailability},
  };
  return registry;
}

std::unique_ptr<Assertion> MakeAssertion(const std::string& name) {
  const auto& r = AssertionRegistry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second();
}

}  // namespace kdrill::assertions
