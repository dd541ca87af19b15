#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/fuzz/targets.h"

namespace kdrill::fuzz {
namespace {
ViolationHandler handler = nullptr;
}  // namespace

void SetViolationHandler(ViolationHandler h) { handler = h; }

void Violated(std::string_view target, std::string_view what) {
  std::string message = "fuzz target " + std::string(target) + ": contract violated: " +
                        std::string(what);
  if (handler != nullptr) {
    handler(message);
  }
  std::fprintf(stderr, "%s\n", message.c_str());
  std::abort();
}

}  // namespace kdrill::fuzz
