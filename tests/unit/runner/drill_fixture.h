#pragma once
// Parses drills from strings with the real catalog, for runner/fault tests.

#include <gtest/gtest.h>

#include "harness/drill/parser.h"
#include "harness/runner/registry_catalog.h"

namespace kdrill::testing {

inline drill::Drill ParseOrDie(const std::string& yaml) {
  RegistryCatalog catalog;
  auto d = drill::ParseDrill(yaml, "test.yaml", catalog, {});
  if (!d) {
    ADD_FAILURE() << d.error().message;
    return {};
  }
  return *d;
}

}  // namespace kdrill::testing
