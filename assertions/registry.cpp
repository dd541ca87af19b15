#include "assertions/assertion.h"

namespace kdrill::assertions {

std::unique_ptr<Assertion> MakeStableIdentity();
std::unique_ptr<Assertion> MakeSamePvc();
std::unique_ptr<Assertion> MakeProbe();
std::unique_ptr<Assertion> MakePvcRetention();

const std::map<std::string, AssertionFactory>& AssertionRegistry() {
  static const std::map<std::string, AssertionFactory> registry = {
      {"stable-identity", MakeStableIdentity},
      {"same-pvc", MakeSamePvc},
      {"probe", MakeProbe},
      {"pvc-retention", MakePvcRetention},
  };
  return registry;
}

std::unique_ptr<Assertion> MakeAssertion(const std::string& name) {
  const auto& r = AssertionRegistry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second();
}

}  // namespace kdrill::assertions
