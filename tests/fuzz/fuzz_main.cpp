// One AFL++ executable per target (tests/fuzz/CMakeLists.txt defines
// KDRILL_FUZZ_TARGET): libAFLDriver calls LLVMFuzzerTestOneInput in
// persistent mode.
#include "tests/fuzz/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  kdrill::fuzz::KDRILL_FUZZ_TARGET(data, size);
  return 0;
}
